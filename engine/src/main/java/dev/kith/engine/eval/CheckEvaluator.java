package dev.kith.engine.eval;

import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Results;
import dev.kith.engine.caveat.CaveatOutcome;
import dev.kith.engine.index.ClosureEntry;
import dev.kith.engine.index.ClosureState;
import dev.kith.engine.index.Condition;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.ReverseVersion;
import dev.kith.engine.index.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.roaringbitmap.RoaringBitmap;

/**
 * Check: does subject S have relation or permission P on object O at one revision (SEMANTICS.md)?
 *
 * <p>A direct recursive walk of the compiled rewrite over a {@link Snapshot}, in Kleene's three-valued logic with
 * CONDITIONAL as unknown. Everything is an int (pairs, object ids, subject keys, answers); the subjects of a
 * (relation, object) are a sorted {@code long[]} searched by binary search; one instance is reused per thread
 * and per check ({@link #reset}), so an uncaveated check allocates nothing.
 *
 * <p>The reducers:
 *
 * <ul>
 *   <li>union (and the stored subjects of a relation, and an any-arrow) stops at the first HAS; an error in a
 *       branch (depth exceeded, a caveat that fails to evaluate) only counts when no branch is HAS;
 *   <li>intersection (and an all-arrow) stops at the first NO; an error only counts when no branch is NO;
 *   <li>exclusion evaluates its base first, and the subtracted side only when the base is not NO;
 *   <li>a chain (a conditional relationship leading to a subject set or through an arrow) is the Kleene AND of
 *       its links.
 * </ul>
 *
 * <p>Depth: every hop to another object (subject-set expansion, arrow) goes through {@link Hops#follow}, which
 * spends one unit of the budget and throws {@link KithException.MaxDepthExceeded} for a hop with none left.
 * Cycles: a (relation, object) already on the current path answers NO for that path (kith's rule), so cyclic
 * data terminates.
 *
 * <p>Memo: a check that visits more than {@link #MEMO_AFTER} (relation, object) pairs starts remembering, in
 * {@link Memo}, the definite answer (HAS or NO) of every pair it enters from then on, with the hops that answer
 * spent beneath it; a later visit of that pair whose remaining depth covers those hops answers from the memo
 * instead of walking again (a folder d levels deep then costs d index reads, not d²/2). Only answers that cannot
 * depend on where they were reached from are kept: no cycle was cut and no error was deferred beneath them
 * (either depends on the path or the depth), and no CONDITIONAL ones. Reusing such an answer beneath an
 * ancestor that it went through changes nothing: that ancestor is on the path only because its own answer was
 * not kept (CONDITIONAL, or computed with less depth than this one spent), and cutting it there replaces an
 * unknown or repeats a walk the memo's answer was decided without (Kleene's logic is monotone).
 *
 * <p>Closures: with the closure index on, a self-recursive relation ({@link CompiledSchema.Rule#closable()}) whose
 * {@link Snapshot#closure} is kept answers a (relation, object) not on the path with a few bitmap reads instead of
 * a walk ({@link #closed}), where that gives the walk's answer: no conditional link is reachable, the subject's
 * entries there are unconditional (for HAS) or absent (for NO), and the object's height is within the depth left,
 * so the walk could neither run out of depth nor spend more hops than the height. Otherwise it walks.
 *
 * <p>Deadline: every (relation, object) visited is a step of the thread's {@link Deadline.Ticker}, which looks
 * at the caller's deadline every {@link Deadline.Ticker#EVERY} steps (counted across checks, so a short check
 * pays one decrement per step); {@link KithException.DeadlineExceeded} is never
 * deferred by a reducer the way other errors are: it ends the check at once.
 *
 * <p>The missing caveat parameters of a CONDITIONAL answer travel beside it: every method returning
 * CONDITIONAL leaves the set of parameter names it depends on in {@link #missing}.
 */
final class CheckEvaluator {
    private final Clock clock;
    private Snapshot snapshot;
    private CompiledSchema schema;
    private Hops hops;
    private Instant now;
    private Map<String, Object> context;
    private int subjectPair;
    private int subjectId;
    private boolean subjectIsObject;
    /**
     * The key of the stored wildcard of the subject's type ({@code user:*} for {@code user:ann} and for {@code
     * user:ann#friend} alike: a stored wildcard matches every subject of its type, subject sets included), or -1
     * when no stored wildcard matches this check's subject (the subject is the wildcard itself, or the caller
     * asked for concrete paths only).
     */
    private long wildcardKey;

    private long[] path = new long[64];
    private int pathLength;

    /** The parameters the last CONDITIONAL answer depends on (owned by the receiver of that answer). */
    private Set<String> missing;

    private Tracer tracer;

    private final Deadline.Ticker ticker = new Deadline.Ticker("check");

    /** Visits of (relation, object) pairs before a check starts its memo: a short check allocates nothing. */
    static final int MEMO_AFTER = 32;

    private final Memo memo = new Memo();
    private boolean memoizing;
    /** The (relation, object) pairs this check walked before its memo started. */
    private int visits;

    /** Cycles cut and errors deferred so far in this check: a frame is clean when neither moved beneath it. */
    private int cuts;

    private int deferred;
    /** The least depth budget left at any pair entered beneath the innermost open frame. */
    private int lowest;

    /** The index reads (forward postings) of the checks since this evaluator was made: for tests. */
    long indexReads;

    /** Whether self-recursive relations are answered from the snapshot's closures where they are kept. */
    private final boolean closures;

    /** An evaluator that reads {@code clock} when a check meets its first expiration or caveat. */
    CheckEvaluator(Clock clock) {
        this(clock, false);
    }

    /** {@link #CheckEvaluator(Clock)}, answering from the closure index when {@code closures}. */
    CheckEvaluator(Clock clock, boolean closures) {
        this.clock = clock;
        this.closures = closures;
    }

    /** Prepares one check; {@code now} null means "read the clock when a condition needs it". */
    void reset(
            Snapshot snapshot,
            CompiledSchema schema,
            Hops hops,
            Instant now,
            Map<String, Object> context,
            int subjectPair,
            int subjectId,
            boolean subjectIsObject,
            boolean tracing) {
        reset(snapshot, schema, hops, now, context, subjectPair, subjectId, subjectIsObject, tracing, true);
    }

    /**
     * {@link #reset(Snapshot, CompiledSchema, Hops, Instant, Map, int, int, boolean, boolean)}, where {@code
     * matchWildcards} false makes stored wildcards match nothing: the answer of the paths that name the subject
     * itself (lookup-subjects lists a concrete subject with that answer, beside the wildcard's).
     */
    void reset(
            Snapshot snapshot,
            CompiledSchema schema,
            Hops hops,
            Instant now,
            Map<String, Object> context,
            int subjectPair,
            int subjectId,
            boolean subjectIsObject,
            boolean tracing,
            boolean matchWildcards) {
        this.snapshot = snapshot;
        this.schema = schema;
        this.hops = hops;
        this.now = now;
        this.context = context;
        this.subjectPair = subjectPair;
        this.subjectId = subjectId;
        this.subjectIsObject = subjectIsObject;
        int typePair =
                matchWildcards ? Queries.Subject.wildcardPair(snapshot, subjectPair, subjectId, subjectIsObject) : -1;
        this.wildcardKey = typePair >= 0 ? Snapshot.key(typePair, Snapshot.WILDCARD_ID) : -1;
        this.pathLength = 0;
        this.missing = null;
        this.tracer = tracing ? new Tracer() : null;
        this.visits = 0;
        this.cuts = 0;
        this.deferred = 0;
        this.lowest = hops.limit();
        if (memoizing) {
            memo.clear();
            memoizing = false;
        }
    }

    /** The answer for (pair, object); the missing parameters of a CONDITIONAL answer are in {@link #missing()}. */
    int check(int pair, int object) {
        try {
            return relation(pair, object, hops.limit());
        } catch (StackOverflowError tooDeep) {
            // only reachable with a depth limit far above the default: the thread's stack ends before the budget
            pathLength = 0;
            throw hops.stackRanOut(snapshot, pair, object);
        }
    }

    List<String> missing() {
        return missing == null ? List.of() : List.copyOf(missing);
    }

    Results.CheckTrace trace() {
        if (tracer == null || tracer.root() == null) return null;
        return tracer.root().withSchema(schema.schema.source());
    }

    /** The trace step of (pair, object) as names. */
    private Results.CheckTrace.Step step(Results.CheckTrace.Step.Kind kind, int pair, int object) {
        int t = snapshot.pairType(pair);
        String id = object < 0 ? "(unknown)" : snapshot.objectName(t, object);
        return new Results.CheckTrace.Step(
                kind,
                new dev.kith.engine.ObjectRef(snapshot.typeName(t), id),
                snapshot.relationName(snapshot.pairRelation(pair)),
                null,
                null,
                null);
    }

    /** The snapshot this check reads. */
    Snapshot snapshot() {
        return snapshot;
    }

    /**
     * (pair, object) as a userset with {@code depth} units of budget left: trivially itself, else its rule, cut
     * when already on the path. Entered from {@link #check} and from {@link Hops#follow}.
     */
    int relation(int pair, int object, int depth) {
        ticker.tick();
        if (depth < lowest) lowest = depth;
        if (pair == subjectPair && object == subjectId) {
            if (tracer != null) {
                tracer.leaf(
                        describe(pair, object) + " is the subject itself",
                        Tri.HAS,
                        null,
                        step(Results.CheckTrace.Step.Kind.SUBJECT, pair, object));
            }
            return Tri.HAS;
        }
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule == null) return Tri.NO;
        long here = Snapshot.key(pair, object);
        for (int i = 0; i < pathLength; i++) {
            if (path[i] == here) {
                cuts++;
                if (tracer != null) {
                    tracer.leaf(
                            describe(pair, object) + " is already on the path: cut",
                            Tri.NO,
                            null,
                            step(Results.CheckTrace.Step.Kind.CUT, pair, object));
                }
                return Tri.NO;
            }
        }
        if (closures && rule.closable() && tracer == null) {
            int closed = closed(pair, object, depth);
            if (closed >= 0) return closed;
        }
        if (memoizing) return remembered(rule, here, object, depth);
        if (++visits > MEMO_AFTER && tracer == null) {
            memoizing = true;
            return remembered(rule, here, object, depth);
        }
        return walk(rule, here, object, depth);
    }

    /**
     * The answer of a self-recursive (pair, object) from the closure index, or -1 to walk. The closure answers
     * when the object's height fits in {@code depth} (then the walk can try no hop past the limit, and any object
     * it reaches is at most that many hops away) and no object it reaches has a conditional link (then the walk
     * follows only the links the closure holds): HAS when an object reached stores the subject (or the wildcard
     * matching it) without a condition, NO when none stores it at all. A conditional entry of the subject there
     * (and nothing certain) is walked, so its caveat is evaluated as the walk does.
     */
    private int closed(int pair, int object, int depth) {
        ClosureState state = snapshot.closure(pair);
        if (state == null || !state.kept()) return -1;
        ClosureEntry e = snapshot.closure(pair, object);
        RoaringBitmap reach = e == null ? null : e.reach();
        int height = e == null ? 0 : e.height();
        if (height > depth) return -1;
        RoaringBitmap conditional = state.conditionalSources();
        if (conditional != null
                && (reach == null ? conditional.contains(object) : RoaringBitmap.intersects(reach, conditional))) {
            return -1;
        }
        int r = stores(snapshot.reverse(pair, subjectPair, subjectId), reach, object);
        if (r != Tri.HAS && wildcardKey != -1) {
            int w = stores(snapshot.reverse(pair, Snapshot.keyPair(wildcardKey), Snapshot.WILDCARD_ID), reach, object);
            if (w == Tri.HAS || w < 0) r = w;
        }
        if (r >= 0 && depth - height < lowest) lowest = depth - height;
        return r;
    }

    /**
     * Whether one of the objects of {@code reach} (null: just {@code object}) is in {@code v}: HAS when one is
     * without a condition, NO when none is, -1 when only conditional ones are.
     */
    private static int stores(ReverseVersion v, RoaringBitmap reach, int object) {
        if (v == null) return Tri.NO;
        RoaringBitmap objects = v.objects();
        RoaringBitmap conditional = v.conditional();
        if (reach == null) {
            if (!objects.contains(object)) return Tri.NO;
            return conditional != null && conditional.contains(object) ? -1 : Tri.HAS;
        }
        if (!RoaringBitmap.intersects(reach, objects)) return Tri.NO;
        if (conditional == null) return Tri.HAS;
        return RoaringBitmap.andNotCardinality(RoaringBitmap.and(reach, objects), conditional) > 0 ? Tri.HAS : -1;
    }

    /** The rule of a pair not on the path, walked with (pair, object) pushed on the path. */
    private int walk(CompiledSchema.Rule rule, long here, int object, int depth) {
        if (pathLength == path.length) path = Arrays.copyOf(path, path.length * 2);
        path[pathLength++] = here;
        if (tracer != null) {
            int pair = Snapshot.keyPair(here);
            tracer.open(
                    describe(pair, object),
                    step(
                            rule.def().kind() == dev.kith.schema.RelationDef.Kind.PERMISSION
                                    ? Results.CheckTrace.Step.Kind.PERMISSION
                                    : Results.CheckTrace.Step.Kind.RELATION,
                            pair,
                            object));
        }
        int result = Tri.NO;
        try {
            result = eval(rule.node(), rule.type(), object, depth);
            return result;
        } finally {
            pathLength--;
            if (tracer != null) tracer.close(result, result == Tri.CONDITIONAL ? missing : null);
        }
    }

    /**
     * {@link #walk} with the memo on: the kept answer when its hops fit in {@code depth}, else the walk, kept
     * when definite and clean (no cut, no deferred error beneath) with the hops it spent.
     */
    private int remembered(CompiledSchema.Rule rule, long here, int object, int depth) {
        int kept = memo.get(here);
        if (kept >= 0 && Memo.hops(kept) <= depth) {
            lowest = Math.min(lowest, depth - Memo.hops(kept));
            return Memo.answer(kept);
        }
        int cutsBefore = cuts;
        int deferredBefore = deferred;
        int lowestAbove = lowest;
        lowest = depth;
        try {
            int result = walk(rule, here, object, depth);
            if (result != Tri.CONDITIONAL && cuts == cutsBefore && deferred == deferredBefore) {
                memo.put(here, result, depth - lowest);
            }
            return result;
        } finally {
            lowest = Math.min(lowest, lowestAbove);
        }
    }

    private int eval(Node node, int type, int object, int depth) {
        return switch (node) {
            case Node.Direct d -> direct(d, object, depth);
            case Node.Computed c -> relation(c.pair(), object, depth);
            case Node.Arrow a -> arrow(a, object, depth);
            case Node.Union u -> reduce(u.children(), type, object, depth, Tri.HAS);
            case Node.Intersection i -> reduce(i.children(), type, object, depth, Tri.NO);
            case Node.Exclusion e -> exclusion(e, type, object, depth);
            case Node.Nil n -> Tri.NO;
            case Node.Self s ->
                subjectIsObject && subjectPair == s.selfPair() && subjectId == object ? Tri.HAS : Tri.NO;
        };
    }

    private int direct(Node.Direct d, int object, int depth) {
        indexReads++;
        Postings p = snapshot.forward(d.pair(), object);
        if (p == null) return Tri.NO;
        Set<String> acc = null;
        int best = Tri.NO;
        KithException error = null;
        try {
            best = storedSubject(p, Snapshot.key(subjectPair, subjectId));
            if (best == Tri.HAS) return Tri.HAS;
            if (best == Tri.CONDITIONAL) acc = missing;
            if (wildcardKey != -1) {
                int r = storedSubject(p, wildcardKey);
                if (r == Tri.HAS) return Tri.HAS;
                if (r == Tri.CONDITIONAL) {
                    best = Tri.CONDITIONAL;
                    acc = merge(acc, missing);
                }
            }
        } catch (KithException e) {
            deferred++;
            error = e;
        }
        return links(p, d.setPairs(), null, d.pair(), object, depth, best, acc, error);
    }

    /**
     * The union (or, for an all-arrow, the intersection) over the stored links of {@code p} of each link AND
     * what it leads to on the linked object, continuing a reduction that stands at {@code result} (with {@code
     * acc} missing and {@code error} met). The links of subject-set kinds ({@code setPairs}, {@code arrow} null)
     * lead to that subject set; an arrow's links (every entry) lead to its computed relation on the linked
     * object, and a link to a type without that relation is a NO term.
     *
     * <p>The reducer: a union stops at the first HAS, an intersection at the first NO; an error (the last one
     * met) only counts when no term decides by itself. An all-arrow ignores expired links, is NO when nothing is
     * linked, and evaluates each link's caveat before the term's guard (an error there is not deferred): a false
     * caveat is a NO term, as in SpiceDB.
     */
    private int links(
            Postings p,
            int[] setPairs,
            Node.Arrow arrow,
            int fromPair,
            int object,
            int depth,
            int result,
            Set<String> acc,
            KithException error) {
        boolean all = arrow != null && arrow.all();
        int stop = all ? Tri.NO : Tri.HAS;
        boolean linked = false;
        long[] subjects = p.subjects();
        int kinds = arrow == null ? setPairs.length : 1;
        for (int i = 0; i < kinds; i++) {
            int setPair = arrow == null ? setPairs[i] : -1;
            for (int k = arrow == null ? p.lowerBound(Snapshot.key(setPair, 0)) : 0; k < subjects.length; k++) {
                long s = subjects[k];
                if (arrow == null && Snapshot.keyPair(s) != setPair) break;
                int target = arrow == null ? setPair : schema.arrowTarget(snapshot, arrow, s);
                Condition c = p.condition(k);
                int l = Tri.HAS;
                Set<String> linkMissing = null;
                if (all) {
                    if (c != null && expired(c)) continue;
                    linked = true;
                    l = condition(c);
                    if (l == Tri.NO) return Tri.NO;
                    if (l == Tri.CONDITIONAL) linkMissing = missing;
                }
                if (target < 0) {
                    if (all) return Tri.NO;
                    continue;
                }
                try {
                    int r = all
                            ? chain(
                                    l,
                                    linkMissing,
                                    hops.follow(this, target, Snapshot.keyId(s), depth, fromPair, object))
                            : hop(c, target, Snapshot.keyId(s), depth, fromPair, object);
                    if (r == stop) return stop;
                    if (r == Tri.CONDITIONAL) {
                        result = Tri.CONDITIONAL;
                        acc = merge(acc, missing);
                    }
                } catch (KithException.DeadlineExceeded passed) {
                    throw passed;
                } catch (KithException e) {
                    deferred++;
                    error = e;
                }
            }
        }
        if (error != null) throw error;
        if (all && !linked) return Tri.NO;
        missing = acc;
        return result;
    }

    /** The answer of one stored subject key: NO when absent, else its condition's answer. */
    private int storedSubject(Postings p, long key) {
        int i = p.find(key);
        return i < 0 ? Tri.NO : condition(p.condition(i));
    }

    /** A conditional link (its condition) followed by (pair, object) one hop away: the Kleene AND of both. */
    private int hop(Condition link, int pair, int object, int depth, int fromPair, int fromObject) {
        int l = condition(link);
        if (l == Tri.NO) return Tri.NO;
        Set<String> linkMissing = l == Tri.CONDITIONAL ? missing : null;
        return chain(l, linkMissing, hops.follow(this, pair, object, depth, fromPair, fromObject));
    }

    /** Kleene AND of a link's answer {@code l} (with its missing set) and what it leads to ({@code r}). */
    private int chain(int l, Set<String> linkMissing, int r) {
        if (r == Tri.NO) return Tri.NO;
        if (l == Tri.HAS) return r;
        missing = r == Tri.CONDITIONAL ? merge(linkMissing, missing) : linkMissing;
        return Tri.CONDITIONAL;
    }

    /**
     * {@code tupleset->p}: the union over every object linked under the tupleset of link AND p on it; {@code
     * tupleset.all(p)}: the intersection, NO when nothing is linked (see {@link #links}).
     */
    private int arrow(Node.Arrow a, int object, int depth) {
        indexReads++;
        Postings p = snapshot.forward(a.tupleset(), object);
        if (p == null) return Tri.NO;
        return links(p, null, a, a.tupleset(), object, depth, a.all() ? Tri.HAS : Tri.NO, null, null);
    }

    /**
     * Union ({@code stop} HAS: stops at the first HAS, NO when no child is HAS or CONDITIONAL) or intersection
     * ({@code stop} NO: stops at the first NO, HAS when every child is HAS). A depth error in one child only
     * counts when no child decides the answer by itself.
     */
    private int reduce(Node[] children, int type, int object, int depth, int stop) {
        Set<String> acc = null;
        int result = stop == Tri.HAS ? Tri.NO : Tri.HAS;
        KithException error = null;
        for (Node child : children) {
            try {
                int r = eval(child, type, object, depth);
                if (r == stop) return stop;
                if (r == Tri.CONDITIONAL) {
                    result = Tri.CONDITIONAL;
                    acc = merge(acc, missing);
                }
            } catch (KithException.DeadlineExceeded passed) {
                throw passed;
            } catch (KithException e) {
                deferred++;
                error = e;
            }
        }
        if (error != null) throw error;
        missing = acc;
        return result;
    }

    private int exclusion(Node.Exclusion e, int type, int object, int depth) {
        int a = eval(e.base(), type, object, depth);
        if (a == Tri.NO) return Tri.NO;
        Set<String> baseMissing = a == Tri.CONDITIONAL ? missing : null;
        int b = eval(e.subtracted(), type, object, depth);
        if (b == Tri.HAS) return Tri.NO;
        if (a == Tri.HAS && b == Tri.NO) return Tri.HAS;
        missing = b == Tri.CONDITIONAL ? merge(baseMissing, missing) : baseMissing;
        return Tri.CONDITIONAL;
    }

    private boolean expired(Condition c) {
        if (now == null) now = clock.instant();
        return c.expiredAt(now);
    }

    /** A stored relationship's condition at this check: expired is NO, a caveat is evaluated. */
    private int condition(Condition c) {
        if (c == null) return Tri.HAS;
        if (now == null) now = clock.instant();
        if (c.expiredAt(now)) return Tri.NO;
        if (c.caveat() == null) return Tri.HAS;
        CaveatOutcome o = schema.caveats.evaluate(c.caveat().name(), c.caveat().context(), context);
        int r = Tri.of(o.result());
        if (r == Tri.CONDITIONAL) missing = new TreeSet<>(o.missing());
        if (tracer != null) {
            Map<String, Object> evaluatedWith = new java.util.LinkedHashMap<>(context == null ? Map.of() : context);
            evaluatedWith.putAll(c.caveat().context());
            var def = schema.schema.caveat(c.caveat().name());
            tracer.leaf(
                    "caveat " + c.caveat().name(),
                    r,
                    r == Tri.CONDITIONAL ? missing : null,
                    new Results.CheckTrace.Step(
                            Results.CheckTrace.Step.Kind.CAVEAT,
                            null,
                            null,
                            c.caveat().name(),
                            def == null ? null : def.expression(),
                            evaluatedWith));
        }
        return r;
    }

    private static Set<String> merge(Set<String> acc, Set<String> more) {
        if (acc == null) return more == null ? null : new TreeSet<>(more);
        if (more != null) acc.addAll(more);
        return acc;
    }

    private String describe(int pair, int object) {
        return snapshot.describe(pair, object);
    }

    /**
     * The memo of one check: (relation, object) key to its answer and the hops spent beneath it, in open
     * addressing over arrays kept for the evaluator's life; a slot is live when its stamp is the current
     * generation, so clearing is one increment.
     */
    private static final class Memo {
        private long[] keys = new long[0];
        private int[] values = new int[0];
        private int[] stamps = new int[0];
        private int generation = 1;
        private int size;

        static int answer(int value) {
            return value & 3;
        }

        static int hops(int value) {
            return value >>> 2;
        }

        void clear() {
            size = 0;
            if (++generation == 0) {
                Arrays.fill(stamps, 0);
                generation = 1;
            }
        }

        /** The value kept for {@code key}, or -1. */
        int get(long key) {
            if (size == 0) return -1;
            int mask = keys.length - 1;
            for (int i = slot(key, mask); stamps[i] == generation; i = (i + 1) & mask) {
                if (keys[i] == key) return values[i];
            }
            return -1;
        }

        void put(long key, int answer, int hops) {
            if ((size + 1) * 2 > keys.length) grow();
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (stamps[i] == generation && keys[i] != key) i = (i + 1) & mask;
            if (stamps[i] != generation) size++;
            keys[i] = key;
            values[i] = hops << 2 | answer;
            stamps[i] = generation;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            int[] oldStamps = stamps;
            int live = generation;
            int capacity = Math.max(64, keys.length * 2);
            keys = new long[capacity];
            values = new int[capacity];
            stamps = new int[capacity];
            generation = 1;
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldStamps[i] == live) put(oldKeys[i], answer(oldValues[i]), hops(oldValues[i]));
            }
        }

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }

    /** Builds the {@link Results.CheckTrace} tree of a traced check. */
    private static final class Tracer {
        private final List<List<Results.CheckTrace>> children = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<Results.CheckTrace.Step> steps = new ArrayList<>();
        private final List<Long> starts = new ArrayList<>();
        private Results.CheckTrace root;

        Tracer() {
            children.add(new ArrayList<>());
        }

        void open(String description, Results.CheckTrace.Step step) {
            names.add(description);
            steps.add(step);
            starts.add(System.nanoTime());
            children.add(new ArrayList<>());
        }

        void close(int result, Set<String> missing) {
            List<Results.CheckTrace> kids = children.removeLast();
            String name = names.removeLast();
            long nanos = System.nanoTime() - starts.removeLast();
            add(new Results.CheckTrace(
                    name,
                    Tri.toPermissionship(result),
                    missing == null ? List.of() : List.copyOf(missing),
                    kids,
                    steps.removeLast(),
                    nanos,
                    null));
        }

        void leaf(String description, int result, Set<String> missing, Results.CheckTrace.Step step) {
            add(new Results.CheckTrace(
                    description,
                    Tri.toPermissionship(result),
                    missing == null ? List.of() : List.copyOf(missing),
                    List.of(),
                    step,
                    0,
                    null));
        }

        private void add(Results.CheckTrace t) {
            children.getLast().add(t);
            if (children.size() == 1) root = t;
        }

        Results.CheckTrace root() {
            return root;
        }
    }
}

package dev.kith.engine.eval;

import dev.kith.engine.BugException;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.index.ClosureEntry;
import dev.kith.engine.index.ClosureState;
import dev.kith.engine.index.ReverseVersion;
import dev.kith.engine.index.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agrona.collections.Int2ObjectHashMap;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Lookup-resources with bitmap algebra on the {@link Snapshot}'s reverse entries, not a check per object.
 *
 * <p>For the subject S and each (type, relation or permission) pair P the evaluation needs, it computes two
 * disjoint bitmaps of object ids: {@code d}, the objects where check(P, S) is certainly HAS, and {@code m},
 * the objects where it may be HAS or CONDITIONAL (a caveat, an expiration, an all-arrow, or an exclusion whose
 * subtracted side is undecided). Every object outside {@code d ∪ m} is certainly NO. The rules, per rewrite:
 *
 * <ul>
 *   <li>stored subjects of a relation: the reverse bitmaps of S itself, of its type's wildcard, and, per
 *       allowed subject-set kind (U, q), of every u in lookup(U#q, S) — unconditional entries reached from a
 *       certain u go to {@code d}, everything else to {@code m}; S as a subject set is trivially in its own
 *       pair;
 *   <li>union: OR; intersection: d = AND of d, m = AND of (d ∪ m), minus d; exclusion a - b: d = d(a) - (d(b)
 *       ∪ m(b)), m = (d(a) ∪ m(a)) - d(b) - d;
 *   <li>arrow: the union, over each target type, of the tupleset's reverse bitmaps for the targets found by
 *       lookup(target#computed, S); an all-arrow puts all of them in {@code m};
 *   <li>{@code nil} is empty; {@code self} is S when S is an object of the type.
 * </ul>
 *
 * <p>Recursion through data (nested groups, {@code parent->view} on the same type) is iterated to a fixpoint:
 * a pair met again while it is being computed contributes its value from the previous iteration, and the
 * outermost pair of the cycle iterates until no pair's bitmaps change (see {@link #pairSets}). This least fixpoint is exactly what check's cycle rule computes, as long as
 * the recursion is monotone; when a recursive pair is met under the subtracted side of an exclusion (not
 * monotone) the evaluation starts again computing only an upper bound: an exclusion is its base side, with
 * everything in {@code m}, so the candidates are the objects the base sides reach. Finally each object of
 * {@code m} is decided by check (which also yields its missing context); objects of {@code d} are HAS.
 *
 * <p>Depth: the algebra never runs out of depth, check does. So the algebra answers alone only when {@link
 * DepthBounds} proves that no check on the pair, for any object and subject, can spend more hops than the depth
 * limit ({@link Hops#mayRunOut}); otherwise its candidates ({@code d ∪ m}: the objects the walk from the subject up
 * reaches) are each decided by check, but for certain objects whose closure proves their check within the limit,
 * and the lookup raises the depth error of the first candidate whose check raises it. An object that is no
 * candidate has no path to the subject and is not returned, even where its check would run out of depth searching
 * for one: one deep chain in a type fails only the lookups whose subject it leads up from. Lookup-resources and
 * check thus agree on every object returned and on every depth error raised. Results
 * come in interned-id order, which is stable at one revision, so a cursor is the revision plus the last id.
 * One object the snapshot cannot enumerate is added last, decided by check: the subject's own object when it is
 * of the resource type and was never stored (it may still match itself: {@code self}, or a subject set
 * trivially having itself).
 */
final class LookupResourcesEvaluator {
    private static final Sets EMPTY = new Sets(new RoaringBitmap(), new RoaringBitmap());

    /**
     * The most hops a check may need for the algebra to stand in for it. Above, even under a larger depth
     * limit, each object is decided by check, whose stack may run out first (a depth error the algebra could
     * not reproduce): a cold check spends about 1 KiB of stack per hop, and 200 hops fit a 256 KiB thread
     * stack (ScenarioTest), a quarter of the JVM's default.
     */
    private static final int ALGEBRA_HOPS = 200;

    private final Snapshot snapshot;
    private final CompiledSchema schema;
    private final Instant now;
    private final Hops hops;
    private final CheckEvaluator checker;
    private final DepthBounds bounds;
    /** Whether self-recursive relations are computed in one reachability pass ({@link #closedSets}). */
    private final boolean closures;
    /** Polls the caller's deadline: a step per candidate object and per subject set a bitmap is collected for. */
    private final Deadline.Ticker ticker = new Deadline.Ticker("lookup-resources");

    private final Int2ObjectHashMap<Sets> memo = new Int2ObjectHashMap<>();
    private final Set<Integer> settled = new HashSet<>();
    private final Set<Integer> inProgress = new HashSet<>();
    private Set<Integer> hits;
    private long changes;
    private int subjectPair;
    private int subjectId;
    private boolean subjectIsObject;
    /** The pair whose stored wildcard matches the subject (its type's; subject sets included), or -1. */
    private int wildcardPair;

    private int negation;
    private boolean nonMonotone;
    private boolean upperBound;
    /**
     * Whether intersections are computed as unions: with {@link #upperBound}, the objects the walk from the subject
     * up reaches ({@link #deepCandidates}).
     */
    private boolean reach;

    /** Certain and possible object ids; disjoint. */
    record Sets(RoaringBitmap d, RoaringBitmap m) {}

    LookupResourcesEvaluator(
            Snapshot snapshot,
            CompiledSchema schema,
            Instant now,
            Hops hops,
            CheckEvaluator checker,
            DepthBounds bounds) {
        this(snapshot, schema, now, hops, checker, bounds, false);
    }

    /** A lookup that, when {@code closures}, computes self-recursive relations with {@link #closedSets}. */
    LookupResourcesEvaluator(
            Snapshot snapshot,
            CompiledSchema schema,
            Instant now,
            Hops hops,
            CheckEvaluator checker,
            DepthBounds bounds,
            boolean closures) {
        this.closures = closures;
        this.snapshot = snapshot;
        this.schema = schema;
        this.now = now;
        this.hops = hops;
        this.checker = checker;
        this.bounds = bounds;
    }

    Results.Page<Results.LookupResource> lookup(
            int pair, Queries.Subject subject, String unstoredSelf, Map<String, Object> context, int after, int limit) {
        Sets sets = candidates(pair, subject);
        RoaringBitmap all = RoaringBitmap.or(sets.d(), sets.m());
        List<Results.LookupResource> out = new ArrayList<>();
        int type = snapshot.pairType(pair);
        IntIterator it = all.getIntIterator();
        boolean more = false;
        while (it.hasNext()) {
            ticker.tick();
            int object = it.next();
            if (object <= after || object == Snapshot.WILDCARD_ID) continue;
            int answer;
            List<String> missing = List.of();
            if (sets.d().contains(object)) {
                answer = Tri.HAS;
            } else {
                checker.reset(
                        snapshot, schema, hops, now, context, subject.pair(), subject.id(), subject.isObject(), false);
                answer = checker.check(pair, object);
                if (answer == Tri.CONDITIONAL) missing = checker.missing();
            }
            if (answer == Tri.NO) continue;
            if (limit > 0 && out.size() == limit) {
                more = true;
                break;
            }
            out.add(new Results.LookupResource(
                    snapshot.objectName(type, object),
                    Tri.toPermissionship(answer),
                    missing,
                    Cursors.encode(Cursors.RESOURCES, snapshot.revision(), Integer.toString(object))));
        }
        if (!more && unstoredSelf != null && after < Integer.MAX_VALUE) {
            checker.reset(snapshot, schema, hops, now, context, subject.pair(), -2, subject.isObject(), false);
            int answer = checker.check(pair, -2);
            if (answer != Tri.NO && limit > 0 && out.size() == limit) {
                more = true;
            } else if (answer != Tri.NO) {
                out.add(new Results.LookupResource(
                        unstoredSelf,
                        Tri.toPermissionship(answer),
                        answer == Tri.CONDITIONAL ? checker.missing() : List.of(),
                        Cursors.encode(Cursors.RESOURCES, snapshot.revision(), Integer.toString(Integer.MAX_VALUE))));
            }
        }
        return new Results.Page<>(
                out, new Revision(snapshot.revision()), more ? out.getLast().afterCursor() : null);
    }

    /**
     * The d/m bitmaps of (pair, subject). When a check on the pair might run out of depth ({@link DepthBounds}),
     * the algebra's candidates with only the certain objects it can vouch for left in d ({@link #deepCandidates}):
     * the others are decided by check, which raises the depth error exactly where check does. Only an upper bound,
     * all m, when recursion passes under the subtracted side of an exclusion.
     */
    Sets candidates(int pair, Queries.Subject subject) {
        subjectPair = subject.pair();
        subjectId = subject.id();
        subjectIsObject = subject.isObject();
        wildcardPair = Queries.Subject.wildcardPair(snapshot, subjectPair, subjectId, subjectIsObject);
        int bound = bounds.bound(pair);
        if (hops.mayRunOut(bound) || bound > ALGEBRA_HOPS) return deepCandidates(pair);
        Sets r = settle(pair);
        if (nonMonotone) {
            memo.clear();
            settled.clear();
            nonMonotone = false;
            upperBound = true;
            r = settle(pair);
            return new Sets(new RoaringBitmap(), RoaringBitmap.or(r.d(), r.m()));
        }
        return r;
    }

    /**
     * The candidates of a pair on which some check may run out of depth: the objects the walk from the subject up
     * reaches, over stored subjects, subject sets and arrows, through every branch of a union or an intersection
     * and the base side of an exclusion ({@link #reach}; the algebra never runs out of depth). An object outside
     * them has no path to the subject at all: it is not a candidate, whatever a check of it would spend searching
     * for one. Every candidate is decided by check, and so answers, or raises the depth error, exactly as its check
     * does (an intersection's other branch or an exclusion's subtracted side is then evaluated by that check);
     * except a certain object of a self-recursive relation whose closure proves the check cannot run out ({@link
     * #withinLimit}), which is HAS without one. Self-recursive relations are computed in one reachability pass
     * ({@link #closedSets}) whether or not closures are on; other recursion through data raises the depth error once
     * its rounds find objects past the limit ({@link #walkedPastTheLimit}), instead of iterating on up a long chain.
     */
    private Sets deepCandidates(int pair) {
        reach = true;
        upperBound = true;
        Sets r = settle(pair);
        RoaringBitmap d = withinLimit(pair, r.d());
        RoaringBitmap m = RoaringBitmap.or(r.d(), r.m());
        m.andNot(d);
        return new Sets(d, m);
    }

    /**
     * The objects of {@code certain} whose check the closure index answers at the full depth limit: the pair is a
     * kept closure, the object's height is within the limit (no walk from it can try a hop past it) and nothing
     * it reaches has a conditional link. Empty when the pair has no kept closure.
     */
    private RoaringBitmap withinLimit(int pair, RoaringBitmap certain) {
        RoaringBitmap out = new RoaringBitmap();
        CompiledSchema.Rule rule = schema.rule(pair);
        ClosureState state = snapshot.closure(pair);
        if (rule == null || !rule.closable() || state == null || !state.kept()) return out;
        RoaringBitmap conditional = state.conditionalSources();
        int limit = Math.min(hops.limit(), ALGEBRA_HOPS);
        IntIterator it = certain.getIntIterator();
        while (it.hasNext()) {
            ticker.tick();
            int object = it.next();
            ClosureEntry e = snapshot.closure(pair, object);
            if (e != null && e.height() > limit) continue;
            if (conditional != null
                    && (e == null ? conditional.contains(object) : RoaringBitmap.intersects(e.reach(), conditional))) {
                continue;
            }
            out.add(object);
        }
        return out;
    }

    private Sets settle(int pair) {
        hits = new HashSet<>();
        Sets r = pairSets(pair);
        if (!nonMonotone && !settled.contains(pair)) {
            throw new BugException("lookup-resources did not settle on its own pair");
        }
        return r;
    }

    /**
     * The bitmaps of one pair. A pair whose evaluation met no pair still in progress is settled at once. A
     * pair that met only itself (self-recursion through data) is iterated right here until an iteration
     * changes no pair's bitmaps. A pair that met an enclosing pair in progress is left unsettled: its value is
     * provisional, the enclosing pair iterates, and this one is recomputed on each visit until all settle.
     */
    private Sets pairSets(int pair) {
        if (settled.contains(pair)) return memo.get(pair);
        if (inProgress.contains(pair)) {
            hits.add(pair);
            if (negation > 0) nonMonotone = true;
            Sets previous = memo.get(pair);
            return previous == null ? EMPTY : previous;
        }
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule == null) return EMPTY;
        if ((closures || reach) && rule.closable()) {
            Sets r = closedSets(pair);
            if (!same(memo.put(pair, r), r)) changes++;
            settled.add(pair);
            return r;
        }
        // the one pass needs no closure (it reads the children through the reverse index): a lookup that decides
        // its candidates by check ({@code reach}) takes it with the index on or off, so both answer alike
        if ((closures || reach) && schema.recursiveArrow(pair) >= 0) {
            Sets r = arrowClosedSets((Node.Union) rule.node(), schema.recursiveArrow(pair), pair);
            if (!same(memo.put(pair, r), r)) changes++;
            settled.add(pair);
            return r;
        }
        Set<Integer> outerHits = hits;
        inProgress.add(pair);
        Sets r;
        Set<Integer> own;
        try {
            int rounds = 0;
            while (true) {
                hits = new HashSet<>();
                long before = changes;
                r = withSelf(pair, eval(rule.node()));
                Sets old = memo.put(pair, r);
                if (!same(old, r)) changes++;
                // a round that changed anything found objects one more hop up
                if (reach && changes != before && ++rounds > hops.limit() + 1) {
                    throw walkedPastTheLimit(pair, old, r);
                }
                own = hits;
                if (nonMonotone) break;
                boolean onlyItself = own.isEmpty() || (own.size() == 1 && own.contains(pair));
                if (!onlyItself) break;
                if (own.isEmpty() || changes == before) {
                    settled.add(pair);
                    break;
                }
            }
        } finally {
            inProgress.remove(pair);
            hits = outerHits;
        }
        for (int h : own) if (h != pair) hits.add(h);
        return r;
    }

    /**
     * The bitmaps of a self-recursive relation (its only subject-set kind is itself) in one pass instead of a
     * fixpoint: the objects storing the subject or its wildcard are the seeds (S as a subject set of the relation is
     * one too), {@code d} is every object reaching a certain seed over unconditional links, {@code m} every other
     * object reaching any seed over any links. This is the least fixpoint {@link #pairSets} iterates to: a link
     * from a certain object adds to {@code d} exactly when it is unconditional, and everything else reached is
     * possible.
     */
    private Sets closedSets(int pair) {
        RoaringBitmap d = new RoaringBitmap();
        RoaringBitmap m = new RoaringBitmap();
        add(snapshot.reverse(pair, subjectPair, subjectId), true, d, m);
        if (wildcardPair >= 0) add(snapshot.reverse(pair, wildcardPair, Snapshot.WILDCARD_ID), true, d, m);
        if (pair == subjectPair && subjectId > 0) d.add(subjectId);
        m.andNot(d);
        ancestors(pair, d, true);
        RoaringBitmap any = RoaringBitmap.or(d, m);
        ancestors(pair, any, false);
        any.andNot(d);
        return new Sets(d, any);
    }

    /**
     * The bitmaps of a pair with a recursive arrow ({@link CompiledSchema#recursiveArrow}: {@code view = viewer +
     * edit + parent->view}) in one pass down the tupleset's links instead of a fixpoint: its other parts (which
     * never lead back to it, so they settle on their own) give the seeds, then {@code d} grows by every object
     * reaching a certain seed over unconditional links of the tupleset and {@code m} is every other object reaching
     * any seed. This is the least fixpoint {@link #pairSets} iterates to, found in time about the size of the
     * answer: each step reads the reverse entry (the children) of an object already in it.
     */
    private Sets arrowClosedSets(Node.Union node, int tupleset, int pair) {
        RoaringBitmap d = new RoaringBitmap();
        RoaringBitmap m = new RoaringBitmap();
        int type = snapshot.pairType(pair);
        int own = snapshot.findPair(type, Snapshot.NO_RELATION);
        for (Node child : node.children()) {
            if (child instanceof Node.Arrow a
                    && a.tupleset() == tupleset
                    && !a.all()
                    && snapshot.findPair(type, a.computed()) == pair) {
                // the other types it links to are parts like any other; its own type is the recursion
                for (int kind : snapshot.reverseSubjectPairs(tupleset)) {
                    if (kind == own) continue;
                    int target = snapshot.findPair(snapshot.pairType(kind), a.computed());
                    if (schema.rule(target) == null) continue;
                    collect(tupleset, kind, pairSets(target), d, m);
                }
                continue;
            }
            Sets s = eval(child);
            d.or(s.d());
            m.or(s.m());
        }
        if (pair == subjectPair && subjectId > 0) d.add(subjectId);
        m.andNot(d);
        reachBack(tupleset, own, d, true);
        RoaringBitmap any = RoaringBitmap.or(d, m);
        reachBack(tupleset, own, any, false);
        any.andNot(d);
        return new Sets(d, any);
    }

    /** Adds to {@code set} every object reaching one of it over the relation's links (unconditional ones only). */
    private void ancestors(int pair, RoaringBitmap set, boolean unconditionalOnly) {
        reachBack(pair, pair, set, unconditionalOnly);
    }

    /**
     * Adds to {@code set} every object reaching one of it over links of {@code pair} to subjects of kind {@code
     * kind} (unconditional ones only), one reverse read per object added.
     */
    private void reachBack(int pair, int kind, RoaringBitmap set, boolean unconditionalOnly) {
        RoaringBitmap frontier = set.clone();
        while (!frontier.isEmpty()) {
            RoaringBitmap next = new RoaringBitmap();
            IntIterator it = frontier.getIntIterator();
            while (it.hasNext()) {
                ticker.tick();
                ReverseVersion v = snapshot.reverse(pair, kind, it.next());
                if (v == null) continue;
                if (unconditionalOnly && v.conditional() != null) {
                    next.or(RoaringBitmap.andNot(v.objects(), v.conditional()));
                } else {
                    next.or(v.objects());
                }
            }
            next.andNot(set);
            set.or(next);
            frontier = next;
        }
    }

    /**
     * The depth error of a walk from the subject up that still finds objects after more rounds than the depth limit
     * has hops: each round of a recursion through data is at least one hop further from the subject (a stored
     * subject set or an arrow), so every path to an object a round finds is longer than the limit, and the walk
     * runs out before it (as SpiceDB's does). Names one such object.
     */
    private KithException.MaxDepthExceeded walkedPastTheLimit(int pair, Sets before, Sets after) {
        RoaringBitmap found = RoaringBitmap.or(after.d(), after.m());
        if (before != null) found.andNot(RoaringBitmap.or(before.d(), before.m()));
        int object = found.isEmpty() ? 0 : found.first();
        return new KithException.MaxDepthExceeded(
                hops.limit(), snapshot.describe(pair, object) + " (lookup-resources, walking up from the subject)");
    }

    /** S as a subject set trivially has itself. */
    private Sets withSelf(int pair, Sets r) {
        if (pair != subjectPair || subjectId <= 0) return r;
        RoaringBitmap d = r.d().clone();
        d.add(subjectId);
        RoaringBitmap m = r.m().clone();
        m.remove(subjectId);
        return new Sets(d, m);
    }

    private static boolean same(Sets a, Sets b) {
        if (a == null) return b.d().isEmpty() && b.m().isEmpty();
        return a.d().equals(b.d()) && a.m().equals(b.m());
    }

    private Sets eval(Node node) {
        return switch (node) {
            case Node.Direct d -> direct(d);
            case Node.Computed c -> pairSets(c.pair());
            case Node.Arrow a -> arrow(a);
            case Node.Union u -> {
                RoaringBitmap d = new RoaringBitmap();
                RoaringBitmap m = new RoaringBitmap();
                for (Node child : u.children()) {
                    Sets s = eval(child);
                    d.or(s.d());
                    m.or(s.m());
                }
                m.andNot(d);
                yield new Sets(d, m);
            }
            case Node.Intersection i
            when reach -> {
                RoaringBitmap any = new RoaringBitmap();
                for (Node child : i.children()) {
                    Sets s = eval(child);
                    any.or(s.d());
                    any.or(s.m());
                }
                yield new Sets(new RoaringBitmap(), any);
            }
            case Node.Intersection i -> {
                RoaringBitmap d = null;
                RoaringBitmap any = null;
                for (Node child : i.children()) {
                    Sets s = eval(child);
                    RoaringBitmap childAny = RoaringBitmap.or(s.d(), s.m());
                    if (d == null) {
                        d = s.d().clone();
                        any = childAny;
                    } else {
                        d.and(s.d());
                        any.and(childAny);
                    }
                }
                any.andNot(d);
                yield new Sets(d, any);
            }
            case Node.Exclusion e -> {
                Sets a = eval(e.base());
                if (upperBound) yield new Sets(new RoaringBitmap(), RoaringBitmap.or(a.d(), a.m()));
                negation++;
                Sets b;
                try {
                    b = eval(e.subtracted());
                } finally {
                    negation--;
                }
                RoaringBitmap d = RoaringBitmap.andNot(a.d(), RoaringBitmap.or(b.d(), b.m()));
                RoaringBitmap m = RoaringBitmap.or(a.d(), a.m());
                m.andNot(b.d());
                m.andNot(d);
                yield new Sets(d, m);
            }
            case Node.Nil n -> EMPTY;
            case Node.Self s -> {
                RoaringBitmap d = new RoaringBitmap();
                if (subjectIsObject && subjectPair == s.selfPair() && subjectId > 0) d.add(subjectId);
                yield new Sets(d, new RoaringBitmap());
            }
        };
    }

    private Sets direct(Node.Direct node) {
        RoaringBitmap d = new RoaringBitmap();
        RoaringBitmap m = new RoaringBitmap();
        add(snapshot.reverse(node.pair(), subjectPair, subjectId), true, d, m);
        if (wildcardPair >= 0) {
            add(snapshot.reverse(node.pair(), wildcardPair, Snapshot.WILDCARD_ID), true, d, m);
        }
        for (int setPair : node.setPairs()) {
            Sets inner = pairSets(setPair);
            collect(node.pair(), setPair, inner, d, m);
        }
        m.andNot(d);
        return new Sets(d, m);
    }

    private Sets arrow(Node.Arrow a) {
        RoaringBitmap d = new RoaringBitmap();
        RoaringBitmap m = new RoaringBitmap();
        for (int kind : snapshot.reverseSubjectPairs(a.tupleset())) {
            int target = snapshot.findPair(snapshot.pairType(kind), a.computed());
            if (schema.rule(target) == null) continue;
            Sets inner = pairSets(target);
            collect(a.tupleset(), kind, inner, d, m);
        }
        if (a.all()) {
            m.or(d);
            d.clear();
        }
        m.andNot(d);
        return new Sets(d, m);
    }

    /** Adds the objects of {@code pair} storing (kind, u) for every u of {@code inner}. */
    private void collect(int pair, int kind, Sets inner, RoaringBitmap d, RoaringBitmap m) {
        IntIterator it = inner.d().getIntIterator();
        while (it.hasNext()) {
            ticker.tick();
            add(snapshot.reverse(pair, kind, it.next()), true, d, m);
        }
        it = inner.m().getIntIterator();
        while (it.hasNext()) {
            ticker.tick();
            add(snapshot.reverse(pair, kind, it.next()), false, d, m);
        }
    }

    private static void add(ReverseVersion v, boolean certain, RoaringBitmap d, RoaringBitmap m) {
        if (v == null) return;
        if (!certain) {
            m.or(v.objects());
        } else if (v.conditional() == null) {
            d.or(v.objects());
        } else {
            d.or(RoaringBitmap.andNot(v.objects(), v.conditional()));
            m.or(v.conditional());
        }
    }
}

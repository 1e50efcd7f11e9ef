package dev.kith.engine.eval;

import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.index.Condition;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.Snapshot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Lookup-subjects: the subjects of one kind (type, optionally subject relation) with a permission on one
 * resource.
 *
 * <p>First a forward walk from the resource over every branch of the rewrite (both sides of intersections and
 * exclusions, every arrow target, every stored subject set, each (relation, object) once) collects the
 * candidates: every stored subject of the wanted kind it meets, every subject set of that kind it passes
 * through (a subject set trivially has itself). Each candidate is then decided by check. Every other subject is
 * decided at once by one more check: of the wildcard subject for objects (a stored wildcard grants it as it grants
 * any object), of a subject stored nowhere for subject sets; a depth error there is every such subject's depth
 * error, so the lookup raises it.
 *
 * <p>How the answer lists them is SpiceDB's shape, from the subject-set algebra ({@link SubjectAlgebra}, decided by
 * {@link Shape}): the wildcard entry (when check grants the wildcard subject) with its excluded subjects, each
 * exclusion with its own permissionship, and beside it each concrete subject with the permissionship of the
 * paths that name it. A subject is listed so when that shape grants it exactly what check does (its own entry OR
 * the wildcard AND NOT its exclusion); otherwise, and for every subject when the algebra runs out of depth or
 * budget or its wildcard disagrees with check, it is listed by check alone: its own entry with check's answer,
 * excluded from a wildcard with HAS when check denies it, or with CONDITIONAL when check only grants it
 * conditionally under a HAS wildcard. So read as a set the answer is always check's. Results are ordered by
 * subject id.
 */
final class LookupSubjectsEvaluator {
    /** A subject id no relationship holds (check's id for a subject never written). */
    private static final int NEVER_STORED = -3;
    /**
     * The subject-set algebra's budget: calls per (relation, object) the candidate walk visited. Sets without a
     * cycle cut beneath them are reused, so an acyclic graph needs one call per (relation, object) and hop; the
     * budget only stops cycles that keep the algebra from reusing its sets.
     */
    private static final int ALGEBRA_BUDGET_PER_VISIT = 64;

    private final Snapshot snapshot;
    private final CompiledSchema schema;
    private final Instant now;
    private final Hops hops;
    private final CheckEvaluator checker;
    private final Set<Long> visited = new HashSet<>();
    private final ArrayDeque<Long> work = new ArrayDeque<>();
    private final RoaringBitmap candidates = new RoaringBitmap();
    /** Polls the caller's deadline: a step per candidate decided and per stored subject the walk reads. */
    private final Deadline.Ticker ticker = new Deadline.Ticker("lookup-subjects");

    private int subjectPair;

    LookupSubjectsEvaluator(Snapshot snapshot, CompiledSchema schema, Instant now, Hops hops, CheckEvaluator checker) {
        this.snapshot = snapshot;
        this.schema = schema;
        this.now = now;
        this.hops = hops;
        this.checker = checker;
    }

    Results.Page<Results.LookupSubject> lookup(
            int pair,
            int object,
            ObjectRef resource,
            int subjectPair,
            Map<String, Object> context,
            String after,
            int limit) {
        this.subjectPair = subjectPair;
        boolean plainObjects = snapshot.pairRelation(subjectPair) == Snapshot.NO_RELATION;
        if (object >= 0) walk(pair, object);
        int subjectType = snapshot.pairType(subjectPair);
        String resourceSelf = resource.type().equals(snapshot.typeName(subjectType)) ? resource.id() : null;
        List<Results.LookupSubject> found = new ArrayList<>();
        // A subject the walk never met is stored nowhere the check goes: every such subject's check walks the
        // same paths as this one, so it raises the same depth error (then so does the lookup) or answers alike.
        // For objects that one check is the wildcard's (it matches stored wildcards just as any object does).
        int unseen = check(pair, object, plainObjects ? Snapshot.WILDCARD_ID : NEVER_STORED, plainObjects, context);
        int wildcard = plainObjects ? unseen : Tri.NO;
        Shape shape = object >= 0 ? shape(pair, object, context, wildcard) : null;
        List<String> wildcardMissing = wildcard != Tri.CONDITIONAL
                ? List.of()
                : shape != null ? shape.wildcard().missingList() : checker.missing();
        List<Results.LookupSubject> excluded = new ArrayList<>();
        if (shape != null) shape.addIdsTo(candidates);
        IntIterator it = candidates.getIntIterator();
        boolean selfDone = false;
        while (it.hasNext()) {
            ticker.tick();
            int id = it.next();
            if (id == Snapshot.WILDCARD_ID) continue;
            String name = snapshot.objectName(subjectType, id);
            if (name.equals(resourceSelf)) selfDone = true;
            decide(pair, object, id, name, plainObjects, context, wildcard, shape, found, excluded);
        }
        if (!selfDone && resourceSelf != null && object < 0) {
            decide(pair, object, object, resourceSelf, plainObjects, context, wildcard, null, found, excluded);
        }
        if (wildcard != Tri.NO) {
            excluded.sort(java.util.Comparator.comparing(Results.LookupSubject::subjectId));
            found.add(new Results.LookupSubject("*", Tri.toPermissionship(wildcard), wildcardMissing, excluded, null));
        }
        found.sort(java.util.Comparator.comparing(Results.LookupSubject::subjectId));
        List<Results.LookupSubject> page = new ArrayList<>();
        boolean more = false;
        for (Results.LookupSubject s : found) {
            if (after != null && s.subjectId().compareTo(after) <= 0) continue;
            if (limit > 0 && page.size() == limit) {
                more = true;
                break;
            }
            page.add(new Results.LookupSubject(
                    s.subjectId(),
                    s.permissionship(),
                    s.missingContext(),
                    s.excludedSubjects(),
                    Cursors.encode(Cursors.SUBJECTS, snapshot.revision(), s.subjectId())));
        }
        return new Results.Page<>(
                page, new Revision(snapshot.revision()), more ? page.getLast().afterCursor() : null);
    }

    /**
     * Lists subject {@code id} whose check answers {@code r}: as the subject-set algebra has it (its own concrete
     * entry, its exclusion from the wildcard) when that covers it exactly as check answers, else by check alone
     * (a concrete entry with check's answer, and an exclusion that keeps the wildcard from granting more).
     */
    private void decide(
            int pair,
            int object,
            int id,
            String name,
            boolean plainObjects,
            Map<String, Object> context,
            int wildcard,
            Shape shape,
            List<Results.LookupSubject> found,
            List<Results.LookupSubject> excluded) {
        int r = check(pair, object, id, plainObjects, context);
        if (shape != null) {
            CaveatExpr.Value own = shape.concrete(id);
            CaveatExpr.Value exclusion = wildcard == Tri.NO ? CaveatExpr.Value.NO : shape.excluded(id);
            if (Shape.covered(own.tri(), wildcard, exclusion.tri()) == r) {
                if (own.tri() != Tri.NO) found.add(listed(name, own.tri(), own.missingList()));
                if (exclusion.tri() != Tri.NO) excluded.add(listed(name, exclusion.tri(), exclusion.missingList()));
                return;
            }
        }
        List<String> missing = r == Tri.CONDITIONAL ? checker.missing() : List.of();
        if (wildcard != Tri.NO && r == Tri.NO) {
            excluded.add(listed(name, Tri.HAS, List.of()));
        } else if (wildcard == Tri.HAS && r == Tri.CONDITIONAL) {
            excluded.add(listed(name, Tri.CONDITIONAL, missing));
        }
        if (r != Tri.NO) found.add(listed(name, r, missing));
    }

    private static Results.LookupSubject listed(String name, int tri, List<String> missing) {
        return new Results.LookupSubject(name, Tri.toPermissionship(tri), missing, List.of(), null);
    }

    /**
     * The subject-set algebra's answer on (pair, object), decided with the request's context; null (answer by
     * check alone) when it ran out of depth or budget, or when its wildcard disagrees with check's answer for the
     * wildcard subject.
     */
    private Shape shape(int pair, int object, Map<String, Object> context, int wildcard) {
        SubjectSet set;
        try {
            set = new SubjectAlgebra(
                            snapshot,
                            schema,
                            now,
                            hops,
                            subjectPair,
                            ticker,
                            ALGEBRA_BUDGET_PER_VISIT * Math.max(visited.size(), 1))
                    .of(pair, object);
        } catch (KithException.MaxDepthExceeded | SubjectAlgebra.TooCostly e) {
            return null;
        }
        Shape shape = new Shape(set, new CaveatExpr.Evaluation(schema.caveats, context));
        return shape.wildcard().tri() == wildcard ? shape : null;
    }

    private int check(int pair, int object, int id, boolean plainObjects, Map<String, Object> context) {
        checker.reset(snapshot, schema, hops, now, context, subjectPair, id, plainObjects, false);
        return checker.check(pair, object);
    }

    /**
     * Collects candidates reachable from (pair, object), each (pair, object) once. Iterative, with a work list:
     * chains in the data can be longer than the thread's stack.
     */
    private void walk(int pair, int object) {
        enqueue(pair, object);
        while (!work.isEmpty()) {
            ticker.tick();
            long next = work.pop();
            int p = Snapshot.keyPair(next);
            int o = Snapshot.keyId(next);
            if (p == subjectPair) candidates.add(o);
            CompiledSchema.Rule rule = schema.rule(p);
            if (rule != null) walk(rule.node(), o);
        }
    }

    private void enqueue(int pair, int object) {
        long key = Snapshot.key(pair, object);
        if (visited.add(key)) work.push(key);
    }

    /** Visits one rewrite on one object, queueing the (relation, object) pairs it leads to. */
    private void walk(Node node, int object) {
        switch (node) {
            case Node.Direct d -> {
                Postings p = snapshot.forward(d.pair(), object);
                if (p == null) return;
                long[] keys = p.subjects();
                for (int i = 0; i < keys.length; i++) {
                    ticker.tick();
                    Condition c = p.condition(i);
                    if (c != null && c.expiredAt(now)) continue;
                    int kind = Snapshot.keyPair(keys[i]);
                    int id = Snapshot.keyId(keys[i]);
                    if (kind == subjectPair && id != Snapshot.WILDCARD_ID) candidates.add(id);
                    if (snapshot.pairRelation(kind) != Snapshot.NO_RELATION) enqueue(kind, id);
                }
            }
            case Node.Computed c -> enqueue(c.pair(), object);
            case Node.Arrow a -> {
                Postings p = snapshot.forward(a.tupleset(), object);
                if (p == null) return;
                long[] keys = p.subjects();
                for (int i = 0; i < keys.length; i++) {
                    ticker.tick();
                    Condition c = p.condition(i);
                    if (c != null && c.expiredAt(now)) continue;
                    int target = schema.arrowTarget(snapshot, a, keys[i]);
                    if (target >= 0) enqueue(target, Snapshot.keyId(keys[i]));
                }
            }
            case Node.Union u -> {
                for (Node child : u.children()) walk(child, object);
            }
            case Node.Intersection i -> {
                for (Node child : i.children()) walk(child, object);
            }
            case Node.Exclusion e -> {
                walk(e.base(), object);
                walk(e.subtracted(), object);
            }
            case Node.Nil n -> {}
            case Node.Self s -> {
                if (s.selfPair() == subjectPair) candidates.add(object);
            }
        }
    }
}

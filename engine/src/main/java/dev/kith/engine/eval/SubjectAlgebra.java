package dev.kith.engine.eval;

import dev.kith.engine.Deadline;
import dev.kith.engine.index.Condition;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.Snapshot;
import java.time.Instant;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

/**
 * The subjects of one kind that (relation, object) reaches, as a {@link SubjectSet}: lookup-subjects' shape of
 * the answer (which concrete subjects are listed beside a wildcard, with which expression, and what the wildcard
 * excludes). Each rewrite combines its parts' sets: a relation adds its stored subjects of the kind (each under
 * its relationship's caveat) and the sets of its stored subject sets, an arrow the sets of its computed relation
 * on each linked object, each under the link's caveat; union, intersection ({@code .all()} over the links too)
 * and exclusion are the set operations. A (relation, object) that is trivially the subject set asked for holds
 * itself.
 *
 * <p>Hops spend depth as check's do, through {@link Hops}; a path that returns to a (relation, object) already on
 * it is cut (adds nothing), as in check. A set computed with no cut beneath it is remembered and reused where at
 * least as much depth remains. The work is bounded by {@code budget} (calls of {@link #relation}); past it
 * {@link TooCostly} is thrown and the caller answers without this shape, as it does when the depth runs out.
 */
final class SubjectAlgebra {
    /** The algebra would cost more than its budget. */
    static final class TooCostly extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooCostly() {
            super("subject-set algebra over budget", null, false, false);
        }
    }

    private record Kept(SubjectSet set, int depth) {}

    private static final SubjectSet EMPTY = new SubjectSet().freeze();

    private final Snapshot snapshot;
    private final CompiledSchema schema;
    private final Instant now;
    private final Hops hops;
    private final int subjectPair;
    private final Deadline.Ticker ticker;
    private final LongHashSet path = new LongHashSet();
    private final Long2ObjectHashMap<Kept> kept = new Long2ObjectHashMap<>();
    private int budget;
    private int cuts;

    SubjectAlgebra(
            Snapshot snapshot,
            CompiledSchema schema,
            Instant now,
            Hops hops,
            int subjectPair,
            Deadline.Ticker ticker,
            int budget) {
        this.snapshot = snapshot;
        this.schema = schema;
        this.now = now;
        this.hops = hops;
        this.subjectPair = subjectPair;
        this.ticker = ticker;
        this.budget = budget;
    }

    /** The set of (pair, object) with the whole depth limit. */
    SubjectSet of(int pair, int object) {
        return relation(pair, object, hops.limit());
    }

    /** (pair, object) with {@code depth} units left; entered from {@link #of} and {@link Hops#follow}. */
    SubjectSet relation(int pair, int object, int depth) {
        ticker.tick();
        if (--budget < 0) throw new TooCostly();
        long here = Snapshot.key(pair, object);
        if (path.contains(here)) {
            cuts++;
            return EMPTY;
        }
        Kept k = kept.get(here);
        if (k != null && k.depth() <= depth) return k.set();
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule != null) return walk(rule.node(), pair, here, object, depth);
        return pair == subjectPair ? itself(object) : EMPTY;
    }

    /** The snapshot this algebra reads. */
    Snapshot snapshot() {
        return snapshot;
    }

    /** The rule of (pair, object) walked with it on the path; kept when no cycle was cut beneath it. */
    private SubjectSet walk(Node node, int pair, long here, int object, int depth) {
        int cutsBefore = cuts;
        path.add(here);
        SubjectSet found;
        try {
            found = eval(node, object, depth);
        } finally {
            path.remove(here);
        }
        if (node instanceof Node.Computed || node instanceof Node.Arrow) found = gathered(found);
        if (pair == subjectPair) {
            found = found.mutable();
            found.add(object, CaveatExpr.TRUE);
        }
        if (cuts == cutsBefore) {
            found.freeze();
            kept.put(here, new Kept(found, depth));
        }
        return found;
    }

    private static SubjectSet itself(int object) {
        SubjectSet self = new SubjectSet();
        self.add(object, CaveatExpr.TRUE);
        return self;
    }

    /**
     * The set of one rewrite. As in SpiceDB, every operand of a union, intersection or exclusion, and a permission
     * that is a single term, is first gathered into a fresh set ({@link #gathered}): a concrete subject there lifts
     * its exclusion from a wildcard of the same operand, which the operation that made the operand leaves apart.
     */
    private SubjectSet eval(Node node, int object, int depth) {
        return switch (node) {
            case Node.Direct d -> direct(d, object, depth);
            case Node.Computed c -> relation(c.pair(), object, depth);
            case Node.Arrow a -> a.all() ? allArrow(a, object, depth) : anyArrow(a, object, depth);
            case Node.Union u -> {
                SubjectSet acc = new SubjectSet();
                for (Node child : u.children()) acc.addAll(eval(child, object, depth));
                yield acc;
            }
            case Node.Intersection i -> {
                SubjectSet acc = gathered(eval(i.children()[0], object, depth));
                for (int k = 1; k < i.children().length && !acc.isEmpty(); k++) {
                    acc.retainAll(gathered(eval(i.children()[k], object, depth)));
                }
                yield acc;
            }
            case Node.Exclusion e -> {
                SubjectSet base = gathered(eval(e.base(), object, depth));
                if (!base.isEmpty()) base.removeAll(gathered(eval(e.subtracted(), object, depth)));
                yield base;
            }
            case Node.Nil n -> EMPTY;
            case Node.Self s -> s.selfPair() == subjectPair ? itself(object) : EMPTY;
        };
    }

    /** {@code set}'s entries added one by one into a fresh set: concrete subjects first, then the wildcard. */
    private static SubjectSet gathered(SubjectSet set) {
        SubjectSet fresh = new SubjectSet();
        fresh.addAll(set);
        return fresh;
    }

    /**
     * The set of a subject set or arrow target reached through a link: gathered and ANDed with the link's caveat
     * when it has one (as SpiceDB does), as it is otherwise.
     */
    private static SubjectSet linked(SubjectSet set, CaveatExpr link) {
        return link == CaveatExpr.TRUE ? set : gathered(set).under(link);
    }

    /** The stored subjects of the kind, and the sets of the stored subject sets the relation allows. */
    private SubjectSet direct(Node.Direct d, int object, int depth) {
        Postings p = snapshot.forward(d.pair(), object);
        if (p == null) return EMPTY;
        SubjectSet acc = new SubjectSet();
        long[] keys = p.subjects();
        for (int i = 0; i < keys.length; i++) {
            ticker.tick();
            Condition c = p.condition(i);
            if (c != null && c.expiredAt(now)) continue;
            int kind = Snapshot.keyPair(keys[i]);
            int id = Snapshot.keyId(keys[i]);
            CaveatExpr link = CaveatExpr.of(c == null ? null : c.caveat());
            if (kind == subjectPair) {
                if (id == Snapshot.WILDCARD_ID) {
                    acc.addWildcard(link, new Int2ObjectHashMap<>());
                } else {
                    acc.add(id, link);
                }
            }
            if (id != Snapshot.WILDCARD_ID && allows(d.setPairs(), kind)) {
                acc.addAll(linked(hops.follow(this, kind, id, depth, d.pair(), object), link));
            }
        }
        return acc;
    }

    private static boolean allows(int[] setPairs, int kind) {
        for (int s : setPairs) {
            if (s == kind) return true;
        }
        return false;
    }

    /** {@code tupleset->p}: the union over the links of p on each linked object, under the link's caveat. */
    private SubjectSet anyArrow(Node.Arrow a, int object, int depth) {
        Postings p = snapshot.forward(a.tupleset(), object);
        if (p == null) return EMPTY;
        SubjectSet acc = new SubjectSet();
        long[] keys = p.subjects();
        for (int i = 0; i < keys.length; i++) {
            ticker.tick();
            Condition c = p.condition(i);
            if (c != null && c.expiredAt(now)) continue;
            int target = schema.arrowTarget(snapshot, a, keys[i]);
            if (target < 0) continue;
            SubjectSet linked = hops.follow(this, target, Snapshot.keyId(keys[i]), depth, a.tupleset(), object);
            acc.addAll(SubjectAlgebra.linked(linked, CaveatExpr.of(c == null ? null : c.caveat())));
        }
        return acc;
    }

    /**
     * {@code tupleset.all(p)}: the intersection over the links, each under its link's caveat; empty when nothing is
     * linked or a linked object has no relation {@code p} (as check answers).
     */
    private SubjectSet allArrow(Node.Arrow a, int object, int depth) {
        Postings p = snapshot.forward(a.tupleset(), object);
        if (p == null) return EMPTY;
        SubjectSet acc = null;
        long[] keys = p.subjects();
        for (int i = 0; i < keys.length; i++) {
            ticker.tick();
            Condition c = p.condition(i);
            if (c != null && c.expiredAt(now)) continue;
            int target = schema.arrowTarget(snapshot, a, keys[i]);
            if (target < 0) return EMPTY;
            SubjectSet linked = gathered(
                            hops.follow(this, target, Snapshot.keyId(keys[i]), depth, a.tupleset(), object))
                    .under(CaveatExpr.of(c == null ? null : c.caveat()));
            if (acc == null) {
                acc = linked;
            } else {
                acc.retainAll(linked);
            }
            if (acc.isEmpty()) return EMPTY;
        }
        return acc == null ? EMPTY : acc;
    }
}

package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Results;
import dev.kith.engine.index.Snapshot;

/**
 * The hop policy: the one place an evaluation moves from one object to another — following a stored subject set
 * ({@code group:eng#member}) or an arrow's link ({@code parent->view}) — and the owner of the depth budget those
 * hops spend. Check and expand hop through here; lookup-resources and lookup-subjects decide their answers by
 * check (and lookup-resources asks {@link #mayRunOut} whether its algebra may stand in for check), and
 * lookup-subjects' subject-set algebra, which shapes its answer, hops through here too, spending as check does.
 * Whatever
 * changes where a hop is evaluated (sending it to the node that owns its target) belongs here, not in the
 * evaluators.
 *
 * <p>Check's budget: a check starts with {@link #limit()} units; each hop to another object spends one, a
 * computed userset on the same object none, and a hop tried with no unit left is {@link
 * KithException.MaxDepthExceeded} naming that hop. A hop is counted when it is tried, before check's cycle rule
 * cuts it. With a limit of 50 a chain of 50 hops answers and the 51st is the error. {@link DepthBounds} counts
 * hops the same way.
 *
 * <p>Expand's budget is check's: each arrow link followed on the expansion's path is a hop, computed usersets on
 * one object are none, and the hop after the limit is the error (expand does not follow subject sets: a client
 * expands them with another call, which starts its own budget).
 *
 * <p>Immutable and shared by every request of a {@link Queries}.
 */
final class Hops {
    private final int limit;

    Hops(int limit) {
        this.limit = limit;
    }

    /** The depth limit: the budget a check starts with. */
    int limit() {
        return limit;
    }

    /**
     * Whether a check whose hops are at most {@code hops} ({@link DepthBounds}) may run out of budget: if not, no
     * check it bounds can raise a depth error.
     */
    boolean mayRunOut(int hops) {
        return hops > limit;
    }

    /**
     * Check's hop from (fromPair, fromObject) to (pair, object), with {@code depth} units left before it: the
     * answer of (pair, object) with one unit fewer.
     */
    int follow(CheckEvaluator checker, int pair, int object, int depth, int fromPair, int fromObject) {
        if (depth <= 0) throw exceeded(checker.snapshot(), pair, object, fromPair, fromObject);
        return checker.relation(pair, object, depth - 1);
    }

    /**
     * Lookup-subjects' hop from (fromPair, fromObject) to (pair, object), with {@code depth} units left before it:
     * the subject set of (pair, object) with one unit fewer, spent as check spends it.
     */
    SubjectSet follow(SubjectAlgebra algebra, int pair, int object, int depth, int fromPair, int fromObject) {
        if (depth <= 0) throw exceeded(algebra.snapshot(), pair, object, fromPair, fromObject);
        return algebra.relation(pair, object, depth - 1);
    }

    /** Apart from {@link #follow}, which stays small enough to inline on check's hot path. */
    private KithException.MaxDepthExceeded exceeded(
            Snapshot snapshot, int pair, int object, int fromPair, int fromObject) {
        return new KithException.MaxDepthExceeded(
                limit, snapshot.describe(fromPair, fromObject) + " -> " + snapshot.describe(pair, object));
    }

    /**
     * A check that ran out of thread stack at (pair, object) before it ran out of budget. Schema limits keep a
     * valid schema's permission graph shallow enough that this should not happen; the message says what is too
     * deep and gives the caller no advice about the server's stack.
     */
    KithException.MaxDepthExceeded stackRanOut(Snapshot snapshot, int pair, int object) {
        return new KithException.MaxDepthExceeded(
                limit,
                snapshot.describe(pair, object)
                        + " (the graph of permissions and relationships is too deep to evaluate)");
    }

    /**
     * Expand's hop through an arrow's link from {@code from}'s {@code fromRelation}, the {@code hop}th arrow link on
     * the expansion's path: the tree of {@code relation} on (pair, object). Spent as check spends it (computed
     * usersets on one object spend nothing), so a chain that check answers expands, and the hop after the limit
     * is the error in both.
     */
    Results.ExpandNode follow(
            ExpandEvaluator expander,
            int hop,
            ObjectRef from,
            String fromRelation,
            int pair,
            int object,
            String relation) {
        if (hop > limit) throw new KithException.MaxDepthExceeded(limit, "expand of " + from + "#" + fromRelation);
        return expander.relation(pair, object, relation);
    }
}

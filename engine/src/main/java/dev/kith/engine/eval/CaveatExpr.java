package dev.kith.engine.eval;

import dev.kith.engine.Caveat;
import dev.kith.engine.caveat.CaveatEvaluator;
import dev.kith.engine.caveat.CaveatOutcome;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A caveat expression kept symbolic while lookup-subjects combines subject sets: the caveats of the stored
 * relationships on a subject's paths joined with AND (a chain), OR (a union) and NOT (an exclusion), decided with
 * the request's context only once the sets are complete ({@link Evaluation}). {@link #TRUE} is a subject with no
 * condition, {@link #FALSE} one that can never hold. The builders fold constants and repeated operands, so the
 * uncaveated case never builds a node.
 */
sealed interface CaveatExpr {
    CaveatExpr TRUE = new Constant(true);
    CaveatExpr FALSE = new Constant(false);

    record Constant(boolean value) implements CaveatExpr {}

    /** One stored relationship's caveat, with its stored context. */
    record Leaf(Caveat caveat) implements CaveatExpr {}

    record And(CaveatExpr left, CaveatExpr right) implements CaveatExpr {}

    record Or(CaveatExpr left, CaveatExpr right) implements CaveatExpr {}

    record Not(CaveatExpr operand) implements CaveatExpr {}

    /** The expression of a relationship's caveat: {@link #TRUE} when it has none. */
    static CaveatExpr of(Caveat caveat) {
        return caveat == null ? TRUE : new Leaf(caveat);
    }

    static CaveatExpr and(CaveatExpr a, CaveatExpr b) {
        if (a == TRUE || same(a, b)) return b;
        if (b == TRUE) return a;
        if (a == FALSE || b == FALSE) return FALSE;
        return new And(a, b);
    }

    static CaveatExpr or(CaveatExpr a, CaveatExpr b) {
        if (a == FALSE || same(a, b)) return b;
        if (b == FALSE) return a;
        if (a == TRUE || b == TRUE) return TRUE;
        return new Or(a, b);
    }

    static CaveatExpr not(CaveatExpr a) {
        if (a == TRUE) return FALSE;
        if (a == FALSE) return TRUE;
        return a instanceof Not n ? n.operand() : new Not(a);
    }

    /** Identity, or equal leaves: never a deep comparison of shared sub-expressions. */
    private static boolean same(CaveatExpr a, CaveatExpr b) {
        return a == b || (a instanceof Leaf && a.equals(b));
    }

    /** A decided expression: {@link Tri} and, when CONDITIONAL, the missing parameters it depends on. */
    record Value(int tri, Set<String> missing) {
        static final Value HAS = new Value(Tri.HAS, Set.of());
        static final Value NO = new Value(Tri.NO, Set.of());

        List<String> missingList() {
            return List.copyOf(missing);
        }
    }

    /**
     * Decides expressions with one request context, each stored caveat (and each shared sub-expression) once:
     * Kleene's three-valued logic over the caveats' answers, CONDITIONAL carrying the union of the missing
     * parameters of the undecided operands the result depends on.
     */
    final class Evaluation {
        private final CaveatEvaluator caveats;
        private final Map<String, Object> context;
        private final Map<CaveatExpr, Value> decided = new IdentityHashMap<>();

        Evaluation(CaveatEvaluator caveats, Map<String, Object> context) {
            this.caveats = caveats;
            this.context = context;
        }

        Value decide(CaveatExpr e) {
            if (e instanceof Constant c) return c.value() ? Value.HAS : Value.NO;
            Value known = decided.get(e);
            if (known != null) return known;
            Value v = switch (e) {
                case Constant c -> c.value() ? Value.HAS : Value.NO;
                case Leaf l -> leaf(l.caveat());
                case And a -> both(decide(a.left()), decide(a.right()));
                case Or o -> either(decide(o.left()), decide(o.right()));
                case Not n -> {
                    Value x = decide(n.operand());
                    yield x.tri() == Tri.CONDITIONAL ? x : x.tri() == Tri.HAS ? Value.NO : Value.HAS;
                }
            };
            decided.put(e, v);
            return v;
        }

        private Value leaf(Caveat caveat) {
            CaveatOutcome o = caveats.evaluate(caveat.name(), caveat.context(), context);
            int tri = Tri.of(o.result());
            return tri == Tri.CONDITIONAL
                    ? new Value(tri, new TreeSet<>(o.missing()))
                    : tri == Tri.HAS ? Value.HAS : Value.NO;
        }

        private static Value both(Value a, Value b) {
            if (a.tri() == Tri.NO || b.tri() == Tri.HAS) return a;
            if (b.tri() == Tri.NO || a.tri() == Tri.HAS) return b;
            return merged(a, b);
        }

        private static Value either(Value a, Value b) {
            if (a.tri() == Tri.HAS || b.tri() == Tri.NO) return a;
            if (b.tri() == Tri.HAS || a.tri() == Tri.NO) return b;
            return merged(a, b);
        }

        private static Value merged(Value a, Value b) {
            Set<String> all = new TreeSet<>(a.missing());
            all.addAll(b.missing());
            return new Value(Tri.CONDITIONAL, all);
        }
    }
}

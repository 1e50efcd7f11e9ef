package dev.kith.engine.eval;

import org.agrona.collections.Int2ObjectHashMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * A {@link SubjectSet} decided with one request's context, as lookup-subjects lists it: an entry whose expression
 * is false is not listed, true is HAS, undecided is CONDITIONAL with the missing parameters. Each entry is decided
 * when asked for, each expression (and each shared sub-expression) once.
 */
final class Shape {
    private final SubjectSet set;
    private final CaveatExpr.Evaluation evaluation;
    private final CaveatExpr.Value wildcard;

    Shape(SubjectSet set, CaveatExpr.Evaluation evaluation) {
        this.set = set;
        this.evaluation = evaluation;
        this.wildcard = set.wildcard == null ? CaveatExpr.Value.NO : evaluation.decide(set.wildcard.expr);
    }

    /** The wildcard's answer (NO when there is none or its expression is false). */
    CaveatExpr.Value wildcard() {
        return wildcard;
    }

    /** The answer of {@code id}'s own entry: NO when it has none. */
    CaveatExpr.Value concrete(int id) {
        return decide(set.concrete, id);
    }

    /** The answer of {@code id}'s exclusion from the wildcard: NO when it is not excluded. */
    CaveatExpr.Value excluded(int id) {
        return set.wildcard == null ? CaveatExpr.Value.NO : decide(set.wildcard.excluded, id);
    }

    /** Adds the ids this shape names (concrete entries and exclusions) to {@code ids}. */
    void addIdsTo(RoaringBitmap ids) {
        set.concrete.keySet().forEach(ids::add);
        if (set.wildcard != null) set.wildcard.excluded.keySet().forEach(ids::add);
    }

    /**
     * What an answer grants a subject with its own entry {@code own}, beside a wildcard {@code wildcard} that
     * excludes it with {@code exclusion}: own OR (wildcard AND NOT exclusion), in Kleene's logic.
     */
    static int covered(int own, int wildcard, int exclusion) {
        return Math.max(own, Math.min(wildcard, Tri.HAS - exclusion));
    }

    private CaveatExpr.Value decide(Int2ObjectHashMap<CaveatExpr> entries, int id) {
        CaveatExpr e = entries.get(id);
        return e == null ? CaveatExpr.Value.NO : evaluation.decide(e);
    }
}

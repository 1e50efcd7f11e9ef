package dev.kith.schema;

import java.util.List;
import java.util.Objects;

/**
 * A userset rewrite: how the subjects of a relation or permission are computed (Zanzibar §2.3.1).
 *
 * <p>The compiler produces these from the schema text; evaluators switch over them exhaustively
 * (no {@code default}), so a new case breaks the build wherever it is not handled. {@link Union}
 * and {@link Intersection} are n-ary and flattened ({@code a + (b + c)} becomes one union of three);
 * an {@link Exclusion} is never reordered.
 */
public sealed interface Rewrite
        permits Rewrite.Direct,
                Rewrite.ComputedUserset,
                Rewrite.TupleToUserset,
                Rewrite.Union,
                Rewrite.Intersection,
                Rewrite.Exclusion,
                Rewrite.Nil,
                Rewrite.Self {

    /** The relationships stored under the relation itself (Zanzibar's {@code _this}). */
    record Direct() implements Rewrite {}

    /** Another relation or permission of the same object: {@code viewer} inside {@code view}. */
    record ComputedUserset(String relation) implements Rewrite {
        public ComputedUserset {
            Objects.requireNonNull(relation, "relation");
        }
    }

    /**
     * An arrow: for each object stored under {@code tupleset} on this object, {@code computed} on that
     * object. With {@code all} true ({@code tupleset.all(computed)}) every such object must grant it,
     * and no object at all grants nothing.
     */
    record TupleToUserset(String tupleset, String computed, boolean all) implements Rewrite {
        public TupleToUserset {
            Objects.requireNonNull(tupleset, "tupleset");
            Objects.requireNonNull(computed, "computed");
        }
    }

    /** {@code a + b + …}: at least two children, none of them a {@code Union}. */
    record Union(List<Rewrite> children) implements Rewrite {
        public Union {
            children = List.copyOf(children);
        }
    }

    /** {@code a & b & …}: at least two children, none of them an {@code Intersection}. */
    record Intersection(List<Rewrite> children) implements Rewrite {
        public Intersection {
            children = List.copyOf(children);
        }
    }

    /** {@code base - subtracted}: in {@code base} and not in {@code subtracted}. */
    record Exclusion(Rewrite base, Rewrite subtracted) implements Rewrite {
        public Exclusion {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(subtracted, "subtracted");
        }
    }

    /** {@code nil}: the empty set. */
    record Nil() implements Rewrite {}

    /** {@code self} (with {@code use self}): the resource itself, as a subject. */
    record Self() implements Rewrite {}
}

package dev.kith.engine.eval;

/**
 * A rewrite compiled to interned ids, so that evaluation never touches a string: the {@link
 * dev.kith.schema.Rewrite} IR with relation names resolved to index pairs.
 */
sealed interface Node {
    /** The relationships stored under {@code pair}; {@code setPairs} are the subject-set kinds it allows. */
    record Direct(int pair, int[] setPairs) implements Node {}

    /** Another relation or permission ({@code pair}) of the same object. */
    record Computed(int pair, String name) implements Node {}

    /** For each object stored under {@code tupleset}: relation id {@code computed} on it (any, or all). */
    record Arrow(int tupleset, int computed, String computedName, boolean all) implements Node {}

    record Union(Node[] children) implements Node {}

    record Intersection(Node[] children) implements Node {}

    record Exclusion(Node base, Node subtracted) implements Node {}

    /** The empty set. */
    record Nil() implements Node {}

    /** The resource itself as a subject; {@code selfPair} is (resource type, no relation). */
    record Self(int selfPair) implements Node {}
}

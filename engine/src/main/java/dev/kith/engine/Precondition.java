package dev.kith.engine;

import java.util.Objects;

/** A condition on the stored relationships, checked atomically with a write at the write's revision. */
public record Precondition(Kind kind, RelationshipFilter filter) {
    /** MUST_MATCH fails the write if nothing matches; MUST_NOT_MATCH if anything does. */
    public enum Kind {
        MUST_MATCH,
        MUST_NOT_MATCH
    }

    public Precondition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(filter, "filter");
    }
}

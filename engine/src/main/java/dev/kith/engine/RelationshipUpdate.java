package dev.kith.engine;

import java.util.Objects;

/** One update of a write batch. */
public record RelationshipUpdate(Operation operation, Relationship relationship) {
    /** CREATE fails if the relationship exists; TOUCH creates or replaces it; DELETE removes it if present. */
    public enum Operation {
        CREATE,
        TOUCH,
        DELETE
    }

    public RelationshipUpdate {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(relationship, "relationship");
    }

    public static RelationshipUpdate create(Relationship r) {
        return new RelationshipUpdate(Operation.CREATE, r);
    }

    public static RelationshipUpdate touch(Relationship r) {
        return new RelationshipUpdate(Operation.TOUCH, r);
    }

    public static RelationshipUpdate delete(Relationship r) {
        return new RelationshipUpdate(Operation.DELETE, r);
    }
}

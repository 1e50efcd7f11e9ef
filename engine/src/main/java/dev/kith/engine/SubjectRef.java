package dev.kith.engine;

import java.util.Objects;

/**
 * A subject: an object ({@code user:ann}), a subject set ({@code group:eng#member}: every subject with
 * {@code member} on {@code group:eng}) or a wildcard ({@code user:*}: every object of type user).
 *
 * @param type the subject's object type
 * @param id the object id, or {@code *} for a wildcard
 * @param relation the subject relation of a subject set, or {@code null} for an object or wildcard
 */
public record SubjectRef(String type, String id, String relation) {
    /** The id that marks a wildcard subject. */
    public static final String WILDCARD = "*";

    public SubjectRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        if (relation != null && relation.isEmpty()) {
            relation = null;
        }
        if (relation != null && WILDCARD.equals(id)) {
            throw new IllegalArgumentException("a wildcard subject cannot have a relation");
        }
    }

    public static SubjectRef object(String type, String id) {
        return new SubjectRef(type, id, null);
    }

    public static SubjectRef set(String type, String id, String relation) {
        return new SubjectRef(type, id, relation);
    }

    public static SubjectRef wildcard(String type) {
        return new SubjectRef(type, WILDCARD, null);
    }

    public boolean isWildcard() {
        return WILDCARD.equals(id);
    }

    public boolean isSubjectSet() {
        return relation != null;
    }

    public ObjectRef object() {
        return new ObjectRef(type, id);
    }

    @Override
    public String toString() {
        return relation == null ? type + ":" + id : type + ":" + id + "#" + relation;
    }
}

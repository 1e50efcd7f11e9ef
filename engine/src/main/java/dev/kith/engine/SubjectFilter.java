package dev.kith.engine;

import java.util.Objects;

/**
 * Matches relationship subjects: a type, optionally an id, optionally a relation.
 *
 * @param subjectType required
 * @param optionalSubjectId the subject id, or {@code null} for any
 * @param optionalRelation {@code null} for any relation; {@code ""} for subjects without a relation
 *     (SpiceDB's ellipsis); otherwise that subject relation
 */
public record SubjectFilter(String subjectType, String optionalSubjectId, String optionalRelation) {
    public SubjectFilter {
        Objects.requireNonNull(subjectType, "subjectType");
    }
}

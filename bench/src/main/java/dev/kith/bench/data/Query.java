package dev.kith.bench.data;

import java.util.Objects;

/**
 * One line of a queries file: may {@code subject} have {@code permission} on {@code resourceType:resourceId}?
 *
 * @param resourceType the resource's object type, e.g. {@code repo}
 * @param resourceId the resource's id
 * @param permission the permission or relation to check
 * @param subjectType the subject's object type
 * @param subjectId the subject's id ({@code *} for a wildcard subject)
 * @param subjectRelation the subject set's relation, or the empty string for a plain object
 * @param context the caveat context as a JSON object text, or {@code null} when the line carries none
 * @param expected the expected answer, {@link Expectation#NONE} when the line states none
 */
public record Query(
        String resourceType,
        String resourceId,
        String permission,
        String subjectType,
        String subjectId,
        String subjectRelation,
        String context,
        Expectation expected) {

    /** Checks that the required parts are present; the syntax of each part is checked by the reader. */
    public Query {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(subjectType, "subjectType");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(subjectRelation, "subjectRelation");
        Objects.requireNonNull(expected, "expected");
    }

    /** The line as written in a queries file: {@code type:id#permission@type:id[#relation][ with {…}][ true]}. */
    public String toLine() {
        StringBuilder line = new StringBuilder(64)
                .append(resourceType)
                .append(':')
                .append(resourceId)
                .append('#')
                .append(permission)
                .append('@');
        appendSubject(line, subjectType, subjectId, subjectRelation);
        if (context != null) {
            line.append(" with ").append(context);
        }
        if (expected != Expectation.NONE) {
            line.append(' ').append(expected.word());
        }
        return line.toString();
    }

    /** Appends {@code type:id} or {@code type:id#relation}. */
    static void appendSubject(StringBuilder line, String type, String id, String relation) {
        line.append(type).append(':').append(id);
        if (!relation.isEmpty()) {
            line.append('#').append(relation);
        }
    }
}

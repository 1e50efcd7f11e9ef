package dev.kith.bench.data;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One line of a lookups file: which objects of {@code resourceType} does {@code subject} have {@code permission}
 * on, and optionally how many there are (objects with a conditional answer count: a lookup carries no context).
 *
 * @param resourceType the object type to look up, e.g. {@code repo}
 * @param permission the permission or relation
 * @param subjectType the subject's object type
 * @param subjectId the subject's id
 * @param subjectRelation the subject set's relation, or the empty string for a plain object
 * @param expectedCount the expected number of results, empty when the line states none
 */
public record Lookup(
        String resourceType,
        String permission,
        String subjectType,
        String subjectId,
        String subjectRelation,
        OptionalLong expectedCount) {

    /** Checks that the required parts are present; the syntax of each part is checked by the reader. */
    public Lookup {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(subjectType, "subjectType");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(subjectRelation, "subjectRelation");
        Objects.requireNonNull(expectedCount, "expectedCount");
    }

    /** The line as written in a lookups file: {@code type#permission@type:id[#relation][ count]}. */
    public String toLine() {
        StringBuilder line = new StringBuilder(48)
                .append(resourceType)
                .append('#')
                .append(permission)
                .append('@');
        Query.appendSubject(line, subjectType, subjectId, subjectRelation);
        if (expectedCount.isPresent()) {
            line.append(' ').append(expectedCount.getAsLong());
        }
        return line.toString();
    }
}

package dev.kith.engine;

/**
 * Matches stored relationships (read, delete by filter, preconditions). Every non-null part must match.
 *
 * @param resourceType the resource type, or {@code null} for any (at least one field must be set)
 * @param optionalResourceId an exact resource id, or {@code null}
 * @param optionalResourceIdPrefix a resource id prefix, or {@code null} (not together with an exact id)
 * @param optionalRelation the relation, or {@code null}
 * @param optionalSubjectFilter the subject filter, or {@code null}
 */
public record RelationshipFilter(
        String resourceType,
        String optionalResourceId,
        String optionalResourceIdPrefix,
        String optionalRelation,
        SubjectFilter optionalSubjectFilter) {
    public RelationshipFilter {
        if (optionalResourceId != null && optionalResourceIdPrefix != null) {
            throw new IllegalArgumentException("a filter takes an exact resource id or a prefix, not both");
        }
    }

    public static RelationshipFilter ofType(String resourceType) {
        return new RelationshipFilter(resourceType, null, null, null, null);
    }

    /** Whether the relationship matches this filter (caveat and expiration are not considered). */
    public boolean matches(Relationship r) {
        if (resourceType != null && !resourceType.equals(r.resource().type())) return false;
        if (optionalResourceId != null
                && !optionalResourceId.equals(r.resource().id())) return false;
        if (optionalResourceIdPrefix != null && !r.resource().id().startsWith(optionalResourceIdPrefix)) return false;
        if (optionalRelation != null && !optionalRelation.equals(r.relation())) return false;
        SubjectFilter sf = optionalSubjectFilter;
        if (sf != null) {
            SubjectRef s = r.subject();
            if (!sf.subjectType().equals(s.type())) return false;
            if (sf.optionalSubjectId() != null && !sf.optionalSubjectId().equals(s.id())) return false;
            if (sf.optionalRelation() != null) {
                String rel = s.relation() == null ? "" : s.relation();
                if (!sf.optionalRelation().equals(rel)) return false;
            }
        }
        return true;
    }
}

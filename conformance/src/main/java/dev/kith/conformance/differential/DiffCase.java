package dev.kith.conformance.differential;

import java.util.List;
import java.util.Map;

/**
 * One case of the differential test: a schema, its relationships (in the relationship string syntax, caveat and
 * expiration suffixes included) and the queries asked of both SpiceDB and kith, all with the same request
 * context.
 */
public record DiffCase(
        String id,
        long seed,
        String schema,
        List<String> relationships,
        Map<String, Object> context,
        List<CheckQuery> checks,
        List<LookupResourcesQuery> lookupResources,
        List<LookupSubjectsQuery> lookupSubjects) {

    public DiffCase {
        relationships = List.copyOf(relationships);
        context = Map.copyOf(context);
        checks = List.copyOf(checks);
        lookupResources = List.copyOf(lookupResources);
        lookupSubjects = List.copyOf(lookupSubjects);
    }

    /** A check of {@code subject} ({@code type:id}, {@code type:id#relation} or {@code type:*}). */
    public record CheckQuery(String resource, String permission, String subject) {
        @Override
        public String toString() {
            return "check " + resource + "#" + permission + "@" + subject;
        }
    }

    /** Lookup-resources of {@code resourceType} for {@code subject}. */
    public record LookupResourcesQuery(String resourceType, String permission, String subject) {
        @Override
        public String toString() {
            return "lookup-resources " + resourceType + "#" + permission + "@" + subject;
        }
    }

    /** Lookup-subjects of {@code subjectType} (with {@code subjectRelation}, or null) on {@code resource}. */
    public record LookupSubjectsQuery(String resource, String permission, String subjectType, String subjectRelation) {
        @Override
        public String toString() {
            return "lookup-subjects " + resource + "#" + permission + " of " + subjectType
                    + (subjectRelation == null ? "" : "#" + subjectRelation);
        }
    }
}

package dev.kith.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The requests the {@link Engine} answers, as validated records. Context maps hold JSON-shaped Java values
 * (String, Boolean, Number, List, Map with String keys); a null context is an empty one. A {@code limit} of 0
 * means no limit; a null {@code cursor} starts from the beginning.
 *
 * <p>Check, expand and both lookups take {@code contextualRelationships}: relationships that count as stored for
 * that one request only (OpenFGA's contextual tuples), validated against the schema as a write of them would be,
 * never stored. A null list is an empty one; the constructors without the list give an empty one.
 */
public final class Requests {
    private Requests() {}

    /** May {@code subject} do {@code permission} (a permission or a relation) on {@code resource}? */
    public record Check(
            ObjectRef resource,
            String permission,
            SubjectRef subject,
            Map<String, Object> context,
            Consistency consistency,
            boolean withTracing,
            List<Relationship> contextualRelationships) {
        public Check {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(subject, "subject");
            context = context == null ? Map.of() : context;
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            contextualRelationships = contextual(contextualRelationships);
        }

        /** A check without contextual relationships. */
        public Check(
                ObjectRef resource,
                String permission,
                SubjectRef subject,
                Map<String, Object> context,
                Consistency consistency,
                boolean withTracing) {
            this(resource, permission, subject, context, consistency, withTracing, List.of());
        }

        public static Check of(ObjectRef resource, String permission, SubjectRef subject) {
            return new Check(resource, permission, subject, Map.of(), Consistency.MINIMIZE_LATENCY, false);
        }
    }

    /** The userset tree of {@code permission} on {@code resource}. */
    public record Expand(
            ObjectRef resource,
            String permission,
            Consistency consistency,
            List<Relationship> contextualRelationships) {
        public Expand {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(permission, "permission");
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            contextualRelationships = contextual(contextualRelationships);
        }

        /** An expand without contextual relationships. */
        public Expand(ObjectRef resource, String permission, Consistency consistency) {
            this(resource, permission, consistency, List.of());
        }
    }

    /** Every resource of {@code resourceType} on which {@code subject} has {@code permission}. */
    public record LookupResources(
            String resourceType,
            String permission,
            SubjectRef subject,
            Map<String, Object> context,
            Consistency consistency,
            String cursor,
            int limit,
            List<Relationship> contextualRelationships) {
        public LookupResources {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(subject, "subject");
            context = context == null ? Map.of() : context;
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
            contextualRelationships = contextual(contextualRelationships);
        }

        /** A lookup without contextual relationships. */
        public LookupResources(
                String resourceType,
                String permission,
                SubjectRef subject,
                Map<String, Object> context,
                Consistency consistency,
                String cursor,
                int limit) {
            this(resourceType, permission, subject, context, consistency, cursor, limit, List.of());
        }
    }

    /**
     * Every subject of {@code subjectType} (with {@code subjectRelation}, or plain objects when null) that has
     * {@code permission} on {@code resource}; without the wildcard subject when {@code excludeWildcards}
     * (SpiceDB's {@code WILDCARD_OPTION_EXCLUDE_WILDCARDS}), pages then still full.
     */
    public record LookupSubjects(
            ObjectRef resource,
            String permission,
            String subjectType,
            String subjectRelation,
            Map<String, Object> context,
            Consistency consistency,
            String cursor,
            int limit,
            boolean excludeWildcards,
            List<Relationship> contextualRelationships) {
        public LookupSubjects {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(subjectType, "subjectType");
            if (subjectRelation != null && subjectRelation.isEmpty()) subjectRelation = null;
            context = context == null ? Map.of() : context;
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
            contextualRelationships = contextual(contextualRelationships);
        }

        /** A lookup without contextual relationships. */
        public LookupSubjects(
                ObjectRef resource,
                String permission,
                String subjectType,
                String subjectRelation,
                Map<String, Object> context,
                Consistency consistency,
                String cursor,
                int limit,
                boolean excludeWildcards) {
            this(
                    resource,
                    permission,
                    subjectType,
                    subjectRelation,
                    context,
                    consistency,
                    cursor,
                    limit,
                    excludeWildcards,
                    List.of());
        }

        /** A lookup that includes the wildcard subject. */
        public LookupSubjects(
                ObjectRef resource,
                String permission,
                String subjectType,
                String subjectRelation,
                Map<String, Object> context,
                Consistency consistency,
                String cursor,
                int limit) {
            this(
                    resource,
                    permission,
                    subjectType,
                    subjectRelation,
                    context,
                    consistency,
                    cursor,
                    limit,
                    false,
                    List.of());
        }
    }

    /** Stored relationships matching {@code filter}, in a stable order, paged. */
    public record ReadRelationships(RelationshipFilter filter, Consistency consistency, String cursor, int limit) {
        public ReadRelationships {
            Objects.requireNonNull(filter, "filter");
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
        }
    }

    /**
     * Every stored relationship, or those matching {@code filter} when it is not null, in the store order, paged.
     */
    public record Export(RelationshipFilter filter, Consistency consistency, String cursor, int limit) {
        public Export {
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
        }
    }

    /**
     * An atomic write: all updates and preconditions succeed together, or nothing changes.
     *
     * @param metadata the caller's transaction metadata (SpiceDB's {@code optionalTransactionMetadata}): a
     *     JSON-shaped object stored with the write's revision and delivered with its change set; empty for none
     */
    public record Write(
            List<RelationshipUpdate> updates, List<Precondition> preconditions, Map<String, Object> metadata) {
        public Write {
            updates = List.copyOf(updates);
            preconditions = preconditions == null ? List.of() : List.copyOf(preconditions);
            metadata = Results.jsonObject(metadata);
        }

        /** A write without transaction metadata. */
        public Write(List<RelationshipUpdate> updates, List<Precondition> preconditions) {
            this(updates, preconditions, Map.of());
        }
    }

    /**
     * Delete every relationship matching {@code filter}. With a {@code limit} and more matches than it, the
     * delete fails unless {@code allowPartial}, in which case it deletes {@code limit} of them. {@code metadata}
     * is the caller's transaction metadata, as for {@link Write#metadata}.
     */
    public record Delete(
            RelationshipFilter filter,
            List<Precondition> preconditions,
            int limit,
            boolean allowPartial,
            Map<String, Object> metadata) {
        public Delete {
            Objects.requireNonNull(filter, "filter");
            preconditions = preconditions == null ? List.of() : List.copyOf(preconditions);
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
            metadata = Results.jsonObject(metadata);
        }

        /** A delete without transaction metadata (see {@link Write#metadata}). */
        public Delete(RelationshipFilter filter, List<Precondition> preconditions, int limit, boolean allowPartial) {
            this(filter, preconditions, limit, allowPartial, Map.of());
        }
    }

    /**
     * A request's contextual relationships as an immutable list (none for null). An immutable list is kept as it
     * is, so the items of one bulk check that share a list share it here too.
     */
    private static List<Relationship> contextual(List<Relationship> relationships) {
        if (relationships == null || relationships.isEmpty()) return List.of();
        return List.copyOf(relationships);
    }
}

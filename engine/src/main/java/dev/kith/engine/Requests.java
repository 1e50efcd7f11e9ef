package dev.kith.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The requests the {@link Engine} answers, as validated records. Context maps hold JSON-shaped Java values
 * (String, Boolean, Number, List, Map with String keys); a null context is an empty one. A {@code limit} of 0
 * means no limit; a null {@code cursor} starts from the beginning.
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
            boolean withTracing) {
        public Check {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(subject, "subject");
            context = context == null ? Map.of() : context;
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
        }

        public static Check of(ObjectRef resource, String permission, SubjectRef subject) {
            return new Check(resource, permission, subject, Map.of(), Consistency.MINIMIZE_LATENCY, false);
        }
    }

    /** The userset tree of {@code permission} on {@code resource}. */
    public record Expand(ObjectRef resource, String permission, Consistency consistency) {
        public Expand {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(permission, "permission");
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
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
            int limit) {
        public LookupResources {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(subject, "subject");
            context = context == null ? Map.of() : context;
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
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
            boolean excludeWildcards) {
        public LookupSubjects {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(permission, "permission");
            Objects.requireNonNull(subjectType, "subjectType");
            if (subjectRelation != null && subjectRelation.isEmpty()) subjectRelation = null;
            context = context == null ? Map.of() : context;
            consistency = consistency == null ? Consistency.MINIMIZE_LATENCY : consistency;
            if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
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
            this(resource, permission, subjectType, subjectRelation, context, consistency, cursor, limit, false);
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
}

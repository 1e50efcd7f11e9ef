package dev.kith.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which changes a {@link Engine#watch watch} delivers (SpiceDB's {@code optionalObjectTypes} and {@code
 * optionalRelationshipFilters}): a change whose resource type is one of {@code objectTypes} (any type when
 * empty) and that matches one of {@code relationshipFilters} (any change when empty). A change set is delivered
 * with its matching changes only, and not at all when none matches. Schema writes are delivered (to {@link
 * Engine.WatchListener#onSchemaUpdated}) only with {@code schemaUpdates} (SpiceDB's watch kinds, which always
 * include relationship changes).
 */
public record WatchFilter(
        Set<String> objectTypes, List<RelationshipFilter> relationshipFilters, boolean schemaUpdates) {
    /** Every change. */
    public static final WatchFilter ALL = new WatchFilter(Set.of(), List.of());

    public WatchFilter {
        objectTypes = objectTypes == null ? Set.of() : Set.copyOf(objectTypes);
        relationshipFilters = relationshipFilters == null ? List.of() : List.copyOf(relationshipFilters);
    }

    /** Relationship changes only (SpiceDB's default), no schema updates. */
    public WatchFilter(Set<String> objectTypes, List<RelationshipFilter> relationshipFilters) {
        this(objectTypes, relationshipFilters, false);
    }

    /** Whether a change of {@code r} is delivered (caveat and expiration are not considered). */
    public boolean matches(Relationship r) {
        if (!objectTypes.isEmpty() && !objectTypes.contains(r.resource().type())) return false;
        if (relationshipFilters.isEmpty()) return true;
        for (RelationshipFilter f : relationshipFilters) {
            if (f.matches(r)) return true;
        }
        return false;
    }

    /**
     * {@code changes} with only the changes this filter delivers (the same revision and transaction metadata),
     * or null when none is: a change set without changes (a schema write) is never delivered either.
     */
    public Results.ChangeSet apply(Results.ChangeSet changes) {
        if (changes.changes().isEmpty()) return null;
        if (objectTypes.isEmpty() && relationshipFilters.isEmpty()) return changes;
        List<Results.RelationshipChange> kept = new ArrayList<>();
        for (Results.RelationshipChange c : changes.changes()) {
            if (matches(c.relationship())) kept.add(c);
        }
        if (kept.isEmpty()) return null;
        if (kept.size() == changes.changes().size()) return changes;
        return new Results.ChangeSet(changes.revision(), kept, changes.metadata());
    }
}

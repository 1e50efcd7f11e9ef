package dev.kith.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The answers the {@link Engine} gives. Every answer names the revision it was computed at. */
public final class Results {
    private Results() {}

    /**
     * A check's answer; {@code missingContext} lists (sorted) the caveat parameters whose absence made it
     * CONDITIONAL; {@code trace} is present when tracing was asked for.
     */
    public record Check(
            Permissionship permissionship, List<String> missingContext, Revision checkedAt, CheckTrace trace) {
        public Check {
            missingContext = List.copyOf(missingContext);
        }
    }

    /**
     * Why a check answered as it did: one node per evaluated step (a rewrite node, a relation on an object, a
     * caveat), with its own answer, children in evaluation order.
     */
    public record CheckTrace(
            String description,
            Permissionship result,
            List<String> missingContext,
            List<CheckTrace> children,
            Step step,
            long durationNanos,
            String schemaUsed) {
        public CheckTrace {
            missingContext = List.copyOf(missingContext);
            children = List.copyOf(children);
        }

        /** A node without structure (its description says what it is), duration or schema. */
        public CheckTrace(
                String description, Permissionship result, List<String> missingContext, List<CheckTrace> children) {
            this(description, result, missingContext, children, null, 0, null);
        }

        /** This node with {@code schemaUsed}, the source text of the schema the check read (set on the root). */
        public CheckTrace withSchema(String schemaUsed) {
            return new CheckTrace(description, result, missingContext, children, step, durationNanos, schemaUsed);
        }

        /**
         * What a node evaluated, for SpiceDB's {@code CheckDebugTrace}: a relation or permission on an object (its
         * children are what it was computed from), the subject itself reached, a step cut because it was already on
         * the path, or a stored relationship's caveat ({@code caveat}, its CEL {@code expression} and the context it
         * was evaluated with).
         */
        public record Step(
                Kind kind,
                ObjectRef resource,
                String relation,
                String caveat,
                String expression,
                Map<String, Object> context) {
            public enum Kind {
                RELATION,
                PERMISSION,
                SUBJECT,
                CUT,
                CAVEAT
            }

            public Step {
                context = context == null ? Map.of() : Results.jsonObject(context);
            }
        }
    }

    /** One item of a bulk check: a result or an error, never both. */
    public record CheckBulkItem(Check result, KithException error) {}

    /**
     * A node of an expand tree. Leaves carry subjects; other nodes carry children. A node reached through a
     * stored relationship (a child of an arrow: the tree of the computed relation on one object linked under
     * the tupleset) carries that link's {@code caveat} and {@code expiresAt}, null when the link has none;
     * every subject of such a node is reached only under that caveat.
     */
    public record ExpandNode(
            ObjectRef object,
            String relation,
            Kind kind,
            List<ExpandNode> children,
            List<ExpandedSubject> subjects,
            Caveat caveat,
            Instant expiresAt) {
        /** The operation of an intermediate node, or LEAF. */
        public enum Kind {
            LEAF,
            UNION,
            INTERSECTION,
            EXCLUSION
        }

        public ExpandNode {
            children = List.copyOf(children);
            subjects = List.copyOf(subjects);
        }
    }

    /** A directly stored subject in an expand leaf; caveated subjects carry their caveat. */
    public record ExpandedSubject(SubjectRef subject, Caveat caveat, Instant expiresAt) {}

    /** The expand tree with the revision it was computed at. */
    public record Expand(ExpandNode root, Revision expandedAt) {}

    /** A page of results; {@code nextCursor} is null when there are no more. */
    public record Page<T>(List<T> items, Revision revision, String nextCursor) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** A resource found by lookup-resources; {@code afterCursor} resumes right after it. */
    public record LookupResource(
            String resourceId, Permissionship permissionship, List<String> missingContext, String afterCursor) {
        public LookupResource {
            missingContext = List.copyOf(missingContext);
        }
    }

    /**
     * A subject found by lookup-subjects. For a wildcard ({@code subjectId} "*"), {@code excludedSubjects}
     * lists the subjects an exclusion removes from it (each possibly conditional).
     */
    public record LookupSubject(
            String subjectId,
            Permissionship permissionship,
            List<String> missingContext,
            List<LookupSubject> excludedSubjects,
            String afterCursor) {
        public LookupSubject {
            missingContext = List.copyOf(missingContext);
            excludedSubjects = List.copyOf(excludedSubjects);
        }
    }

    /** A stored relationship read back; {@code afterCursor} resumes right after it. */
    public record ReadRelationship(Relationship relationship, String afterCursor) {}

    /** A delete-by-filter's outcome. */
    public record Delete(Revision deletedAt, long deletedCount, boolean partial) {}

    /** The current schema text and the revision it was read at. */
    public record SchemaText(String text, Revision readAt) {}

    /**
     * The compiled schema in force at a revision, for reflection and diffs.
     *
     * @param schema the schema, or {@code null} when none had been written by {@code readAt}
     * @param readAt the revision the consistency picked
     */
    public record SchemaAt(dev.kith.schema.ValidatedSchema schema, Revision readAt) {}

    /**
     * One committed write batch, as the change feed and watch deliver it, with the transaction metadata the
     * writer gave (empty for none).
     */
    public record ChangeSet(Revision revision, List<RelationshipChange> changes, Map<String, Object> metadata) {
        public ChangeSet {
            changes = List.copyOf(changes);
            metadata = jsonObject(metadata);
        }

        /** A change set without transaction metadata. */
        public ChangeSet(Revision revision, List<RelationshipChange> changes) {
            this(revision, changes, Map.of());
        }
    }

    /** An unmodifiable copy of a JSON-shaped object (null values allowed), empty for null. */
    static Map<String, Object> jsonObject(Map<String, Object> m) {
        return m == null || m.isEmpty()
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }

    /** One change of a change set: the relationship as written (TOUCH) or as it was (DELETE). */
    public record RelationshipChange(Operation operation, Relationship relationship) {
        /** A relationship was created or replaced, or deleted. */
        public enum Operation {
            TOUCH,
            DELETE
        }
    }
}

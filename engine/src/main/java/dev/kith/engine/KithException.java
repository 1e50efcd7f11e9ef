package dev.kith.engine;

import java.util.List;

/**
 * Expected failures of kith operations, each carrying the data a caller needs. The API layer maps each case
 * to an HTTP status in one place. They are cheap: no stack trace is filled in, because they are answers,
 * not bugs (bugs throw {@link BugException}).
 */
public abstract sealed class KithException extends RuntimeException {
    private final Where where;
    private final String reason;

    private KithException(String message) {
        this(null, null, message);
    }

    private KithException(Where where, String label, String reason) {
        super(label == null ? reason : label + ": " + reason, null, false, false);
        this.where = where;
        this.reason = reason;
    }

    /**
     * The part of the request this error is about, in the engine's terms, when the engine found it: the API
     * turns it into the JSON path of the request it parsed. Null for errors about no particular part.
     */
    public Where where() {
        return where;
    }

    /** The message without the name of the part it is about. */
    public String reason() {
        return reason;
    }

    /** Which name or value of a request (or of one relationship or filter in it) an error is about. */
    public enum Part {
        RESOURCE_TYPE,
        RESOURCE_ID,
        /** A relation, or (in a check, expand or lookup) a relation or permission. */
        RELATION,
        SUBJECT_TYPE,
        SUBJECT_ID,
        SUBJECT_RELATION,
        /** The subject as a whole (its form is not allowed on the relation). */
        SUBJECT,
        CAVEAT,
        CAVEAT_CONTEXT,
        EXPIRATION,
        /** A relationship filter as a whole. */
        FILTER;

        /** The engine's own name for it, as {@code resource_type}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The element of a request that holds the part. */
    public enum Element {
        /** The request's own fields (check, expand, lookups). */
        REQUEST,
        /** The request's relationship filter (read, delete). */
        FILTER,
        /** A relationship on its own (import, validation files). */
        RELATIONSHIP,
        /** The {@code index}th update of a write. */
        UPDATE,
        /** The {@code index}th precondition of a write or delete. */
        PRECONDITION,
        /** The {@code index}th contextual relationship of a check, expand or lookup. */
        CONTEXTUAL
    }

    /** A {@link Part} of an {@link Element}; {@code index} counts updates and preconditions, else it is -1. */
    public record Where(Element element, int index, Part part) {
        public static Where request(Part part) {
            return new Where(Element.REQUEST, -1, part);
        }

        /** A part of a relationship: the {@code update}th of a write, or one on its own when it is -1. */
        public static Where relationship(int update, Part part) {
            return update < 0 ? new Where(Element.RELATIONSHIP, -1, part) : new Where(Element.UPDATE, update, part);
        }

        /** A part of the {@code index}th contextual relationship of a request. */
        public static Where contextual(int index, Part part) {
            return new Where(Element.CONTEXTUAL, index, part);
        }

        /** A part of a filter: the {@code precondition}th's, or the request's own when it is -1. */
        public static Where filter(int precondition, Part part) {
            return precondition < 0
                    ? new Where(Element.FILTER, -1, part)
                    : new Where(Element.PRECONDITION, precondition, part);
        }

        /** The engine's name for it, as {@code relationship.subject_type} or {@code precondition 2.filter}. */
        public String label() {
            String of = switch (element) {
                case REQUEST -> "";
                case FILTER -> "filter.";
                case RELATIONSHIP -> "relationship.";
                case UPDATE -> "update " + index + ".relationship.";
                case PRECONDITION -> "precondition " + index + ".filter.";
                case CONTEXTUAL -> "contextual relationship " + index + ".";
            };
            return of + part.label();
        }
    }

    /**
     * Bad input: names the part that is wrong ({@code field}, e.g. {@code "relationship.subject"}), and, when
     * the engine found it, {@link #where} it is.
     */
    public static final class InvalidArgument extends KithException {
        private final String field;
        private final boolean wildcard;

        public InvalidArgument(String field, String message) {
            this(null, field, message, false);
        }

        private InvalidArgument(Where where, String field, String message, boolean wildcard) {
            super(where, field, message);
            this.field = field;
            this.wildcard = wildcard;
        }

        /** Bad input that the engine found {@code where}. */
        public static InvalidArgument at(Where where, String message) {
            return new InvalidArgument(where, where.label(), message, false);
        }

        /**
         * A wildcard subject where only a concrete one may stand (check, lookup-resources): SpiceDB's {@code
         * ERROR_REASON_WILDCARD_NOT_ALLOWED}.
         */
        public static InvalidArgument wildcardNotAllowed(Where where, String message) {
            return new InvalidArgument(where, where.label(), message, true);
        }

        public String field() {
            return field;
        }

        /** Whether the bad input is a wildcard where it is not allowed. */
        public boolean wildcard() {
            return wildcard;
        }
    }

    /** The schema text does not compile; the diagnostics carry line and column. */
    public static final class InvalidSchema extends KithException {
        private final List<dev.kith.schema.Diagnostic> diagnostics;

        public InvalidSchema(String message, List<dev.kith.schema.Diagnostic> diagnostics) {
            super(message);
            this.diagnostics = List.copyOf(diagnostics);
        }

        public List<dev.kith.schema.Diagnostic> diagnostics() {
            return diagnostics;
        }
    }

    /**
     * A type, relation, permission or caveat that the schema does not define ({@link #name}, found {@link #where}),
     * or no schema at all (both null).
     */
    public static final class NotFound extends KithException {
        private final String name;

        /** No schema has been written. */
        public NotFound(String message) {
            super(message);
            this.name = null;
        }

        public NotFound(Where where, String name, String message) {
            super(where, null, message);
            this.name = name;
        }

        /** The unknown name, or null when no schema has been written. */
        public String name() {
            return name;
        }

        /** The type {@code type} ({@code where} a resource or subject type) is not defined; {@code in} may be null. */
        public static NotFound type(Where where, String type, String in) {
            String what = where.part() == Part.SUBJECT_TYPE ? "subject type '" : "resource type '";
            return new NotFound(where, type, what + type + "' is not defined in the schema" + in(in));
        }

        /** {@code relation} is neither a relation nor a permission of {@code type}; {@code in} may be null. */
        public static NotFound relation(Where where, String relation, String type, String in) {
            return new NotFound(
                    where,
                    relation,
                    "'" + relation + "' is not a relation or permission of type '" + type + "'" + in(in));
        }

        /** The caveat {@code caveat} is not defined; {@code in} may be null. */
        public static NotFound caveat(Where where, String caveat, String in) {
            return new NotFound(where, caveat, "caveat '" + caveat + "' is not defined in the schema" + in(in));
        }

        private static String in(String in) {
            return in == null ? "" : " (in '" + in + "')";
        }
    }

    /** A write precondition did not hold; nothing was written. */
    public static final class PreconditionFailed extends KithException {
        private final Precondition precondition;

        public PreconditionFailed(Precondition precondition, String message) {
            super(message);
            this.precondition = precondition;
        }

        public Precondition precondition() {
            return precondition;
        }
    }

    /** A CREATE of a relationship that exists; nothing was written. */
    public static final class Conflict extends KithException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** A read at a revision older than the garbage-collection window. */
    public static final class RevisionExpired extends KithException {
        public RevisionExpired(Revision revision, Revision oldest) {
            super("revision " + revision + " has expired: the oldest readable revision is " + oldest);
        }
    }

    /** A read at a revision that this node has not applied in time (or that does not exist yet). */
    public static final class RevisionUnavailable extends KithException {
        public RevisionUnavailable(String message) {
            super(message);
        }
    }

    /** The depth budget ran out: a delegation chain is longer than the limit. */
    public static final class MaxDepthExceeded extends KithException {
        private final int depthLimit;

        public MaxDepthExceeded(int depthLimit, String where) {
            super("max depth " + depthLimit + " exceeded while evaluating " + where);
            this.depthLimit = depthLimit;
        }

        public int depthLimit() {
            return depthLimit;
        }
    }

    /** A caveat expression failed to evaluate or did not return a bool. */
    public static final class CaveatEvaluation extends KithException {
        public CaveatEvaluation(String caveat, String message) {
            super("caveat " + caveat + ": " + message);
        }
    }

    /**
     * A caveat evaluation spent its cost limit ({@link CaveatLimits#maxCost()}) and was stopped: the caveat's
     * expression over this context is too much work to answer.
     */
    public static final class CaveatCostExceeded extends KithException {
        private final String caveat;
        private final long costLimit;

        public CaveatCostExceeded(String caveat, long costLimit) {
            super("caveat " + caveat + " exceeded the evaluation cost limit of " + costLimit
                    + " (evaluated CEL expression steps); use a simpler expression or a smaller context");
            this.caveat = caveat;
            this.costLimit = costLimit;
        }

        public String caveat() {
            return caveat;
        }

        public long costLimit() {
            return costLimit;
        }
    }

    /** A request exceeds a configured limit (updates per write, items per bulk check, sizes). */
    public static final class LimitExceeded extends KithException {
        /** Which limit: the API answers each with its own reason. */
        public enum Limit {
            /** Updates in one write. */
            UPDATES,
            /** Preconditions in one write or delete. */
            PRECONDITIONS,
            /** Relationships a delete may remove when it does not allow partial deletion. */
            DELETE_LIMIT,
            /** Any other limit. */
            OTHER
        }

        private final Limit limit;

        public LimitExceeded(String message) {
            this(Limit.OTHER, message);
        }

        public LimitExceeded(Limit limit, String message) {
            super(message);
            this.limit = limit;
        }

        public Limit limit() {
            return limit;
        }
    }

    /**
     * The caller's {@link Deadline} passed (or it cancelled the work) before the answer was ready: the work was
     * stopped, and a write was not committed.
     */
    public static final class DeadlineExceeded extends KithException {
        public DeadlineExceeded(String message) {
            super(message);
        }
    }

    /** The backing store cannot be reached. */
    public static final class StoreUnavailable extends KithException {
        public StoreUnavailable(String message) {
            super(message);
        }
    }
}

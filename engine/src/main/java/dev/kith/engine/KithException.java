package dev.kith.engine;

import java.util.List;

/**
 * Expected failures of kith operations, each carrying the data a caller needs. The API layer maps each case
 * to an HTTP status in one place. They are cheap: no stack trace is filled in, because they are answers,
 * not bugs (bugs throw {@link BugException}).
 */
public abstract sealed class KithException extends RuntimeException {
    private KithException(String message) {
        super(message, null, false, false);
    }

    /** Bad input: names the part that is wrong ({@code field}, e.g. {@code "relationship.subject"}). */
    public static final class InvalidArgument extends KithException {
        private final String field;

        public InvalidArgument(String field, String message) {
            super(field == null ? message : field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
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

    /** A type, relation, permission or caveat that the schema does not define. */
    public static final class NotFound extends KithException {
        public NotFound(String message) {
            super(message);
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

    /** A request exceeds a configured limit (updates per write, items per bulk check, sizes). */
    public static final class LimitExceeded extends KithException {
        public LimitExceeded(String message) {
            super(message);
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

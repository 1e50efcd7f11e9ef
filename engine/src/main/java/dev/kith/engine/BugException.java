package dev.kith.engine;

/** A broken invariant inside kith: a bug, never an answer to a request. */
public final class BugException extends RuntimeException {
    public BugException(String message) {
        super(message);
    }

    public BugException(String message, Throwable cause) {
        super(message, cause);
    }
}

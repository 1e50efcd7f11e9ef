package dev.kith.spring;

import org.springframework.security.access.AccessDeniedException;

/**
 * A check kith could not answer, with the HTTP status it should end the request with: 503 when kith is unreachable,
 * 400 when kith refuses the resource id, 500 for any other error. It is an {@link AccessDeniedException}, so a
 * request is refused even without {@link KithAccessDeniedHandler}; that handler answers with {@link #status()}.
 */
public final class KithCheckException extends AccessDeniedException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    KithCheckException(int status, String error, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.error = error;
    }

    /** The HTTP status: 503, 400 or 500. */
    public int status() {
        return status;
    }

    /** A short word for the error: {@code authorization_unavailable}, {@code bad_request} or {@code authorization_failed}. */
    public String error() {
        return error;
    }
}

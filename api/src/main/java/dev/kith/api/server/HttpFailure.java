package dev.kith.api.server;

/**
 * A failure the HTTP layer itself detects (authentication, size limits, deadlines, overload, unknown routes),
 * answered with its own status and code. Cheap: no stack trace, because it is an answer, not a bug.
 */
final class HttpFailure extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    HttpFailure(int status, String code, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }

    static HttpFailure tooLarge(String field, String message) {
        return new HttpFailure(413, "RESOURCE_EXHAUSTED", field, message);
    }
}

package dev.kith.api.server;

import dev.kith.api.grpc.v1.ErrorReason;

/**
 * A failure the HTTP layer itself detects (authentication, size limits, deadlines, overload, unknown routes),
 * answered with its own status and code (a gRPC code name, which the gRPC side answers with). Cheap: no stack trace, because it is an answer, not a bug.
 */
final class HttpFailure extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final ErrorReason reason;
    private final io.grpc.Status.Code grpcCode;

    HttpFailure(int status, String code, String field, String message) {
        this(status, code, field, message, ErrorReason.ERROR_REASON_UNSPECIFIED);
    }

    /** A failure whose gRPC answer carries {@code reason} in its {@code ErrorInfo}. */
    HttpFailure(int status, String code, String field, String message, ErrorReason reason) {
        this(status, code, field, message, reason, null);
    }

    /**
     * A failure the gRPC side answers with {@code grpcCode} (null: the gRPC code named {@code code}, or the one
     * its HTTP status stands for).
     */
    HttpFailure(
            int status, String code, String field, String message, ErrorReason reason, io.grpc.Status.Code grpcCode) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.reason = reason;
        this.grpcCode = grpcCode;
    }

    ErrorReason reason() {
        return reason;
    }

    /** The gRPC code given for this failure, or null when it follows from {@link #code} or {@link #status}. */
    io.grpc.Status.Code grpcCode() {
        return grpcCode;
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
        return new HttpFailure(
                413, "RESOURCE_EXHAUSTED", field, message, ErrorReason.ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT);
    }
}

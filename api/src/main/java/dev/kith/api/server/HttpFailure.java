package dev.kith.api.server;

import dev.kith.proto.v1.ErrorReason;

/**
 * A failure the API layer itself detects (authentication, size and count limits, deadlines, overload, unknown
 * routes), with its gRPC code, kith's code (a gRPC code name unless given one) and ErrorInfo reason and metadata.
 * Its HTTP status follows from the gRPC code ({@link ErrorMapper#httpStatus}) unless it is one of the transport
 * statuses that have no gRPC call behind them (408, 413, 414, 431). Cheap: no stack trace, because it is an answer,
 * not a bug.
 */
final class HttpFailure extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final ErrorReason reason;
    private final io.grpc.Status.Code grpcCode;
    private boolean routing;
    private final java.util.LinkedHashMap<String, String> metadata = new java.util.LinkedHashMap<>();

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

    /** Extra ErrorInfo metadata of this failure (SpiceDB's keys for a limit, say). */
    java.util.Map<String, String> metadata() {
        return metadata;
    }

    /** Adds {@code key} to the ErrorInfo metadata; returns this failure. */
    HttpFailure with(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Marks a routing failure: answered, as grpc-gateway answers one, with no ErrorInfo at all. */
    private HttpFailure routing() {
        routing = true;
        return this;
    }

    /** Whether this is a routing failure (unknown path or method), whose answer carries no ErrorInfo. */
    boolean isRouting() {
        return routing;
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

    /**
     * A part of the request larger than kith allows (JSON nesting, a value, a context): INVALID_ARGUMENT with
     * SpiceDB's {@code ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT}.
     */
    static HttpFailure tooLarge(String field, String message) {
        return tooMany(field, message, ErrorReason.ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT);
    }

    /**
     * More items in {@code field} than allowed (updates, preconditions, bulk check items): INVALID_ARGUMENT with
     * {@code reason}, SpiceDB's for that count.
     */
    static HttpFailure tooMany(String field, String message, ErrorReason reason) {
        return new HttpFailure(400, "INVALID_ARGUMENT", field, message, reason, io.grpc.Status.Code.INVALID_ARGUMENT);
    }

    /** A request body over its byte limit: 413 over HTTP, RESOURCE_EXHAUSTED over gRPC. */
    static HttpFailure bodyTooLarge(String field, String message) {
        return new HttpFailure(
                413,
                "RESOURCE_EXHAUSTED",
                field,
                message,
                ErrorReason.ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT,
                io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    }

    /**
     * A schema read before any schema was written: NOT_FOUND as SpiceDB answers it (any other request then is a
     * FAILED_PRECONDITION, see {@link ErrorMapper}).
     */
    static HttpFailure noSchema(String message) {
        return new HttpFailure(
                404, "NO_SCHEMA", null, message, ErrorReason.ERROR_REASON_UNSPECIFIED, io.grpc.Status.Code.NOT_FOUND);
    }

    /** No endpoint at the path: grpc-gateway's NOT_FOUND, message and all. */
    static HttpFailure notFound() {
        return new HttpFailure(
                        404,
                        "NOT_FOUND",
                        null,
                        "Not Found",
                        ErrorReason.ERROR_REASON_UNSPECIFIED,
                        io.grpc.Status.Code.NOT_FOUND)
                .routing();
    }

    /** An endpoint that does not take the method: grpc-gateway's UNIMPLEMENTED (501), message and all. */
    static HttpFailure methodNotAllowed() {
        return new HttpFailure(
                        501,
                        "METHOD_NOT_ALLOWED",
                        null,
                        "Method Not Allowed",
                        ErrorReason.ERROR_REASON_UNSPECIFIED,
                        io.grpc.Status.Code.UNIMPLEMENTED)
                .routing();
    }
}

package dev.kith.client;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.Objects;

/**
 * A call kith answered with an error, or that could not be made: the gRPC status code, SpiceDB's {@code
 * ERROR_REASON_…} and kith's stable error code (the {@code code} of the {@code ErrorInfo} metadata, such as {@code
 * UNKNOWN_NAME}), the field of the request it is about when the server named one, and the server's message,
 * prefixed with the method that failed. The embedded engine throws the same exceptions, with the same codes.
 */
public final class KithCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The gRPC status code. */
    private final Status.Code code;

    /** SpiceDB's reason, or null. */
    private final String reason;

    /** kith's error code. */
    private final String errorCode;

    /** The request field the error is about, or null. */
    private final String field;

    /**
     * An error of {@code method}.
     *
     * @param method the name of the call that failed, such as {@code CheckPermission}
     * @param code the gRPC status code
     * @param reason SpiceDB's {@code ERROR_REASON_…}, or null
     * @param errorCode kith's error code, or null (then the code's name)
     * @param field the request field the error is about, or null
     * @param message what went wrong
     */
    public KithCallException(
            String method, Status.Code code, String reason, String errorCode, String field, String message) {
        super(method + ": " + message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.reason = reason;
        this.errorCode = errorCode == null ? code.name() : errorCode;
        this.field = field;
    }

    /** The exception for a gRPC call to {@code method} that ended with {@code e}'s status. */
    static KithCallException of(String method, StatusRuntimeException e) {
        Status s = e.getStatus();
        String reason = null;
        Map<String, String> metadata = Map.of();
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        if (details != null) {
            for (com.google.protobuf.Any any : details.getDetailsList()) {
                if (any.is(ErrorInfo.class)) {
                    try {
                        ErrorInfo info = any.unpack(ErrorInfo.class);
                        reason = info.getReason().isEmpty() ? null : info.getReason();
                        metadata = info.getMetadataMap();
                    } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                        // an ErrorInfo that does not parse carries nothing we can use
                    }
                }
            }
        }
        String message = s.getDescription() != null
                ? s.getDescription()
                : s.getCause() != null
                        ? String.valueOf(s.getCause().getMessage())
                        : s.getCode().name();
        return new KithCallException(method, s.getCode(), reason, metadata.get("code"), metadata.get("field"), message);
    }

    /**
     * The gRPC status code, such as {@code INVALID_ARGUMENT}.
     *
     * @return the gRPC status code, such as {@code INVALID_ARGUMENT}
     */
    public Status.Code code() {
        return code;
    }

    /**
     * SpiceDB's {@code ERROR_REASON_…} of the error.
     *
     * @return the reason, or null when the error carries none
     */
    public String reason() {
        return reason;
    }

    /**
     * kith's error code, such as {@code UNKNOWN_NAME}.
     *
     * @return the error code; the gRPC code's name when the server sent none
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * The field of the request the error is about (such as {@code optionalCursor}), or null.
     *
     * @return the field of the request the error is about (such as {@code optionalCursor}), or null
     */
    public String field() {
        return field;
    }
}

package dev.kith.api.server;

import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Failures as gRPC answers: the {@code google.rpc.Status} of {@link ErrorMapper}'s row for the failure (code,
 * message, and the {@code google.rpc.ErrorInfo} with reason {@code ERROR_REASON_…}, domain {@code authzed.com} and
 * kith's metadata), sent in the {@code grpc-status-details-bin} trailer as SpiceDB does. The HTTP API sends the
 * same Status as its JSON error body.
 */
final class GrpcErrors {
    /** The ErrorInfo domain of every failure, SpiceDB's. */
    static final String DOMAIN = "authzed.com";

    private GrpcErrors() {}

    /** The gRPC answer to {@code failure}, naming fields with {@code paths} (null: none). */
    static StatusRuntimeException of(Throwable failure, FieldPaths paths) {
        return StatusProto.toStatusRuntimeException(status(ErrorMapper.map(failure, paths)));
    }

    /** {@code error} as a {@code google.rpc.Status} (in trailers, or in a bulk check's item). */
    static com.google.rpc.Status status(ErrorMapper.ApiError error) {
        return error.rpcStatus();
    }
}

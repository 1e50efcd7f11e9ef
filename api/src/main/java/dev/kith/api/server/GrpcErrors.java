package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Iterator;
import java.util.Map;

/**
 * Failures as gRPC answers: the status code and reason of {@link ErrorMapper}'s row for the failure, its message,
 * and a {@code google.rpc.ErrorInfo} (reason {@code ERROR_REASON_…}, domain {@code authzed.com}, metadata: kith's
 * error code and the details the HTTP body carries, such as {@code field} and {@code name}), sent in the {@code
 * grpc-status-details-bin} trailer as SpiceDB does.
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
        ErrorInfo.Builder info =
                ErrorInfo.newBuilder().setReason(error.reason().name()).setDomain(DOMAIN);
        info.putMetadata("code", error.code());
        JsonNode details = error.body().path("details");
        for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isValueNode())
                info.putMetadata(e.getKey(), e.getValue().asText());
            else info.putMetadata(e.getKey(), e.getValue().toString());
        }
        return com.google.rpc.Status.newBuilder()
                .setCode(error.grpcCode().value())
                .setMessage(error.message())
                .addDetails(Any.pack(info.build()))
                .build();
    }
}

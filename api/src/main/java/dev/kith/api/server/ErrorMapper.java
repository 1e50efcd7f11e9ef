package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.rpc.ErrorInfo;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.ErrorReason;
import dev.kith.schema.Diagnostic;
import io.grpc.Status;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The one place where failures become answers, for both transports: every {@link KithException} case, the HTTP
 * layer's own {@link HttpFailure}s, and anything unexpected (an INTERNAL that says only "internal error" and an
 * error id; the stack trace goes to the log, never to the caller). {@link #respond} is the router's failure
 * handler: every failed request, whether a handler, the router (unknown route, method) or Vert.x (body too large,
 * deadline) failed it, is answered there, and a stream that has begun gets the error as its last line.
 *
 * <p>Each failure maps, in one row, to the gRPC status code and {@code ErrorReason} SpiceDB answers the same
 * failure with. The HTTP answer is what SpiceDB's HTTP gateway (grpc-gateway) makes of that: the status {@link
 * #httpStatus} gives for the code, and a body that is the {@code google.rpc.Status} in proto3 JSON, {@code {"code":
 * 3, "message": …, "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": …, "domain":
 * "authzed.com", "metadata": {…}}]}}; the gRPC side ({@code GrpcErrors}) sends the very same {@code Status} in its
 * trailers. Only failures with no call behind them (a body over its byte limit, a request line or headers too
 * long, a body that did not arrive in time) keep an HTTP status of their own (413, 414, 431, 408).
 *
 * <p>The ErrorInfo's metadata carries kith's own detail as strings: {@code code} (kith's error code, such as
 * {@code UNKNOWN_NAME}), {@code field} (the JSON path of the part of the request at fault; the message starts with
 * it), {@code name} (an unknown type, relation, permission or caveat), and per failure {@code depthLimit}, {@code
 * diagnostics}, {@code caveat}, {@code costLimit}, {@code changes_through_token}.
 */
final class ErrorMapper {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The {@code @type} of an ErrorInfo detail in proto3 JSON. */
    static final String ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

    /** The HTTP statuses a failure with no gRPC call behind it keeps (request too large or too slow to read). */
    private static final java.util.Set<Integer> TRANSPORT_STATUSES = java.util.Set.of(408, 413, 414, 431);

    /**
     * One failure as both transports answer it: the gRPC status code and the {@code authzed.api.v1.ErrorReason} of
     * its {@code google.rpc.ErrorInfo}, the message, kith's error code and the ErrorInfo's metadata; and the HTTP
     * status, which follows from the gRPC code (see {@link #httpStatus}) unless the failure is a transport one.
     * {@link #rpcStatus()} is the {@code google.rpc.Status} both transports send; {@link #body()} is it in proto3
     * JSON.
     */
    record ApiError(
            int status,
            Status.Code grpcCode,
            ErrorReason reason,
            String code,
            String message,
            java.util.LinkedHashMap<String, String> metadata,
            boolean detailed) {
        /** The JSON path of the part of the request at fault, or null. */
        String field() {
            return metadata.get("field");
        }

        /** Adds {@code key} to the ErrorInfo metadata (kith's extra detail); returns this error. */
        ApiError with(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        /** The ErrorInfo both transports send: reason, SpiceDB's domain, and the metadata. */
        ErrorInfo info() {
            return ErrorInfo.newBuilder()
                    .setReason(reason.name())
                    .setDomain(GrpcErrors.DOMAIN)
                    .putAllMetadata(metadata)
                    .build();
        }

        /**
         * The {@code google.rpc.Status} of this failure, with its one ErrorInfo (none for a routing failure, as
         * grpc-gateway's).
         */
        com.google.rpc.Status rpcStatus() {
            var status =
                    com.google.rpc.Status.newBuilder().setCode(grpcCode.value()).setMessage(message);
            if (detailed) status.addDetails(com.google.protobuf.Any.pack(info()));
            return status.build();
        }

        /** This failure without its ErrorInfo. */
        ApiError bare() {
            return new ApiError(status, grpcCode, reason, code, message, metadata, false);
        }

        /** {@link #rpcStatus()} in proto3 JSON, as grpc-gateway writes it. */
        ObjectNode body() {
            ObjectNode body = NODES.objectNode();
            body.put("code", grpcCode.value());
            body.put("message", message);
            ArrayNode details = body.putArray("details");
            if (!detailed) return body;
            ObjectNode info = details.addObject();
            info.put("@type", ERROR_INFO_TYPE);
            info.put("reason", reason.name());
            info.put("domain", GrpcErrors.DOMAIN);
            ObjectNode m = info.putObject("metadata");
            metadata.forEach(m::put);
            return body;
        }
    }

    /**
     * The HTTP status grpc-gateway answers a gRPC code with ({@code runtime.HTTPStatusFromCode}): every error
     * status of the HTTP API that has a call behind it comes from here.
     */
    static int httpStatus(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case CANCELLED -> 499;
            case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case DEADLINE_EXCEEDED -> 504;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case PERMISSION_DENIED -> 403;
            case UNAUTHENTICATED -> 401;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
        };
    }

    private ErrorMapper() {}

    /**
     * Answers the failed request {@code ctx}: with the error's status and JSON body; when a stream has begun
     * (its NDJSON head was written), with a last line {@code {"error": <the same Status>}} as grpc-gateway ends a
     * failed stream, and when a stream's call failed before its first line, with the error's status and that line
     * alone; any other response already under way is reset. An UNAUTHENTICATED answer carries its message
     * in {@code WWW-Authenticate}, as grpc-gateway's does.
     */
    static void respond(RoutingContext ctx, Exchange x) {
        Throwable failure = ctx.failure() != null ? ctx.failure() : fromStatus(ctx, x.limits);
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) return;
        if (!(failure instanceof HttpFailure)
                && !(failure instanceof KithException)
                && !(failure instanceof Error)
                && !ctx.request().isEnded()) {
            // the request itself could not be read (malformed chunked encoding, a broken connection): the client's
            // fault, not a bug, so one line in the log and a 400; the connection cannot carry another request
            LOG.log(
                    System.Logger.Level.INFO,
                    "unreadable request " + ctx.request().method() + " "
                            + ctx.request().path() + " from " + ctx.request().remoteAddress() + ": " + failure);
            response.putHeader("Connection", "close");
            ctx.put(AuditLog.ERROR, "INVALID_ARGUMENT");
            ApiError error = error(
                    Status.Code.INVALID_ARGUMENT,
                    "INVALID_ARGUMENT",
                    "the request could not be read: " + unreadable(failure),
                    "body",
                    ErrorReason.ERROR_REASON_UNSPECIFIED);
            x.send(ctx, error.status(), error.body());
            return;
        }
        ApiError error = map(failure, ctx.get(FieldPaths.KEY));
        ctx.put(AuditLog.ERROR, error.code());
        String field = error.field();
        if (field != null) ctx.put(AuditLog.ERROR_FIELD, field);
        if (response.headWritten()) {
            if (Exchange.NDJSON.equals(response.headers().get("Content-Type"))) {
                response.end(Buffer.buffer(x.out.line("error", error.body())));
            } else {
                response.reset();
            }
            return;
        }
        if (Boolean.TRUE.equals(ctx.get(Exchange.STREAM_CALL))) {
            // a server stream that fails before its first message: grpc-gateway answers the code's status and
            // the error as the stream's only line
            response.setStatusCode(error.status())
                    .putHeader("Content-Type", Exchange.JSON)
                    .end(Buffer.buffer(x.out.line("error", error.body())));
            return;
        }
        if (error.grpcCode() == Status.Code.UNAUTHENTICATED) response.putHeader("WWW-Authenticate", error.message());
        x.send(ctx, error.status(), error.body());
    }

    /** What made a request unreadable, in the caller's words. */
    private static String unreadable(Throwable failure) {
        String m = String.valueOf(failure.getMessage());
        if (m.contains("chunk")) return "malformed chunked transfer encoding";
        if (failure instanceof io.netty.handler.codec.TooLongFrameException) return "a line or header is too long";
        return "malformed HTTP message";
    }

    /**
     * The answer to a request whose line or headers could not be read ({@code cause}, the HTTP decoder's reason): 414
     * for a request line over {@code maxLineBytes}, 431 for headers over {@code maxHeaderBytes} (both
     * RESOURCE_EXHAUSTED), otherwise a 400 INVALID_ARGUMENT naming what is malformed.
     */
    static ApiError unreadableHead(Throwable cause, int maxLineBytes, int maxHeaderBytes) {
        return switch (cause) {
            case io.netty.handler.codec.http.TooLongHttpLineException e ->
                transport(
                        414,
                        Status.Code.RESOURCE_EXHAUSTED,
                        "the request line is longer than " + maxLineBytes + " bytes",
                        null);
            case io.netty.handler.codec.http.TooLongHttpHeaderException e ->
                transport(
                        431,
                        Status.Code.RESOURCE_EXHAUSTED,
                        "the request headers are larger than " + maxHeaderBytes + " bytes",
                        null);
            case null -> invalidHead("malformed request line or headers");
            case Connections.UnsupportedVersion e ->
                invalidHead("malformed request line or headers: " + e.getMessage());
            default -> invalidHead("malformed request line or headers: " + decoderReason(cause));
        };
    }

    private static ApiError invalidHead(String message) {
        return error(
                Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", message, null, ErrorReason.ERROR_REASON_UNSPECIFIED);
    }

    /** A failure with no call behind it, answered with its own HTTP {@code status}. */
    private static ApiError transport(int status, Status.Code grpcCode, String message, String field) {
        return error(status, grpcCode.name(), message, field, grpcCode, ErrorReason.ERROR_REASON_UNSPECIFIED);
    }

    /** The HTTP decoder's reason, as plain printable text of at most 200 characters (it may quote the request). */
    private static String decoderReason(Throwable cause) {
        String m = String.valueOf(cause.getMessage());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < m.length() && b.length() < 200; i++) {
            char c = m.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** The failure a status without an exception stands for (Vert.x's body limit, the request deadline, …). */
    private static HttpFailure fromStatus(RoutingContext ctx, Limits limits) {
        int status = ctx.statusCode();
        boolean importing = KithServer.isImport(ctx.request().path());
        return switch (status) {
            case 413 ->
                HttpFailure.bodyTooLarge(
                        "body",
                        "the request body is larger than "
                                + (importing ? limits.maxImportBodyBytes() : limits.maxBodyBytes())
                                + " bytes");
            case 504 ->
                new HttpFailure(
                        504,
                        "DEADLINE_EXCEEDED",
                        null,
                        "the request took longer than its deadline of "
                                + (importing ? limits.importTimeout() : limits.requestTimeout()).toMillis()
                                + " ms and was cancelled");
            case 404 -> HttpFailure.notFound();
            case 405 -> HttpFailure.methodNotAllowed();
            default ->
                new HttpFailure(
                        status < 400 ? 500 : status,
                        "HTTP_" + status,
                        null,
                        "the request failed with status " + status,
                        ErrorReason.ERROR_REASON_UNSPECIFIED,
                        status < 500 ? Status.Code.INVALID_ARGUMENT : Status.Code.INTERNAL);
        };
    }

    static ApiError map(Throwable failure) {
        return map(failure, null);
    }

    /** {@link #map(Throwable)}, naming fields with {@code paths} (null: the request has no engine-checked names). */
    static ApiError map(Throwable failure, FieldPaths paths) {
        return switch (failure) {
            case KithException k -> mapKith(k, paths);
            case HttpFailure h -> {
                ApiError err = error(h.status(), h.code(), h.getMessage(), h.field(), grpcCode(h), h.reason());
                h.metadata().forEach(err::with);
                yield h.isRouting() ? err.bare() : err;
            }
            case OutOfMemoryError e -> {
                LOG.log(System.Logger.Level.ERROR, "out of memory while serving a request", e);
                yield error(
                        Status.Code.UNAVAILABLE,
                        "UNAVAILABLE",
                        "the server ran out of memory serving this request; retry later",
                        null,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            }
            case Error e -> {
                String id = Long.toHexString(System.nanoTime());
                LOG.log(System.Logger.Level.ERROR, "error " + id + " while serving a request", e);
                yield error(
                        Status.Code.UNAVAILABLE,
                        "UNAVAILABLE",
                        "the server could not serve this request (error id " + id + "); retry later",
                        null,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            }
            default -> {
                String id = Long.toHexString(System.nanoTime());
                LOG.log(System.Logger.Level.ERROR, "internal error " + id, failure);
                yield error(
                        Status.Code.INTERNAL,
                        "INTERNAL",
                        "internal error (id " + id + "); see the server log",
                        null,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            }
        };
    }

    /**
     * The table of the engine's failures: each one's gRPC code and ErrorReason as SpiceDB answers it (the HTTP
     * status follows from the code), kith's error code, and its metadata.
     */
    private static ApiError mapKith(KithException k, FieldPaths paths) {
        return switch (k) {
            case KithException.InvalidArgument e ->
                located(
                        e,
                        "INVALID_ARGUMENT",
                        e.field(),
                        paths,
                        Status.Code.INVALID_ARGUMENT,
                        e.wildcard()
                                ? ErrorReason.ERROR_REASON_WILDCARD_NOT_ALLOWED
                                : ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.InvalidSchema e ->
                error(
                                Status.Code.INVALID_ARGUMENT,
                                "INVALID_SCHEMA",
                                e.getMessage(),
                                "schema",
                                ErrorReason.ERROR_REASON_SCHEMA_PARSE_ERROR)
                        .with("diagnostics", diagnostics(e.diagnostics()).toString());
            case KithException.NotFound e
            when e.name() == null ->
                // before any schema every type is unknown, as SpiceDB answers it (a schema read says NOT_FOUND)
                error(
                        Status.Code.FAILED_PRECONDITION,
                        "NO_SCHEMA",
                        e.getMessage(),
                        null,
                        ErrorReason.ERROR_REASON_UNKNOWN_DEFINITION);
            case KithException.NotFound e ->
                located(e, "UNKNOWN_NAME", null, paths, Status.Code.FAILED_PRECONDITION, unknownNameReason(e))
                        .with("name", e.name());
            case KithException.PreconditionFailed e ->
                error(
                        Status.Code.FAILED_PRECONDITION,
                        "FAILED_PRECONDITION",
                        e.getMessage(),
                        null,
                        ErrorReason.ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE);
            case KithException.Conflict e ->
                error(
                        Status.Code.ALREADY_EXISTS,
                        "ALREADY_EXISTS",
                        e.getMessage(),
                        null,
                        ErrorReason.ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP);
            case KithException.RevisionExpired e ->
                error(
                        Status.Code.OUT_OF_RANGE,
                        "REVISION_EXPIRED",
                        e.getMessage(),
                        "consistency",
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.RevisionUnavailable e ->
                error(
                        Status.Code.UNAVAILABLE,
                        "UNAVAILABLE",
                        e.getMessage(),
                        "consistency",
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.MaxDepthExceeded e ->
                error(
                                Status.Code.RESOURCE_EXHAUSTED,
                                "MAX_DEPTH_EXCEEDED",
                                e.getMessage(),
                                null,
                                ErrorReason.ERROR_REASON_MAXIMUM_DEPTH_EXCEEDED)
                        .with("depthLimit", String.valueOf(e.depthLimit()))
                        .with("maximum_depth_allowed", String.valueOf(e.depthLimit()));
            case KithException.CaveatEvaluation e ->
                error(
                        Status.Code.INVALID_ARGUMENT,
                        "CAVEAT_EVALUATION",
                        e.getMessage(),
                        "context",
                        ErrorReason.ERROR_REASON_CAVEAT_EVALUATION_ERROR);
            case KithException.CaveatCostExceeded e ->
                error(
                                Status.Code.RESOURCE_EXHAUSTED,
                                "RESOURCE_EXHAUSTED",
                                e.getMessage(),
                                "context",
                                ErrorReason.ERROR_REASON_CAVEAT_EVALUATION_ERROR)
                        .with("caveat", e.caveat())
                        .with("costLimit", String.valueOf(e.costLimit()));
            case KithException.LimitExceeded e ->
                error(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", e.getMessage(), null, limitReason(e));
            case KithException.StoreUnavailable e ->
                error(
                        Status.Code.UNAVAILABLE,
                        "UNAVAILABLE",
                        e.getMessage(),
                        null,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.DeadlineExceeded e ->
                error(
                        Status.Code.DEADLINE_EXCEEDED,
                        "DEADLINE_EXCEEDED",
                        e.getMessage(),
                        null,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
        };
    }

    /** SpiceDB's reason for a limit the engine enforces: updates or preconditions in a write, or a delete's limit. */
    private static ErrorReason limitReason(KithException.LimitExceeded e) {
        return switch (e.limit()) {
            case UPDATES -> ErrorReason.ERROR_REASON_TOO_MANY_UPDATES_IN_REQUEST;
            case PRECONDITIONS -> ErrorReason.ERROR_REASON_TOO_MANY_PRECONDITIONS_IN_REQUEST;
            case DELETE_LIMIT -> ErrorReason.ERROR_REASON_TOO_MANY_RELATIONSHIPS_FOR_TRANSACTIONAL_DELETE;
            case OTHER -> ErrorReason.ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT;
        };
    }

    /** SpiceDB's reason for an unknown name: a definition (type), a caveat, or a relation or permission. */
    private static ErrorReason unknownNameReason(KithException.NotFound e) {
        KithException.Part part = e.where() == null ? null : e.where().part();
        if (part == null) return ErrorReason.ERROR_REASON_UNSPECIFIED;
        return switch (part) {
            case RESOURCE_TYPE, SUBJECT_TYPE -> ErrorReason.ERROR_REASON_UNKNOWN_DEFINITION;
            case CAVEAT -> ErrorReason.ERROR_REASON_UNKNOWN_CAVEAT;
            case RELATION, SUBJECT_RELATION -> ErrorReason.ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION;
            default -> ErrorReason.ERROR_REASON_UNSPECIFIED;
        };
    }

    /**
     * The gRPC code of a failure the HTTP layer detected: the one it was given, else its code when that is a gRPC
     * code name (they are spelled alike), otherwise the one its HTTP status stands for.
     */
    private static Status.Code grpcCode(HttpFailure h) {
        if (h.grpcCode() != null) return h.grpcCode();
        for (Status.Code c : Status.Code.values()) {
            if (c.name().equals(h.code())) return c;
        }
        return switch (h.status()) {
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.NOT_FOUND;
            case 405, 501 -> Status.Code.UNIMPLEMENTED;
            case 409 -> Status.Code.ALREADY_EXISTS;
            case 413, 414, 429, 431 -> Status.Code.RESOURCE_EXHAUSTED;
            case 408, 504 -> Status.Code.DEADLINE_EXCEEDED;
            case 503 -> Status.Code.UNAVAILABLE;
            default -> h.status() < 500 ? Status.Code.INVALID_ARGUMENT : Status.Code.INTERNAL;
        };
    }

    /**
     * An error naming the JSON path of the part {@code e} is about, when the engine said where and the request has
     * that field; otherwise {@code field} and the engine's message.
     */
    private static ApiError located(
            KithException e, String code, String field, FieldPaths paths, Status.Code grpcCode, ErrorReason reason) {
        String path = e.where() == null || paths == null ? null : paths.path(e.where());
        if (path == null) return error(grpcCode, code, e.getMessage(), field, reason);
        return error(grpcCode, code, path + ": " + e.reason(), path, reason);
    }

    private static ArrayNode diagnostics(List<Diagnostic> diagnostics) {
        ArrayNode a = NODES.arrayNode();
        for (Diagnostic d : diagnostics) {
            ObjectNode n = a.addObject();
            n.put("line", d.position().line());
            n.put("column", d.position().column());
            n.put("message", d.message());
            if (d.sourceLine() != null) n.put("sourceLine", d.sourceLine());
        }
        return a;
    }

    /** A path never ends with a dot, whoever built it (an empty last step names its parent). */
    private static String trimDots(String field) {
        int end = field.length();
        while (end > 0 && field.charAt(end - 1) == '.') end--;
        return end == field.length() ? field : field.substring(0, end);
    }

    /**
     * A failure answered with gRPC {@code grpcCode} and {@code reason}, over HTTP with the status the code maps to;
     * kith's {@code code} and the {@code field} at fault (null: none) go into the ErrorInfo metadata.
     */
    static ApiError error(Status.Code grpcCode, String code, String message, String field, ErrorReason reason) {
        return error(httpStatus(grpcCode), code, message, field, grpcCode, reason);
    }

    /**
     * {@link #error(Status.Code, String, String, String, ErrorReason)}; {@code status} is kept only for a failure
     * with no call behind it (408, 413, 414, 431), every other status follows from {@code grpcCode}.
     */
    static ApiError error(
            int status, String code, String message, String field, Status.Code grpcCode, ErrorReason reason) {
        java.util.LinkedHashMap<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("code", code);
        if (field != null) metadata.put("field", trimDots(field));
        int http = TRANSPORT_STATUSES.contains(status) ? status : httpStatus(grpcCode);
        return new ApiError(http, grpcCode, reason, code, message == null ? code : message, metadata, true);
    }
}

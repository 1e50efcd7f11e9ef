package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.api.grpc.v1.ErrorReason;
import dev.kith.engine.KithException;
import dev.kith.schema.Diagnostic;
import io.grpc.Status;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The one place where failures become HTTP answers: every {@link KithException} case, the HTTP layer's own
 * {@link HttpFailure}s, and anything unexpected (a 500 that says only "internal error" and an error id; the
 * stack trace goes to the log, never to the caller). {@link #respond} is the router's failure handler: every
 * failed request, whether a handler, the router (unknown route, method) or Vert.x (body too large, deadline)
 * failed it, is answered there, and a stream that has begun gets the error as its last line.
 *
 * <p>Each failure maps to an HTTP status and, in the same row, to a gRPC status code and {@code ErrorReason}
 * (SpiceDB's for the same failure); the gRPC side ({@code GrpcErrors}) sends the same message and details.
 *
 * <p>Statuses: 400 bad input (including unknown types, relations and permissions, expired revisions, depth and
 * caveat evaluation failures), 401 missing or wrong key, 404 unknown route, 405 a method the route does not take,
 * 409 failed precondition or conflict, 413 too large, 429 overloaded, 503 revision not reached in time, store
 * unavailable or a JVM {@link Error} such as {@link OutOfMemoryError} while serving (a plain message, never its
 * text), 504 deadline.
 *
 * <p>An error the engine found in a part of the request ({@link KithException#where}) names that part by its JSON
 * path in {@code details.field}, as the request's {@link FieldPaths} spell it, and the message starts with it. An
 * unknown type, relation, permission or caveat is {@code UNKNOWN_NAME} with the name in {@code details.name}; a
 * request before any schema was written is {@code NO_SCHEMA}.
 */
final class ErrorMapper {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * One failure as both transports answer it: the HTTP status with its JSON body {@code {code, message,
     * details}}, and the gRPC status code with the {@code authzed.api.v1.ErrorReason} of its {@code
     * google.rpc.ErrorInfo} (see {@code GrpcErrors}). Every row below fills all of them, so the two transports
     * cannot drift apart.
     */
    record ApiError(int status, ObjectNode body, Status.Code grpcCode, ErrorReason reason) {
        String code() {
            return body.path("code").asText();
        }

        String message() {
            return body.path("message").asText();
        }
    }

    private ErrorMapper() {}

    /**
     * Answers the failed request {@code ctx}: with the error's status and JSON body; when a stream has begun
     * (its NDJSON head was written), with a last {@code {"error": …}} line; any other response already under way
     * is reset.
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
            x.send(
                    ctx,
                    400,
                    error(
                                    400,
                                    "INVALID_ARGUMENT",
                                    "the request could not be read: " + unreadable(failure),
                                    "body",
                                    Status.Code.INVALID_ARGUMENT,
                                    ErrorReason.ERROR_REASON_UNSPECIFIED)
                            .body());
            return;
        }
        ApiError error = map(failure, ctx.get(FieldPaths.KEY));
        ctx.put(AuditLog.ERROR, error.code());
        String field = error.body().path("details").path("field").asText(null);
        if (field != null) ctx.put(AuditLog.ERROR_FIELD, field);
        if (response.headWritten()) {
            if (Exchange.NDJSON.equals(response.headers().get("Content-Type"))) {
                response.end(Buffer.buffer(x.out.line("error", error.body())));
            } else {
                response.reset();
            }
            return;
        }
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
     * for a request line over {@code maxLineBytes}, 431 for headers over {@code maxHeaderBytes}, otherwise a 400
     * naming what is malformed.
     */
    static ApiError unreadableHead(Throwable cause, int maxLineBytes, int maxHeaderBytes) {
        return switch (cause) {
            case io.netty.handler.codec.http.TooLongHttpLineException e ->
                error(
                        414,
                        "RESOURCE_EXHAUSTED",
                        "the request line is longer than " + maxLineBytes + " bytes",
                        null,
                        Status.Code.RESOURCE_EXHAUSTED,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case io.netty.handler.codec.http.TooLongHttpHeaderException e ->
                error(
                        431,
                        "RESOURCE_EXHAUSTED",
                        "the request headers are larger than " + maxHeaderBytes + " bytes",
                        null,
                        Status.Code.RESOURCE_EXHAUSTED,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case null ->
                error(
                        400,
                        "INVALID_ARGUMENT",
                        "malformed request line or headers",
                        null,
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case Connections.UnsupportedVersion e ->
                error(
                        400,
                        "INVALID_ARGUMENT",
                        "malformed request line or headers: " + e.getMessage(),
                        null,
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            default ->
                error(
                        400,
                        "INVALID_ARGUMENT",
                        "malformed request line or headers: " + decoderReason(cause),
                        null,
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
        };
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
                HttpFailure.tooLarge(
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
            case 404 ->
                new HttpFailure(
                        404, "NOT_FOUND", null, "no endpoint " + ctx.request().path());
            case 405 -> new HttpFailure(405, "METHOD_NOT_ALLOWED", null, "method not allowed");
            default ->
                new HttpFailure(
                        status < 400 ? 500 : status,
                        "HTTP_" + status,
                        null,
                        "the request failed with status " + status);
        };
    }

    static ApiError map(Throwable failure) {
        return map(failure, null);
    }

    /** {@link #map(Throwable)}, naming fields with {@code paths} (null: the request has no engine-checked names). */
    static ApiError map(Throwable failure, FieldPaths paths) {
        return switch (failure) {
            case KithException k -> mapKith(k, paths);
            case HttpFailure h -> error(h.status(), h.code(), h.getMessage(), h.field(), grpcCode(h), h.reason());
            case OutOfMemoryError e -> {
                LOG.log(System.Logger.Level.ERROR, "out of memory while serving a request", e);
                yield error(
                        503,
                        "UNAVAILABLE",
                        "the server ran out of memory serving this request; retry later",
                        null,
                        Status.Code.UNAVAILABLE,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            }
            case Error e -> {
                String id = Long.toHexString(System.nanoTime());
                LOG.log(System.Logger.Level.ERROR, "error " + id + " while serving a request", e);
                yield error(
                        503,
                        "UNAVAILABLE",
                        "the server could not serve this request (error id " + id + "); retry later",
                        null,
                        Status.Code.UNAVAILABLE,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            }
            default -> {
                String id = Long.toHexString(System.nanoTime());
                LOG.log(System.Logger.Level.ERROR, "internal error " + id, failure);
                yield error(
                        500,
                        "INTERNAL",
                        "internal error (id " + id + "); see the server log",
                        null,
                        Status.Code.INTERNAL,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            }
        };
    }

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
            case KithException.InvalidSchema e -> {
                ApiError err = error(
                        400,
                        "INVALID_SCHEMA",
                        e.getMessage(),
                        "schema",
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_SCHEMA_PARSE_ERROR);
                ((ObjectNode) err.body().get("details")).set("diagnostics", diagnostics(e.diagnostics()));
                yield err;
            }
            case KithException.NotFound e
            when e.name() == null ->
                error(
                        400,
                        "NO_SCHEMA",
                        e.getMessage(),
                        null,
                        Status.Code.NOT_FOUND,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.NotFound e -> {
                ApiError err =
                        located(e, "UNKNOWN_NAME", null, paths, Status.Code.FAILED_PRECONDITION, unknownNameReason(e));
                ((ObjectNode) err.body().get("details")).put("name", e.name());
                yield err;
            }
            case KithException.PreconditionFailed e ->
                error(
                        409,
                        "FAILED_PRECONDITION",
                        e.getMessage(),
                        null,
                        Status.Code.FAILED_PRECONDITION,
                        ErrorReason.ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE);
            case KithException.Conflict e ->
                error(
                        409,
                        "ALREADY_EXISTS",
                        e.getMessage(),
                        null,
                        Status.Code.ALREADY_EXISTS,
                        ErrorReason.ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP);
            case KithException.RevisionExpired e ->
                error(
                        400,
                        "REVISION_EXPIRED",
                        e.getMessage(),
                        "consistency",
                        Status.Code.OUT_OF_RANGE,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.RevisionUnavailable e ->
                error(
                        503,
                        "UNAVAILABLE",
                        e.getMessage(),
                        "consistency",
                        Status.Code.UNAVAILABLE,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.MaxDepthExceeded e -> {
                ApiError err = error(
                        400,
                        "MAX_DEPTH_EXCEEDED",
                        e.getMessage(),
                        null,
                        Status.Code.RESOURCE_EXHAUSTED,
                        ErrorReason.ERROR_REASON_MAXIMUM_DEPTH_EXCEEDED);
                ((ObjectNode) err.body().get("details")).put("depthLimit", e.depthLimit());
                yield err;
            }
            case KithException.CaveatEvaluation e ->
                error(
                        400,
                        "CAVEAT_EVALUATION",
                        e.getMessage(),
                        "context",
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_CAVEAT_EVALUATION_ERROR);
            case KithException.CaveatCostExceeded e -> {
                ApiError err = error(
                        429,
                        "RESOURCE_EXHAUSTED",
                        e.getMessage(),
                        "context",
                        Status.Code.RESOURCE_EXHAUSTED,
                        ErrorReason.ERROR_REASON_CAVEAT_EVALUATION_ERROR);
                ObjectNode details = (ObjectNode) err.body().get("details");
                details.put("caveat", e.caveat());
                details.put("costLimit", e.costLimit());
                yield err;
            }
            case KithException.LimitExceeded e ->
                error(
                        413,
                        "RESOURCE_EXHAUSTED",
                        e.getMessage(),
                        null,
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT);
            case KithException.StoreUnavailable e ->
                error(
                        503,
                        "UNAVAILABLE",
                        e.getMessage(),
                        null,
                        Status.Code.UNAVAILABLE,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
            case KithException.DeadlineExceeded e ->
                error(
                        504,
                        "DEADLINE_EXCEEDED",
                        e.getMessage(),
                        null,
                        Status.Code.DEADLINE_EXCEEDED,
                        ErrorReason.ERROR_REASON_UNSPECIFIED);
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
     * The gRPC code of a failure the HTTP layer detected: its code when that is a gRPC code name (they are
     * spelled alike), otherwise the one its HTTP status stands for.
     */
    private static Status.Code grpcCode(HttpFailure h) {
        if (h.grpcCode() != null) return h.grpcCode();
        for (Status.Code c : Status.Code.values()) {
            if (c.name().equals(h.code())) return c;
        }
        return switch (h.status()) {
            case 404 -> Status.Code.NOT_FOUND;
            case 405 -> Status.Code.UNIMPLEMENTED;
            case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 504 -> Status.Code.DEADLINE_EXCEEDED;
            case 503 -> Status.Code.UNAVAILABLE;
            default -> h.status() < 500 ? Status.Code.INVALID_ARGUMENT : Status.Code.UNKNOWN;
        };
    }

    /**
     * A 400 naming the JSON path of the part {@code e} is about, when the engine said where and the request has
     * that field; otherwise {@code field} and the engine's message.
     */
    private static ApiError located(
            KithException e, String code, String field, FieldPaths paths, Status.Code grpcCode, ErrorReason reason) {
        String path = e.where() == null || paths == null ? null : paths.path(e.where());
        if (path == null) return error(400, code, e.getMessage(), field, grpcCode, reason);
        return error(400, code, path + ": " + e.reason(), path, grpcCode, reason);
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

    static ApiError error(
            int status, String code, String message, String field, Status.Code grpcCode, ErrorReason reason) {
        ObjectNode body = NODES.objectNode();
        body.put("code", code);
        body.put("message", message == null ? code : message);
        ObjectNode details = body.putObject("details");
        if (field != null) details.put("field", trimDots(field));
        return new ApiError(status, body, grpcCode, reason);
    }
}

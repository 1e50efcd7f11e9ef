package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.KithException;
import dev.kith.schema.Diagnostic;
import java.util.List;

/**
 * The one place where failures become HTTP answers: every {@link KithException} case, the HTTP layer's own
 * {@link HttpFailure}s, and anything unexpected (a 500 that says only "internal error" and an error id; the
 * stack trace goes to the log, never to the caller).
 *
 * <p>Statuses: 400 bad input (including unknown types, relations and permissions, expired revisions, depth and
 * caveat evaluation failures), 401 missing or wrong key, 404 unknown route, 409 failed precondition or
 * conflict, 413 too large, 429 overloaded, 503 revision not reached in time or store unavailable, 504 deadline.
 */
final class ErrorMapper {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A status with its JSON body {@code {code, message, details}}. */
    record ApiError(int status, ObjectNode body) {
        String code() {
            return body.path("code").asText();
        }
    }

    private ErrorMapper() {}

    static ApiError map(Throwable failure) {
        return switch (failure) {
            case KithException k -> mapKith(k);
            case HttpFailure h -> error(h.status(), h.code(), h.getMessage(), h.field());
            default -> {
                String id = Long.toHexString(System.nanoTime());
                LOG.log(System.Logger.Level.ERROR, "internal error " + id, failure);
                yield error(500, "INTERNAL", "internal error (id " + id + "); see the server log", null);
            }
        };
    }

    private static ApiError mapKith(KithException k) {
        return switch (k) {
            case KithException.InvalidArgument e -> error(400, "INVALID_ARGUMENT", e.getMessage(), e.field());
            case KithException.InvalidSchema e -> {
                ApiError err = error(400, "INVALID_SCHEMA", e.getMessage(), "schema");
                ((ObjectNode) err.body().get("details")).set("diagnostics", diagnostics(e.diagnostics()));
                yield err;
            }
            case KithException.NotFound e -> error(400, "NOT_FOUND", e.getMessage(), null);
            case KithException.PreconditionFailed e -> error(409, "FAILED_PRECONDITION", e.getMessage(), null);
            case KithException.Conflict e -> error(409, "ALREADY_EXISTS", e.getMessage(), null);
            case KithException.RevisionExpired e -> error(400, "REVISION_EXPIRED", e.getMessage(), "consistency");
            case KithException.RevisionUnavailable e -> error(503, "UNAVAILABLE", e.getMessage(), "consistency");
            case KithException.MaxDepthExceeded e -> {
                ApiError err = error(400, "MAX_DEPTH_EXCEEDED", e.getMessage(), null);
                ((ObjectNode) err.body().get("details")).put("depthLimit", e.depthLimit());
                yield err;
            }
            case KithException.CaveatEvaluation e -> error(400, "CAVEAT_EVALUATION", e.getMessage(), "context");
            case KithException.LimitExceeded e -> error(413, "RESOURCE_EXHAUSTED", e.getMessage(), null);
            case KithException.StoreUnavailable e -> error(503, "UNAVAILABLE", e.getMessage(), null);
            case KithException.DeadlineExceeded e -> error(504, "DEADLINE_EXCEEDED", e.getMessage(), null);
        };
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

    static ApiError error(int status, String code, String message, String field) {
        ObjectNode body = NODES.objectNode();
        body.put("code", code);
        body.put("message", message == null ? code : message);
        ObjectNode details = body.putObject("details");
        if (field != null) details.put("field", field);
        return new ApiError(status, body);
    }
}

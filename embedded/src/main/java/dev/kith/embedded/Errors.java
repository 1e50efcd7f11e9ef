package dev.kith.embedded;

import dev.kith.client.KithCallException;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.ErrorReason;
import io.grpc.Status;

/**
 * The engine's failures as the {@link KithCallException}s a kith server's answers become: the same gRPC code,
 * SpiceDB reason and kith error code for each case (the server's error table in {@code api/README.md}).
 */
final class Errors {
    private Errors() {}

    static KithCallException of(String method, KithException k) {
        return switch (k) {
            case KithException.InvalidArgument e ->
                error(
                        method,
                        Status.Code.INVALID_ARGUMENT,
                        e.wildcard() ? ErrorReason.ERROR_REASON_WILDCARD_NOT_ALLOWED : null,
                        "INVALID_ARGUMENT",
                        e.field(),
                        e.getMessage());
            case KithException.InvalidSchema e ->
                error(
                        method,
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_SCHEMA_PARSE_ERROR,
                        "INVALID_SCHEMA",
                        "schema",
                        e.getMessage());
            case KithException.NotFound e
            when e.name() == null ->
                error(
                        method,
                        Status.Code.FAILED_PRECONDITION,
                        ErrorReason.ERROR_REASON_UNKNOWN_DEFINITION,
                        "NO_SCHEMA",
                        null,
                        e.getMessage());
            case KithException.NotFound e ->
                error(
                        method,
                        Status.Code.FAILED_PRECONDITION,
                        unknownNameReason(e),
                        "UNKNOWN_NAME",
                        e.where() == null ? null : e.where().label(),
                        e.getMessage());
            case KithException.PreconditionFailed e ->
                error(
                        method,
                        Status.Code.FAILED_PRECONDITION,
                        ErrorReason.ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE,
                        "FAILED_PRECONDITION",
                        null,
                        e.getMessage());
            case KithException.Conflict e ->
                error(
                        method,
                        Status.Code.ALREADY_EXISTS,
                        ErrorReason.ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP,
                        "ALREADY_EXISTS",
                        null,
                        e.getMessage());
            case KithException.RevisionExpired e ->
                error(method, Status.Code.OUT_OF_RANGE, null, "REVISION_EXPIRED", "consistency", e.getMessage());
            case KithException.RevisionUnavailable e ->
                error(method, Status.Code.UNAVAILABLE, null, "UNAVAILABLE", "consistency", e.getMessage());
            case KithException.MaxDepthExceeded e ->
                error(
                        method,
                        Status.Code.RESOURCE_EXHAUSTED,
                        ErrorReason.ERROR_REASON_MAXIMUM_DEPTH_EXCEEDED,
                        "MAX_DEPTH_EXCEEDED",
                        null,
                        e.getMessage());
            case KithException.CaveatEvaluation e ->
                error(
                        method,
                        Status.Code.INVALID_ARGUMENT,
                        ErrorReason.ERROR_REASON_CAVEAT_EVALUATION_ERROR,
                        "CAVEAT_EVALUATION",
                        "context",
                        e.getMessage());
            case KithException.CaveatCostExceeded e ->
                error(
                        method,
                        Status.Code.RESOURCE_EXHAUSTED,
                        ErrorReason.ERROR_REASON_CAVEAT_EVALUATION_ERROR,
                        "RESOURCE_EXHAUSTED",
                        "context",
                        e.getMessage());
            case KithException.LimitExceeded e ->
                error(
                        method,
                        Status.Code.INVALID_ARGUMENT,
                        switch (e.limit()) {
                            case UPDATES -> ErrorReason.ERROR_REASON_TOO_MANY_UPDATES_IN_REQUEST;
                            case PRECONDITIONS -> ErrorReason.ERROR_REASON_TOO_MANY_PRECONDITIONS_IN_REQUEST;
                            case DELETE_LIMIT ->
                                ErrorReason.ERROR_REASON_TOO_MANY_RELATIONSHIPS_FOR_TRANSACTIONAL_DELETE;
                            case OTHER -> ErrorReason.ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT;
                        },
                        "INVALID_ARGUMENT",
                        null,
                        e.getMessage());
            case KithException.StoreUnavailable e ->
                error(method, Status.Code.UNAVAILABLE, null, "UNAVAILABLE", null, e.getMessage());
            case KithException.DeadlineExceeded e ->
                error(method, Status.Code.DEADLINE_EXCEEDED, null, "DEADLINE_EXCEEDED", null, e.getMessage());
        };
    }

    /** A request the engine's records refuse before the engine sees it. */
    static KithCallException invalid(String method, IllegalArgumentException e) {
        return error(method, Status.Code.INVALID_ARGUMENT, null, "INVALID_ARGUMENT", null, e.getMessage());
    }

    private static KithCallException error(
            String method, Status.Code code, ErrorReason reason, String errorCode, String field, String message) {
        return new KithCallException(method, code, reason == null ? null : reason.name(), errorCode, field, message);
    }

    private static ErrorReason unknownNameReason(KithException.NotFound e) {
        KithException.Part part = e.where() == null ? null : e.where().part();
        if (part == null) return null;
        return switch (part) {
            case RESOURCE_TYPE, SUBJECT_TYPE -> ErrorReason.ERROR_REASON_UNKNOWN_DEFINITION;
            case CAVEAT -> ErrorReason.ERROR_REASON_UNKNOWN_CAVEAT;
            case RELATION, SUBJECT_RELATION -> ErrorReason.ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION;
            default -> null;
        };
    }
}

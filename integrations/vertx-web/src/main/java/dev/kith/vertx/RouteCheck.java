package dev.kith.vertx;

import com.google.protobuf.Struct;
import dev.kith.client.CheckResult;
import dev.kith.client.KithCallException;
import dev.kith.client.Refs;
import dev.kith.proto.v1.CheckPermissionRequest;
import io.grpc.Status;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One route's check: see {@link KithAuthorization} for what each answer does. */
final class RouteCheck implements Handler<RoutingContext> {
    private static final Logger LOG = Logger.getLogger(RouteCheck.class.getName());

    private final KithAuthorization authz;
    private final String resourceType;
    private final String idParam;
    private final String permission;

    RouteCheck(KithAuthorization authz, String resourceType, String idParam, String permission) {
        this.authz = authz;
        this.resourceType = resourceType;
        this.idParam = idParam;
        this.permission = permission;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String subject = authz.subject(ctx);
        if (subject == null) {
            refuse(
                    ctx,
                    401,
                    "unauthenticated",
                    ctx.user() == null
                            ? "no logged-in user"
                            : "the user's token carries no `" + authz.subjectClaim() + "` claim");
            return;
        }
        String id = ctx.pathParam(idParam);
        if (id == null || id.isEmpty()) {
            ctx.fail(
                    500,
                    new IllegalStateException("the route " + ctx.currentRoute().getPath() + " has no path parameter `"
                            + idParam + "` to authorize"));
            return;
        }
        String resource = resourceType + ":" + id;
        CheckPermissionRequest.Builder request;
        Struct context;
        try {
            request = CheckPermissionRequest.newBuilder()
                    .setSubject(Refs.subject(subject))
                    .setPermission(permission)
                    .setResource(Refs.object(resourceType, id))
                    .setConsistency(authz.tokenStore().tokens(ctx, subject).consistencyFor(resource));
            context = authz.caveatContext(ctx);
        } catch (IllegalArgumentException e) {
            refuse(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        if (context.getFieldsCount() > 0) request.setContext(context);
        CheckPermissionRequest built = request.build();
        ctx.vertx()
                .executeBlocking(() -> authz.client().checkPermission(built), false)
                .onSuccess(r -> {
                    switch (CheckResult.of(r.getPermissionship())) {
                        case ALLOWED -> ctx.next();
                        case DENIED ->
                            refuse(ctx, 403, "forbidden", subject + " may not " + permission + " " + resource);
                        case CONDITIONAL -> authz.onConditional().handle(ctx);
                    }
                })
                .onFailure(e -> failed(ctx, e, resource));
    }

    private void failed(RoutingContext ctx, Throwable e, String resource) {
        if (e instanceof KithCallException k) {
            if (unreachable(k.code())) {
                if (authz.failsOpen()) {
                    LOG.log(
                            Level.WARNING,
                            "kith unreachable, letting the request through (fail open): {0}",
                            k.getMessage());
                    ctx.next();
                } else {
                    refuse(ctx, 503, "authorization_unavailable", "authorization is unavailable; try again later");
                }
                return;
            }
            if (k.code() == Status.Code.INVALID_ARGUMENT) {
                refuse(ctx, 400, "bad_request", "`" + resource + "` is not a valid resource");
                return;
            }
        }
        LOG.log(Level.SEVERE, "the check of " + resource + " failed", e);
        refuse(ctx, 500, "authorization_failed", "authorization failed");
    }

    /** Codes meaning kith could not answer now, rather than answering with an error. */
    static boolean unreachable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED;
    }

    /** Ends the request with {@code status} and a small JSON body. */
    static void refuse(RoutingContext ctx, int status, String error, String message) {
        if (ctx.response().ended()) return;
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject()
                        .put("error", error)
                        .put("message", message)
                        .encode());
    }
}

package dev.kith.examples.vertxdocs;

import dev.kith.client.ConsistencyTokens;
import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.client.Refs;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.vertx.KithAuthorization;
import dev.kith.vertx.TokenStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A document-sharing REST service: log in (a JWT), create documents, share them with users and groups, list the ones
 * you may see, revoke, delete. kith holds who may do what (the schema {@code docs-schema.zed}); the documents
 * themselves are kept in memory. Run {@link #main} for the service on port 8080.
 */
public final class DocsApp {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_\\-]{1,64}");

    private final JWTAuth jwt;
    private final KithAuthorization authz;
    private final Map<String, JsonObject> documents = new ConcurrentHashMap<>();

    private DocsApp(Vertx vertx, Kith kith, String jwtSecret) {
        this.jwt = JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                        .addPubSecKey(
                                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(jwtSecret)));
        // One set of tokens for the process: every check reads at least as fresh as the last sharing change of its
        // document, so a revoked user is refused on their very next request.
        this.authz = KithAuthorization.builder(kith)
                .tokens(TokenStore.shared(new ConsistencyTokens()))
                .build();
    }

    /** Writes the schema to {@code kith} and serves the API on {@code port} (0: any free port). */
    public static Future<HttpServer> start(Vertx vertx, Kith kith, String jwtSecret, int port) {
        kith.writeSchema(schema());
        DocsApp app = new DocsApp(vertx, kith, jwtSecret);
        return vertx.createHttpServer().requestHandler(app.router(vertx)).listen(port);
    }

    /** The kith schema of the service. */
    public static String schema() {
        try (InputStream in = DocsApp.class.getResourceAsStream("/docs-schema.zed")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("docs-schema.zed cannot be read", e);
        }
    }

    /** Runs the service: KITH_TARGET (default {@code embedded:}), KITH_KEY, JWT_SECRET, PORT (default 8080). */
    public static void main(String[] args) {
        String target = System.getenv().getOrDefault("KITH_TARGET", "embedded:");
        String secret = System.getenv().getOrDefault("JWT_SECRET", "change-me-to-a-long-random-secret");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        Kith kith = Kith.connect(KithConfig.builder(target)
                .presharedKey(System.getenv("KITH_KEY"))
                .build());
        Vertx vertx = Vertx.vertx();
        start(vertx, kith, secret, port)
                .onSuccess(s -> System.out.println(
                        "documents service on http://localhost:" + s.actualPort() + " (kith at " + target + ")"))
                .onFailure(e -> {
                    System.err.println("cannot start: " + e.getMessage());
                    vertx.close();
                    kith.close();
                });
    }

    Router router(Vertx vertx) {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
        r.post("/login").handler(this::login);
        r.route("/documents*").handler(JWTAuthHandler.create(jwt));
        r.route("/groups*").handler(JWTAuthHandler.create(jwt));
        r.post("/documents").handler(this::create);
        r.get("/documents").handler(this::list);
        r.get("/documents/:id").handler(authz.require("document", "id", "view")).handler(this::read);
        r.delete("/documents/:id")
                .handler(authz.require("document", "id", "delete"))
                .handler(this::delete);
        r.post("/documents/:id/shares")
                .handler(authz.require("document", "id", "share"))
                .handler(this::share);
        r.delete("/documents/:id/shares/:kind/:name")
                .handler(authz.require("document", "id", "share"))
                .handler(this::revoke);
        r.post("/groups").handler(this::createGroup);
        r.post("/groups/:id/members")
                .handler(authz.require("group", "id", "manage"))
                .handler(this::addMember);
        return r;
    }

    /** {@code {"user": "ann"}}: a token for ann. A real service checks a password or an identity provider here. */
    private void login(RoutingContext ctx) {
        String user = field(ctx, "user");
        if (user == null) return;
        String token = jwt.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInMinutes(60));
        ctx.json(new JsonObject().put("token", token));
    }

    /** {@code {"id": "plan", "title": "…", "body": "…"}}: the document, owned by the caller. */
    private void create(RoutingContext ctx) {
        String id = field(ctx, "id");
        if (id == null) return;
        JsonObject body = ctx.body().asJsonObject();
        JsonObject doc = new JsonObject()
                .put("id", id)
                .put("title", body.getString("title", ""))
                .put("body", body.getString("body", ""));
        if (documents.putIfAbsent(id, doc) != null) {
            error(ctx, 409, "document `" + id + "` exists");
            return;
        }
        Kith mine = authz.kith(ctx);
        String owner = authz.subject(ctx);
        blocking(ctx, () -> mine.touch("document:" + id + "#owner@" + owner))
                .onSuccess(t -> ctx.response().setStatusCode(201).end(doc.encode()))
                .onFailure(e -> documents.remove(id));
    }

    private void read(RoutingContext ctx) {
        JsonObject doc = documents.get(ctx.pathParam("id"));
        if (doc == null) error(ctx, 404, "no document `" + ctx.pathParam("id") + "`");
        else ctx.json(doc);
    }

    /** The documents the caller may view, {@code limit} (default 20) at a time from {@code cursor}. */
    private void list(RoutingContext ctx) {
        int limit;
        try {
            limit = Integer.parseInt(
                    ctx.queryParams().get("limit") == null
                            ? "20"
                            : ctx.queryParams().get("limit"));
        } catch (NumberFormatException e) {
            error(ctx, 400, "`limit` must be a number");
            return;
        }
        if (limit < 1 || limit > 1000) {
            error(ctx, 400, "`limit` must be between 1 and 1000");
            return;
        }
        String cursor = ctx.queryParams().get("cursor");
        LookupResourcesRequest.Builder req = LookupResourcesRequest.newBuilder()
                .setResourceObjectType("document")
                .setPermission("view")
                .setSubject(Refs.subject(authz.subject(ctx)))
                .setOptionalLimit(limit);
        if (cursor != null) req.setOptionalCursor(Cursor.newBuilder().setToken(cursor));
        Kith mine = authz.kith(ctx);
        blocking(ctx, () -> {
                    List<LookupResourcesResponse> page;
                    try (Stream<LookupResourcesResponse> s = mine.lookupResources(req.build())) {
                        page = s.toList();
                    }
                    return page;
                })
                .onSuccess(page -> {
                    JsonArray items = new JsonArray();
                    for (LookupResourcesResponse r : page) {
                        JsonObject doc = documents.get(r.getResourceObjectId());
                        if (doc != null)
                            items.add(new JsonObject()
                                    .put("id", doc.getString("id"))
                                    .put("title", doc.getString("title")));
                    }
                    JsonObject out = new JsonObject().put("documents", items);
                    if (page.size() == limit) {
                        out.put("next", page.getLast().getAfterResultCursor().getToken());
                    }
                    ctx.json(out);
                });
    }

    /** {@code {"user": "bob"}} or {@code {"group": "eng"}}: the user, or the group's members, may view it. */
    private void share(RoutingContext ctx) {
        String subject = shareSubject(ctx);
        if (subject == null) return;
        Kith mine = authz.kith(ctx);
        String rel = "document:" + ctx.pathParam("id") + "#viewer@" + subject;
        blocking(ctx, () -> mine.touch(rel))
                .onSuccess(t -> ctx.response().setStatusCode(204).end());
    }

    /** {@code DELETE /documents/:id/shares/user/bob} or {@code …/group/eng}. */
    private void revoke(RoutingContext ctx) {
        String kind = ctx.pathParam("kind");
        String name = ctx.pathParam("name");
        if (!NAME.matcher(name).matches() || !(kind.equals("user") || kind.equals("group"))) {
            error(ctx, 400, "expected /shares/user/NAME or /shares/group/NAME");
            return;
        }
        String subject = kind.equals("user") ? "user:" + name : "group:" + name + "#member";
        Kith mine = authz.kith(ctx);
        String rel = "document:" + ctx.pathParam("id") + "#viewer@" + subject;
        blocking(ctx, () -> mine.delete(rel))
                .onSuccess(t -> ctx.response().setStatusCode(204).end());
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Kith mine = authz.kith(ctx);
        blocking(
                        ctx,
                        () -> mine.deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                                .setRelationshipFilter(RelationshipFilter.newBuilder()
                                        .setResourceType("document")
                                        .setOptionalResourceId(id))
                                .build()))
                .onSuccess(r -> {
                    documents.remove(id);
                    ctx.response().setStatusCode(204).end();
                });
    }

    /** {@code {"id": "eng"}}: a group, administered by the caller. */
    private void createGroup(RoutingContext ctx) {
        String id = field(ctx, "id");
        if (id == null) return;
        Kith mine = authz.kith(ctx);
        String admin = authz.subject(ctx);
        blocking(ctx, () -> mine.touch("group:" + id + "#admin@" + admin, "group:" + id + "#member@" + admin))
                .onSuccess(t -> ctx.response().setStatusCode(201).end());
    }

    /** {@code {"user": "bob"}}: bob becomes a member. */
    private void addMember(RoutingContext ctx) {
        String user = field(ctx, "user");
        if (user == null) return;
        Kith mine = authz.kith(ctx);
        String rel = "group:" + ctx.pathParam("id") + "#member@user:" + user;
        blocking(ctx, () -> mine.touch(rel))
                .onSuccess(t -> ctx.response().setStatusCode(204).end());
    }

    private String shareSubject(RoutingContext ctx) {
        JsonObject body = json(ctx);
        if (body == null) return null;
        String user = body.getString("user");
        String group = body.getString("group");
        if ((user == null) == (group == null)) {
            error(ctx, 400, "give one of `user` or `group`");
            return null;
        }
        String name = user != null ? user : group;
        if (!NAME.matcher(name).matches()) {
            error(ctx, 400, "`" + name + "` is not a name (letters, digits, _ and -, up to 64)");
            return null;
        }
        return user != null ? "user:" + user : "group:" + group + "#member";
    }

    /** The body's field {@code name}, a valid name; null after answering 400. */
    private static String field(RoutingContext ctx, String name) {
        JsonObject body = json(ctx);
        if (body == null) return null;
        Object v = body.getValue(name);
        if (!(v instanceof String s) || !NAME.matcher(s).matches()) {
            error(ctx, 400, "`" + name + "` must be a name (letters, digits, _ and -, up to 64)");
            return null;
        }
        return s;
    }

    private static JsonObject json(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) error(ctx, 400, "the body must be a JSON object");
            return body;
        } catch (RuntimeException e) {
            error(ctx, 400, "the body is not JSON: " + e.getMessage());
            return null;
        }
    }

    /** Runs a kith call off the event loop; a failure answers 503 (kith unreachable) or 500. */
    private <T> Future<T> blocking(RoutingContext ctx, Callable<T> call) {
        return ctx.vertx().executeBlocking(call, false).onFailure(e -> {
            boolean down = e instanceof dev.kith.client.KithCallException k
                    && (k.code() == io.grpc.Status.Code.UNAVAILABLE
                            || k.code() == io.grpc.Status.Code.DEADLINE_EXCEEDED);
            error(ctx, down ? 503 : 500, down ? "authorization is unavailable; try again later" : "the change failed");
        });
    }

    private static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) return;
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("message", message).encode());
    }
}

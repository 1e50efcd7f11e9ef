package dev.kith.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kith.client.ConsistencyTokens;
import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.client.Refs;
import dev.kith.embedded.EmbeddedKith;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.ZedToken;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler on a real Vert.x server with JWT login, over an embedded kith (or a gRPC one at a closed port): each
 * answer's status, fail open, and the consistency token of a write carried by the next check.
 */
class KithAuthorizationTest {
    static final String SCHEMA = """
            definition user {}

            caveat on_network(ip string, allowed string) {
                ip == allowed
            }

            definition document {
                relation owner: user
                relation viewer: user | user with on_network
                permission view = viewer + owner
                permission edit = owner
            }
            """;

    Vertx vertx;
    JWTAuth jwt;
    WebClient web;
    EmbeddedKith embedded;
    final List<CheckPermissionRequest> checks = new CopyOnWriteArrayList<>();
    Kith kith;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        jwt = JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                        .addPubSecKey(
                                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("test-secret-0123456789")));
        web = WebClient.create(vertx);
        embedded = EmbeddedKith.start();
        embedded.writeSchema(SCHEMA);
        embedded.touch("document:plan#owner@user:ann", "document:plan#viewer@user:bob");
        embedded.write(List.of(RelationshipUpdate.newBuilder()
                .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                .setRelationship(Refs.relationship("document:plan#viewer@user:cat").toBuilder()
                        .setOptionalCaveat(ContextualizedCaveat.newBuilder()
                                .setCaveatName("on_network")
                                .setContext(struct("allowed", "10.0.0.1"))))
                .build()));
        kith = recording(embedded);
    }

    @AfterEach
    void stop() {
        web.close();
        vertx.close().await();
        embedded.close();
    }

    @Test
    void allowedPassesDeniedIs403() {
        int port = serve(KithAuthorization.builder(kith).build(), r -> {});
        assertThat(get(port, "/documents/plan", "ann").statusCode()).isEqualTo(200);
        assertThat(get(port, "/documents/plan", "bob").statusCode()).isEqualTo(200);
        HttpResponse<?> denied = get(port, "/documents/plan", "dan");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.bodyAsJsonObject().getString("message")).isEqualTo("user:dan may not view document:plan");
        assertThat(get(port, "/documents/other", "ann").statusCode()).isEqualTo(403);
    }

    @Test
    void conditionalWithoutContextIs403OrTheHook() {
        int plain = serve(KithAuthorization.builder(kith).build(), r -> {});
        HttpResponse<?> conditional = get(plain, "/documents/plan", "cat");
        assertThat(conditional.statusCode()).isEqualTo(403);
        assertThat(conditional.bodyAsJsonObject().getString("error")).isEqualTo("conditional");

        int hooked = serve(
                KithAuthorization.builder(kith)
                        .onConditional(ctx -> ctx.response().setStatusCode(428).end("tell us where you are"))
                        .build(),
                r -> {});
        HttpResponse<?> hook = get(hooked, "/documents/plan", "cat");
        assertThat(hook.statusCode()).isEqualTo(428);
        assertThat(hook.bodyAsString()).isEqualTo("tell us where you are");

        int withContext = serve(
                KithAuthorization.builder(kith)
                        .caveatContext(ctx -> struct("ip", ctx.request().getHeader("x-ip")))
                        .build(),
                r -> {});
        assertThat(get(withContext, "/documents/plan", "cat", "10.0.0.1").statusCode())
                .isEqualTo(200);
        assertThat(get(withContext, "/documents/plan", "cat", "10.9.9.9").statusCode())
                .isEqualTo(403);
        assertThat(checks.getLast().getContext().getFieldsMap().get("ip").getStringValue())
                .isEqualTo("10.9.9.9");
    }

    @Test
    void unreachableKithIs503OrOpenWhenConfigured() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (Kith down = Kith.connect(KithConfig.builder("grpc://127.0.0.1:" + closed)
                .deadline(Duration.ofSeconds(2))
                .build())) {
            int shut = serve(KithAuthorization.builder(down).build(), r -> {});
            HttpResponse<?> r = get(shut, "/documents/plan", "ann");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("authorization_unavailable");

            int open = serve(KithAuthorization.builder(down).failOpen(true).build(), x -> {});
            assertThat(get(open, "/documents/plan", "dan").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void failOpenDoesNotOpenOnAnAnswerOrAnotherError() {
        KithAuthorization open = KithAuthorization.builder(kith).failOpen(true).build();
        int port = serve(open, r -> {});
        assertThat(get(port, "/documents/plan", "dan").statusCode()).isEqualTo(403);
        // a type the schema does not define: kith answers an error, which never lets the request through
        int unknown = serve(
                open,
                r -> r.get("/folders/:id")
                        .handler(open.require("folder", "id", "view"))
                        .handler(ctx -> ctx.end("folder")));
        assertThat(get(unknown, "/folders/f1", "ann").statusCode()).isEqualTo(500);
    }

    @Test
    void noUserOrNoClaimIs401AndABadIdIs400() {
        int port = serve(KithAuthorization.builder(kith).subjectClaim("email").build(), r -> {});
        HttpResponse<?> noClaim = get(port, "/documents/plan", "ann");
        assertThat(noClaim.statusCode()).isEqualTo(401);
        assertThat(noClaim.bodyAsJsonObject().getString("message")).contains("`email` claim");

        int plain = serve(KithAuthorization.builder(kith).build(), r -> {});
        HttpResponse<?> bad = get(plain, "/documents/a%20b", "ann");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsJsonObject().getString("message")).contains("document:a b");
        assertThat(web.get(plain, "127.0.0.1", "/documents/plan").send().await().statusCode())
                .isEqualTo(401);
    }

    @Test
    void aWriteTokenIsKeptAndTheNextCheckReadsAtLeastAsFreshAsIt() {
        int port = serve(KithAuthorization.builder(kith).build(), r -> {});
        HttpResponse<?> created = post(port, "/documents/memo", "ann");
        assertThat(created.statusCode()).isEqualTo(201);
        String token = created.bodyAsString();

        assertThat(get(port, "/documents/memo", "ann").statusCode()).isEqualTo(200);
        CheckPermissionRequest check = checks.getLast();
        assertThat(check.getResource().getObjectId()).isEqualTo("memo");
        assertThat(check.getConsistency().hasAtLeastAsFresh()).isTrue();
        assertThat(check.getConsistency().getAtLeastAsFresh().getToken()).isEqualTo(token);

        // Another user's tokens are their own: bob's check of the same document names no token.
        get(port, "/documents/memo", "bob");
        assertThat(checks.getLast().getConsistency().getMinimizeLatency()).isTrue();
    }

    @Test
    void sharedTokensMakeEveryonesCheckSeeTheWrite() {
        ConsistencyTokens shared = new ConsistencyTokens();
        int port = serve(
                KithAuthorization.builder(kith)
                        .tokens(TokenStore.shared(shared))
                        .build(),
                r -> {});
        String token = post(port, "/documents/memo", "ann").bodyAsString();
        assertThat(get(port, "/documents/memo", "bob").statusCode()).isEqualTo(403);
        assertThat(checks.getLast().getConsistency().getAtLeastAsFresh().getToken())
                .isEqualTo(token);
    }

    // ---- the app

    /** An app with JWT login, GET (view) and POST (creates the document, its owner the user) on /documents/:id. */
    private int serve(KithAuthorization authz, Consumer<Router> more) {
        Router router = Router.router(vertx);
        router.route().handler(JWTAuthHandler.create(jwt));
        router.get("/documents/:id")
                .handler(authz.require("document", "id", "view"))
                .handler(ctx -> ctx.end("content of " + ctx.pathParam("id")));
        router.post("/documents/:id").handler(ctx -> {
            String doc = "document:" + ctx.pathParam("id");
            Kith mine = authz.kith(ctx);
            String subject = authz.subject(ctx);
            ctx.vertx()
                    .executeBlocking(() -> mine.touch(doc + "#owner@" + subject), false)
                    .onSuccess((ZedToken t) -> ctx.response().setStatusCode(201).end(t.getToken()))
                    .onFailure(ctx::fail);
        });
        more.accept(router);
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
        return server.actualPort();
    }

    private String bearer(String sub) {
        return "Bearer " + jwt.generateToken(new JsonObject().put("sub", sub), new JWTOptions());
    }

    private HttpResponse<?> get(int port, String path, String sub) {
        return web.get(port, "127.0.0.1", path)
                .putHeader("authorization", bearer(sub))
                .send()
                .await();
    }

    private HttpResponse<?> get(int port, String path, String sub, String ip) {
        return web.get(port, "127.0.0.1", path)
                .putHeader("authorization", bearer(sub))
                .putHeader("x-ip", ip)
                .send()
                .await();
    }

    private HttpResponse<?> post(int port, String path, String sub) {
        return web.post(port, "127.0.0.1", path)
                .putHeader("authorization", bearer(sub))
                .send()
                .await();
    }

    static Struct struct(String key, String value) {
        return Struct.newBuilder()
                .putFields(key, Value.newBuilder().setStringValue(value).build())
                .build();
    }

    /** {@code delegate}, recording every check request as it reaches kith. */
    private Kith recording(Kith delegate) {
        return (Kith) Proxy.newProxyInstance(Kith.class.getClassLoader(), new Class<?>[] {Kith.class}, (p, m, args) -> {
            if (m.getName().equals("checkPermission")) checks.add((CheckPermissionRequest) args[0]);
            try {
                return m.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}

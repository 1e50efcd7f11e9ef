package dev.kith.examples.vertxdocs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example end to end over HTTP with JWT login, against an embedded kith and against a real kith server on a
 * random port: create, share with a user and a group, list page by page, revoke (the revoked user never reads the
 * document again), delete.
 */
class DocsAppTest {
    static final String KEY = "docs-example-test-key-0123456789";

    Vertx vertx;
    Kith kith;
    Engine engine;
    KithServer server;
    WebClient web;
    int port;

    void start(String where) throws Exception {
        vertx = Vertx.vertx();
        if (where.equals("embedded")) {
            kith = Kith.connect("embedded:");
        } else {
            engine = Engines.inMemory(EngineOptions.defaults());
            server = KithServer.start(
                            engine, ServerConfig.loopback(List.of(KEY)).withGrpcPort(0))
                    .await(30, TimeUnit.SECONDS);
            kith = Kith.connect(KithConfig.builder("grpc://127.0.0.1:" + server.grpcPort())
                    .presharedKey(KEY)
                    .build());
        }
        port = DocsApp.start(vertx, kith, "test-secret-of-the-docs-example", 0)
                .await(30, TimeUnit.SECONDS)
                .actualPort();
        web = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        if (web != null) web.close();
        if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
        if (kith != null) kith.close();
        if (server != null) server.close();
        if (engine != null) engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "server"})
    void createShareListRevokeDelete(String where) throws Exception {
        start(where);
        String ann = login("ann");
        String bob = login("bob");
        String cat = login("cat");

        assertThat(send(
                                "POST",
                                "/documents",
                                ann,
                                new JsonObject()
                                        .put("id", "plan")
                                        .put("title", "Plan")
                                        .put("body", "secret"))
                        .statusCode())
                .isEqualTo(201);
        assertThat(send("GET", "/documents/plan", ann, null).bodyAsJsonObject().getString("body"))
                .isEqualTo("secret");
        assertThat(send("GET", "/documents/plan", bob, null).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/documents/plan/shares", bob, new JsonObject().put("user", "bob"))
                        .statusCode())
                .isEqualTo(403);

        assertThat(send("POST", "/documents/plan/shares", ann, new JsonObject().put("user", "bob"))
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("GET", "/documents/plan", bob, null).statusCode()).isEqualTo(200);

        // a group: cat sees the plan once she is a member of eng
        assertThat(send("POST", "/groups", ann, new JsonObject().put("id", "eng"))
                        .statusCode())
                .isEqualTo(201);
        assertThat(send("POST", "/documents/plan/shares", ann, new JsonObject().put("group", "eng"))
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("GET", "/documents/plan", cat, null).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/groups/eng/members", bob, new JsonObject().put("user", "cat"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/groups/eng/members", ann, new JsonObject().put("user", "cat"))
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("GET", "/documents/plan", cat, null).statusCode()).isEqualTo(200);

        // listing, three to a page
        for (int i = 0; i < 7; i++) {
            send("POST", "/documents", ann, new JsonObject().put("id", "d" + i).put("title", "D" + i));
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonObject page = send("GET", "/documents?limit=3" + (next == null ? "" : "&cursor=" + next), ann, null)
                    .bodyAsJsonObject();
            JsonArray docs = page.getJsonArray("documents");
            assertThat(docs.size()).isLessThanOrEqualTo(3);
            for (int i = 0; i < docs.size(); i++) seen.add(docs.getJsonObject(i).getString("id"));
            next = page.getString("next");
            pages++;
        } while (next != null && pages < 10);
        assertThat(seen).containsExactlyInAnyOrder("plan", "d0", "d1", "d2", "d3", "d4", "d5", "d6");
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(ids(send("GET", "/documents", bob, null))).containsExactly("plan");
        assertThat(send("GET", "/documents?limit=zero", bob, null).statusCode()).isEqualTo(400);

        // delete: gone for everyone
        assertThat(send("DELETE", "/documents/plan", bob, null).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/documents/plan", ann, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/documents/plan", bob, null).statusCode()).isEqualTo(403);
        assertThat(ids(send("GET", "/documents", bob, null))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "server"})
    void aRevokedUserNeverReadsTheDocumentAgain(String where) throws Exception {
        start(where);
        String ann = login("ann");
        String bob = login("bob");
        for (int round = 0; round < 20; round++) {
            String id = "note" + round;
            send("POST", "/documents", ann, new JsonObject().put("id", id).put("body", "v1"));
            send("POST", "/documents/" + id + "/shares", ann, new JsonObject().put("user", "bob"));
            assertThat(send("GET", "/documents/" + id, bob, null).statusCode()).isEqualTo(200);

            assertThat(send("DELETE", "/documents/" + id + "/shares/user/bob", ann, null)
                            .statusCode())
                    .isEqualTo(204);
            HttpResponse<Buffer> after = send("GET", "/documents/" + id, bob, null);
            assertThat(after.statusCode()).as("round %d", round).isEqualTo(403);
            assertThat(after.bodyAsString()).doesNotContain("v1");
            assertThat(ids(send("GET", "/documents?limit=100", bob, null))).doesNotContain(id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded"})
    void badRequestsAreNamed(String where) throws Exception {
        start(where);
        String ann = login("ann");
        HttpResponse<Buffer> noId = send("POST", "/documents", ann, new JsonObject().put("title", "x"));
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(noId.bodyAsJsonObject().getString("message")).contains("`id`");
        send("POST", "/documents", ann, new JsonObject().put("id", "x"));
        HttpResponse<Buffer> neither = send("POST", "/documents/x/shares", ann, new JsonObject());
        assertThat(neither.statusCode()).isEqualTo(400);
        assertThat(neither.bodyAsJsonObject().getString("message")).isEqualTo("give one of `user` or `group`");
        assertThat(send("GET", "/documents", null, null).statusCode()).isEqualTo(401);
    }

    private static List<String> ids(HttpResponse<Buffer> r) {
        JsonArray docs = r.bodyAsJsonObject().getJsonArray("documents");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) ids.add(docs.getJsonObject(i).getString("id"));
        return ids;
    }

    private String login(String user) throws Exception {
        return send("POST", "/login", null, new JsonObject().put("user", user))
                .bodyAsJsonObject()
                .getString("token");
    }

    private HttpResponse<Buffer> send(String method, String path, String token, JsonObject body) throws Exception {
        var req = web.request(io.vertx.core.http.HttpMethod.valueOf(method), port, "127.0.0.1", path);
        if (token != null) req.putHeader("authorization", "Bearer " + token);
        return (body == null ? req.send() : req.sendJsonObject(body)).await(30, TimeUnit.SECONDS);
    }
}

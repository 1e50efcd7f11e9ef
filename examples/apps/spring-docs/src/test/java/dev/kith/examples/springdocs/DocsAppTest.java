package dev.kith.examples.springdocs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example end to end over HTTP (Jetty, Spring MVC, Spring Security with HTTP basic), against an embedded kith
 * and against a real kith server on a random port: create, share with a user and a group, list page by page, revoke
 * (the revoked user never reads the document again), delete by the owner only.
 */
class DocsAppTest {
    static final String KEY = "spring-docs-example-test-key-0123";
    static final Map<String, String> USERS = Map.of("ann", "ann-pw", "bob", "bob-pw", "cat", "cat-pw");
    static final ObjectMapper JSON = new ObjectMapper();

    Kith kith;
    Engine engine;
    KithServer server;
    DocsApp app;
    HttpClient http;

    void start(String where) throws Exception {
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
        // the lowest bcrypt cost keeps the test fast; the service itself uses Spring Security's default
        app = DocsApp.start(kith, USERS, 4, 0);
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) http.close();
        if (app != null) app.close();
        if (kith != null) kith.close();
        if (server != null) server.close();
        if (engine != null) engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "server"})
    void createShareListRevokeDelete(String where) throws Exception {
        start(where);
        HttpResponse<String> created =
                send("POST", "/documents", "ann", "{\"id\": \"plan\", \"title\": \"Plan\", \"body\": \"secret\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(send("GET", "/documents/plan", "ann", null)).get("body").asText())
                .isEqualTo("secret");
        HttpResponse<String> notShared = send("GET", "/documents/plan", "bob", null);
        assertThat(notShared.statusCode()).isEqualTo(403);
        assertThat(notShared.body()).doesNotContain("secret");
        assertThat(send("POST", "/documents/plan/shares", "bob", "{\"user\": \"bob\"}")
                        .statusCode())
                .isEqualTo(403);

        assertThat(send("POST", "/documents/plan/shares", "ann", "{\"user\": \"bob\"}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("GET", "/documents/plan", "bob", null).statusCode()).isEqualTo(200);

        // a group: cat sees the plan once she is a member of eng
        assertThat(send("POST", "/groups", "ann", "{\"id\": \"eng\"}").statusCode())
                .isEqualTo(201);
        assertThat(send("POST", "/documents/plan/shares", "ann", "{\"group\": \"eng\"}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("GET", "/documents/plan", "cat", null).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/groups/eng/members", "bob", "{\"user\": \"cat\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/groups/eng/members", "ann", "{\"user\": \"cat\"}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("GET", "/documents/plan", "cat", null).statusCode()).isEqualTo(200);

        // listing, three to a page
        for (int i = 0; i < 7; i++) {
            send("POST", "/documents", "ann", "{\"id\": \"d" + i + "\", \"title\": \"D" + i + "\"}");
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page =
                    json(send("GET", "/documents?limit=3" + (next == null ? "" : "&cursor=" + next), "ann", null));
            assertThat(page.get("documents").size()).isLessThanOrEqualTo(3);
            page.get("documents").forEach(d -> seen.add(d.get("id").asText()));
            next = page.hasNonNull("next") ? page.get("next").asText() : null;
            pages++;
        } while (next != null && pages < 10);
        assertThat(seen).containsExactlyInAnyOrder("plan", "d0", "d1", "d2", "d3", "d4", "d5", "d6");
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(ids(send("GET", "/documents", "bob", null))).containsExactly("plan");

        // delete, checked by @PreAuthorize: the owner only, then gone for everyone
        assertThat(send("DELETE", "/documents/plan", "bob", null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/documents/plan", "bob", null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/documents/plan", "ann", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/documents/plan", "bob", null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/documents/plan", "ann", null).statusCode()).isEqualTo(403);
        assertThat(ids(send("GET", "/documents", "bob", null))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "server"})
    void aRevokedUserNeverReadsTheDocumentAgain(String where) throws Exception {
        start(where);
        for (int round = 0; round < 20; round++) {
            String id = "note" + round;
            send("POST", "/documents", "ann", "{\"id\": \"" + id + "\", \"body\": \"v1\"}");
            send("POST", "/documents/" + id + "/shares", "ann", "{\"user\": \"bob\"}");
            assertThat(send("GET", "/documents/" + id, "bob", null).statusCode())
                    .isEqualTo(200);

            assertThat(send("DELETE", "/documents/" + id + "/shares/user/bob", "ann", null)
                            .statusCode())
                    .isEqualTo(204);
            HttpResponse<String> after = send("GET", "/documents/" + id, "bob", null);
            assertThat(after.statusCode()).as("round %d", round).isEqualTo(403);
            assertThat(after.body()).doesNotContain("v1");
            assertThat(ids(send("GET", "/documents?limit=100", "bob", null))).doesNotContain(id);
        }
    }

    @Test
    void badRequestsAndLoginsAreNamed() throws Exception {
        start("embedded");
        HttpResponse<String> noId = send("POST", "/documents", "ann", "{\"title\": \"x\"}");
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(json(noId).get("message").asText()).contains("`id`");
        assertThat(send("POST", "/documents", "ann", "{\"id\": \"x\"}").statusCode())
                .isEqualTo(201);
        assertThat(json(send("POST", "/documents", "ann", "{\"id\": \"x\"}"))
                        .get("message")
                        .asText())
                .isEqualTo("document `x` exists");
        HttpResponse<String> neither = send("POST", "/documents/x/shares", "ann", "{}");
        assertThat(neither.statusCode()).isEqualTo(400);
        assertThat(json(neither).get("message").asText()).isEqualTo("give one of `user` or `group`");
        HttpResponse<String> notJson = send("POST", "/documents", "ann", "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("message").asText()).isEqualTo("the body must be a JSON object");
        assertThat(send("GET", "/documents?limit=zero", "ann", null).statusCode())
                .isEqualTo(400);

        assertThat(send("GET", "/documents", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrongPassword = http.send(
                request("GET", "/documents", null)
                        .header("authorization", basic("ann", "not-her-password"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(send("GET", "/documents/x", "dan", null).statusCode()).isEqualTo(401);

        assertThatThrownBy(() -> DocsApp.users("ann:pw,bob"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DOCS_USERS: `bob` is not name:password (entries are separated by commas)");
        assertThat(DocsApp.users("ann:a:b, bob:c")).containsExactly(Map.entry("ann", "a:b"), Map.entry("bob", "c"));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static List<String> ids(HttpResponse<String> r) throws Exception {
        List<String> ids = new ArrayList<>();
        json(r).get("documents").forEach(d -> ids.add(d.get("id").asText()));
        return ids;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sends as {@code user} (logged in with their password), or without a login when {@code null}. */
    private HttpResponse<String> send(String method, String path, String user, String body) throws Exception {
        HttpRequest.Builder r = request(method, path, body);
        if (user != null) r.header("authorization", basic(user, USERS.getOrDefault(user, "none")));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}

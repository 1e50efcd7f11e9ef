package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.runtime.Engines;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Export, watch filters and failures of streams, each over a server of its own: an export of every type, a
 * watch's filters, and a stream that fails after its first page (over an engine whose later reads fail).
 */
class StreamEndpointsTest {
    private static final String KEY = ServerFixture.KEY;
    private Engine engine;
    private KithServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (engine != null) engine.close();
    }

    private void start(Engine served) throws Exception {
        server = KithServer.start(served, ServerConfig.loopback(List.of(KEY))).await(30, TimeUnit.SECONDS);
    }

    private Engine schemaEngine() {
        engine = Engines.inMemory(EngineOptions.defaults());
        engine.writeSchema(ServerFixture.SCHEMA);
        return engine;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(request(path, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static List<JsonObject> lines(HttpResponse<String> r) {
        return r.body().lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
    }

    private static void touch(Engine e, String... rels) {
        e.write(new Requests.Write(
                java.util.Arrays.stream(rels)
                        .map(Relationship::parse)
                        .map(dev.kith.engine.RelationshipUpdate::touch)
                        .toList(),
                List.of()));
    }

    /** The compact form of every relationship of every page of an export answer, in order. */
    private static List<String> exported(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonObject line : lines(r)) {
            assertThat(line.containsKey("error")).as(line.encode()).isFalse();
            JsonArray rels = line.getJsonObject("result").getJsonArray("relationships");
            assertThat(rels).isNotEmpty();
            for (int i = 0; i < rels.size(); i++) {
                JsonObject rel = rels.getJsonObject(i);
                JsonObject res = rel.getJsonObject("resource");
                JsonObject sub = rel.getJsonObject("subject");
                String relation = sub.getString("optionalRelation");
                out.add(res.getString("objectType") + ":" + res.getString("objectId") + "#" + rel.getString("relation")
                        + "@" + sub.getJsonObject("object").getString("objectType") + ":"
                        + sub.getJsonObject("object").getString("objectId")
                        + (relation == null || relation.isEmpty() ? "" : "#" + relation));
            }
        }
        return out;
    }

    @Test
    void anExportOfEverythingGoesOnPastATypeWithoutRelationshipsAndResumesAfterAnyPage() throws Exception {
        Engine e = schemaEngine();
        // types in name order: document, group (none here), report, user
        touch(
                e,
                "document:a#viewer@user:ann",
                "document:b#owner@user:bob",
                "document:c#viewer@user:*",
                "report:r1#source@group:g",
                "report:r2#source@group:h");
        start(e);
        List<String> all = List.of(
                "document:a#viewer@user:ann",
                "document:b#owner@user:bob",
                "document:c#viewer@user:*",
                "report:r1#source@group:g",
                "report:r2#source@group:h");
        assertThat(exported(post("/v1/relationships/exportbulk", "{}"))).isEqualTo(all);
        for (int limit = 1; limit <= 6; limit++) {
            HttpResponse<String> r = post("/v1/relationships/exportbulk", "{\"optionalLimit\":" + limit + "}");
            assertThat(exported(r)).as("pages of %d", limit).isEqualTo(all);
            List<JsonObject> pages = lines(r);
            int sent = 0;
            for (JsonObject page : pages) {
                JsonObject result = page.getJsonObject("result");
                sent += result.getJsonArray("relationships").size();
                String cursor = result.getJsonObject("afterResultCursor").getString("token");
                String body = "{\"optionalLimit\":" + limit + ",\"optionalCursor\":{\"token\":\"" + cursor + "\"}}";
                assertThat(exported(post("/v1/relationships/exportbulk", body)))
                        .as("resumed after %d of pages of %d", sent, limit)
                        .isEqualTo(all.subList(sent, all.size()));
            }
        }
    }

    @Test
    void anExportBeforeAnySchemaIsEmpty() throws Exception {
        engine = Engines.inMemory(EngineOptions.defaults());
        start(engine);
        HttpResponse<String> r = post("/v1/relationships/exportbulk", "{}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        HttpResponse<String> filtered = post(
                "/v1/relationships/exportbulk", "{\"optionalRelationshipFilter\":{\"resourceType\":\"document\"}}");
        assertThat(filtered.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.meta(new JsonObject(filtered.body()).getJsonObject("error"))
                        .getString("code"))
                .isEqualTo("NO_SCHEMA");
    }

    @Test
    void aWatchDeliversOnlyWhatItsTypesAndFiltersMatch() throws Exception {
        Engine e = schemaEngine();
        start(e);
        String start = server.token(e.appliedRevision());
        // object types and relationship filters together are refused, as by SpiceDB: the filters say both here
        String body = "{\"optionalRelationshipFilters\":[{\"resourceType\":\"document\","
                + "\"optionalSubjectFilter\":{\"subjectType\":\"user\","
                + "\"optionalSubjectId\":\"ann\"}},{\"resourceType\":\"report\"}],"
                + "\"optionalStartCursor\":{\"token\":\"" + start + "\"}}";
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
                .sendAsync(request("/v1/watch", body), HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            touch(e, "group:g#member@user:ann"); // not a watched type
            touch(e, "document:a#viewer@user:bob"); // a watched type, but no filter matches
            touch(e, "document:a#viewer@user:ann", "document:b#viewer@user:bob", "report:r#source@group:g");
            JsonObject line = CompletableFuture.supplyAsync(() -> {
                        try {
                            return new JsonObject(lines.readLine());
                        } catch (java.io.IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            JsonObject result = line.getJsonObject("result");
            assertThat(result.getJsonObject("changesThrough").getString("token"))
                    .isEqualTo(server.token(e.appliedRevision()));
            JsonArray updates = result.getJsonArray("updates");
            assertThat(updates).hasSize(2);
            assertThat(updates.getJsonObject(0)
                            .getJsonObject("relationship")
                            .getJsonObject("resource")
                            .getString("objectId"))
                    .isEqualTo("a");
            assertThat(updates.getJsonObject(1)
                            .getJsonObject("relationship")
                            .getJsonObject("resource")
                            .getString("objectType"))
                    .isEqualTo("report");
        }
    }

    @Test
    void aWatchNamesABadObjectTypeEntry() throws Exception {
        start(schemaEngine());
        HttpResponse<String> r = post("/v1/watch", "{\"optionalObjectTypes\":[\"document\",7]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("optionalObjectTypes[1]");
    }

    /** {@code real}, except that every read after a first page fails as if the store had gone away. */
    private static Engine failingAfterFirstPage(Engine real) {
        return (Engine) Proxy.newProxyInstance(
                Engine.class.getClassLoader(), new Class<?>[] {Engine.class}, (proxy, method, args) -> {
                    if (method.getName().equals("readRelationships")
                            && ((Requests.ReadRelationships) args[0]).cursor() != null) {
                        throw new KithException.StoreUnavailable("the store went away");
                    }
                    if (method.getName().equals("readRelationships")
                            && ((Requests.ReadRelationships) args[0]).limit() == 7) {
                        throw new KithException.StoreUnavailable("the store is away");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aStreamThatFailsAfterItsFirstPageEndsWithAnErrorLine() throws Exception {
        Engine e = schemaEngine();
        List<Relationship> many = new ArrayList<>();
        for (int i = 0; i < 1500; i++) many.add(Relationship.parse("document:d" + i + "#viewer@user:u"));
        e.importBulk(many.iterator());
        start(failingAfterFirstPage(e));
        HttpResponse<String> r =
                post("/v1/relationships/read", "{\"relationshipFilter\":{\"resourceType\":\"document\"}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(Exchange.NDJSON);
        List<JsonObject> lines = lines(r);
        assertThat(lines).hasSize(1001);
        assertThat(lines.subList(0, 1000))
                .allSatisfy(l -> assertThat(l.containsKey("result")).isTrue());
        // grpc-gateway's stream error: a last line {"error": <google.rpc.Status>}
        assertThat(lines.getLast())
                .isEqualTo(new JsonObject("{\"error\": " + unavailable("the store went away") + "}"));
    }

    @Test
    void aStreamThatFailsBeforeItsFirstPageAnswersTheCodesStatusWithOneErrorLine() throws Exception {
        start(failingAfterFirstPage(schemaEngine()));
        HttpResponse<String> r = post(
                "/v1/relationships/read",
                "{\"relationshipFilter\":{\"resourceType\":\"document\"},\"optionalLimit\":7}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(Exchange.JSON);
        // grpc-gateway's answer to a server stream failing before its first message: the code's status, one line
        assertThat(r.body()).endsWith("}\n");
        assertThat(new JsonObject(r.body()))
                .isEqualTo(new JsonObject("{\"error\": " + unavailable("the store is away") + "}"));
    }

    /** The Status JSON of an UNAVAILABLE failure saying {@code message}. */
    private static String unavailable(String message) {
        return "{\"code\": 14, \"message\": \"" + message + "\", \"details\": [{"
                + "\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\", \"reason\": \"ERROR_REASON_UNSPECIFIED\","
                + " \"domain\": \"authzed.com\", \"metadata\": {\"code\": \"UNAVAILABLE\"}}]}";
    }
}

package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real kith server on a random loopback port with an in-memory engine, and a Vert.x WebClient to talk to it. */
final class ServerFixture implements AutoCloseable {
    static final String KEY = "test-key-0123456789";
    static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            caveat on_day(day string) {
                day == "monday"
            }
            definition document {
                relation viewer: user | user:* | group#member | user with on_day
                relation banned: user
                relation owner: user
                permission edit = owner
                permission view = viewer + edit - banned
            }
            definition report {
                relation source: group | group with on_day
                permission read = source->member
            }
            """;

    final Engine engine;
    final KithServer server;
    final Vertx vertx;
    final WebClient client;

    ServerFixture(ServerConfig config) {
        this(config, EngineOptions.defaults());
    }

    ServerFixture(ServerConfig config, EngineOptions options) {
        this(config, options, HeapGuard.gcNotifications());
    }

    /** A server that measures its live heap with {@code heap} (a test drives the heap watermark with it). */
    ServerFixture(ServerConfig config, EngineOptions options, HeapGuard.Source heap) {
        try {
            engine = Engines.inMemory(options);
            server = KithServer.start(engine, config, heap).await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the server did not start", e);
        }
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
    }

    static ServerFixture withKey() {
        return new ServerFixture(ServerConfig.loopback(List.of(KEY)));
    }

    /** The answer to a POST with the test key. */
    Answer post(String path, String json) {
        return post(path, json, KEY);
    }

    Answer post(String path, String json, String key) {
        var req = client.post(server.port(), "127.0.0.1", path);
        if (key != null) req.putHeader("Authorization", "Bearer " + key);
        return new Answer(await(req.sendBuffer(Buffer.buffer(json))));
    }

    Answer get(String path) {
        return request(io.vertx.core.http.HttpMethod.GET, path);
    }

    /** The answer to a bodiless request with any method, with the test key. */
    Answer request(io.vertx.core.http.HttpMethod method, String path) {
        return new Answer(await(client.request(method, server.port(), "127.0.0.1", path)
                .putHeader("Authorization", "Bearer " + KEY)
                .send()));
    }

    private static HttpResponse<Buffer> await(io.vertx.core.Future<HttpResponse<Buffer>> f) {
        try {
            return f.await(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer in 60 s", e);
        }
    }

    /** Writes the test schema and returns the token. */
    String writeSchema() {
        Answer a =
                post("/v1/schema/write", new JsonObject().put("schema", SCHEMA).encode());
        assertThat(a.status).as(a.text).isEqualTo(200);
        return a.json().getJsonObject("writtenAt").getString("token");
    }

    /** TOUCHes the relationships (compact form) and returns the token. */
    String touch(String... relationships) {
        StringBuilder updates = new StringBuilder();
        for (String r : relationships) {
            if (!updates.isEmpty()) updates.append(',');
            updates.append("{\"operation\":\"OPERATION_TOUCH\",\"relationship\":")
                    .append(relationshipJson(r))
                    .append('}');
        }
        Answer a = post("/v1/relationships/write", "{\"updates\":[" + updates + "]}");
        assertThat(a.status).as(a.text).isEqualTo(200);
        return a.json().getJsonObject("writtenAt").getString("token");
    }

    static String relationshipJson(String compact) {
        var r = dev.kith.engine.Relationship.parse(compact);
        return new JsonOut(new com.fasterxml.jackson.databind.ObjectMapper(), null)
                .relationship(r)
                .toString();
    }

    static String checkJson(String resourceType, String id, String permission, String subjectType, String subjectId) {
        return new JsonObject()
                .put(
                        "resource",
                        new JsonObject().put("objectType", resourceType).put("objectId", id))
                .put("permission", permission)
                .put(
                        "subject",
                        new JsonObject()
                                .put(
                                        "object",
                                        new JsonObject()
                                                .put("objectType", subjectType)
                                                .put("objectId", subjectId)))
                .encode();
    }

    @Override
    public void close() {
        client.close();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the client did not close", e);
        }
        server.close();
        engine.close();
    }

    /** An HTTP answer: status, body text, and the body as JSON or as NDJSON lines. */
    static final class Answer {
        final int status;
        final String text;
        final String contentType;
        final io.vertx.core.MultiMap headers;

        Answer(HttpResponse<Buffer> r) {
            this.status = r.statusCode();
            this.text = r.bodyAsString() == null ? "" : r.bodyAsString();
            this.contentType = r.getHeader("Content-Type");
            this.headers = r.headers();
        }

        JsonObject json() {
            return new JsonObject(text);
        }

        List<JsonObject> lines() {
            return text.lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
        }

        /** The {@code result} of every line; fails if a line is an error. */
        List<JsonObject> results() {
            return lines().stream()
                    .map(l -> {
                        assertThat(l.containsKey("error")).as(l.encode()).isFalse();
                        return l.getJsonObject("result");
                    })
                    .toList();
        }

        /**
         * Asserts the status and that the body is a {@code google.rpc.Status} as grpc-gateway writes it (a numeric
         * gRPC code, a message, and one ErrorInfo of domain authzed.com whose metadata are strings and carry kith's
         * code), alone or, for a stream's call, as the line {@code {"error": <Status>}}; returns the Status.
         */
        JsonObject error(int expectedStatus) {
            assertThat(status).as(text).isEqualTo(expectedStatus);
            JsonObject e = json();
            if (e.fieldNames().equals(java.util.Set.of("error"))) {
                // a stream's call that failed before its first line: grpc-gateway's {"error": <Status>} line
                assertThat(text).endsWith("}\n");
                e = e.getJsonObject("error");
            }
            assertStatusShape(e);
            assertThat(e.getJsonArray("details")).as(text).hasSize(1);
            assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
            return e;
        }
    }

    /** Asserts that {@code e} is a google.rpc.Status in proto3 JSON with at most one ErrorInfo, well formed. */
    static void assertStatusShape(JsonObject e) {
        assertThat(e.fieldNames()).as(e.encode()).containsExactlyInAnyOrder("code", "message", "details");
        assertThat(e.getValue("code")).as(e.encode()).isInstanceOf(Integer.class);
        assertThat(e.getString("message")).isNotBlank();
        io.vertx.core.json.JsonArray details = e.getJsonArray("details");
        assertThat(details.size()).as(e.encode()).isLessThanOrEqualTo(1);
        if (details.isEmpty()) return;
        JsonObject info = details.getJsonObject(0);
        assertThat(info.fieldNames()).containsExactly("@type", "reason", "domain", "metadata");
        assertThat(info.getString("@type")).isEqualTo("type.googleapis.com/google.rpc.ErrorInfo");
        assertThat(info.getString("reason")).startsWith("ERROR_REASON_");
        assertThat(info.getString("domain")).isEqualTo("authzed.com");
        JsonObject metadata = info.getJsonObject("metadata");
        assertThat(metadata.getString("code")).isNotBlank();
        metadata.forEach(m -> assertThat(m.getValue()).as(m.getKey()).isInstanceOf(String.class));
    }

    /** The Status of an error body: itself, or the one a stream's {@code {"error": …}} line holds. */
    static JsonObject unwrap(JsonObject body) {
        return body.fieldNames().equals(java.util.Set.of("error")) ? body.getJsonObject("error") : body;
    }

    /** The ErrorInfo metadata of the error {@code e} (kith's code, field, name, …). */
    static JsonObject meta(JsonObject e) {
        return e.getJsonArray("details").getJsonObject(0).getJsonObject("metadata");
    }

    /** The ErrorInfo reason of the error {@code e}. */
    static String reason(JsonObject e) {
        return e.getJsonArray("details").getJsonObject(0).getString("reason");
    }
}

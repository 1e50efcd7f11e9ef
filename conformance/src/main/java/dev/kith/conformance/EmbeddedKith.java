package dev.kith.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.cli.Wire;
import dev.kith.client.KithClient;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Relationship;
import dev.kith.engine.runtime.Engines;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A kith server embedded in the command's process, for the commands that drive the HTTP API as a client would
 * ({@code validate-http}, {@code conformance-steelthread}): a fresh in-memory engine served on a random loopback
 * port with a random key, and a {@link KithClient} of it. It remembers the token of the last write, so that every
 * read a caller builds with {@link #request()} is at least as fresh as that write, as a client of a real
 * deployment would ask.
 */
final class EmbeddedKith implements AutoCloseable {
    /**
     * The server's own log, quieted to warnings: a command starts one embedded server per file or case, and its
     * "listening" line would bury the failures the command exists to print. Held here because JUL keeps loggers
     * weakly.
     */
    private static final java.util.logging.Logger SERVER_LOG =
            java.util.logging.Logger.getLogger("dev.kith.api.server");

    private final Engine engine;
    private final KithServer server;
    private final KithClient client;
    private final String key;
    private String token;

    EmbeddedKith() {
        SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        key = UUID.randomUUID().toString();
        engine = Engines.inMemory(EngineOptions.defaults());
        try {
            server = KithServer.start(engine, ServerConfig.loopback(List.of(key)))
                    .await(30, TimeUnit.SECONDS);
        } catch (TimeoutException | RuntimeException e) {
            engine.close();
            throw new IllegalStateException("the embedded server did not start: " + e.getMessage(), e);
        }
        client = new KithClient("http://127.0.0.1:" + server.port(), key);
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The preshared key the server asks for. */
    String key() {
        return key;
    }

    KithClient client() {
        return client;
    }

    /** {@code POST /v1/schema/write}; later reads see it. */
    void writeSchema(String schemaText) {
        written(client.post(
                "/v1/schema/write", client.mapper().createObjectNode().put("schema", schemaText)));
    }

    /** {@code POST /v1/relationships/importbulk} of {@code relationships}; returns the answer. */
    JsonNode importRelationships(List<Relationship> relationships) {
        return written(client.post(
                "/v1/relationships/importbulk", Wire.ndjson(client, relationships), "application/x-ndjson"));
    }

    /** Remembers the {@code writtenAt} token of a write's answer, so that later reads see the write. */
    private JsonNode written(JsonNode answer) {
        token = answer.path("writtenAt").path("token").asText();
        return answer;
    }

    /** A request body whose consistency is at least as fresh as the last write. */
    ObjectNode request() {
        ObjectNode body = client.mapper().createObjectNode();
        if (token != null)
            body.putObject("consistency").putObject("atLeastAsFresh").put("token", token);
        return body;
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}

package dev.kith.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.api.client.KithClient;
import dev.kith.api.client.Wire;
import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Engines;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.validation.ValidationTarget;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A validation target that goes through the HTTP API: an embedded server on a random loopback port (with a
 * random key) over a fresh in-memory engine, driven with {@link KithClient}. Every read is at least as fresh as
 * the token of the last write, as a client of a real deployment would ask.
 */
final class HttpValidationTarget implements ValidationTarget {
    private final Engine engine;
    private final KithServer server;
    private final KithClient client;
    private String token;

    HttpValidationTarget() {
        String key = UUID.randomUUID().toString();
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

    @Override
    public void writeSchema(String schemaText) {
        JsonNode answer = client.post(
                "/v1/schema/write", client.mapper().createObjectNode().put("schema", schemaText));
        token = answer.path("writtenAt").path("token").asText();
    }

    @Override
    public void importRelationships(List<Relationship> relationships) {
        JsonNode answer = client.post(
                "/v1/relationships/importbulk", ImportCommand.ndjson(client, relationships), "application/x-ndjson");
        token = answer.path("writtenAt").path("token").asText();
    }

    @Override
    public Results.Check check(ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context) {
        ObjectNode body = fresh();
        body.set("resource", Wire.objectRef(client.mapper(), resource));
        body.put("permission", permission);
        body.set("subject", Wire.subjectRef(client.mapper(), subject));
        if (!context.isEmpty()) body.set("context", client.mapper().valueToTree(context));
        JsonNode answer = client.post("/v1/permissions/check", body);
        Permissionship p =
                Permissionship.valueOf(answer.path("permissionship").asText().replace("PERMISSIONSHIP_", ""));
        List<String> missing = client.mapper()
                .convertValue(
                        answer.path("partialCaveatInfo").path("missingRequiredContext"),
                        client.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
        return new Results.Check(p, missing == null ? List.of() : missing, Revision.ZERO, null);
    }

    @Override
    public Results.ExpandNode expand(ObjectRef resource, String relation) {
        ObjectNode body = fresh();
        body.set("resource", Wire.objectRef(client.mapper(), resource));
        body.put("permission", relation);
        return Wire.expandNode(
                client.mapper(), client.post("/v1/permissions/expand", body).path("treeRoot"));
    }

    private ObjectNode fresh() {
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

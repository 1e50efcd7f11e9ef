package dev.kith.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.cli.Wire;
import dev.kith.client.KithClient;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import dev.kith.validation.ValidationTarget;
import java.util.List;
import java.util.Map;

/**
 * A validation target that goes through the HTTP API of an {@link EmbeddedKith}. Every read is at least as fresh
 * as the token of the last write, as a client of a real deployment would ask.
 */
final class HttpValidationTarget implements ValidationTarget {
    private final EmbeddedKith kith = new EmbeddedKith();
    private final KithClient client = kith.client();

    @Override
    public void writeSchema(String schemaText) {
        kith.writeSchema(schemaText);
    }

    @Override
    public void importRelationships(List<Relationship> relationships) {
        kith.importRelationships(relationships);
    }

    @Override
    public Results.Check check(ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context) {
        ObjectNode body = kith.request();
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
        ObjectNode body = kith.request();
        body.set("resource", Wire.objectRef(client.mapper(), resource));
        body.put("permission", relation);
        return Wire.expandNode(
                client.mapper(), client.post("/v1/permissions/expand", body).path("treeRoot"));
    }

    @Override
    public void close() {
        kith.close();
    }
}

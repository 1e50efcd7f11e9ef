package dev.kith.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.client.KithClient;
import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Relationships in the v1 API's JSON shape (SpiceDB's {@code Relationship} message), both ways. The server
 * renders with it; clients read what the server wrote (the server validates input strictly on its own side).
 */
public final class Wire {
    private Wire() {}

    public static ObjectNode relationship(ObjectMapper mapper, Relationship r) {
        ObjectNode n = mapper.createObjectNode();
        n.set("resource", objectRef(mapper, r.resource()));
        n.put("relation", r.relation());
        n.set("subject", subjectRef(mapper, r.subject()));
        if (r.caveat() != null) {
            ObjectNode c = n.putObject("optionalCaveat");
            c.put("caveatName", r.caveat().name());
            c.set("context", mapper.valueToTree(r.caveat().context()));
        }
        if (r.expiresAt() != null) n.put("optionalExpiresAt", r.expiresAt().toString());
        return n;
    }

    public static ObjectNode objectRef(ObjectMapper mapper, ObjectRef o) {
        ObjectNode n = mapper.createObjectNode();
        n.put("objectType", o.type());
        n.put("objectId", o.id());
        return n;
    }

    public static ObjectNode subjectRef(ObjectMapper mapper, SubjectRef s) {
        ObjectNode n = mapper.createObjectNode();
        ObjectNode o = n.putObject("object");
        o.put("objectType", s.type());
        o.put("objectId", s.id());
        if (s.relation() != null) n.put("optionalRelation", s.relation());
        return n;
    }

    /** Reads an expand tree node the server rendered ({@code treeRoot} of {@code /v1/permissions/expand}). */
    public static Results.ExpandNode expandNode(ObjectMapper mapper, JsonNode n) {
        ObjectRef object = n.hasNonNull("expandedObject") ? objectRef(n.get("expandedObject")) : null;
        String relation = n.path("expandedRelation").asText(null);
        if (n.has("leaf")) {
            List<Results.ExpandedSubject> subjects = new ArrayList<>();
            for (JsonNode s : n.get("leaf").path("subjects")) {
                subjects.add(new Results.ExpandedSubject(subjectRef(s), caveat(mapper, s), expiresAt(s)));
            }
            return new Results.ExpandNode(
                    object,
                    relation,
                    Results.ExpandNode.Kind.LEAF,
                    List.of(),
                    subjects,
                    caveat(mapper, n),
                    expiresAt(n));
        }
        JsonNode i = n.path("intermediate");
        Results.ExpandNode.Kind kind =
                Results.ExpandNode.Kind.valueOf(i.path("operation").asText().replace("OPERATION_", ""));
        List<Results.ExpandNode> children = new ArrayList<>();
        for (JsonNode c : i.path("children")) children.add(expandNode(mapper, c));
        return new Results.ExpandNode(object, relation, kind, children, List.of(), caveat(mapper, n), expiresAt(n));
    }

    /** Reads a relationship the server rendered. */
    public static Relationship relationship(ObjectMapper mapper, JsonNode n) {
        return new Relationship(
                objectRef(n.path("resource")),
                n.path("relation").asText(),
                subjectRef(n.path("subject")),
                caveat(mapper, n),
                expiresAt(n));
    }

    private static ObjectRef objectRef(JsonNode o) {
        return new ObjectRef(o.path("objectType").asText(), o.path("objectId").asText());
    }

    private static SubjectRef subjectRef(JsonNode s) {
        return new SubjectRef(
                s.path("object").path("objectType").asText(),
                s.path("object").path("objectId").asText(),
                s.path("optionalRelation").asText(null));
    }

    private static Caveat caveat(ObjectMapper mapper, JsonNode n) {
        if (!n.hasNonNull("optionalCaveat")) return null;
        JsonNode c = n.get("optionalCaveat");
        @SuppressWarnings("unchecked")
        Map<String, Object> context = mapper.convertValue(c.path("context"), Map.class);
        return new Caveat(c.path("caveatName").asText(), context);
    }

    private static Instant expiresAt(JsonNode n) {
        return n.hasNonNull("optionalExpiresAt")
                ? Instant.parse(n.get("optionalExpiresAt").asText())
                : null;
    }

    /** The import body: one {@code {"relationships": [...]}} line per 1,000 relationships. */
    public static byte[] ndjson(KithClient client, List<Relationship> relationships) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (int i = 0; i < relationships.size(); i += 1000) {
                var line = client.mapper().createObjectNode();
                var array = line.putArray("relationships");
                for (Relationship r : relationships.subList(i, Math.min(i + 1000, relationships.size()))) {
                    array.add(Wire.relationship(client.mapper(), r));
                }
                body.writeBytes(client.mapper().writeValueAsBytes(line));
                body.write('\n');
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return body.toByteArray();
    }
}

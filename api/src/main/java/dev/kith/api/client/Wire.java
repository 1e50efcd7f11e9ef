package dev.kith.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import java.time.Instant;
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

    /** Reads a relationship the server rendered. */
    public static Relationship relationship(ObjectMapper mapper, JsonNode n) {
        JsonNode s = n.path("subject");
        Caveat caveat = null;
        if (n.hasNonNull("optionalCaveat")) {
            JsonNode c = n.get("optionalCaveat");
            @SuppressWarnings("unchecked")
            Map<String, Object> context = mapper.convertValue(c.path("context"), Map.class);
            caveat = new Caveat(c.path("caveatName").asText(), context);
        }
        Instant expiresAt = n.hasNonNull("optionalExpiresAt")
                ? Instant.parse(n.get("optionalExpiresAt").asText())
                : null;
        return new Relationship(
                new ObjectRef(
                        n.path("resource").path("objectType").asText(),
                        n.path("resource").path("objectId").asText()),
                n.path("relation").asText(),
                new SubjectRef(
                        s.path("object").path("objectType").asText(),
                        s.path("object").path("objectId").asText(),
                        s.path("optionalRelation").asText(null)),
                caveat,
                expiresAt);
    }
}

package dev.kith.api.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kith.engine.Consistency;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the common shape of a check body in one streaming pass, without a JSON tree: a resource, a permission,
 * a subject (with an optional relation) and at most a {@code minimizeLatency} or {@code fullyConsistent}
 * consistency, every name and id valid. It answers null for anything else (another field, snake_case, a
 * duplicate, a wrong type, an invalid name, malformed JSON), and the caller then reads the body with {@link
 * RequestReader}, which gives the error or handles the rarer fields, so both paths accept and refuse exactly
 * the same bodies.
 */
final class PlainCheckReader {
    private final JsonFactory factory;
    private final Limits limits;

    PlainCheckReader(JsonFactory factory, Limits limits) {
        this.factory = factory;
        this.limits = limits;
    }

    /** The check {@code body} asks for, or null when the body is not of the plain shape. */
    Requests.Check read(byte[] body) {
        if (body.length == 0) return null;
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            ObjectRef resource = null;
            String permission = null;
            SubjectRef subject = null;
            Consistency consistency = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "resource" -> {
                        if (resource != null) return null;
                        resource = objectRef(p);
                        if (resource == null || !isObjectId(resource.id())) return null;
                    }
                    case "permission" -> {
                        if (permission != null) return null;
                        permission = string(p);
                        if (permission == null || !isRelationName(permission)) return null;
                    }
                    case "subject" -> {
                        if (subject != null) return null;
                        subject = subjectRef(p);
                        if (subject == null) return null;
                    }
                    case "consistency" -> {
                        if (consistency != null) return null;
                        consistency = consistency(p);
                        if (consistency == null) return null;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) return null;
            if (resource == null || permission == null || subject == null) return null;
            return new Requests.Check(
                    resource,
                    permission,
                    subject,
                    Map.of(),
                    consistency == null ? Consistency.MINIMIZE_LATENCY : consistency,
                    false);
        } catch (IOException e) {
            // malformed or over a read constraint: the general reader names what is wrong
            return null;
        }
    }

    /**
     * The check a gRPC {@code CheckPermissionRequest} asks for when it is of the plain shape (the same rules as
     * for a body: valid names and ids, a consistency of {@code minimize_latency} or {@code fully_consistent} or
     * none, no context, no tracing), else null: then the request goes through the general reader, which gives
     * the error or handles the rarer fields.
     */
    Requests.Check read(dev.kith.proto.v1.CheckPermissionRequest r) {
        if (r.hasContext()
                || r.getWithTracing()
                || r.getContextualRelationshipsCount() > 0
                || !r.hasResource()
                || !r.hasSubject()) {
            return null;
        }
        Consistency consistency = Consistency.MINIMIZE_LATENCY;
        if (r.hasConsistency()) {
            var c = r.getConsistency();
            if (c.getRequirementCase() == dev.kith.proto.v1.Consistency.RequirementCase.MINIMIZE_LATENCY
                    && c.getMinimizeLatency()) {
                consistency = Consistency.MINIMIZE_LATENCY;
            } else if (c.getRequirementCase() == dev.kith.proto.v1.Consistency.RequirementCase.FULLY_CONSISTENT
                    && c.getFullyConsistent()) {
                consistency = Consistency.FULLY_CONSISTENT;
            } else {
                return null;
            }
        }
        var resource = r.getResource();
        String permission = r.getPermission();
        var subject = r.getSubject();
        if (!subject.hasObject()) return null;
        var object = subject.getObject();
        if (!isTypeName(resource.getObjectType())
                || !isObjectId(resource.getObjectId())
                || !isRelationName(permission)
                || !isTypeName(object.getObjectType())) {
            return null;
        }
        SubjectRef subjectRef = subject(object.getObjectType(), object.getObjectId(), subject.getOptionalRelation());
        if (subjectRef == null) return null;
        return new Requests.Check(
                new ObjectRef(resource.getObjectType(), resource.getObjectId()),
                permission,
                subjectRef,
                Map.of(),
                consistency,
                false);
    }

    /** {"objectType": …, "objectId": …} with a valid type name and object id, else null. */
    private ObjectRef objectRef(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) return null;
        String type = null;
        String id = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "objectType" -> {
                    if (type != null) return null;
                    type = string(p);
                    if (type == null || !isTypeName(type)) return null;
                }
                case "objectId" -> {
                    if (id != null) return null;
                    id = string(p);
                    if (id == null) return null;
                }
                default -> {
                    return null;
                }
            }
        }
        if (type == null || id == null) return null;
        return new ObjectRef(type, id);
    }

    /** {"object": {…}, "optionalRelation": … or null} with a valid id (the wildcard only without a relation). */
    private SubjectRef subjectRef(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) return null;
        ObjectRef object = null;
        String relation = null;
        boolean relationSeen = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "object" -> {
                    if (object != null) return null;
                    object = objectRef(p);
                    if (object == null) return null;
                }
                case "optionalRelation" -> {
                    if (relationSeen) return null;
                    relationSeen = true;
                    if (p.currentToken() != JsonToken.VALUE_NULL) {
                        if (p.currentToken() != JsonToken.VALUE_STRING) return null;
                        relation = p.getText();
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (object == null) return null;
        return subject(object.type(), object.id(), relation);
    }

    /**
     * The subject {@code type:id[#relation]} (the type already checked) with a valid id (the wildcard only without
     * a relation) and relation ({@code ""} and {@code "..."} meaning none), else null: the rule of both readers.
     */
    private SubjectRef subject(String type, String id, String relation) {
        boolean wildcard = SubjectRef.WILDCARD.equals(id);
        if (!wildcard && !isObjectId(id)) return null;
        if (relation != null && (relation.isEmpty() || relation.equals("..."))) relation = null;
        if (relation != null && (wildcard || !isRelationName(relation))) return null;
        return new SubjectRef(type, id, relation);
    }

    /** {"minimizeLatency": true} or {"fullyConsistent": true}, else null. */
    private static Consistency consistency(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) return null;
        if (p.nextToken() != JsonToken.FIELD_NAME) return null;
        Consistency c = switch (p.currentName()) {
            case "minimizeLatency" -> Consistency.MINIMIZE_LATENCY;
            case "fullyConsistent" -> Consistency.FULLY_CONSISTENT;
            default -> null;
        };
        if (c == null || p.nextToken() != JsonToken.VALUE_TRUE) return null;
        return p.nextToken() == JsonToken.END_OBJECT ? c : null;
    }

    /** A non-empty string value, else null. */
    private static String string(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) return null;
        String s = p.getText();
        return s.isEmpty() ? null : s;
    }

    private boolean isTypeName(String s) {
        return s.length() <= limits.maxNameLength() && Names.isTypeName(s);
    }

    private boolean isRelationName(String s) {
        return s.length() <= limits.maxNameLength() && Names.isRelationName(s);
    }

    private boolean isObjectId(String s) {
        return s.length() <= limits.maxIdLength() && RelationshipParser.isObjectId(s);
    }
}

package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes an answer as SpiceDB's HTTP gateway does: every field of the answer's message, in the order the message
 * declares them, with the fields kith left unset written as the gateway's JSON marshaller writes unpopulated ones
 * ({@code null} for a message, {@code ""}, {@code 0}, {@code "0"} for a 64-bit integer, {@code false}, the enum's
 * zero name, {@code []} for a list, {@code {}} for a map; an unset member of a {@code oneof} stays absent). Fields
 * the message does not declare (kith's own additions) follow, unchanged. The message is known from the gRPC
 * protocol definitions of the endpoint's answer, so the HTTP shape follows the gRPC contract by construction.
 */
final class GatewayFields {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GatewayFields() {}

    /** {@code answer} (kith's JSON of a {@code type} message) with every field of {@code type}, in its order. */
    static ObjectNode complete(ObjectNode answer, Descriptor type) {
        if (isWellKnown(type)) return answer;
        ObjectNode out = NODES.objectNode();
        for (FieldDescriptor f : type.getFields()) {
            String name = f.getJsonName();
            JsonNode given = answer.get(name);
            if (given != null) {
                out.set(name, completeValue(given, f));
            } else if (f.getRealContainingOneof() == null) {
                out.set(name, unpopulated(f));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!out.has(e.getKey())) out.set(e.getKey(), e.getValue());
        }
        return out;
    }

    private static JsonNode completeValue(JsonNode value, FieldDescriptor f) {
        if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isMapField()) return value;
        Descriptor type = f.getMessageType();
        if (f.isRepeated()) {
            if (!value.isArray()) return value;
            var list = NODES.arrayNode(value.size());
            for (JsonNode item : value) list.add(item instanceof ObjectNode o ? complete(o, type) : item);
            return list;
        }
        return value instanceof ObjectNode o ? complete(o, type) : value;
    }

    /** What the gateway writes for the unset field {@code f}. */
    private static JsonNode unpopulated(FieldDescriptor f) {
        if (f.isMapField()) return NODES.objectNode();
        if (f.isRepeated()) return NODES.arrayNode();
        return switch (f.getJavaType()) {
            case MESSAGE -> NODES.nullNode();
            case STRING, BYTE_STRING -> NODES.textNode("");
            case BOOLEAN -> NODES.booleanNode(false);
            case INT -> NODES.numberNode(0);
            case LONG -> NODES.textNode("0");
            case FLOAT, DOUBLE -> NODES.numberNode(0);
            case ENUM -> {
                EnumValueDescriptor zero = f.getEnumType().findValueByNumber(0);
                yield zero == null ? NODES.numberNode(0) : NODES.textNode(zero.getName());
            }
        };
    }

    /** Messages with a JSON form of their own (Struct, Timestamp, Any, …): kith's JSON is already theirs. */
    private static boolean isWellKnown(Descriptor type) {
        String name = type.getFullName();
        return name.startsWith("google.protobuf.") || name.equals("google.rpc.Status");
    }
}

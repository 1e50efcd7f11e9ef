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

    /** The gRPC message of each HTTP endpoint's answer (of each line, for a stream). */
    private static final Map<String, Descriptor> ANSWERS = Map.ofEntries(
            Map.entry("/v1/schema/write", dev.kith.proto.v1.WriteSchemaResponse.getDescriptor()),
            Map.entry("/v1/schema/read", dev.kith.proto.v1.ReadSchemaResponse.getDescriptor()),
            Map.entry("/v1/schema/reflectschema", dev.kith.proto.v1.ReflectSchemaResponse.getDescriptor()),
            Map.entry("/v1/schema/diffschema", dev.kith.proto.v1.DiffSchemaResponse.getDescriptor()),
            Map.entry(
                    "/v1/schema/permissions/computable",
                    dev.kith.proto.v1.ComputablePermissionsResponse.getDescriptor()),
            Map.entry("/v1/schema/permissions/dependent", dev.kith.proto.v1.DependentRelationsResponse.getDescriptor()),
            Map.entry(
                    "/v1/experimental/reflectschema",
                    dev.kith.proto.v1.ExperimentalReflectSchemaResponse.getDescriptor()),
            Map.entry("/v1/experimental/diffschema", dev.kith.proto.v1.ExperimentalDiffSchemaResponse.getDescriptor()),
            Map.entry(
                    "/v1/experimental/permissions/computable",
                    dev.kith.proto.v1.ExperimentalComputablePermissionsResponse.getDescriptor()),
            Map.entry(
                    "/v1/experimental/permissions/dependent",
                    dev.kith.proto.v1.ExperimentalDependentRelationsResponse.getDescriptor()),
            Map.entry(
                    "/v1/experimental/permissions/bulkcheckpermission",
                    dev.kith.proto.v1.BulkCheckPermissionResponse.getDescriptor()),
            Map.entry(
                    "/v1/experimental/relationships/bulkimport",
                    dev.kith.proto.v1.BulkImportRelationshipsResponse.getDescriptor()),
            Map.entry(
                    "/v1/experimental/relationships/bulkexport",
                    dev.kith.proto.v1.BulkExportRelationshipsResponse.getDescriptor()),
            Map.entry("/v1/relationships/write", dev.kith.proto.v1.WriteRelationshipsResponse.getDescriptor()),
            Map.entry("/v1/relationships/delete", dev.kith.proto.v1.DeleteRelationshipsResponse.getDescriptor()),
            Map.entry("/v1/relationships/read", dev.kith.proto.v1.ReadRelationshipsResponse.getDescriptor()),
            Map.entry(
                    "/v1/relationships/importbulk", dev.kith.proto.v1.ImportBulkRelationshipsResponse.getDescriptor()),
            Map.entry(
                    "/v1/relationships/exportbulk", dev.kith.proto.v1.ExportBulkRelationshipsResponse.getDescriptor()),
            Map.entry("/v1/permissions/check", dev.kith.proto.v1.CheckPermissionResponse.getDescriptor()),
            Map.entry("/v1/permissions/checkbulk", dev.kith.proto.v1.CheckBulkPermissionsResponse.getDescriptor()),
            Map.entry("/v1/permissions/expand", dev.kith.proto.v1.ExpandPermissionTreeResponse.getDescriptor()),
            Map.entry("/v1/permissions/resources", dev.kith.proto.v1.LookupResourcesResponse.getDescriptor()),
            Map.entry("/v1/permissions/subjects", dev.kith.proto.v1.LookupSubjectsResponse.getDescriptor()),
            Map.entry("/v1/watch", dev.kith.proto.v1.WatchResponse.getDescriptor()));

    private GatewayFields() {}

    /** {@code answer} of the endpoint at {@code path} completed ({@link #complete}); as it is for another path. */
    static ObjectNode forPath(String path, ObjectNode answer) {
        Descriptor type = ANSWERS.get(path);
        return type == null ? answer : complete(answer, type);
    }

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

package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kith.engine.KithException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A view of one JSON object of a request: the named fields (each in lowerCamelCase or in protobuf's snake_case),
 * every other field ignored as SpiceDB's HTTP gateway ignores it, and every getter checks the JSON type. Every error is an {@link
 * KithException.InvalidArgument} naming the field by its path, such as {@code updates[3].relationship.subject}.
 */
final class JsonIn {
    private final String path;
    private final Map<String, JsonNode> fields;

    private JsonIn(String path, Map<String, JsonNode> fields) {
        this.path = path;
        this.fields = fields;
    }

    /** Views {@code node}, which must be a JSON object, as its fields among {@code allowed} (others are ignored). */
    static JsonIn object(JsonNode node, String path, Set<String> allowed) {
        String where = path.isEmpty() ? "body" : path;
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw invalid(where, "is missing: expected a JSON object");
        }
        if (!node.isObject()) {
            throw invalid(where, "must be a JSON object, not " + describe(node));
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        var it = node.properties().iterator();
        while (it.hasNext()) {
            var e = it.next();
            String camel = toCamel(e.getKey());
            String fieldPath = child(path, e.getKey());
            // an unknown field is discarded, as SpiceDB's HTTP gateway discards it (clients of a newer API version)
            if (!allowed.contains(camel)) continue;
            if (fields.put(camel, e.getValue()) != null) {
                throw invalid(fieldPath, "is given twice (in camelCase and snake_case)");
            }
        }
        return new JsonIn(path, fields);
    }

    String path(String field) {
        return child(path, field);
    }

    /** The path of {@code key} under {@code path}: {@code path.key}, or {@code path["key"]} for an odd key. */
    static String child(String path, String key) {
        String k = key(key);
        if (k.startsWith("[") || path.isEmpty()) return path + k;
        return path + "." + k;
    }

    /** A key as a path step: itself when it is a plain name, else {@code ["key"]} (never an empty step). */
    static String key(String key) {
        if (plainName(key)) return key;
        return "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }

    private static boolean plainName(String key) {
        if (key.isEmpty()) return false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) return false;
        }
        return true;
    }

    /** Whether the field is present and not JSON null. */
    boolean has(String field) {
        JsonNode n = fields.get(field);
        return n != null && !n.isNull();
    }

    JsonNode raw(String field) {
        JsonNode n = fields.get(field);
        return n == null || n.isNull() ? null : n;
    }

    JsonIn obj(String field, Set<String> allowed) {
        JsonNode n = raw(field);
        if (n == null) throw invalid(path(field), "is required");
        return object(n, path(field), allowed);
    }

    /** The nested object, or null when absent. */
    JsonIn optObj(String field, Set<String> allowed) {
        JsonNode n = raw(field);
        return n == null ? null : object(n, path(field), allowed);
    }

    String str(String field) {
        String s = optStr(field);
        if (s == null || s.isEmpty()) throw invalid(path(field), "is required");
        return s;
    }

    /** The string, or null when absent. */
    String optStr(String field) {
        JsonNode n = raw(field);
        if (n == null) return null;
        if (!n.isTextual()) throw invalid(path(field), "must be a string, not " + describe(n));
        return n.textValue();
    }

    boolean bool(String field) {
        JsonNode n = raw(field);
        if (n == null) return false;
        if (!n.isBoolean()) throw invalid(path(field), "must be true or false, not " + describe(n));
        return n.booleanValue();
    }

    /** A non-negative integer up to {@code max} (a JSON number or a decimal string, as protobuf JSON allows). */
    int optUint(String field, int max) {
        JsonNode n = raw(field);
        if (n == null) return 0;
        long v;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            v = n.longValue();
        } else if (n.isTextual() && n.textValue().matches("[0-9]{1,10}")) {
            v = Long.parseLong(n.textValue());
        } else {
            throw invalid(path(field), "must be a non-negative integer, not " + describe(n));
        }
        if (v < 0) throw invalid(path(field), "must not be negative");
        if (v > max) throw invalid(path(field), "must be at most " + max + ", not " + v);
        return (int) v;
    }

    /** The array's elements (empty when absent). */
    List<JsonNode> array(String field) {
        JsonNode n = raw(field);
        if (n == null) return List.of();
        if (!n.isArray()) throw invalid(path(field), "must be a JSON array, not " + describe(n));
        List<JsonNode> out = new ArrayList<>(n.size());
        n.forEach(out::add);
        return out;
    }

    static String toCamel(String key) {
        if (key.indexOf('_') < 0) return key;
        StringBuilder b = new StringBuilder(key.length());
        boolean upper = false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '_') {
                upper = b.length() > 0;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    static String describe(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    static KithException.InvalidArgument invalid(String field, String message) {
        return new KithException.InvalidArgument(field, message);
    }
}

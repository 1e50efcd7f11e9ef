package dev.kith.conformance.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON value against a schema of a Swagger 2.0 (OpenAPI 2) document, as far as an HTTP gateway's
 * answers need: {@code $ref} into {@code #/definitions}, {@code properties} (a field the schema does not name is
 * a problem unless the schema has {@code additionalProperties}), {@code required}, {@code type} with the formats
 * protobuf's JSON mapping uses (a 64-bit integer may be a JSON string of digits, a {@code date-time} an RFC 3339
 * string), {@code enum} and {@code items}. A {@code null} is accepted where the schema describes a message (an
 * object or a reference to one, or a {@code date-time} string, which is a {@code google.protobuf.Timestamp}), as the
 * gateway writes an unset message field; nowhere else. Each problem names
 * the JSON path where it was found.
 *
 * <p>A server may add fields of its own to the described messages: those named in {@code additions} (as {@code
 * DefinitionName.field}, e.g. {@code SubjectReference.optionalCaveat}) are not problems, and {@link #additionsSeen}
 * tells which of them answers carried.
 */
public final class SwaggerShapes {
    private final JsonNode definitions;
    private final Set<String> additions;
    private final Set<String> seen = new java.util.TreeSet<>();

    public SwaggerShapes(JsonNode swagger, Set<String> additions) {
        this.definitions = swagger.path("definitions");
        this.additions = Set.copyOf(additions);
    }

    /** The allowed additions found in the answers checked so far. */
    public Set<String> additionsSeen() {
        return java.util.Collections.unmodifiableSet(seen);
    }

    /** The problems of {@code value} against {@code schema}, each starting with its path under {@code path}. */
    public List<String> check(JsonNode value, JsonNode schema, String path) {
        List<String> problems = new ArrayList<>();
        check(value, schema, path, problems, 0, "");
        return problems;
    }

    /** The schema {@code ref} ({@code #/definitions/NAME}) points to; an error for any other. */
    public JsonNode definition(String ref) {
        String prefix = "#/definitions/";
        if (!ref.startsWith(prefix)) throw new IllegalArgumentException("not a reference into definitions: " + ref);
        JsonNode d = definitions.get(ref.substring(prefix.length()));
        if (d == null) throw new IllegalArgumentException("the document defines no " + ref);
        return d;
    }

    private void check(
            JsonNode value, JsonNode schema, String path, List<String> problems, int depth, String definition) {
        if (depth > 64) {
            problems.add(path + ": nested deeper than 64 levels");
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            check(value, definition(ref), path, problems, depth + 1, ref.substring(ref.lastIndexOf('/') + 1));
            return;
        }
        String type = schema.path("type").asText("");
        if (value.isNull()) {
            // a message the gateway writes as null when unset: an object, or a google.protobuf.Timestamp, which
            // the description gives as a date-time string
            boolean message = type.equals("object")
                    || type.isEmpty()
                    || (type.equals("string")
                            && schema.path("format").asText("").equals("date-time"));
            if (!message) {
                problems.add(
                        path + ": null where the schema expects " + (type.equals("integer") ? "an " : "a ") + type);
            }
            return;
        }
        if (schema.has("enum")) {
            Set<String> allowed = new HashSet<>();
            schema.get("enum").forEach(e -> allowed.add(e.asText()));
            if (!value.isTextual() || !allowed.contains(value.asText())) {
                problems.add(path + ": " + value + " is not one of " + allowed);
            }
            return;
        }
        String format = schema.path("format").asText("");
        switch (type) {
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(path + ": " + kind(value) + " where the schema expects a string");
                } else if (format.equals("date-time")) {
                    try {
                        OffsetDateTime.parse(value.asText());
                    } catch (DateTimeParseException e) {
                        problems.add(path + ": '" + value.asText() + "' is not an RFC 3339 date-time");
                    }
                } else if ((format.equals("uint64") || format.equals("int64"))
                        && !value.asText().matches("-?\\d+")) {
                    problems.add(path + ": '" + value.asText() + "' is not a " + format);
                }
            }
            case "integer" -> {
                boolean digits = value.isTextual()
                        && (format.equals("int64") || format.equals("uint64"))
                        && value.asText().matches("-?\\d+");
                if (!value.isIntegralNumber() && !digits) {
                    problems.add(path + ": " + kind(value) + " where the schema expects an integer");
                }
            }
            case "number" -> {
                if (!value.isNumber()) problems.add(path + ": " + kind(value) + " where the schema expects a number");
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": " + kind(value) + " where the schema expects a boolean");
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": " + kind(value) + " where the schema expects an array");
                    return;
                }
                JsonNode items = schema.path("items");
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), items, path + "[" + i + "]", problems, depth + 1, "");
                }
            }
            case "object", "" -> checkObject(value, schema, path, problems, depth, definition);
            default -> problems.add(path + ": the schema's type '" + type + "' is not understood");
        }
    }

    private void checkObject(
            JsonNode value, JsonNode schema, String path, List<String> problems, int depth, String definition) {
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (properties == null && additional == null) {
            // a message without declared fields (google.protobuf.Struct, a caveat context): any object
            if (!value.isObject() && schema.path("type").asText("").equals("object")) {
                problems.add(path + ": " + kind(value) + " where the schema expects an object");
            }
            return;
        }
        if (!value.isObject()) {
            problems.add(path + ": " + kind(value) + " where the schema expects an object");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JsonNode declared = properties == null ? null : properties.get(field.getKey());
            if (declared != null) {
                check(field.getValue(), declared, at, problems, depth + 1, "");
            } else if (additional != null) {
                if (additional.isObject() && !additional.isEmpty()) {
                    check(field.getValue(), additional, at, problems, depth + 1, "");
                }
            } else if (additions.contains(definition + "." + field.getKey())) {
                seen.add(definition + "." + field.getKey());
            } else {
                problems.add(at + ": a field the schema does not declare");
            }
        }
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add((path.isEmpty() ? "" : path + ".") + required.asText() + ": a required field is missing");
            }
        }
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}

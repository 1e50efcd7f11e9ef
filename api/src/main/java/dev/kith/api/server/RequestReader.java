package dev.kith.api.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.engine.Caveat;
import dev.kith.engine.CaveatLimits;
import dev.kith.engine.Consistency;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectFilter;
import dev.kith.engine.SubjectRef;
import dev.kith.proto.v1.ErrorReason;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request bodies into the engine's validated request records: strict JSON (bounded nesting, no duplicate
 * keys, no unknown fields), SpiceDB's v1 field names, and kith's name, id and size rules, each failure naming
 * its field. Nothing here touches the engine.
 */
final class RequestReader {
    static final Set<String> OBJECT_REF = Set.of("objectType", "objectId");
    static final Set<String> SUBJECT_REF = Set.of("object", "optionalRelation");
    static final Set<String> RELATIONSHIP =
            Set.of("resource", "relation", "subject", "optionalCaveat", "optionalExpiresAt");
    static final Set<String> CAVEAT = Set.of("caveatName", "context");
    static final Set<String> FILTER = Set.of(
            "resourceType",
            "optionalResourceId",
            "optionalResourceIdPrefix",
            "optionalRelation",
            "optionalSubjectFilter");
    static final Set<String> SUBJECT_FILTER = Set.of("subjectType", "optionalSubjectId", "optionalRelation");
    static final Set<String> RELATION_FILTER = Set.of("relation");
    static final Set<String> PRECONDITION = Set.of("operation", "filter");
    static final Set<String> UPDATE = Set.of("operation", "relationship");
    static final Set<String> CONSISTENCY =
            Set.of("minimizeLatency", "atLeastAsFresh", "atExactSnapshot", "fullyConsistent");
    static final Set<String> TOKEN = Set.of("token");
    static final Set<String> CURSOR = Set.of("token");

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Limits limits;
    private final CaveatLimits caveatLimits;
    private final Tokens tokens;
    private final ObjectMapper mapper;

    RequestReader(Limits limits, Tokens tokens) {
        this(limits, tokens, CaveatLimits.defaults());
    }

    /** A reader whose caveat contexts must stay within {@code caveatLimits} (the engine's). */
    RequestReader(Limits limits, Tokens tokens, CaveatLimits caveatLimits) {
        this.limits = limits;
        this.caveatLimits = caveatLimits;
        this.tokens = tokens;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxJsonDepth())
                        .build())
                .build();
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** Parses a whole request body; an empty body is an empty object. */
    JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) return mapper.createObjectNode();
        return parse(body, 0, body.length, "body");
    }

    /** Parses one JSON value from {@code body[offset, offset+length)}; {@code where} names it in errors. */
    JsonNode parse(byte[] body, int offset, int length, String where) {
        try {
            JsonNode n = mapper.readTree(body, offset, length);
            return n == null ? mapper.createObjectNode() : n;
        } catch (StreamConstraintsException e) {
            String at = pathOfFailure(body, offset, length, where);
            if (String.valueOf(e.getOriginalMessage()).startsWith("Number value length")) {
                throw JsonIn.invalid(at, at + ": number too large (more than " + MAX_NUMBER_DIGITS + " digits)");
            }
            if (String.valueOf(e.getOriginalMessage()).startsWith("Document nesting depth")) {
                throw HttpFailure.tooLarge(where, "JSON nested deeper than " + limits.maxJsonDepth() + " levels");
            }
            throw HttpFailure.tooLarge(at, at + ": value too large");
        } catch (JsonProcessingException e) {
            throw JsonIn.invalid(where, malformed(e, where));
        } catch (IOException e) {
            throw JsonIn.invalid(where, "unreadable JSON: " + e.getMessage());
        }
    }

    /** The longest number a request may hold, in characters (Jackson's default). */
    static final int MAX_NUMBER_DIGITS = StreamReadConstraints.DEFAULT_MAX_NUM_LEN;

    /**
     * What is wrong with a body that is not JSON, and where: the line and column, and the JSON path reached, in
     * the caller's words rather than the parser's.
     */
    static String malformed(JsonProcessingException e, String where) {
        var loc = e.getLocation();
        StringBuilder b = new StringBuilder("malformed JSON");
        if (loc != null && loc.getLineNr() > 0) {
            b.append(" at line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr());
        }
        String path = jsonPath(e, where);
        if (!path.equals(where)) b.append(" (in ").append(path).append(')');
        return b.append(": ").append(syntaxProblem(e)).toString();
    }

    private static final java.util.regex.Pattern UNEXPECTED_CHAR =
            java.util.regex.Pattern.compile("^Unexpected character \\(.*?\\(code (\\d+)\\)\\)");
    private static final java.util.regex.Pattern UNRECOGNIZED =
            java.util.regex.Pattern.compile("^Unrecognized token '(.*?)'");
    private static final java.util.regex.Pattern DUPLICATE =
            java.util.regex.Pattern.compile("^Duplicate field '(.*?)'");

    /** Jackson's message, as one plain sentence without its internals (class names, feature names, sources). */
    private static String syntaxProblem(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException || m.startsWith("Unexpected end-of-input")) {
            return "the body ends before the JSON value is complete";
        }
        var dup = DUPLICATE.matcher(m);
        if (dup.find()) return "field '" + dup.group(1) + "' is given twice";
        if (m.startsWith("Trailing token")) return "unexpected text after the JSON value";
        var ch = UNEXPECTED_CHAR.matcher(m);
        if (ch.find()) {
            int code = Integer.parseInt(ch.group(1));
            String c = code > 0x20 && code < 0x7f ? "'" + (char) code + "'" : String.format("U+%04X", code);
            return "unexpected character " + c + expectation(m);
        }
        var token = UNRECOGNIZED.matcher(m);
        if (token.find()) {
            String t = token.group(1);
            if (t.length() > 40) t = t.substring(0, 40) + "…";
            return "unrecognized token '" + t + "'; expected a JSON value";
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character in a string must be escaped";
        }
        if (m.startsWith("Invalid UTF-8") || m.contains("Invalid UTF-8")) return "the body is not valid UTF-8";
        if (m.startsWith("Leading zeroes") || m.startsWith("Invalid numeric value") || m.contains("numeric value")) {
            return "invalid number";
        }
        if (m.startsWith("Unrecognized character escape")) return "invalid escape sequence in a string";
        return "invalid JSON syntax";
    }

    private static String expectation(String m) {
        if (m.contains("double-quote to start field name")) return "; expected a field name in double quotes";
        if (m.contains("comma to separate Object entries")) return "; expected ',' or '}'";
        if (m.contains("comma to separate Array entries")) return "; expected ',' or ']'";
        if (m.contains("colon to separate field name")) return "; expected ':'";
        if (m.contains("expected a valid value") || m.contains("expected a value")) return "; expected a JSON value";
        return "";
    }

    /**
     * The JSON path the parser had reached when it failed, such as {@code updates[2].relationship}, under
     * {@code where} unless that is the whole body; {@code where} when it cannot tell.
     */
    static String jsonPath(JsonProcessingException e, String where) {
        if (!(e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p)) return where;
        return jsonPath(p, where);
    }

    /**
     * Where reading {@code body} fails, found by reading it again token by token (a read constraint's exception
     * does not say where it was raised); only on the error path.
     */
    private String pathOfFailure(byte[] body, int offset, int length, String where) {
        try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(body, offset, length)) {
            try {
                while (p.nextToken() != null) {
                    // reads to the failure
                }
            } catch (IOException e) {
                return jsonPath(p, where);
            }
        } catch (IOException e) {
            return where;
        }
        return where;
    }

    private static String jsonPath(com.fasterxml.jackson.core.JsonParser p, String where) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (var c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push(JsonIn.key(c.getCurrentName()));
            }
        }
        StringBuilder b = new StringBuilder(where.equals("body") ? "" : where);
        for (String part : parts) {
            if (!part.startsWith("[") && !b.isEmpty()) b.append('.');
            b.append(part);
        }
        return b.isEmpty() ? where : b.toString();
    }

    // ---- value types

    ObjectRef objectRef(JsonIn in, String field) {
        JsonIn o = in.obj(field, OBJECT_REF);
        return new ObjectRef(typeName(o, "objectType"), objectId(o, "objectId", false));
    }

    SubjectRef subjectRef(JsonIn in, String field) {
        JsonIn s = in.obj(field, SUBJECT_REF);
        JsonIn o = s.obj("object", OBJECT_REF);
        String type = typeName(o, "objectType");
        String id = objectId(o, "objectId", true);
        String relation = s.optStr("optionalRelation");
        if (relation != null && !relation.isEmpty() && !relation.equals("...")) {
            relationName(relation, s.path("optionalRelation"));
            if (SubjectRef.WILDCARD.equals(id)) {
                throw JsonIn.invalid(s.path("optionalRelation"), "a wildcard subject cannot have a relation");
            }
        } else {
            relation = null;
        }
        return new SubjectRef(type, id, relation);
    }

    Relationship relationship(JsonIn in, String field) {
        return relationship(in.obj(field, RELATIONSHIP));
    }

    /** The relationship object {@code node}, named {@code path} in errors. */
    Relationship relationship(JsonNode node, String path) {
        return relationship(JsonIn.object(node, path, RELATIONSHIP));
    }

    private Relationship relationship(JsonIn r) {
        ObjectRef resource = objectRef(r, "resource");
        String relation = relationName(r.str("relation"), r.path("relation"));
        SubjectRef subject = subjectRef(r, "subject");
        Caveat caveat = null;
        JsonIn c = r.optObj("optionalCaveat", CAVEAT);
        if (c != null) {
            String name = name(c.str("caveatName"), c.path("caveatName"), true, "caveat name");
            caveat = new Caveat(name, context(c, "context"));
        }
        Instant expiresAt = null;
        String exp = r.optStr("optionalExpiresAt");
        if (exp != null) {
            try {
                expiresAt = OffsetDateTime.parse(exp).toInstant();
            } catch (DateTimeParseException e) {
                throw JsonIn.invalid(
                        r.path("optionalExpiresAt"),
                        "'" + exp + "' is not an RFC 3339 time such as 2030-01-01T00:00:00Z");
            }
        }
        return new Relationship(resource, relation, subject, caveat, expiresAt);
    }

    RelationshipFilter filter(JsonIn in, String field) {
        return filter(in.obj(field, FILTER));
    }

    /** The relationship filter object {@code node}, named {@code path} in errors. */
    RelationshipFilter filter(JsonNode node, String path) {
        return filter(JsonIn.object(node, path, FILTER));
    }

    private RelationshipFilter filter(JsonIn f) {
        String type = f.optStr("resourceType");
        if (type != null && !type.isEmpty()) {
            name(type, f.path("resourceType"), true, "type name");
        } else {
            type = null;
        }
        String id = emptyToNull(f.optStr("optionalResourceId"));
        if (id != null) checkId(id, f.path("optionalResourceId"), false);
        String prefix = emptyToNull(f.optStr("optionalResourceIdPrefix"));
        if (prefix != null && prefix.length() > limits.maxIdLength()) {
            throw tooLong(f.path("optionalResourceIdPrefix"), limits.maxIdLength());
        }
        if (id != null && prefix != null) {
            throw JsonIn.invalid(f.path("optionalResourceIdPrefix"), "cannot be combined with optionalResourceId");
        }
        String relation = emptyToNull(f.optStr("optionalRelation"));
        if (relation != null) relationName(relation, f.path("optionalRelation"));
        SubjectFilter subject = null;
        JsonIn sf = f.optObj("optionalSubjectFilter", SUBJECT_FILTER);
        if (sf != null) {
            String st = typeName(sf, "subjectType");
            String sid = emptyToNull(sf.optStr("optionalSubjectId"));
            if (sid != null) checkId(sid, sf.path("optionalSubjectId"), true);
            String srel = null;
            JsonIn rf = sf.optObj("optionalRelation", RELATION_FILTER);
            if (rf != null) {
                srel = rf.optStr("relation");
                if (srel == null || srel.equals("...")) srel = "";
                if (!srel.isEmpty()) relationName(srel, rf.path("relation"));
            }
            subject = new SubjectFilter(st, sid, srel);
        }
        if (type == null && id == null && prefix == null && relation == null && subject == null) {
            throw JsonIn.invalid(f.path("resourceType"), "a relationship filter needs at least one field");
        }
        if (type == null && (id != null || prefix != null)) {
            throw JsonIn.invalid(f.path("resourceType"), "is required when a resource id or prefix is given");
        }
        return new RelationshipFilter(type, id, prefix, relation, subject);
    }

    List<Precondition> preconditions(JsonIn in, String field) {
        List<JsonNode> items = in.array(field);
        if (items.size() > limits.maxPreconditionsPerWrite()) {
            throw HttpFailure.tooMany(
                            in.path(field),
                            in.path(field) + ": " + items.size() + " preconditions; at most "
                                    + limits.maxPreconditionsPerWrite() + " are allowed",
                            ErrorReason.ERROR_REASON_TOO_MANY_PRECONDITIONS_IN_REQUEST)
                    .with("precondition_count", String.valueOf(items.size()))
                    .with("maximum_updates_allowed", String.valueOf(limits.maxPreconditionsPerWrite()));
        }
        List<Precondition> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonIn p = JsonIn.object(items.get(i), in.path(field) + "[" + i + "]", PRECONDITION);
            String op = p.str("operation");
            Precondition.Kind kind = switch (op) {
                case "OPERATION_MUST_MATCH" -> Precondition.Kind.MUST_MATCH;
                case "OPERATION_MUST_NOT_MATCH" -> Precondition.Kind.MUST_NOT_MATCH;
                default ->
                    throw JsonIn.invalid(
                            p.path("operation"),
                            "'" + op + "' is not OPERATION_MUST_MATCH or OPERATION_MUST_NOT_MATCH");
            };
            out.add(new Precondition(kind, filter(p, "filter")));
        }
        return out;
    }

    List<RelationshipUpdate> updates(JsonIn in, String field) {
        List<JsonNode> items = in.array(field);
        if (items.isEmpty()) throw JsonIn.invalid(in.path(field), "needs at least one update");
        if (items.size() > limits.maxUpdatesPerWrite()) {
            throw HttpFailure.tooMany(
                            in.path(field),
                            in.path(field) + ": " + items.size() + " updates; at most " + limits.maxUpdatesPerWrite()
                                    + " are allowed per write",
                            ErrorReason.ERROR_REASON_TOO_MANY_UPDATES_IN_REQUEST)
                    .with("update_count", String.valueOf(items.size()))
                    .with("maximum_updates_allowed", String.valueOf(limits.maxUpdatesPerWrite()));
        }
        List<RelationshipUpdate> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonIn u = JsonIn.object(items.get(i), in.path(field) + "[" + i + "]", UPDATE);
            String op = u.str("operation");
            RelationshipUpdate.Operation operation = switch (op) {
                case "OPERATION_CREATE" -> RelationshipUpdate.Operation.CREATE;
                case "OPERATION_TOUCH" -> RelationshipUpdate.Operation.TOUCH;
                case "OPERATION_DELETE" -> RelationshipUpdate.Operation.DELETE;
                default ->
                    throw JsonIn.invalid(
                            u.path("operation"),
                            "'" + op + "' is not OPERATION_CREATE, OPERATION_TOUCH or OPERATION_DELETE");
            };
            out.add(new RelationshipUpdate(operation, relationship(u, "relationship")));
        }
        return out;
    }

    /** The field of check, bulk check, expand and the lookups that carries their contextual relationships. */
    static final String CONTEXTUAL = "contextualRelationships";

    /**
     * The request's {@code contextualRelationships}: relationships in the shape a write takes, each read as a
     * write's is (the schema judges them in the engine); at most {@link Limits#maxContextualRelationships}; none
     * when absent.
     */
    List<Relationship> contextualRelationships(JsonIn in) {
        List<JsonNode> items = in.array(CONTEXTUAL);
        if (items.isEmpty()) return List.of();
        if (items.size() > limits.maxContextualRelationships()) {
            throw JsonIn.invalid(
                    in.path(CONTEXTUAL),
                    items.size() + " contextual relationships; at most " + limits.maxContextualRelationships()
                            + " are allowed per request (--max-contextual-relationships)");
        }
        List<Relationship> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(relationship(items.get(i), in.path(CONTEXTUAL) + "[" + i + "]"));
        }
        return List.copyOf(out);
    }

    /** The consistency mode; absent means minimizeLatency. */
    Consistency consistency(JsonIn in) {
        JsonIn c = in.optObj("consistency", CONSISTENCY);
        if (c == null) return Consistency.MINIMIZE_LATENCY;
        int given = 0;
        Consistency out = Consistency.MINIMIZE_LATENCY;
        if (c.has("minimizeLatency")) {
            given++;
            c.bool("minimizeLatency");
        }
        if (c.has("fullyConsistent")) {
            given++;
            c.bool("fullyConsistent");
            out = Consistency.FULLY_CONSISTENT;
        }
        if (c.has("atLeastAsFresh")) {
            given++;
            out = new Consistency.AtLeastAsFresh(token(c, "atLeastAsFresh"));
        }
        if (c.has("atExactSnapshot")) {
            given++;
            out = new Consistency.AtExactSnapshot(token(c, "atExactSnapshot"));
        }
        if (given > 1) {
            throw JsonIn.invalid(
                    c.path(""),
                    "give exactly one of minimizeLatency, atLeastAsFresh, atExactSnapshot, fullyConsistent");
        }
        return out;
    }

    dev.kith.engine.Revision token(JsonIn in, String field) {
        JsonIn t = in.obj(field, TOKEN);
        return tokens.decode(t.str("token"), t.path("token"));
    }

    /**
     * The engine's position in the request's cursor, or null when it has none: the cursor must have been handed
     * out by this deployment for a request with the same {@code binding} (see {@link Tokens#signCursor}).
     */
    String cursor(JsonIn in, String field, String binding) {
        JsonIn c = in.optObj(field, CURSOR);
        if (c == null) return null;
        String t = c.optStr("token");
        if (t != null && t.length() > 4096) throw tooLong(c.path("token"), 4096);
        t = emptyToNull(t);
        return t == null ? null : tokens.openCursor(t, binding, in.path(field));
    }

    /**
     * A caveat or request context: a JSON object within the size limit, as JSON-shaped Java values, each value
     * within the {@link CaveatLimits} (list lengths, map entries, string bytes, nesting), which are checked here,
     * when the request is read, so that the error names the field's JSON path. The engine checks them again,
     * for callers that do not come through this reader.
     */
    Map<String, Object> context(JsonIn in, String field) {
        Map<String, Object> context = jsonObject(in, field, "context");
        for (Map.Entry<String, Object> e : context.entrySet()) {
            CaveatLimits.Violation v = caveatLimits.violation(e.getValue());
            if (v != null) {
                throw JsonIn.invalid(in.path(field) + "." + e.getKey() + v.path(), v.reason());
            }
        }
        return context;
    }

    /** A write's or delete's {@code optionalTransactionMetadata}: any JSON object within the context size limit. */
    Map<String, Object> transactionMetadata(JsonIn in, String field) {
        return jsonObject(in, field, "transaction metadata");
    }

    private Map<String, Object> jsonObject(JsonIn in, String field, String what) {
        JsonNode n = in.raw(field);
        if (n == null) return Map.of();
        if (!n.isObject()) throw JsonIn.invalid(in.path(field), "must be a JSON object, not " + JsonIn.describe(n));
        int size = n.toString().length();
        if (size > limits.maxContextBytes()) {
            throw HttpFailure.tooLarge(
                    in.path(field), what + " is " + size + " bytes of JSON; at most " + limits.maxContextBytes());
        }
        return mapper.convertValue(n, MAP);
    }

    /** A check (or a bulk check's item) with {@code contextual} relationships, shared by a bulk check's items. */
    Requests.Check check(JsonIn in, Consistency consistency, boolean withTracing, List<Relationship> contextual) {
        return new Requests.Check(
                objectRef(in, "resource"),
                relationName(in.str("permission"), in.path("permission")),
                subjectRef(in, "subject"),
                context(in, "context"),
                consistency,
                withTracing,
                contextual);
    }

    // ---- names and ids

    String typeName(JsonIn in, String field) {
        return name(in.str(field), in.path(field), true, "type name");
    }

    String relationName(String value, String path) {
        return name(value, path, false, "relation or permission name");
    }

    private String name(String value, String path, boolean typeName, String what) {
        if (value.length() > limits.maxNameLength()) throw tooLong(path, limits.maxNameLength());
        if (!(typeName ? Names.isTypeName(value) : Names.isRelationName(value))) {
            throw JsonIn.invalid(
                    path,
                    "'" + value + "' is not a valid " + what
                            + " (lowercase letters, digits and '_', starting with a letter, 3 to 64 characters)");
        }
        return value;
    }

    private String objectId(JsonIn in, String field, boolean allowWildcard) {
        String id = in.str(field);
        checkId(id, in.path(field), allowWildcard);
        return id;
    }

    private void checkId(String id, String path, boolean allowWildcard) {
        if (allowWildcard && SubjectRef.WILDCARD.equals(id)) return;
        if (id.length() > limits.maxIdLength()) throw tooLong(path, limits.maxIdLength());
        if (!RelationshipParser.isObjectId(id)) {
            throw JsonIn.invalid(
                    path, "'" + id + "' is not a valid object id (letters, digits and / _ | - = +, at most 1024)");
        }
    }

    private static KithException.InvalidArgument tooLong(String path, int max) {
        return JsonIn.invalid(path, "is longer than " + max + " characters");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

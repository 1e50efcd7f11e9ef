package dev.kith.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The compact string form of a relationship, with SpiceDB's name and id rules:
 * {@code resource_type:id#relation@subject_type:id[#subject_relation][[caveat_name:{json}]][[expiration:RFC3339]]}.
 * A caveat bracket comes before an expiration bracket; a caveat may be given without context
 * ({@code [caveat_name]}); a subject relation {@code ...} means none. Malformed text gets an {@link
 * KithException.InvalidArgument} that names the part that is wrong.
 */
public final class RelationshipParser {
    /** SpiceDB's rule for type names (with optional {@code prefix/}s), relation and caveat names. */
    public static final Pattern TYPE_NAME =
            Pattern.compile("([a-z][a-z0-9_]{1,61}[a-z0-9]/)*[a-z][a-z0-9_]{1,62}[a-z0-9]");

    public static final Pattern RELATION_NAME = Pattern.compile("[a-z][a-z0-9_]{1,62}[a-z0-9]");

    /** SpiceDB's rule for object ids. */
    public static final Pattern OBJECT_ID = Pattern.compile("[a-zA-Z0-9/_|\\-=+]{1,1024}");

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private RelationshipParser() {}

    /**
     * Whether {@code id} is a valid object id ({@link #OBJECT_ID}), checked with a loop rather than a regex
     * matcher: checks call it on every request, where a matcher costs an allocation and most of a microsecond.
     */
    public static boolean isObjectId(String id) {
        int n = id.length();
        if (n == 0 || n > 1024) return false;
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '/'
                    || c == '_'
                    || c == '|'
                    || c == '-'
                    || c == '='
                    || c == '+';
            if (!ok) return false;
        }
        return true;
    }

    /**
     * Whether {@code name} is a valid type or caveat name ({@link #TYPE_NAME}), checked with a loop: on a 1M-line
     * import the regex matchers were a quarter of the load profile (JFR, 2026-11-26).
     */
    public static boolean isTypeName(String name) {
        int start = 0;
        for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', start)) {
            if (!isNamePart(name, start, slash, 63)) return false;
            start = slash + 1;
        }
        return isNamePart(name, start, name.length(), 64);
    }

    /** Whether {@code name} is a valid relation or permission name ({@link #RELATION_NAME}), checked with a loop. */
    public static boolean isRelationName(String name) {
        return isNamePart(name, 0, name.length(), 64);
    }

    /** {@code [a-z][a-z0-9_]*[a-z0-9]} of 3 to {@code max} characters in {@code s[from, to)}. */
    private static boolean isNamePart(String s, int from, int to, int max) {
        int n = to - from;
        if (n < 3 || n > max) return false;
        char first = s.charAt(from);
        if (first < 'a' || first > 'z') return false;
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
        }
        char last = s.charAt(to - 1);
        return (last >= 'a' && last <= 'z') || (last >= '0' && last <= '9');
    }

    /** Parses one relationship; throws {@link KithException.InvalidArgument} naming the bad part. */
    public static Relationship parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("relationship", "is empty", text);
        }
        String s = text.strip();
        Caveat caveat = null;
        Instant expiresAt = null;
        int bracket = s.indexOf('[');
        String core = bracket < 0 ? s : s.substring(0, bracket);
        if (bracket >= 0) {
            String rest = s.substring(bracket);
            int pos = 0;
            while (pos < rest.length()) {
                if (rest.charAt(pos) != '[') {
                    throw invalid(
                            "relationship", "unexpected text after the subject: '" + rest.substring(pos) + "'", text);
                }
                int end = closingBracket(rest, pos, text);
                String inner = rest.substring(pos + 1, end);
                if (inner.startsWith("expiration:")) {
                    if (expiresAt != null) throw invalid("expiration", "is given twice", text);
                    expiresAt = parseExpiration(inner.substring("expiration:".length()), text);
                } else {
                    if (caveat != null) throw invalid("caveat", "is given twice", text);
                    if (expiresAt != null) throw invalid("caveat", "must come before the expiration", text);
                    caveat = parseCaveat(inner, text);
                }
                pos = end + 1;
            }
        }
        int at = core.indexOf('@');
        if (at < 0) throw invalid("relationship", "has no '@' between resource and subject", text);
        String left = core.substring(0, at);
        String right = core.substring(at + 1);
        int hash = left.indexOf('#');
        if (hash < 0) throw invalid("relation", "is missing: expected resource_type:id#relation before '@'", text);
        ObjectRef resource = parseObject(left.substring(0, hash), "resource", false, text);
        String relation = left.substring(hash + 1);
        if (!isRelationName(relation)) {
            throw invalid("relation", "'" + relation + "' is not a valid relation name", text);
        }
        String subjectRelation = null;
        int shash = right.indexOf('#');
        String subjectObject = right;
        if (shash >= 0) {
            subjectObject = right.substring(0, shash);
            subjectRelation = right.substring(shash + 1);
            if (subjectRelation.equals("...")) {
                subjectRelation = null;
            } else if (!isRelationName(subjectRelation)) {
                throw invalid("subject relation", "'" + subjectRelation + "' is not a valid relation name", text);
            }
        }
        ObjectRef subject = parseObject(subjectObject, "subject", true, text);
        if (subjectRelation != null && SubjectRef.WILDCARD.equals(subject.id())) {
            throw invalid("subject", "a wildcard subject cannot have a relation", text);
        }
        return new Relationship(
                resource, relation, new SubjectRef(subject.type(), subject.id(), subjectRelation), caveat, expiresAt);
    }

    /** Parses {@code type:id}; {@code part} names it in errors; {@code allowWildcard} admits {@code type:*}. */
    public static ObjectRef parseObject(String s, String part, boolean allowWildcard, String whole) {
        int colon = s.indexOf(':');
        if (colon < 0) throw invalid(part, "'" + s + "' is not of the form type:id", whole);
        String type = s.substring(0, colon);
        String id = s.substring(colon + 1);
        if (!isTypeName(type)) {
            throw invalid(part + " type", "'" + type + "' is not a valid type name", whole);
        }
        if (!(allowWildcard && SubjectRef.WILDCARD.equals(id)) && !isObjectId(id)) {
            throw invalid(part + " id", "'" + id + "' is not a valid object id", whole);
        }
        return new ObjectRef(type, id);
    }

    /** The compact string form of {@code r}, which {@link #parse} reads back to an equal relationship. */
    public static String format(Relationship r) {
        StringBuilder b = new StringBuilder(64)
                .append(r.resource().type())
                .append(':')
                .append(r.resource().id())
                .append('#')
                .append(r.relation())
                .append('@')
                .append(r.subject());
        if (r.caveat() != null) {
            b.append('[').append(r.caveat().name());
            if (!r.caveat().context().isEmpty()) {
                b.append(':').append(toJson(r.caveat().context()));
            }
            b.append(']');
        }
        if (r.expiresAt() != null) {
            b.append("[expiration:").append(r.expiresAt()).append(']');
        }
        return b.toString();
    }

    /**
     * Parses a JSON object into a context map; {@code part} names it in errors, which say in plain words what is
     * wrong and where (never in the JSON library's words, which name Java types).
     */
    public static Map<String, Object> parseContext(String json, String part) {
        String kind = jsonKind(json);
        if (!kind.equals("an object"))
            throw new KithException.InvalidArgument(part, "must be a JSON object, not " + kind);
        try {
            Map<String, Object> context = JSON.readValue(json, MAP);
            context.forEach((k, v) -> finite(v, k, part));
            return context;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new KithException.InvalidArgument(part, "is not a valid JSON object" + where);
        }
    }

    /**
     * Refuses a number too large for a double ({@code 1e400}), which would otherwise become infinity, and be
     * written back as the string {@code "Infinity"}: a changed value, not an error.
     */
    private static void finite(Object value, String path, String part) {
        if (value instanceof Double d && d.isInfinite()) {
            throw new KithException.InvalidArgument(part, "the number at " + path + " is out of range");
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> finite(v, path + "." + k, part));
        } else if (value instanceof java.util.List<?> l) {
            for (int i = 0; i < l.size(); i++) finite(l.get(i), path + "[" + i + "]", part);
        }
    }

    /** What kind of JSON value {@code json} starts with, in words ("an object", "a string", …). */
    private static String jsonKind(String json) {
        String t = json == null ? "" : json.strip();
        if (t.isEmpty()) return "empty text";
        return switch (t.charAt(0)) {
            case '{' -> "an object";
            case '[' -> "an array";
            case '"' -> "a string";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            default -> Character.isDigit(t.charAt(0)) || t.charAt(0) == '-' ? "a number" : "JSON";
        };
    }

    /** JSON text of a context map. */
    public static String toJson(Map<String, Object> context) {
        try {
            return JSON.writeValueAsString(context);
        } catch (JsonProcessingException e) {
            throw new BugException("context not serializable as JSON", e);
        }
    }

    private static int closingBracket(String rest, int open, String whole) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    if (c != ']') throw invalid("relationship", "unbalanced brackets after the subject", whole);
                    return i;
                }
            }
        }
        throw invalid("relationship", "a '[' after the subject is never closed", whole);
    }

    private static Caveat parseCaveat(String inner, String whole) {
        int colon = inner.indexOf(':');
        String name = colon < 0 ? inner : inner.substring(0, colon);
        if (!isTypeName(name)) {
            throw invalid("caveat", "'" + name + "' is not a valid caveat name", whole);
        }
        if (colon < 0) return new Caveat(name, Map.of());
        String json = inner.substring(colon + 1);
        try {
            return new Caveat(name, parseContext(json, "caveat context"));
        } catch (KithException.InvalidArgument e) {
            throw invalid("caveat context", e.reason(), whole);
        }
    }

    private static Instant parseExpiration(String value, String whole) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid("expiration", "'" + value + "' is not an RFC 3339 time such as 2030-01-01T00:00:00Z", whole);
        }
    }

    private static KithException.InvalidArgument invalid(String part, String message, String whole) {
        return new KithException.InvalidArgument(part, message + (whole == null ? "" : " (in '" + whole + "')"));
    }
}

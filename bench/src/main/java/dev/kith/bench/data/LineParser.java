package dev.kith.bench.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * A recursive-descent parser of one dataset line. Each {@code parseXxx} method documents the fragment it consumes;
 * every failure is a {@link DataFormatException} naming the file, line, column and what was expected.
 */
final class LineParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final int lineNumber;
    private final String text;
    private int pos;

    LineParser(String source, int lineNumber, String text) {
        this.source = source;
        this.lineNumber = lineNumber;
        this.text = text;
    }

    int lineNumber() {
        return lineNumber;
    }

    /** Whether a line carries no data: blank, or a {@code //} comment. */
    static boolean isSkipped(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty() || trimmed.startsWith("//");
    }

    /**
     * {@code relationship := object '#' relation '@' subject ('[' caveat ']')? ('[expiration:' timestamp ']')?}
     * — checks the shape only and returns the trimmed line.
     */
    String parseRelationship() {
        parseObject("resource", false);
        expect('#', "'#' and the relation after the resource");
        parseIdentifier("relation");
        expect('@', "'@' and the subject after the relation");
        parseSubject();
        boolean sawExpiration = false;
        if (peek() == '[') {
            sawExpiration = parseBracket();
        }
        if (peek() == '[') {
            if (sawExpiration) {
                throw fail("nothing may follow the expiration bracket");
            }
            if (!parseBracket()) {
                throw fail("only one caveat bracket is allowed; a second bracket must be [expiration:…]");
            }
        }
        expectEnd("the end of the relationship");
        return text;
    }

    /** {@code query := object '#' permission '@' subject (' with ' jsonObject)? (' ' ('true'|'false'|'error'))?} */
    Query parseQuery() {
        String resourceType = parseType();
        expect(':', "':' between the resource type and id");
        String resourceId = parseId("resource id", false);
        expect('#', "'#' and the permission after the resource");
        String permission = parseIdentifier("permission");
        expect('@', "'@' and the subject after the permission");
        String[] subject = parseSubject();
        String context = null;
        Expectation expected = Expectation.NONE;
        if (pos < text.length()) {
            expectSpaces();
            if (text.startsWith("with", pos)) {
                pos += "with".length();
                expectSpaces();
                context = parseJsonObject();
                if (pos < text.length()) {
                    expectSpaces();
                }
            }
            if (pos < text.length()) {
                expected = parseExpectation();
            }
        }
        expectEnd("the end of the query");
        return new Query(resourceType, resourceId, permission, subject[0], subject[1], subject[2], context, expected);
    }

    /** {@code lookup := type '#' permission '@' subject (' ' count)?} */
    Lookup parseLookup() {
        String resourceType = parseType();
        expect('#', "'#' and the permission after the resource type (a lookup names a type, not an object)");
        String permission = parseIdentifier("permission");
        expect('@', "'@' and the subject after the permission");
        String[] subject = parseSubject();
        OptionalLong count = OptionalLong.empty();
        if (pos < text.length()) {
            expectSpaces();
            int start = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            if (start == pos || pos - start > 18) {
                throw failAt(start, "expected the expected result count (a non-negative integer)");
            }
            count = OptionalLong.of(Long.parseLong(text.substring(start, pos)));
        }
        expectEnd("the end of the lookup");
        return new Lookup(resourceType, permission, subject[0], subject[1], subject[2], count);
    }

    /** {@code object := type ':' id} */
    private void parseObject(String role, boolean wildcardAllowed) {
        parseType();
        expect(':', "':' between the " + role + " type and id");
        parseId(role + " id", wildcardAllowed);
    }

    /** {@code subject := type ':' (id | '*') ('#' relation)?}, returned as type, id and relation ("" if none). */
    private String[] parseSubject() {
        String type = parseType();
        expect(':', "':' between the subject type and id");
        String id = parseId("subject id", true);
        String relation = "";
        if (peek() == '#') {
            pos++;
            relation = parseIdentifier("subject relation");
        }
        return new String[] {type, id, relation};
    }

    /** {@code type := name ('/' name)*}, {@code name := [a-z][a-z0-9_]*} */
    private String parseType() {
        int start = pos;
        parseIdentifier("object type");
        while (peek() == '/') {
            pos++;
            parseIdentifier("object type after '/'");
        }
        return text.substring(start, pos);
    }

    /** {@code identifier := [a-z][a-z0-9_]*} */
    private String parseIdentifier(String what) {
        int start = pos;
        if (pos >= text.length() || !isLower(text.charAt(pos))) {
            throw fail("expected the " + what + " (a lower-case letter, then letters, digits or '_')");
        }
        pos++;
        while (pos < text.length()
                && (isLower(text.charAt(pos)) || isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** {@code id := [A-Za-z0-9/_|=+-]+}, or {@code '*'} where a wildcard is allowed */
    private String parseId(String what, boolean wildcardAllowed) {
        int start = pos;
        if (peek() == '*') {
            if (!wildcardAllowed) {
                throw fail("a wildcard '*' is not allowed as the " + what);
            }
            pos++;
            return "*";
        }
        while (pos < text.length() && isIdChar(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw fail("expected the " + what + " (letters, digits and / _ | = + -)");
        }
        return text.substring(start, pos);
    }

    /**
     * {@code bracket := '[' name (':' jsonObject)? ']' | '[expiration:' timestamp ']'}; returns whether it was the
     * expiration bracket.
     */
    private boolean parseBracket() {
        expect('[', "'['");
        String name = parseIdentifier("caveat name or 'expiration'");
        if (name.equals("expiration") && text.startsWith(":", pos) && peekAt(pos + 1) != '{') {
            pos++;
            int start = pos;
            int close = text.indexOf(']', pos);
            if (close < 0) {
                throw fail("expected ']' after the expiration time");
            }
            String timestamp = text.substring(start, close);
            try {
                OffsetDateTime.parse(timestamp);
            } catch (DateTimeParseException e) {
                throw failAt(
                        start, "the expiration '" + timestamp + "' is not an RFC 3339 time like 2030-01-01T00:00:00Z");
            }
            pos = close + 1;
            return true;
        }
        if (peek() == ':') {
            pos++;
            parseJsonObject();
        }
        expect(']', "']' closing the caveat bracket");
        return false;
    }

    /** {@code jsonObject := '{' … '}'} — the balanced braces, validated as a JSON object; returns its text. */
    private String parseJsonObject() {
        int start = pos;
        if (peek() != '{') {
            throw fail("expected a JSON object starting with '{'");
        }
        int depth = 0;
        boolean inString = false;
        for (; pos < text.length(); pos++) {
            char c = text.charAt(pos);
            if (inString) {
                if (c == '\\') {
                    pos++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                pos++;
                break;
            }
        }
        if (depth != 0 || inString) {
            throw failAt(start, "the JSON object is not closed");
        }
        String json = text.substring(start, pos);
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw failAt(start, "expected a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw failAt(start, "invalid JSON: " + e.getOriginalMessage());
        }
        return json;
    }

    private Expectation parseExpectation() {
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        return switch (word) {
            case "true" -> Expectation.TRUE;
            case "false" -> Expectation.FALSE;
            case "error" -> Expectation.ERROR;
            default ->
                throw failAt(
                        start, "expected 'with {…}' or the expectation true, false or error, found '" + word + "'");
        };
    }

    private void expectSpaces() {
        if (pos >= text.length() || text.charAt(pos) != ' ') {
            throw fail("expected a space");
        }
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw fail("expected " + what);
        }
        pos++;
    }

    private void expectEnd(String what) {
        if (pos < text.length()) {
            throw fail("unexpected '" + text.substring(pos) + "', expected " + what);
        }
    }

    private char peek() {
        return peekAt(pos);
    }

    private char peekAt(int index) {
        return index < text.length() ? text.charAt(index) : '\0';
    }

    private DataFormatException fail(String problem) {
        return failAt(pos, problem);
    }

    private DataFormatException failAt(int column, String problem) {
        return new DataFormatException(
                source, lineNumber, "column " + (column + 1) + ": " + problem + " in '" + text + "'");
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdChar(char c) {
        return isLower(c)
                || isDigit(c)
                || (c >= 'A' && c <= 'Z')
                || c == '/'
                || c == '_'
                || c == '|'
                || c == '='
                || c == '+'
                || c == '-';
    }
}

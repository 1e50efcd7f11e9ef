package dev.kith.schema.openfga;

import dev.kith.schema.SourceText;

/**
 * Turns an OpenFGA model into tokens on demand. Line breaks are tokens (a relation definition ends at the end
 * of its line); other whitespace is skipped. {@code #} starts a comment at the start of a line or after
 * whitespace, and is the userset separator ({@code group#member}) right after a name. Names are OpenFGA's
 * extended identifiers: letters, digits, {@code _ - . /}. A condition's CEL body is not tokenised: the parser
 * asks for it raw with {@link #readConditionBody()}.
 */
final class FgaLexer {

    /** The raw text between a condition's braces, where it starts, and whether its '}' was found. */
    record RawBody(String text, int line, int column, boolean closed) {}

    private final String text;
    private int pos;
    private int line = 1;
    private int column = 1;

    FgaLexer(SourceText source) {
        this.text = source.text();
    }

    /** The next token; {@link FgaTokenType#EOF} forever at the end. */
    FgaToken next() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#' && (pos == 0 || Character.isWhitespace(text.charAt(pos - 1)))) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    advance();
                }
            } else if (c != '\n' && Character.isWhitespace(c)) {
                advance();
            } else {
                break;
            }
        }
        int startLine = line;
        int startColumn = column;
        int start = pos;
        if (pos >= text.length()) {
            return new FgaToken(FgaTokenType.EOF, "", startLine, startColumn);
        }
        char c = text.charAt(pos);
        FgaTokenType type;
        if (isNamePart(c)) {
            while (pos < text.length() && isNamePart(text.charAt(pos))) {
                advance();
            }
            type = FgaTokenType.NAME;
        } else {
            advance();
            type = switch (c) {
                case '\n' -> FgaTokenType.NEWLINE;
                case ':' -> FgaTokenType.COLON;
                case ',' -> FgaTokenType.COMMA;
                case '#' -> FgaTokenType.HASH;
                case '*' -> FgaTokenType.STAR;
                case '[' -> FgaTokenType.LEFT_BRACKET;
                case ']' -> FgaTokenType.RIGHT_BRACKET;
                case '(' -> FgaTokenType.LEFT_PAREN;
                case ')' -> FgaTokenType.RIGHT_PAREN;
                case '<' -> FgaTokenType.LESS_THAN;
                case '>' -> FgaTokenType.GREATER_THAN;
                case '{' -> FgaTokenType.LEFT_BRACE;
                default -> FgaTokenType.ERROR;
            };
        }
        return new FgaToken(type, text.substring(start, pos), startLine, startColumn);
    }

    /**
     * Reads the text after a condition's {@code {} up to its matching {@code }}, which it consumes. Braces
     * inside CEL string literals do not count.
     */
    RawBody readConditionBody() {
        int start = pos;
        int startLine = line;
        int startColumn = column;
        int depth = 0;
        char quote = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (quote != 0) {
                if (c == '\\' && pos + 1 < text.length()) {
                    advance();
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    String body = text.substring(start, pos);
                    advance();
                    return new RawBody(body, startLine, startColumn, true);
                }
                depth--;
            }
            advance();
        }
        return new RawBody(text.substring(start), startLine, startColumn, false);
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        pos++;
    }

    private static boolean isNamePart(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '-'
                || c == '.'
                || c == '/';
    }
}

package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns schema text into tokens on demand. Whitespace is skipped; the comments before a token are
 * attached to it (the formatter keeps them), the {@code /** … *}{@code /} ones directly before it also
 * as its doc comment, and each token records whether a line break came before it (statements end at
 * line breaks). A caveat's CEL body is not tokenised: the parser asks for
 * it raw with {@link #readCaveatBody()}.
 */
final class Lexer {

    /**
     * The raw text between a caveat's braces, with where it starts; how deep its brackets nest; and where the first
     * character stands that no schema token starts with (such as a backtick), or {@code strayLine} 0 if none.
     */
    record RawBody(
            String text,
            int offset,
            int line,
            int column,
            boolean closed,
            int nesting,
            char stray,
            int strayLine,
            int strayColumn) {}

    /** The characters the schema lexer takes in a caveat outside names, numbers, strings and comments. */
    private static final String CAVEAT_PUNCTUATION = "{}()|+-&/=:;#*?![].,%<>\"'";

    private final SourceText source;
    private final String text;
    private final List<Diagnostic> diagnostics;
    private int pos;
    private int line = 1;
    private int column = 1;

    Lexer(SourceText source, List<Diagnostic> diagnostics) {
        this.source = source;
        this.text = source.text();
        this.diagnostics = diagnostics;
    }

    /** The next token; {@link TokenType#EOF} forever at the end. */
    Token next() {
        boolean newline = pos == 0;
        // Allocated at the first comment only, as most tokens have none: SchemaParseBenchmark.checkSyntax
        // (1,000 definitions) allocates 9.03 MB per op instead of 9.23 MB with a list per token.
        List<Token.Comment> comments = null;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                newline = true;
                advance();
            } else if (Character.isWhitespace(c)) {
                advance();
            } else if (c == '/' && (peekChar(1) == '/' || peekChar(1) == '*')) {
                boolean ownLine = startsLine(pos);
                String comment = readComment();
                if (comment == null) {
                    break;
                }
                if (comments == null) {
                    comments = new ArrayList<>(2);
                }
                comments.add(new Token.Comment(comment, ownLine, false));
            } else {
                break;
            }
        }
        String doc = null;
        if (comments != null) {
            comments = markDocComments(comments);
            doc = docComment(comments);
        }
        int startLine = line;
        int startColumn = column;
        int start = pos;
        if (pos >= text.length()) {
            return new Token(TokenType.EOF, "", pos, startLine, startColumn, true, doc, comments);
        }
        char c = text.charAt(pos);
        TokenType type;
        if (isIdentifierStart(c)) {
            while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
                advance();
            }
            type = TokenType.IDENTIFIER;
        } else if (c == '"' || c == '\'') {
            type = readString(c);
        } else {
            type = punctuation(c);
        }
        return new Token(type, text.substring(start, pos), start, startLine, startColumn, newline, doc, comments);
    }

    /**
     * Reads the comment at {@code pos}: a {@code //} one without its line break and trailing blanks,
     * or a {@code /* … *}{@code /} one whole; {@code null} for a block never closed (reported).
     */
    private String readComment() {
        int start = pos;
        if (peekChar(1) == '/') {
            while (pos < text.length() && text.charAt(pos) != '\n') {
                advance();
            }
            return text.substring(start, pos).stripTrailing();
        }
        int startLine = line;
        int startColumn = column;
        advance();
        advance();
        while (pos < text.length() && !(text.charAt(pos) == '*' && peekChar(1) == '/')) {
            advance();
        }
        if (pos >= text.length()) {
            diagnostics.add(source.diagnostic(startLine, startColumn, "this comment is never closed with */"));
            return null;
        }
        advance();
        advance();
        return text.substring(start, pos);
    }

    /** Whether only blanks come before {@code at} on its line. */
    private boolean startsLine(int at) {
        for (int i = at - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * The doc comment of a token is the run of {@code /** … *}{@code /} comments after the last plain
     * block comment before it ({@code //} comments do not break the run); marks those comments.
     */
    private static List<Token.Comment> markDocComments(List<Token.Comment> comments) {
        int from = 0;
        for (int i = 0; i < comments.size(); i++) {
            if (comments.get(i).text().startsWith("/*")
                    && !isDocComment(comments.get(i).text())) {
                from = i + 1;
            }
        }
        List<Token.Comment> marked = new ArrayList<>(comments.size());
        for (int i = 0; i < comments.size(); i++) {
            Token.Comment comment = comments.get(i);
            marked.add(i >= from && isDocComment(comment.text()) ? comment.asDoc() : comment);
        }
        return List.copyOf(marked);
    }

    private static boolean isDocComment(String comment) {
        return comment.startsWith("/**") && comment.length() > 4;
    }

    private static String docComment(List<Token.Comment> comments) {
        StringBuilder doc = null;
        for (Token.Comment comment : comments) {
            if (comment.doc()) {
                doc = doc == null ? new StringBuilder() : doc.append('\n');
                doc.append(comment.text());
            }
        }
        return doc == null ? null : doc.toString();
    }

    private TokenType punctuation(char c) {
        if (c == '-' && peekChar(1) == '>') {
            advance();
            advance();
            return TokenType.ARROW;
        }
        if (c == '.' && peekChar(1) == '.' && peekChar(2) == '.') {
            advance();
            advance();
            advance();
            return TokenType.ELLIPSIS;
        }
        advance();
        return switch (c) {
            case '{' -> TokenType.LEFT_BRACE;
            case '}' -> TokenType.RIGHT_BRACE;
            case '(' -> TokenType.LEFT_PAREN;
            case ')' -> TokenType.RIGHT_PAREN;
            case '<' -> TokenType.LESS_THAN;
            case '>' -> TokenType.GREATER_THAN;
            case ':' -> TokenType.COLON;
            case ';' -> TokenType.SEMICOLON;
            case ',' -> TokenType.COMMA;
            case '=' -> TokenType.EQUALS;
            case '|' -> TokenType.PIPE;
            case '#' -> TokenType.HASH;
            case '*' -> TokenType.STAR;
            case '+' -> TokenType.PLUS;
            case '-' -> TokenType.MINUS;
            case '&' -> TokenType.AMPERSAND;
            case '.' -> TokenType.DOT;
            case '/' -> TokenType.SLASH;
            default -> TokenType.ERROR;
        };
    }

    /** A string on one line, in the quote it opened with; an unclosed one is an {@link TokenType#ERROR}. */
    private TokenType readString(char quote) {
        advance();
        while (pos < text.length() && text.charAt(pos) != quote && text.charAt(pos) != '\n') {
            advance();
        }
        if (pos < text.length() && text.charAt(pos) == quote) {
            advance();
            return TokenType.STRING;
        }
        return TokenType.ERROR;
    }

    /**
     * Reads the text after a caveat's {@code {} up to its matching {@code }}, which it consumes, as SpiceDB's parser
     * does before it hands the text to CEL: braces inside CEL string literals and comments do not count, and the
     * body is read with the schema language's tokens, so the first character no token starts with is recorded
     * (the parser reports it). CEL's own grammar is left to the compiler.
     */
    RawBody readCaveatBody() {
        int start = pos;
        int startLine = line;
        int startColumn = column;
        int braces = 0;
        int depth = 0;
        int deepest = 0;
        char stray = 0;
        int strayLine = 0;
        int strayColumn = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"' || c == '\'') {
                skipCelString(c);
                continue;
            }
            if (c == '/' && peekChar(1) == '/') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    advance();
                }
                continue;
            }
            if (c == '/' && peekChar(1) == '*') {
                advance();
                advance();
                while (pos < text.length() && !(text.charAt(pos) == '*' && peekChar(1) == '/')) {
                    advance();
                }
                if (pos < text.length()) {
                    advance();
                    advance();
                }
                continue;
            }
            if (c == '}' && braces == 0) {
                String body = text.substring(start, pos);
                advance();
                return new RawBody(body, start, startLine, startColumn, true, deepest, stray, strayLine, strayColumn);
            }
            if (c == '{') {
                braces++;
            } else if (c == '}') {
                braces--;
            }
            if (c == '(' || c == '[' || c == '{') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (strayLine == 0
                    && !Character.isLetterOrDigit(c)
                    && c != '_'
                    && !Character.isWhitespace(c)
                    && CAVEAT_PUNCTUATION.indexOf(c) < 0) {
                stray = c;
                strayLine = line;
                strayColumn = column;
            }
            advance();
        }
        return new RawBody(
                text.substring(start), start, startLine, startColumn, false, deepest, stray, strayLine, strayColumn);
    }

    private void skipCelString(char quote) {
        boolean triple = peekChar(1) == quote && peekChar(2) == quote;
        int quotes = triple ? 3 : 1;
        for (int i = 0; i < quotes; i++) {
            advance();
        }
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\\') {
                advance();
                if (pos < text.length()) {
                    advance();
                }
                continue;
            }
            if (c == quote && (!triple || (peekChar(1) == quote && peekChar(2) == quote))) {
                for (int i = 0; i < quotes; i++) {
                    advance();
                }
                return;
            }
            if (c == '\n' && !triple) {
                return;
            }
            advance();
        }
    }

    private char peekChar(int ahead) {
        int at = pos + ahead;
        return at < text.length() ? text.charAt(at) : '\0';
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

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }
}

package dev.kith.schema;

/**
 * One token of schema text.
 *
 * @param type its kind
 * @param text the source characters it covers
 * @param offset index of its first character in the source
 * @param line 1-based line
 * @param column 1-based column
 * @param newlineBefore whether a line break separates it from the previous token (statements end at
 *     line breaks)
 * @param docComment the {@code /** … *}{@code /} comments directly before it, or {@code null}
 */
record Token(TokenType type, String text, int offset, int line, int column, boolean newlineBefore, String docComment) {

    boolean is(TokenType t) {
        return type == t;
    }

    /** Whether this is the identifier {@code word} (keywords are identifiers to the lexer). */
    boolean isWord(String word) {
        return type == TokenType.IDENTIFIER && text.equals(word);
    }

    /** How the token reads in a diagnostic. */
    String describe() {
        return switch (type) {
            case IDENTIFIER -> "'" + text + "'";
            case EOF -> type.description();
            case ERROR -> "unexpected character '" + text + "'";
            default -> type.description();
        };
    }
}

package dev.kith.schema.openfga;

/**
 * One token of an OpenFGA model.
 *
 * @param type its kind
 * @param text the source characters it covers
 * @param line 1-based line
 * @param column 1-based column
 */
record FgaToken(FgaTokenType type, String text, int line, int column) {

    boolean is(FgaTokenType t) {
        return type == t;
    }

    /** Whether this is the name {@code word} (keywords are names to the lexer). */
    boolean isWord(String word) {
        return type == FgaTokenType.NAME && text.equals(word);
    }

    /** How the token reads in a diagnostic. */
    String describe() {
        return switch (type) {
            case NAME -> "'" + text + "'";
            case ERROR -> "unexpected character '" + text + "'";
            default -> type.description();
        };
    }
}

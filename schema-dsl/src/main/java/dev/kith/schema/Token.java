package dev.kith.schema;

import java.util.List;

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
 * @param comments every comment between the previous token and this one, in order, or {@code null}
 */
record Token(
        TokenType type,
        String text,
        int offset,
        int line,
        int column,
        boolean newlineBefore,
        String docComment,
        List<Comment> comments) {

    /**
     * One comment as written.
     *
     * @param text its characters, {@code //} or {@code /*} included ({@code //} ones without trailing blanks)
     * @param ownLine whether only blanks come before it on its line (otherwise it ends the line of the
     *     code before it)
     * @param doc whether it is part of the token's doc comment
     */
    record Comment(String text, boolean ownLine, boolean doc) {
        Comment asDoc() {
            return new Comment(text, ownLine, true);
        }
    }

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

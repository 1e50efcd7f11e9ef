package dev.kith.schema;

/** The kinds of token of the schema language; keywords are identifiers, recognised by the parser. */
enum TokenType {
    IDENTIFIER("a name"),
    STRING("a quoted string"),
    LEFT_BRACE("'{'"),
    RIGHT_BRACE("'}'"),
    LEFT_PAREN("'('"),
    RIGHT_PAREN("')'"),
    LESS_THAN("'<'"),
    GREATER_THAN("'>'"),
    COLON("':'"),
    SEMICOLON("';'"),
    COMMA("','"),
    EQUALS("'='"),
    PIPE("'|'"),
    HASH("'#'"),
    STAR("'*'"),
    PLUS("'+'"),
    MINUS("'-'"),
    AMPERSAND("'&'"),
    ARROW("'->'"),
    DOT("'.'"),
    ELLIPSIS("'...'"),
    SLASH("'/'"),
    ERROR("an unexpected character"),
    EOF("the end of the file");

    private final String description;

    TokenType(String description) {
        this.description = description;
    }

    /** How the token kind reads in a diagnostic ("expected ':' but found …"). */
    String description() {
        return description;
    }
}

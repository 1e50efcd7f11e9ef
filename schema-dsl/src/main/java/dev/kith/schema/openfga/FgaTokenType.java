package dev.kith.schema.openfga;

/** The kinds of token of OpenFGA's modelling language; keywords are names, recognised by the parser. */
enum FgaTokenType {
    NAME("a name"),
    COLON("':'"),
    COMMA("','"),
    HASH("'#'"),
    STAR("'*'"),
    LEFT_BRACKET("'['"),
    RIGHT_BRACKET("']'"),
    LEFT_PAREN("'('"),
    RIGHT_PAREN("')'"),
    LESS_THAN("'<'"),
    GREATER_THAN("'>'"),
    LEFT_BRACE("'{'"),
    NEWLINE("the end of the line"),
    ERROR("an unexpected character"),
    EOF("the end of the model");

    private final String description;

    FgaTokenType(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }
}

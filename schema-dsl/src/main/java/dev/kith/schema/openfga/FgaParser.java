package dev.kith.schema.openfga;

import dev.kith.schema.Diagnostic;
import dev.kith.schema.SourcePosition;
import dev.kith.schema.SourceText;
import dev.kith.schema.openfga.FgaSyntax.ConditionNode;
import dev.kith.schema.openfga.FgaSyntax.DirectTypes;
import dev.kith.schema.openfga.FgaSyntax.Exclusion;
import dev.kith.schema.openfga.FgaSyntax.Expr;
import dev.kith.schema.openfga.FgaSyntax.Intersection;
import dev.kith.schema.openfga.FgaSyntax.Model;
import dev.kith.schema.openfga.FgaSyntax.Name;
import dev.kith.schema.openfga.FgaSyntax.ParameterNode;
import dev.kith.schema.openfga.FgaSyntax.ParameterType;
import dev.kith.schema.openfga.FgaSyntax.RelationNode;
import dev.kith.schema.openfga.FgaSyntax.TupleToUserset;
import dev.kith.schema.openfga.FgaSyntax.TypeNode;
import dev.kith.schema.openfga.FgaSyntax.TypeRestriction;
import dev.kith.schema.openfga.FgaSyntax.Union;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of OpenFGA's modelling language, schema 1.1. Each {@code parseXxx} method documents
 * the grammar fragment it consumes. Statements end at line breaks.
 *
 * <p>Operators: OpenFGA gives {@code or}, {@code and} and {@code but not} no precedence over each other. One
 * level of an expression is a single operand, or operands joined by one operator only ({@code a or b or c},
 * {@code a and b}, {@code a but not b but not c}, the last read left to right); mixing operators needs
 * parentheses, and mixing without them is an error here as in OpenFGA. The directly related types ({@code
 * [user, group#member]}) may only be the first operand of a definition.
 *
 * <p>On an error the parser records a diagnostic, skips to the next line and goes on, so that one run reports
 * every error.
 */
final class FgaParser {

    /** Thrown to abandon the current line after its diagnostic is recorded; never escapes. */
    private static final class Abandon extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandon() {
            super(null, null, false, false);
        }
    }

    private final SourceText source;
    private final FgaLexer lexer;
    private final List<Diagnostic> diagnostics;
    private FgaToken current;
    private boolean operandSeen;

    private FgaParser(SourceText source, List<Diagnostic> diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
        this.lexer = new FgaLexer(source);
        this.current = lexer.next();
    }

    /** Parses a whole model; problems go to {@code diagnostics}, the tree holds what could be read. */
    static Model parse(SourceText source, List<Diagnostic> diagnostics) {
        return new FgaParser(source, diagnostics).parseModel();
    }

    /** {@code model := 'model' NL 'schema' version NL (type | condition)* EOF} */
    private Model parseModel() {
        skipNewlines();
        Name version = null;
        try {
            version = parseHeader();
        } catch (Abandon abandoned) {
            skipLine();
        }
        List<TypeNode> types = new ArrayList<>();
        List<ConditionNode> conditions = new ArrayList<>();
        TypeNode open = null;
        List<RelationNode> relations = null;
        while (!skipNewlines()) {
            try {
                if (current.isWord("type")) {
                    open = parseTypeHeader();
                    types.add(open);
                    relations = null;
                } else if (current.isWord("relations") && open != null && relations == null) {
                    advance();
                    endLine();
                    relations = new ArrayList<>();
                    types.set(types.size() - 1, new TypeNode(open.name(), relations));
                } else if (current.isWord("define") && relations != null) {
                    relations.add(parseDefine());
                } else if (current.isWord("condition")) {
                    conditions.add(parseCondition());
                    open = null;
                    relations = null;
                } else if (current.isWord("extend")) {
                    throw error(
                            current,
                            "`extend type` belongs to modular models (schema 1.2, fga.mod), which kith does not"
                                    + " support");
                } else if (current.isWord("module")) {
                    throw error(current, "modular models (`module`, fga.mod) are not supported by kith");
                } else if (current.isWord("define")) {
                    throw error(current, "`define` must follow a `relations` line inside a type");
                } else {
                    throw error(
                            current,
                            "expected `type`, `relations`, `define` or `condition`, found " + current.describe());
                }
            } catch (Abandon abandoned) {
                skipLine();
            }
        }
        for (int i = 0; i < types.size(); i++) {
            types.set(
                    i,
                    new TypeNode(types.get(i).name(), List.copyOf(types.get(i).relations())));
        }
        return new Model(version, List.copyOf(types), List.copyOf(conditions));
    }

    /** {@code header := 'model' NL 'schema' version NL}; {@code module name} is refused as unsupported. */
    private Name parseHeader() {
        if (current.isWord("module")) {
            throw error(current, "modular models (`module`, fga.mod) are not supported by kith");
        }
        if (!current.isWord("model")) {
            throw error(current, "a model starts with `model` and `schema 1.1`, found " + current.describe());
        }
        advance();
        endLine();
        skipNewlines();
        if (!current.isWord("schema")) {
            throw error(current, "expected `schema` and a version after `model`, found " + current.describe());
        }
        advance();
        FgaToken version = expect(FgaTokenType.NAME, "a schema version after `schema`");
        endLine();
        return name(version);
    }

    /** {@code typeHeader := 'type' name NL} */
    private TypeNode parseTypeHeader() {
        advance();
        Name name = name(expect(FgaTokenType.NAME, "a type name after `type`"));
        endLine();
        return new TypeNode(name, new ArrayList<>());
    }

    /** {@code define := 'define' name ':' expression NL} */
    private RelationNode parseDefine() {
        advance();
        Name name = name(expect(FgaTokenType.NAME, "a relation name after `define`"));
        expect(FgaTokenType.COLON, "':' after `define " + name.text() + "`");
        operandSeen = false;
        Expr expression = parseExpression();
        if (!current.is(FgaTokenType.NEWLINE) && !current.is(FgaTokenType.EOF)) {
            if (isOperator(current)) {
                throw error(
                        current,
                        "`" + operatorAt(current) + "` cannot follow a different operator without parentheses:"
                                + " OpenFGA gives `or`, `and` and `but not` no precedence, so group with ( )");
            }
            throw error(current, "expected the end of the line after the definition, found " + current.describe());
        }
        return new RelationNode(name, expression);
    }

    /** {@code expression := operand (('or' operand)+ | ('and' operand)+ | ('but' 'not' operand)+)?} */
    private Expr parseExpression() {
        FgaToken start = current;
        Expr first = parseOperand();
        if (!isOperator(current)) {
            return first;
        }
        String operator = operatorAt(current);
        List<Expr> operands = new ArrayList<>();
        operands.add(first);
        while (isOperator(current) && operatorAt(current).equals(operator)) {
            advance();
            if (operator.equals("but not") && !current.isWord("not")) {
                throw error(current, "expected `not` after `but`, found " + current.describe());
            }
            if (operator.equals("but not")) {
                advance();
            }
            operands.add(parseOperand());
        }
        SourcePosition at = position(start);
        return switch (operator) {
            case "or" -> new Union(List.copyOf(operands), at);
            case "and" -> new Intersection(List.copyOf(operands), at);
            default -> {
                Expr result = operands.getFirst();
                for (int i = 1; i < operands.size(); i++) {
                    result = new Exclusion(result, operands.get(i), at);
                }
                yield result;
            }
        };
    }

    /** {@code operand := directTypes | '(' expression ')' | name 'from' name | name} */
    private Expr parseOperand() {
        boolean first = !operandSeen;
        operandSeen = true;
        if (current.is(FgaTokenType.LEFT_BRACKET)) {
            if (!first) {
                throw error(
                        current, "the directly related types `[…]` may only come first in a definition, and only once");
            }
            return parseDirectTypes();
        }
        if (current.is(FgaTokenType.LEFT_PAREN)) {
            advance();
            operandSeen = !first;
            Expr inner = parseExpression();
            expect(FgaTokenType.RIGHT_PAREN, "')' to close the group");
            return inner;
        }
        FgaToken name = expect(FgaTokenType.NAME, "a relation name, `[` or `(`");
        if (isOperator(name)) {
            throw error(name, "expected a relation name, `[` or `(`, found the operator " + name.describe());
        }
        if (current.isWord("from")) {
            advance();
            FgaToken tupleset = expect(FgaTokenType.NAME, "a relation name after `from`");
            return new TupleToUserset(name(name), name(tupleset));
        }
        return new FgaSyntax.Computed(name(name));
    }

    /** {@code directTypes := '[' restriction (',' restriction)* ']'} */
    private DirectTypes parseDirectTypes() {
        FgaToken open = advance();
        List<TypeRestriction> types = new ArrayList<>();
        types.add(parseRestriction());
        while (current.is(FgaTokenType.COMMA)) {
            advance();
            types.add(parseRestriction());
        }
        expect(FgaTokenType.RIGHT_BRACKET, "',' or ']' in the directly related types");
        return new DirectTypes(List.copyOf(types), position(open));
    }

    /** {@code restriction := name (':' '*' | '#' name)? ('with' name)?} */
    private TypeRestriction parseRestriction() {
        FgaToken type = expect(FgaTokenType.NAME, "a type name in the directly related types");
        boolean wildcard = false;
        Name relation = null;
        if (current.is(FgaTokenType.COLON)) {
            advance();
            expect(FgaTokenType.STAR, "'*' after `" + type.text() + ":` (a wildcard)");
            wildcard = true;
        } else if (current.is(FgaTokenType.HASH)) {
            advance();
            relation = name(expect(FgaTokenType.NAME, "a relation name after `" + type.text() + "#`"));
        }
        Name condition = null;
        if (current.isWord("with")) {
            advance();
            condition = name(expect(FgaTokenType.NAME, "a condition name after `with`"));
        }
        return new TypeRestriction(name(type), wildcard, relation, condition, position(type));
    }

    /** {@code condition := 'condition' name '(' parameter (',' parameter)* ')' '{' CEL '}'} */
    private ConditionNode parseCondition() {
        FgaToken keyword = advance();
        Name name = name(expect(FgaTokenType.NAME, "a condition name after `condition`"));
        expect(FgaTokenType.LEFT_PAREN, "'(' and the parameters of condition `" + name.text() + "`");
        List<ParameterNode> parameters = new ArrayList<>();
        skipNewlines();
        parameters.add(parseParameter());
        skipNewlines();
        while (current.is(FgaTokenType.COMMA)) {
            advance();
            skipNewlines();
            parameters.add(parseParameter());
            skipNewlines();
        }
        expect(FgaTokenType.RIGHT_PAREN, "',' or ')' after a parameter of condition `" + name.text() + "`");
        skipNewlines();
        if (!current.is(FgaTokenType.LEFT_BRACE)) {
            throw error(current, "expected '{' and the CEL expression of condition `" + name.text() + "`");
        }
        FgaLexer.RawBody body = lexer.readConditionBody();
        if (!body.closed()) {
            throw error(keyword, "the body of condition `" + name.text() + "` is never closed with '}'");
        }
        if (body.text().isBlank()) {
            throw error(keyword, "condition `" + name.text() + "` has an empty expression");
        }
        current = lexer.next();
        return new ConditionNode(
                name, List.copyOf(parameters), body.text(), source.position(body.line(), body.column()));
    }

    /** {@code parameter := name ':' type ('<' type '>')?} */
    private ParameterNode parseParameter() {
        Name name = name(expect(FgaTokenType.NAME, "a parameter name"));
        expect(FgaTokenType.COLON, "':' and a type after parameter `" + name.text() + "`");
        Name type = name(expect(FgaTokenType.NAME, "the type of parameter `" + name.text() + "`"));
        Name element = null;
        if (current.is(FgaTokenType.LESS_THAN)) {
            advance();
            element = name(expect(FgaTokenType.NAME, "an element type after '<'"));
            expect(FgaTokenType.GREATER_THAN, "'>' after the element type");
        }
        return new ParameterNode(name, new ParameterType(type, element));
    }

    private static boolean isOperator(FgaToken token) {
        return token.isWord("or") || token.isWord("and") || token.isWord("but");
    }

    private static String operatorAt(FgaToken token) {
        return token.text().equals("but") ? "but not" : token.text();
    }

    /** Skips blank lines; returns true at the end of the model. */
    private boolean skipNewlines() {
        while (current.is(FgaTokenType.NEWLINE)) {
            advance();
        }
        return current.is(FgaTokenType.EOF);
    }

    private void endLine() {
        if (!current.is(FgaTokenType.NEWLINE) && !current.is(FgaTokenType.EOF)) {
            throw error(current, "expected the end of the line, found " + current.describe());
        }
    }

    private void skipLine() {
        while (!current.is(FgaTokenType.NEWLINE) && !current.is(FgaTokenType.EOF)) {
            advance();
        }
    }

    private FgaToken advance() {
        FgaToken token = current;
        current = lexer.next();
        return token;
    }

    private FgaToken expect(FgaTokenType type, String expected) {
        if (!current.is(type)) {
            throw error(current, "expected " + expected + ", found " + current.describe());
        }
        return advance();
    }

    private Abandon error(FgaToken at, String message) {
        diagnostics.add(source.diagnostic(at.line(), at.column(), message));
        return new Abandon();
    }

    private Name name(FgaToken token) {
        return new Name(token.text(), position(token));
    }

    private SourcePosition position(FgaToken token) {
        return source.position(token.line(), token.column());
    }
}

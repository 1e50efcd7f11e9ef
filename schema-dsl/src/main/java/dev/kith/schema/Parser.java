package dev.kith.schema;

import dev.kith.schema.Syntax.Arrow;
import dev.kith.schema.Syntax.Binary;
import dev.kith.schema.Syntax.CaveatNode;
import dev.kith.schema.Syntax.Comments;
import dev.kith.schema.Syntax.Declaration;
import dev.kith.schema.Syntax.DefinitionNode;
import dev.kith.schema.Syntax.Expr;
import dev.kith.schema.Syntax.Group;
import dev.kith.schema.Syntax.MemberNode;
import dev.kith.schema.Syntax.Name;
import dev.kith.schema.Syntax.NilExpr;
import dev.kith.schema.Syntax.Operator;
import dev.kith.schema.Syntax.ParameterNode;
import dev.kith.schema.Syntax.PermissionNode;
import dev.kith.schema.Syntax.Ref;
import dev.kith.schema.Syntax.RelationNode;
import dev.kith.schema.Syntax.SchemaFile;
import dev.kith.schema.Syntax.SelfExpr;
import dev.kith.schema.Syntax.TypeExpr;
import dev.kith.schema.Syntax.TypeRefNode;
import dev.kith.schema.Syntax.UseFlag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser of the schema language. Each {@code parseXxx} method documents the grammar
 * fragment it consumes; binary operator precedence is the one table {@link #PRECEDENCE}. On an error
 * the parser records a diagnostic, skips to a place where parsing can resume (the next member of a
 * definition, or the next top-level declaration) and goes on, so that one run reports every error.
 */
final class Parser {

    /**
     * Binary operators by precedence, higher binds tighter; all are left-associative. Arrows bind
     * tighter than any of them. So {@code a - b + c} is {@code a - (b + c)}, as in SpiceDB.
     */
    private static final Map<TokenType, Integer> PRECEDENCE =
            Map.of(TokenType.MINUS, 1, TokenType.AMPERSAND, 2, TokenType.PLUS, 3);

    private static final Map<TokenType, Operator> OPERATORS = Map.of(
            TokenType.MINUS, Operator.EXCLUSION,
            TokenType.AMPERSAND, Operator.INTERSECTION,
            TokenType.PLUS, Operator.UNION);

    /** Use flags that kith implements. */
    static final List<String> SUPPORTED_FLAGS = List.of("expiration", "self", "typechecking", "transitive_wildcards");

    private static final Set<String> TOP_LEVEL_WORDS = Set.of("definition", "caveat", "use", "import", "partial");

    /** Thrown to abandon the current statement after its diagnostic is recorded; never escapes. */
    private static final class Abandon extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandon() {
            super(null, null, false, false);
        }
    }

    private final SourceText source;
    private final Lexer lexer;
    private final List<Diagnostic> diagnostics;

    /**
     * The limits; those on one expression also keep later stages, which recurse over its tree, from running out
     * of stack, and the nesting one keeps this parser's own recursion shallow.
     */
    private final SchemaLimits limits;

    private final Set<String> flags = new LinkedHashSet<>();
    private Token current;
    private int nodes;
    private int nesting;

    /** The comments of the tokens consumed since the current item began (see {@link #itemComments}). */
    private final List<Token.Comment> consumedComments = new ArrayList<>();

    private Parser(SourceText source, List<Diagnostic> diagnostics, SchemaLimits limits) {
        this.source = source;
        this.diagnostics = diagnostics;
        this.limits = limits;
        this.lexer = new Lexer(source, diagnostics);
        this.current = lexer.next();
    }

    /** Parses a whole file; problems go to {@code diagnostics}, the tree holds what could be read. */
    static SchemaFile parse(SourceText source, List<Diagnostic> diagnostics, SchemaLimits limits) {
        return new Parser(source, diagnostics, limits).parseFile();
    }

    /** {@code file := (use | definition | caveat)* EOF} */
    private SchemaFile parseFile() {
        List<UseFlag> uses = new ArrayList<>();
        List<Declaration> declarations = new ArrayList<>();
        while (!current.is(TokenType.EOF)) {
            try {
                if (current.isWord("use")) {
                    UseFlag flag = parseUse(!declarations.isEmpty());
                    uses.add(flag);
                } else if (current.isWord("definition") || current.isWord("caveat")) {
                    if (declarations.size() == limits.maxDefinitions()) {
                        error(
                                current,
                                "the schema has more than " + limits.maxDefinitions() + " definitions and caveats "
                                        + SchemaLimits.name("max-definitions", limits.maxDefinitions()));
                        break;
                    }
                    declarations.add(current.isWord("definition") ? parseDefinition() : parseCaveat());
                } else if (current.isWord("import")) {
                    throw error(current, "composable schemas (`import`) are not supported yet");
                } else if (current.isWord("partial")) {
                    throw error(current, "composable schemas (`partial`) are not supported yet");
                } else {
                    throw error(
                            current,
                            "expected `definition`, `caveat` or `use` at the top level of the schema, found "
                                    + current.describe());
                }
            } catch (Abandon abandoned) {
                skipToTopLevel();
            }
        }
        return new SchemaFile(List.copyOf(uses), List.copyOf(declarations), leadingComments(current));
    }

    /** {@code use := 'use' flagName} where flagName is one of {@link #SUPPORTED_FLAGS} */
    private UseFlag parseUse(boolean afterDeclarations) {
        consumedComments.clear();
        Token use = advance();
        if (afterDeclarations) {
            throw error(use, "`use` must come before every definition and caveat");
        }
        Token flag = expect(TokenType.IDENTIFIER, "a flag name after `use`");
        if (flag.text().equals("import") || flag.text().equals("partial")) {
            throw error(flag, "composable schemas (`use " + flag.text() + "`) are not supported yet");
        }
        if (!SUPPORTED_FLAGS.contains(flag.text())) {
            throw error(
                    flag,
                    "unknown `use` flag `" + flag.text() + "`: the flags are " + String.join(", ", SUPPORTED_FLAGS));
        }
        flags.add(flag.text());
        return new UseFlag(flag.text(), position(flag), itemComments(use));
    }

    /** {@code definition := 'definition' typeName '{' (member (';' | newline))* '}'} */
    private DefinitionNode parseDefinition() {
        consumedComments.clear();
        Token keyword = advance();
        Name name = parseQualifiedName("a definition name after `definition`");
        expect(TokenType.LEFT_BRACE, "'{' to open definition `" + name.text() + "`");
        Comments header = itemComments(keyword);
        List<MemberNode> members = new ArrayList<>();
        while (!current.is(TokenType.RIGHT_BRACE)) {
            if (current.is(TokenType.EOF) || startsTopLevel(current)) {
                error(
                        keyword,
                        "definition `" + name.text() + "` is never closed: its '}' is missing (found "
                                + current.describe() + " on line " + current.line() + ")");
                return new DefinitionNode(
                        name, List.copyOf(members), keyword.docComment(), position(keyword), Comments.NONE);
            }
            try {
                consumedComments.clear();
                Token first = current;
                if (members.size() == limits.maxRelationsPerDefinition()) {
                    error(
                            first,
                            "definition `" + name.text() + "` has more than " + limits.maxRelationsPerDefinition()
                                    + " relations and permissions "
                                    + SchemaLimits.name("max-relations", limits.maxRelationsPerDefinition()));
                    skipToDefinitionEnd();
                    continue;
                }
                MemberNode member = parseMember(name.text());
                endStatement();
                members.add(member.withComments(itemComments(first)));
            } catch (Abandon abandoned) {
                skipToMember();
            }
        }
        List<String> closing = leadingComments(current);
        advance();
        Comments comments = new Comments(header.before(), trailingComments(current), header.trailing(), closing);
        return new DefinitionNode(name, List.copyOf(members), keyword.docComment(), position(keyword), comments);
    }

    /** {@code member := relation | permission} */
    private MemberNode parseMember(String definition) {
        if (current.isWord("relation")) {
            return parseRelation();
        }
        if (current.isWord("permission")) {
            return parsePermission();
        }
        if (current.is(TokenType.ELLIPSIS)) {
            throw error(current, "partial references (`...name`) of composable schemas are not supported yet");
        }
        throw error(
                current,
                "expected `relation` or `permission` in definition `" + definition + "`, found " + current.describe());
    }

    /** {@code relation := 'relation' name ':' typeRef ('|' typeRef)*} */
    private RelationNode parseRelation() {
        Token keyword = advance();
        Name name = parseName("a relation name after `relation`");
        expect(TokenType.COLON, "':' and the allowed subject types after relation `" + name.text() + "`");
        List<TypeRefNode> types = parseTypeRefs("a subject type after ':'");
        return new RelationNode(name, types, keyword.docComment(), position(keyword), Comments.NONE);
    }

    /** {@code permission := 'permission' name (':' typeRef ('|' typeRef)*)? '=' expression} */
    private PermissionNode parsePermission() {
        Token keyword = advance();
        Name name = parseName("a permission name after `permission`");
        List<TypeRefNode> annotation = List.of();
        if (current.is(TokenType.COLON)) {
            advance();
            annotation = parseTypeRefs("a type name after ':' in the type annotation");
        }
        expect(TokenType.EQUALS, "'=' and an expression after permission `" + name.text() + "`");
        nodes = 0;
        nesting = 0;
        Expr expression = parseExpression(0);
        checkDepth(expression);
        return new PermissionNode(name, annotation, expression, keyword.docComment(), position(keyword), Comments.NONE);
    }

    /** {@code typeRefs := typeRef ('|' typeRef)*} */
    private List<TypeRefNode> parseTypeRefs(String firstExpected) {
        List<TypeRefNode> types = new ArrayList<>();
        types.add(parseTypeRef(firstExpected));
        while (current.is(TokenType.PIPE)) {
            advance();
            if (types.size() == limits.maxAllowedTypes()) {
                throw error(
                        current,
                        "more than " + limits.maxAllowedTypes() + " allowed subject types "
                                + SchemaLimits.name("max-allowed-types", limits.maxAllowedTypes()));
            }
            types.add(parseTypeRef("a type name after '|'"));
        }
        return List.copyOf(types);
    }

    /**
     * {@code typeRef := typeName (':' '*' | '#' (name | '...'))? ('with' (caveatName ('and'
     * 'expiration')? | 'expiration'))?}
     */
    private TypeRefNode parseTypeRef(String expected) {
        SourcePosition at = position(current);
        Name type = parseQualifiedName(expected);
        Name relation = null;
        boolean wildcard = false;
        if (current.is(TokenType.COLON)) {
            advance();
            expect(TokenType.STAR, "'*' after '" + type.text() + ":' (a wildcard is written `type:*`)");
            wildcard = true;
        } else if (current.is(TokenType.HASH)) {
            advance();
            if (current.is(TokenType.ELLIPSIS)) {
                advance();
            } else {
                relation = parseName("a relation name or '...' after '#'");
            }
        }
        Name caveat = null;
        SourcePosition expiration = null;
        if (current.isWord("with")) {
            advance();
            if (current.isWord("expiration")) {
                expiration = position(advance());
            } else {
                caveat = parseQualifiedName("a caveat name or `expiration` after `with`");
                if (current.isWord("and")) {
                    advance();
                    if (!current.isWord("expiration")) {
                        throw error(current, "expected `expiration` after `and`, found " + current.describe());
                    }
                    expiration = position(advance());
                }
            }
        }
        return new TypeRefNode(type, relation, wildcard, caveat, expiration, at);
    }

    /**
     * {@code expression := arrowChain (binaryOp arrowChain)*}, by precedence climbing over {@link
     * #PRECEDENCE}: operators of precedence below {@code minPrecedence} are left to the caller.
     *
     * <p>The tree stays shallow, so that the stages after this one can recurse over it: a run of {@code +} or of
     * {@code &} (which the compiler flattens into one n-ary node) becomes a balanced tree; a run of {@code -} nests
     * to the left, and {@link #checkDepth} bounds the tree's depth once it is built. This method's own recursion
     * goes one level deeper per parenthesis only.
     */
    private Expr parseExpression(int minPrecedence) {
        Expr left = parseArrowChain();
        while (true) {
            Integer precedence = PRECEDENCE.get(current.type());
            if (precedence == null || precedence < minPrecedence) {
                return left;
            }
            Token operator = advance();
            countNode(operator);
            if (operator.is(TokenType.MINUS)) {
                left = new Binary(Operator.EXCLUSION, left, parseExpression(precedence + 1), position(operator));
                continue;
            }
            List<Expr> operands = new ArrayList<>();
            List<Token> operators = new ArrayList<>();
            operands.add(left);
            operators.add(operator);
            operands.add(parseExpression(precedence + 1));
            while (current.is(operator.type())) {
                Token next = advance();
                countNode(next);
                operators.add(next);
                operands.add(parseExpression(precedence + 1));
            }
            left = balanced(OPERATORS.get(operator.type()), operands, operators, 0, operands.size());
        }
    }

    /**
     * Refuses an expression whose tree is deeper than {@link SchemaLimits#maxExpressionNesting} (a run of {@code
     * -} nests one level per operator), at its deepest operator. With an explicit stack: the tree can be as deep
     * as the expression is long.
     */
    private void checkDepth(Expr expression) {
        Deque<Expr> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(expression);
        depths.push(0);
        while (!nodes.isEmpty()) {
            Expr node = nodes.pop();
            int depth = depths.pop();
            if (node instanceof Group group) {
                nodes.push(group.inner());
                depths.push(depth);
            } else if (node instanceof Binary binary) {
                if (depth + 1 > limits.maxExpressionNesting()) {
                    diagnostics.add(source.diagnostic(
                            binary.position(),
                            "this permission's expression nests more than " + limits.maxExpressionNesting()
                                    + " deep (each `-` puts its left side one level deeper) "
                                    + SchemaLimits.name("max-expression-nesting", limits.maxExpressionNesting())));
                    return;
                }
                nodes.push(binary.left());
                depths.push(depth + 1);
                nodes.push(binary.right());
                depths.push(depth + 1);
            }
        }
    }

    /** {@code operands[from, to)} joined by their operators into a balanced tree, of depth log2 of their count. */
    private Expr balanced(Operator operator, List<Expr> operands, List<Token> operators, int from, int to) {
        if (to - from == 1) {
            return operands.get(from);
        }
        int middle = (from + to) / 2;
        return new Binary(
                operator,
                balanced(operator, operands, operators, from, middle),
                balanced(operator, operands, operators, middle, to),
                position(operators.get(middle - 1)));
    }

    /** {@code arrowChain := primary ('->' name | '.' ('any' | 'all') '(' name ')')*} */
    private Expr parseArrowChain() {
        Expr left = parsePrimary();
        while (true) {
            if (current.is(TokenType.ARROW)) {
                Token arrow = advance();
                countNode(arrow);
                Ref right = parseRef("a relation or permission name after '->'");
                left = new Arrow(left, right, false, position(arrow));
            } else if (current.is(TokenType.DOT)) {
                Token dot = advance();
                countNode(dot);
                Token function = current;
                if (!function.isWord("any") && !function.isWord("all")) {
                    throw error(
                            function, "expected `any` or `all` after '.' in an arrow, found " + function.describe());
                }
                advance();
                expect(TokenType.LEFT_PAREN, "'(' after `." + function.text() + "`");
                Ref right = parseRef("a relation or permission name inside `." + function.text() + "(…)`");
                expect(TokenType.RIGHT_PAREN, "')' to close `." + function.text() + "(`");
                left = new Arrow(left, right, function.text().equals("all"), position(dot));
            } else {
                return left;
            }
        }
    }

    /** {@code primary := '(' expression ')' | 'nil' | 'self' | name} */
    private Expr parsePrimary() {
        if (current.is(TokenType.LEFT_PAREN)) {
            Token open = advance();
            if (++nesting > limits.maxExpressionNesting()) {
                throw error(
                        open,
                        "parentheses nested more than " + limits.maxExpressionNesting() + " deep "
                                + SchemaLimits.name("max-expression-nesting", limits.maxExpressionNesting()));
            }
            Expr inner = parseExpression(0);
            expect(TokenType.RIGHT_PAREN, "')' to close '('");
            nesting--;
            return new Group(inner, position(open));
        }
        countNode(current);
        if (current.isWord("nil")) {
            return new NilExpr(position(advance()));
        }
        if (current.isWord("self") && flags.contains("self")) {
            return new SelfExpr(position(advance()));
        }
        if (current.is(TokenType.IDENTIFIER) && !Names.RESERVED.contains(current.text())) {
            return parseRef("a relation or permission name");
        }
        throw error(
                current,
                "expected a relation or permission name, `nil` or '(' in the expression, found " + current.describe());
    }

    /** Counts one more node of the permission's expression, at {@code at}. */
    private void countNode(Token at) {
        if (++nodes > limits.maxExpressionNodes()) {
            throw error(
                    at,
                    "this permission's expression has more than " + limits.maxExpressionNodes() + " names, arrows and"
                            + " operators: split it up "
                            + SchemaLimits.name("max-expression-nodes", limits.maxExpressionNodes()));
        }
    }

    private Ref parseRef(String expected) {
        Name name = parseName(expected);
        return new Ref(name.text(), name.position());
    }

    /**
     * {@code caveat := 'caveat' caveatName '(' parameter (',' parameter)* ')' '{' CEL '}'} where
     * {@code parameter := identifier typeExpr}
     */
    private CaveatNode parseCaveat() {
        consumedComments.clear();
        Token keyword = advance();
        Name name = parseQualifiedName("a caveat name after `caveat`");
        expect(TokenType.LEFT_PAREN, "'(' and the parameters of caveat `" + name.text() + "`");
        List<ParameterNode> parameters = new ArrayList<>();
        do {
            if (parameters.size() == limits.maxCaveatParameters()) {
                throw error(
                        current,
                        "caveat `" + name.text() + "` has more than " + limits.maxCaveatParameters() + " parameters "
                                + SchemaLimits.name("max-caveat-parameters", limits.maxCaveatParameters()));
            }
            Token parameter = expect(TokenType.IDENTIFIER, "a parameter name");
            parameters.add(new ParameterNode(new Name(parameter.text(), position(parameter)), parseTypeExpr()));
        } while (accept(TokenType.COMMA));
        expect(TokenType.RIGHT_PAREN, "')' or ',' in the parameters of caveat `" + name.text() + "`");
        Token open = current;
        if (!open.is(TokenType.LEFT_BRACE)) {
            throw error(
                    open,
                    "expected '{' and the CEL expression of caveat `" + name.text() + "`, found " + open.describe());
        }
        // The lexer stands just after this '{' (it reads one token ahead): read the body raw from here.
        collectComments(open);
        Lexer.RawBody body = lexer.readCaveatBody();
        current = lexer.next();
        if (!body.closed()) {
            throw error(open, "the expression of caveat `" + name.text() + "` is never closed with '}'");
        }
        if (SchemaLimits.utf8Length(body.text(), limits.maxCaveatExpressionBytes())
                > limits.maxCaveatExpressionBytes()) {
            throw error(
                    open,
                    "the expression of caveat `" + name.text() + "` is longer than "
                            + limits.maxCaveatExpressionBytes() + " bytes "
                            + SchemaLimits.name("max-caveat-bytes", limits.maxCaveatExpressionBytes()));
        }
        if (body.strayLine() > 0) {
            diagnostics.add(source.diagnostic(
                    body.strayLine(),
                    body.strayColumn(),
                    "unexpected character '" + body.stray() + "' in the expression of caveat `" + name.text() + "`"));
            throw new Abandon();
        }
        int depth = body.nesting();
        if (depth > limits.maxExpressionNesting()) {
            throw error(
                    open,
                    "the expression of caveat `" + name.text() + "` nests brackets " + depth + " deep, more than "
                            + limits.maxExpressionNesting() + " "
                            + SchemaLimits.name("max-expression-nesting", limits.maxExpressionNesting()));
        }
        return caveatNode(name, parameters, body, keyword, open);
    }

    /** {@code typeExpr := identifier ('<' typeExpr (',' typeExpr)* '>')?} */
    private TypeExpr parseTypeExpr() {
        return parseTypeExpr(0);
    }

    private TypeExpr parseTypeExpr(int depth) {
        Token type = expect(TokenType.IDENTIFIER, "a parameter type (int, string, list<…>, …)");
        List<TypeExpr> arguments = new ArrayList<>();
        if (accept(TokenType.LESS_THAN)) {
            if (depth >= limits.maxExpressionNesting()) {
                throw error(
                        type,
                        "type arguments nested more than " + limits.maxExpressionNesting() + " deep "
                                + SchemaLimits.name("max-expression-nesting", limits.maxExpressionNesting()));
            }
            do {
                arguments.add(parseTypeExpr(depth + 1));
            } while (accept(TokenType.COMMA));
            expect(TokenType.GREATER_THAN, "'>' to close the type arguments of `" + type.text() + "`");
        }
        return new TypeExpr(new Name(type.text(), position(type)), List.copyOf(arguments));
    }

    /** Cuts the caveat body down to its expression and remembers where each of its lines sits. */
    private CaveatNode caveatNode(
            Name name, List<ParameterNode> parameters, Lexer.RawBody body, Token keyword, Token open) {
        String[] raw = body.text().split("\n", -1);
        int first = 0;
        while (first < raw.length && raw[first].isBlank()) {
            first++;
        }
        int last = raw.length - 1;
        while (last >= first && raw[last].isBlank()) {
            last--;
        }
        if (first > last) {
            throw error(
                    open,
                    "caveat `" + name.text() + "` has an empty expression: write a CEL expression that returns bool");
        }
        int indent = Integer.MAX_VALUE;
        for (int i = Math.max(first, 1); i <= last; i++) {
            if (!raw[i].isBlank()) {
                indent = Math.min(indent, leadingWhitespace(raw[i]));
            }
        }
        int count = last - first + 1;
        int[] lines = new int[count];
        int[] shifts = new int[count];
        StringBuilder expression = new StringBuilder();
        for (int i = first; i <= last; i++) {
            String line = stripTrailing(raw[i]);
            int removed = i == 0 ? leadingWhitespace(line) : Math.min(indent, leadingWhitespace(line));
            int startColumn = i == 0 ? body.column() : 1;
            lines[i - first] = body.line() + i;
            shifts[i - first] = startColumn + removed - 1;
            if (i > first) {
                expression.append('\n');
            }
            expression.append(line.substring(Math.min(removed, line.length())));
        }
        return new CaveatNode(
                name,
                List.copyOf(parameters),
                expression.toString(),
                lines,
                shifts,
                keyword.docComment(),
                position(keyword),
                itemComments(keyword));
    }

    private static int leadingWhitespace(String line) {
        int n = 0;
        while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) {
            n++;
        }
        return n;
    }

    private static String stripTrailing(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1).stripTrailing() : line.stripTrailing();
    }

    /** {@code typeName := name ('/' name)*} — an object type or caveat name with its prefixes. */
    private Name parseQualifiedName(String expected) {
        Name first = parseName(expected);
        StringBuilder text = new StringBuilder(first.text());
        while (current.is(TokenType.SLASH)) {
            advance();
            text.append('/').append(parseName("a name after '/'").text());
        }
        return new Name(text.toString(), first.position());
    }

    /** {@code name := identifier} that is not a keyword. */
    private Name parseName(String expected) {
        Token token = current;
        if (!token.is(TokenType.IDENTIFIER)) {
            throw error(token, "expected " + expected + ", found " + token.describe());
        }
        if (Names.RESERVED.contains(token.text())
                || (token.text().equals("expiration") && flags.contains("expiration"))
                || (token.text().equals("self") && flags.contains("self"))) {
            throw error(token, "`" + token.text() + "` is a keyword and cannot be used as a name here");
        }
        advance();
        return new Name(token.text(), position(token));
    }

    /** A statement ends at ';', a line break, or the '}' of its definition. */
    private void endStatement() {
        if (current.is(TokenType.SEMICOLON)) {
            do {
                advance();
            } while (current.is(TokenType.SEMICOLON));
            return;
        }
        if (current.is(TokenType.RIGHT_BRACE) || current.is(TokenType.EOF) || current.newlineBefore()) {
            return;
        }
        throw error(current, "expected the end of the statement (a line break or ';'), found " + current.describe());
    }

    /** After an error inside a definition: skip to the next member, the closing '}' or the next declaration. */
    private void skipToMember() {
        if (startsMember(current)) {
            return;
        }
        while (!current.is(TokenType.EOF) && !current.is(TokenType.RIGHT_BRACE) && !startsTopLevel(current)) {
            advance();
            if (startsMember(current)) {
                return;
            }
        }
    }

    /** Skips the rest of a definition's members, to its closing '}' or the next declaration. */
    private void skipToDefinitionEnd() {
        while (!current.is(TokenType.EOF) && !current.is(TokenType.RIGHT_BRACE) && !startsTopLevel(current)) {
            advance();
        }
    }

    /** After an error at the top level: skip to the next declaration. */
    private void skipToTopLevel() {
        if (startsTopLevel(current) && !current.isWord("import") && !current.isWord("partial")) {
            return;
        }
        while (!current.is(TokenType.EOF)) {
            advance();
            if (startsTopLevel(current)) {
                return;
            }
        }
    }

    private static boolean startsMember(Token token) {
        return token.newlineBefore() && (token.isWord("relation") || token.isWord("permission"));
    }

    private static boolean startsTopLevel(Token token) {
        return token.newlineBefore() && token.is(TokenType.IDENTIFIER) && TOP_LEVEL_WORDS.contains(token.text());
    }

    private Token advance() {
        Token consumed = current;
        if (!current.is(TokenType.EOF)) {
            collectComments(consumed);
            current = lexer.next();
        }
        return consumed;
    }

    private void collectComments(Token consumed) {
        if (consumed.comments() != null) {
            consumedComments.addAll(consumed.comments());
        }
    }

    /**
     * The comments of the item that began at {@code first} and ends just before {@code current}: those
     * on {@code first} (except its doc comment and those that end the previous item's line), then all
     * those inside it, before it; those ending its last line, after it. Call with {@link
     * #consumedComments} cleared just before {@code first} was consumed.
     */
    private Comments itemComments(Token first) {
        List<String> before = new ArrayList<>();
        int own = first.comments() == null ? 0 : first.comments().size();
        int claimed = trailingCount(first);
        for (int i = 0; i < consumedComments.size(); i++) {
            Token.Comment comment = consumedComments.get(i);
            if (i < own && (i < claimed || comment.doc())) {
                continue;
            }
            before.add(comment.text());
        }
        return new Comments(List.copyOf(before), trailingComments(current), List.of(), List.of());
    }

    /**
     * How many of the comments before {@code token} end the line of the code before it: those, from the
     * first, that do not start their own line, up to a doc comment (which belongs to {@code token}).
     */
    private static int trailingCount(Token token) {
        List<Token.Comment> comments = token.comments();
        int count = 0;
        while (comments != null
                && count < comments.size()
                && !comments.get(count).ownLine()
                && !comments.get(count).doc()) {
            count++;
        }
        return count;
    }

    /** The comments before {@code token} that end the line of the code before it. */
    private static List<String> trailingComments(Token token) {
        return texts(token.comments(), 0, trailingCount(token));
    }

    /** The comments before {@code token} that are not on the line of the code before it. */
    private static List<String> leadingComments(Token token) {
        List<Token.Comment> comments = token.comments();
        return texts(comments, trailingCount(token), comments == null ? 0 : comments.size());
    }

    private static List<String> texts(List<Token.Comment> comments, int from, int to) {
        if (from >= to) {
            return List.of();
        }
        List<String> texts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            texts.add(comments.get(i).text());
        }
        return List.copyOf(texts);
    }

    private boolean accept(TokenType type) {
        if (current.is(type)) {
            advance();
            return true;
        }
        return false;
    }

    private Token expect(TokenType type, String expected) {
        if (!current.is(type)) {
            throw error(current, "expected " + expected + ", found " + current.describe());
        }
        return advance();
    }

    private Abandon error(Token at, String message) {
        diagnostics.add(source.diagnostic(at.line(), at.column(), message));
        return new Abandon();
    }

    private SourcePosition position(Token token) {
        return source.position(token.line(), token.column());
    }
}

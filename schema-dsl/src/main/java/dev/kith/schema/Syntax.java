package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The syntax tree the {@link Parser} builds: what was written, with positions, before names are
 * resolved. The {@link SchemaCompiler} turns it into the model ({@link Definition}, {@link Rewrite}).
 */
final class Syntax {
    private Syntax() {}

    /**
     * A whole schema file: its {@code use} flags, its definitions and caveats in source order, and the
     * comments on lines of their own after the last of them.
     */
    record SchemaFile(List<UseFlag> uses, List<Declaration> declarations, List<String> endComments) {}

    /**
     * The comments of one item (a {@code use} flag, a declaration, a relation or permission) other than
     * its doc comment, as written, so that the formatter keeps them.
     *
     * @param before those on lines of their own before it, then those written inside it (in an
     *     expression, between a name and its '{', …), which have no exact place in the canonical form
     * @param trailing those after it at the end of its last line
     * @param opening those after a definition's '{' on the same line
     * @param closing those on lines of their own before a definition's '}'
     */
    record Comments(List<String> before, List<String> trailing, List<String> opening, List<String> closing) {
        static final Comments NONE = new Comments(List.of(), List.of(), List.of(), List.of());

        Comments plus(Comments other) {
            return new Comments(
                    concat(before, other.before),
                    concat(trailing, other.trailing),
                    concat(opening, other.opening),
                    concat(closing, other.closing));
        }

        private static List<String> concat(List<String> first, List<String> second) {
            List<String> both = new ArrayList<>(first);
            both.addAll(second);
            return List.copyOf(both);
        }
    }

    /** {@code use expiration}. */
    record UseFlag(String name, SourcePosition position, Comments comments) {}

    /** A name as written, with where it starts. */
    record Name(String text, SourcePosition position) {}

    /** A top-level declaration. */
    sealed interface Declaration permits DefinitionNode, CaveatNode {
        Name name();
    }

    /** {@code definition name { members }}. */
    record DefinitionNode(
            Name name, List<MemberNode> members, String docComment, SourcePosition position, Comments comments)
            implements Declaration {}

    /** A relation or permission inside a definition. */
    sealed interface MemberNode permits RelationNode, PermissionNode {
        Name name();

        SourcePosition position();

        Comments comments();

        /** The same member with {@code comments}. */
        MemberNode withComments(Comments comments);
    }

    /** {@code relation name: type | type#rel | type:* | type with caveat …}. */
    record RelationNode(
            Name name, List<TypeRefNode> types, String docComment, SourcePosition position, Comments comments)
            implements MemberNode {

        @Override
        public RelationNode withComments(Comments newComments) {
            return new RelationNode(name, types, docComment, position, newComments);
        }
    }

    /** {@code permission name = expression}, possibly with a type annotation {@code : type | …}. */
    record PermissionNode(
            Name name,
            List<TypeRefNode> annotation,
            Expr expression,
            String docComment,
            SourcePosition position,
            Comments comments)
            implements MemberNode {

        @Override
        public PermissionNode withComments(Comments newComments) {
            return new PermissionNode(name, annotation, expression, docComment, position, newComments);
        }
    }

    /**
     * One allowed subject as written.
     *
     * @param relation the subject relation, or {@code null} (also for {@code #...})
     * @param caveat the caveat after {@code with}, or {@code null}
     * @param expiration where {@code expiration} is written after {@code with}, or {@code null}
     */
    record TypeRefNode(
            Name type,
            Name relation,
            boolean wildcard,
            Name caveat,
            SourcePosition expiration,
            SourcePosition position) {}

    /**
     * {@code caveat name(params) { expression }}. The expression is the body with its common
     * indentation and surrounding blank lines removed; line {@code i} (0-based) of it sits on source
     * line {@code lines[i]}, and its column {@code c} (1-based) at source column {@code columnShift[i]
     * + c}.
     */
    record CaveatNode(
            Name name,
            List<ParameterNode> parameters,
            String expression,
            int[] lines,
            int[] columnShift,
            String docComment,
            SourcePosition position,
            Comments comments)
            implements Declaration {

        SourcePosition expressionPosition(int celLine, int celColumn) {
            int index = Math.max(0, Math.min(lines.length - 1, celLine - 1));
            if (lines.length == 0) {
                return position;
            }
            return new SourcePosition(position.file(), lines[index], columnShift[index] + Math.max(1, celColumn));
        }
    }

    /** {@code name type} in a caveat's parameter list. */
    record ParameterNode(Name name, TypeExpr type) {}

    /** A caveat parameter type as written: {@code int}, {@code list<string>}, {@code map<any>}. */
    record TypeExpr(Name name, List<TypeExpr> arguments) {}

    /** The binary operators of permission expressions. */
    enum Operator {
        UNION("+"),
        INTERSECTION("&"),
        EXCLUSION("-");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }

    /** A permission expression. */
    sealed interface Expr permits Ref, Arrow, Binary, NilExpr, SelfExpr, Group {
        SourcePosition position();
    }

    /** A relation or permission of the same definition. */
    record Ref(String name, SourcePosition position) implements Expr {}

    /** {@code left->right}, {@code left.any(right)} (same as {@code ->}) or {@code left.all(right)}. */
    record Arrow(Expr left, Ref right, boolean all, SourcePosition position) implements Expr {}

    /** {@code left op right}. */
    record Binary(Operator operator, Expr left, Expr right, SourcePosition position) implements Expr {}

    /** {@code nil}. */
    record NilExpr(SourcePosition position) implements Expr {}

    /** {@code self}. */
    record SelfExpr(SourcePosition position) implements Expr {}

    /**
     * {@code ( inner )}: parentheses as the author wrote them, kept so that the formatter prints them back; they
     * mean nothing else (the tree already says how the expression groups).
     */
    record Group(Expr inner, SourcePosition position) implements Expr {}

    /** {@code expr} without the parentheses around it. */
    static Expr ungrouped(Expr expr) {
        Expr inner = expr;
        while (inner instanceof Group group) {
            inner = group.inner();
        }
        return inner;
    }
}

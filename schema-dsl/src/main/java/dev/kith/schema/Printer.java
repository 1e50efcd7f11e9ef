package dev.kith.schema;

import dev.kith.schema.Syntax.CaveatNode;
import dev.kith.schema.Syntax.Comments;
import dev.kith.schema.Syntax.Declaration;
import dev.kith.schema.Syntax.DefinitionNode;
import dev.kith.schema.Syntax.Expr;
import dev.kith.schema.Syntax.MemberNode;
import dev.kith.schema.Syntax.ParameterNode;
import dev.kith.schema.Syntax.PermissionNode;
import dev.kith.schema.Syntax.RelationNode;
import dev.kith.schema.Syntax.SchemaFile;
import dev.kith.schema.Syntax.TypeExpr;
import dev.kith.schema.Syntax.TypeRefNode;
import dev.kith.schema.Syntax.UseFlag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a parsed schema in canonical form: declarations in source order, one blank line between them,
 * 4-space indentation, {@code a + b} spacing, and exactly the parentheses the author wrote. It prints the
 * syntax tree, not the compiled model, so a schema whose names do not resolve (or that breaks any other rule
 * the compiler or validator checks) is formatted too; only a syntax error stops it.
 *
 * <p>Every comment is kept: one on lines of its own before an item stays before it (doc comment last, so that
 * it stays the doc comment), one at the end of an item's line stays there, one inside an item (in an
 * expression) goes on a line of its own before the item, and those before a definition's '}' or at the end of
 * the file stay there. Printing, parsing and printing again gives the same text.
 */
final class Printer {
    private static final String INDENT = "    ";

    private final StringBuilder out = new StringBuilder();

    private Printer() {}

    static String print(SchemaFile file) {
        Printer printer = new Printer();
        printer.schema(file);
        return printer.out.toString();
    }

    private void schema(SchemaFile file) {
        Map<String, Comments> uses = new LinkedHashMap<>();
        for (UseFlag use : file.uses()) {
            uses.merge(use.name(), use.comments(), Comments::plus);
        }
        for (var use : uses.entrySet()) {
            comments(use.getValue().before(), "");
            out.append("use ").append(use.getKey());
            trailing(use.getValue().trailing());
        }
        boolean first = uses.isEmpty();
        for (Declaration declaration : file.declarations()) {
            if (!first) {
                out.append('\n');
            }
            first = false;
            switch (declaration) {
                case DefinitionNode definition -> definition(definition);
                case CaveatNode caveat -> caveat(caveat);
            }
        }
        if (!file.endComments().isEmpty() && !out.isEmpty()) {
            out.append('\n');
        }
        comments(file.endComments(), "");
    }

    private void definition(DefinitionNode definition) {
        Comments comments = definition.comments();
        comments(comments.before(), "");
        docComment(definition.docComment(), "");
        out.append("definition ").append(definition.name().text()).append(" {");
        if (definition.members().isEmpty()
                && comments.opening().isEmpty()
                && comments.closing().isEmpty()) {
            out.append('}');
            trailing(comments.trailing());
            return;
        }
        trailing(comments.opening());
        boolean first = true;
        for (MemberNode member : definition.members()) {
            Comments own = member.comments();
            String doc = docComment(member);
            if ((doc != null || !own.before().isEmpty()) && !first) {
                out.append('\n');
            }
            first = false;
            comments(own.before(), INDENT);
            docComment(doc, INDENT);
            out.append(INDENT);
            switch (member) {
                case RelationNode relation -> {
                    out.append("relation ").append(relation.name().text()).append(": ");
                    subjects(relation.types());
                }
                case PermissionNode permission -> {
                    out.append("permission ").append(permission.name().text());
                    if (!permission.annotation().isEmpty()) {
                        out.append(": ");
                        subjects(permission.annotation());
                    }
                    out.append(" = ").append(expression(permission.expression()));
                }
            }
            trailing(own.trailing());
        }
        comments(comments.closing(), INDENT);
        out.append('}');
        trailing(comments.trailing());
    }

    private static String docComment(MemberNode member) {
        return switch (member) {
            case RelationNode relation -> relation.docComment();
            case PermissionNode permission -> permission.docComment();
        };
    }

    private void subjects(List<TypeRefNode> subjects) {
        for (int i = 0; i < subjects.size(); i++) {
            if (i > 0) {
                out.append(" | ");
            }
            out.append(subject(subjects.get(i)));
        }
    }

    private void caveat(CaveatNode caveat) {
        comments(caveat.comments().before(), "");
        docComment(caveat.docComment(), "");
        out.append("caveat ").append(caveat.name().text()).append('(');
        boolean first = true;
        for (ParameterNode parameter : caveat.parameters()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            out.append(parameter.name().text()).append(' ');
            type(parameter.type());
        }
        out.append(") {\n");
        for (String line : caveat.expression().split("\n", -1)) {
            out.append(line.isEmpty() ? "" : INDENT + line).append('\n');
        }
        out.append('}');
        trailing(caveat.comments().trailing());
    }

    /** A caveat parameter type as written: {@code int}, {@code list<string>}, {@code map<list<int>>}. */
    private void type(TypeExpr type) {
        out.append(type.name().text());
        if (type.arguments().isEmpty()) {
            return;
        }
        out.append('<');
        for (int i = 0; i < type.arguments().size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            type(type.arguments().get(i));
        }
        out.append('>');
    }

    /**
     * Comments on lines of their own at {@code indent}: a plain one as written (a block comment's
     * further lines unchanged), a {@code /** … *}{@code /} one as a doc comment.
     */
    private void comments(List<String> comments, String indent) {
        for (String comment : comments) {
            if (comment.startsWith("/**")) {
                docComment(comment, indent);
            } else {
                out.append(indent).append(comment).append('\n');
            }
        }
    }

    /** Ends the line: the comments that were at the end of it first. */
    private void trailing(List<String> comments) {
        for (String comment : comments) {
            out.append(' ').append(comment);
        }
        out.append('\n');
    }

    /** Each line of the comment on its own, continuation lines aligned under the opening {@code /**}. */
    private void docComment(String comment, String indent) {
        if (comment == null) {
            return;
        }
        for (String line : comment.split("\n", -1)) {
            String trimmed = line.strip();
            out.append(indent);
            if (trimmed.startsWith("*")) {
                out.append(' ');
            }
            out.append(trimmed).append('\n');
        }
    }

    /** How an allowed subject is written: {@code user}, {@code group#member}, {@code user:* with c}. */
    static String subject(AllowedSubject subject) {
        return subject(subject.type(), subject.wildcard(), subject.relation(), subject.caveat(), subject.expiration());
    }

    private static String subject(TypeRefNode node) {
        return subject(
                node.type().text(),
                node.wildcard(),
                node.relation() == null ? null : node.relation().text(),
                node.caveat() == null ? null : node.caveat().text(),
                node.expiration() != null);
    }

    private static String subject(String type, boolean wildcard, String relation, String caveat, boolean expiration) {
        StringBuilder text = new StringBuilder(type);
        if (wildcard) {
            text.append(":*");
        } else if (relation != null) {
            text.append('#').append(relation);
        }
        if (caveat != null) {
            text.append(" with ").append(caveat);
            if (expiration) {
                text.append(" and expiration");
            }
        } else if (expiration) {
            text.append(" with expiration");
        }
        return text.toString();
    }

    /**
     * A permission expression as its tree was written: the author's parentheses ({@link Syntax.Group}) kept,
     * none added. The parser built the tree from the text by the precedence table, so the same tokens without
     * any other parentheses parse back into the same tree.
     */
    static String expression(Expr expr) {
        StringBuilder text = new StringBuilder();
        expression(expr, text);
        return text.toString();
    }

    private static void expression(Expr expr, StringBuilder text) {
        switch (expr) {
            case Syntax.Ref ref -> text.append(ref.name());
            case Syntax.Arrow arrow -> {
                expression(arrow.left(), text);
                // `.any(x)` is the same arrow as `->x`, written the short way.
                String name = arrow.right().name();
                text.append(arrow.all() ? ".all(" + name + ")" : "->" + name);
            }
            case Syntax.NilExpr nil -> text.append("nil");
            case Syntax.SelfExpr self -> text.append("self");
            case Syntax.Group group -> {
                text.append('(');
                expression(group.inner(), text);
                text.append(')');
            }
            case Syntax.Binary binary -> {
                expression(binary.left(), text);
                text.append(' ').append(binary.operator().symbol).append(' ');
                expression(binary.right(), text);
            }
        }
    }
}

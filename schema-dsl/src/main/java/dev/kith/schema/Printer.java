package dev.kith.schema;

import dev.kith.schema.Syntax.Comments;
import java.util.List;

/**
 * Prints a schema in canonical form: declarations in source order, one blank line between them,
 * 4-space indentation, and the fewest parentheses that keep each permission's tree. Every comment is
 * kept: one on lines of its own before an item stays before it (doc comment last, so that it stays the
 * doc comment), one at the end of an item's line stays there, one inside an item (in an expression)
 * goes on a line of its own before the item, and those before a definition's '}' or at the end of the
 * file stay there. Printing, parsing and printing again gives the same text.
 */
final class Printer {
    private static final String INDENT = "    ";

    /** Binding strength of each rewrite when printed; higher binds tighter. */
    private static int strength(Rewrite rewrite) {
        return switch (rewrite) {
            case Rewrite.Exclusion exclusion -> 1;
            case Rewrite.Intersection intersection -> 2;
            case Rewrite.Union union -> 3;
            case Rewrite.ComputedUserset computed -> 4;
            case Rewrite.TupleToUserset arrow -> 4;
            case Rewrite.Nil nil -> 4;
            case Rewrite.Self self -> 4;
            case Rewrite.Direct direct -> 4;
        };
    }

    private final StringBuilder out = new StringBuilder();

    private Printer() {}

    static String print(ValidatedSchema schema) {
        Printer printer = new Printer();
        printer.schema(schema);
        return printer.out.toString();
    }

    private void schema(ValidatedSchema schema) {
        for (String flag : schema.useFlags()) {
            Comments comments = schema.comments("use " + flag);
            comments(comments.before(), "");
            out.append("use ").append(flag);
            trailing(comments.trailing());
        }
        boolean first = schema.useFlags().isEmpty();
        for (String declaration : schema.declarationOrder()) {
            if (!first) {
                out.append('\n');
            }
            first = false;
            int space = declaration.indexOf(' ');
            String name = declaration.substring(space + 1);
            if (declaration.startsWith("definition ")) {
                definition(schema.definition(name), schema);
            } else {
                caveat(schema.caveat(name), schema.comments(declaration));
            }
        }
        List<String> end = schema.comments("").closing();
        if (!end.isEmpty() && !out.isEmpty()) {
            out.append('\n');
        }
        comments(end, "");
    }

    private void definition(Definition definition, ValidatedSchema schema) {
        String key = "definition " + definition.name();
        Comments comments = schema.comments(key);
        comments(comments.before(), "");
        docComment(definition.docComment(), "");
        out.append("definition ").append(definition.name()).append(" {");
        if (definition.relations().isEmpty()
                && comments.opening().isEmpty()
                && comments.closing().isEmpty()) {
            out.append('}');
            trailing(comments.trailing());
            return;
        }
        trailing(comments.opening());
        boolean first = true;
        for (RelationDef relation : definition.relations().values()) {
            Comments own = schema.comments(key + "#" + relation.name());
            if ((relation.docComment() != null || !own.before().isEmpty()) && !first) {
                out.append('\n');
            }
            first = false;
            comments(own.before(), INDENT);
            docComment(relation.docComment(), INDENT);
            out.append(INDENT);
            if (relation.isPermission()) {
                out.append("permission ").append(relation.name()).append(" = ").append(expression(relation.rewrite()));
            } else {
                out.append("relation ").append(relation.name()).append(": ");
                List<AllowedSubject> subjects = relation.allowedSubjects();
                for (int i = 0; i < subjects.size(); i++) {
                    if (i > 0) {
                        out.append(" | ");
                    }
                    out.append(subject(subjects.get(i)));
                }
            }
            trailing(own.trailing());
        }
        comments(comments.closing(), INDENT);
        out.append('}');
        trailing(comments.trailing());
    }

    private void caveat(CaveatDef caveat, Comments comments) {
        comments(comments.before(), "");
        docComment(caveat.docComment(), "");
        out.append("caveat ").append(caveat.name()).append('(');
        boolean first = true;
        for (var parameter : caveat.parameters().entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            out.append(parameter.getKey()).append(' ').append(CaveatTypes.write(parameter.getValue()));
        }
        out.append(") {\n");
        for (String line : caveat.expression().split("\n", -1)) {
            out.append(line.isEmpty() ? "" : INDENT + line).append('\n');
        }
        out.append('}');
        trailing(comments.trailing());
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
        StringBuilder text = new StringBuilder(subject.type());
        if (subject.wildcard()) {
            text.append(":*");
        } else if (subject.relation() != null) {
            text.append('#').append(subject.relation());
        }
        if (subject.caveat() != null) {
            text.append(" with ").append(subject.caveat());
            if (subject.expiration()) {
                text.append(" and expiration");
            }
        } else if (subject.expiration()) {
            text.append(" with expiration");
        }
        return text.toString();
    }

    /** A permission expression with the fewest parentheses that keep its tree. */
    static String expression(Rewrite rewrite) {
        StringBuilder text = new StringBuilder();
        expression(rewrite, 0, text);
        return text.toString();
    }

    private static void expression(Rewrite rewrite, int minimum, StringBuilder text) {
        boolean parenthesise = strength(rewrite) < minimum;
        if (parenthesise) {
            text.append('(');
        }
        switch (rewrite) {
            case Rewrite.ComputedUserset computed -> text.append(computed.relation());
            case Rewrite.TupleToUserset arrow ->
                text.append(arrow.tupleset())
                        .append(arrow.all() ? ".all(" + arrow.computed() + ")" : "->" + arrow.computed());
            case Rewrite.Nil nil -> text.append("nil");
            case Rewrite.Self self -> text.append("self");
            case Rewrite.Direct direct -> throw new IllegalStateException("a permission expression has no Direct");
            case Rewrite.Union union -> join(union.children(), " + ", 4, text);
            case Rewrite.Intersection intersection -> join(intersection.children(), " & ", 3, text);
            case Rewrite.Exclusion exclusion -> {
                expression(exclusion.base(), 1, text);
                text.append(" - ");
                expression(exclusion.subtracted(), 2, text);
            }
        }
        if (parenthesise) {
            text.append(')');
        }
    }

    private static void join(List<Rewrite> children, String operator, int minimum, StringBuilder text) {
        for (int i = 0; i < children.size(); i++) {
            if (i > 0) {
                text.append(operator);
            }
            expression(children.get(i), minimum, text);
        }
    }
}

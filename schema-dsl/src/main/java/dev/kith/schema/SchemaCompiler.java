package dev.kith.schema;

import dev.kith.schema.Syntax.Arrow;
import dev.kith.schema.Syntax.Binary;
import dev.kith.schema.Syntax.CaveatNode;
import dev.kith.schema.Syntax.Declaration;
import dev.kith.schema.Syntax.DefinitionNode;
import dev.kith.schema.Syntax.Expr;
import dev.kith.schema.Syntax.MemberNode;
import dev.kith.schema.Syntax.NilExpr;
import dev.kith.schema.Syntax.ParameterNode;
import dev.kith.schema.Syntax.PermissionNode;
import dev.kith.schema.Syntax.Ref;
import dev.kith.schema.Syntax.RelationNode;
import dev.kith.schema.Syntax.SchemaFile;
import dev.kith.schema.Syntax.SelfExpr;
import dev.kith.schema.Syntax.TypeExpr;
import dev.kith.schema.Syntax.TypeRefNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the syntax tree into the model: definitions with their relations and {@link Rewrite}s, and
 * caveats with typed parameters. Unions and intersections are flattened into n-ary nodes ({@code a +
 * (b + c)} is one union of three); an exclusion keeps its operands in place. Problems local to one
 * declaration (bad or duplicate names, unknown parameter types, chained arrows) are reported here;
 * references between declarations are the {@link SchemaValidator}'s job.
 */
final class SchemaCompiler {

    /** What the compiler produced: the model, in declaration order. */
    record Compiled(Map<String, Definition> definitions, Map<String, CaveatDef> caveats, List<String> useFlags) {

        boolean usesExpiration() {
            return useFlags.contains("expiration");
        }

        /** {@code use transitive_wildcards}: subject sets may hold wildcards (OpenFGA's rule; kith only). */
        boolean usesTransitiveWildcards() {
            return useFlags.contains("transitive_wildcards");
        }

        boolean usesSelf() {
            return useFlags.contains("self");
        }
    }

    private final SourceText source;
    private final List<Diagnostic> diagnostics;

    private SchemaCompiler(SourceText source, List<Diagnostic> diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    static Compiled compile(SourceText source, SchemaFile file, List<Diagnostic> diagnostics) {
        return new SchemaCompiler(source, diagnostics).compile(file);
    }

    private Compiled compile(SchemaFile file) {
        Map<String, Definition> definitions = new LinkedHashMap<>();
        Map<String, CaveatDef> caveats = new LinkedHashMap<>();
        Map<String, SourcePosition> declared = new HashMap<>();
        for (Declaration declaration : file.declarations()) {
            String what = declaration instanceof DefinitionNode ? "definition" : "caveat";
            Syntax.Name name = declaration.name();
            SourcePosition previous = declared.putIfAbsent(what + " " + name.text(), name.position());
            if (previous != null) {
                report(name.position(), what + " `" + name.text() + "` is already declared on line " + previous.line());
                continue;
            }
            checkTypeName(name, what);
            switch (declaration) {
                case DefinitionNode node -> definitions.put(name.text(), definition(node));
                case CaveatNode node -> caveats.put(name.text(), caveat(node));
            }
        }
        List<String> flags =
                file.uses().stream().map(Syntax.UseFlag::name).distinct().toList();
        return new Compiled(definitions, caveats, flags);
    }

    private Definition definition(DefinitionNode node) {
        Map<String, RelationDef> relations = new LinkedHashMap<>();
        for (MemberNode member : node.members()) {
            String name = member.name().text();
            RelationDef previous = relations.get(name);
            if (previous != null) {
                report(
                        member.name().position(),
                        "`" + name + "` is already declared in definition `"
                                + node.name().text() + "` on line "
                                + previous.position().line());
                continue;
            }
            if (!Names.isRelationName(name)) {
                report(
                        member.name().position(),
                        "invalid " + kind(member) + " name `" + name + "`: " + Names.rule(false));
            }
            relations.put(
                    name,
                    switch (member) {
                        case RelationNode relation -> relation(relation);
                        case PermissionNode permission -> permission(permission);
                    });
        }
        return new Definition(node.name().text(), relations, node.docComment(), node.position());
    }

    private static String kind(MemberNode member) {
        return switch (member) {
            case RelationNode relation -> "relation";
            case PermissionNode permission -> "permission";
        };
    }

    private RelationDef relation(RelationNode node) {
        List<AllowedSubject> subjects = new ArrayList<>();
        for (TypeRefNode ref : node.types()) {
            AllowedSubject subject = new AllowedSubject(
                    ref.type().text(),
                    ref.relation() == null ? null : ref.relation().text(),
                    ref.wildcard(),
                    ref.caveat() == null ? null : ref.caveat().text(),
                    ref.expiration() != null);
            if (subjects.contains(subject)) {
                report(
                        ref.position(),
                        "`" + Printer.subject(subject) + "` is listed twice in relation `"
                                + node.name().text() + "`");
                continue;
            }
            subjects.add(subject);
        }
        return new RelationDef(
                node.name().text(),
                RelationDef.Kind.RELATION,
                subjects,
                new Rewrite.Direct(),
                node.docComment(),
                node.position());
    }

    private RelationDef permission(PermissionNode node) {
        if (!node.annotation().isEmpty()) {
            report(
                    node.annotation().getFirst().position(),
                    "type annotations on permissions (`permission "
                            + node.name().text() + ": type = …`) are not supported yet");
        }
        return new RelationDef(
                node.name().text(),
                RelationDef.Kind.PERMISSION,
                List.of(),
                rewrite(node.expression()),
                node.docComment(),
                node.position());
    }

    /** The rewrite of an expression; n-ary unions and intersections are flattened. */
    private Rewrite rewrite(Expr expr) {
        return switch (expr) {
            case Ref ref -> new Rewrite.ComputedUserset(ref.name());
            case NilExpr nil -> new Rewrite.Nil();
            case SelfExpr self -> new Rewrite.Self();
            case Syntax.Group group -> rewrite(group.inner());
            case Arrow arrow -> {
                if (!(Syntax.ungrouped(arrow.left()) instanceof Ref tupleset)) {
                    report(
                            arrow.position(),
                            "an arrow must start from a relation name: chained or"
                                    + " parenthesised arrows are not supported");
                    yield new Rewrite.Nil();
                }
                yield new Rewrite.TupleToUserset(tupleset.name(), arrow.right().name(), arrow.all());
            }
            case Binary binary ->
                switch (binary.operator()) {
                    case UNION -> new Rewrite.Union(flatten(binary, Syntax.Operator.UNION));
                    case INTERSECTION -> new Rewrite.Intersection(flatten(binary, Syntax.Operator.INTERSECTION));
                    case EXCLUSION -> new Rewrite.Exclusion(rewrite(binary.left()), rewrite(binary.right()));
                };
        };
    }

    private List<Rewrite> flatten(Binary binary, Syntax.Operator operator) {
        List<Rewrite> children = new ArrayList<>();
        for (Expr side : List.of(binary.left(), binary.right())) {
            Rewrite child = rewrite(side);
            switch (child) {
                case Rewrite.Union union when operator == Syntax.Operator.UNION -> children.addAll(union.children());
                case Rewrite.Intersection intersection
                when operator == Syntax.Operator.INTERSECTION -> children.addAll(intersection.children());
                default -> children.add(child);
            }
        }
        return children;
    }

    private CaveatDef caveat(CaveatNode node) {
        Map<String, CaveatType> parameters = new LinkedHashMap<>();
        Map<String, SourcePosition> seen = new HashMap<>();
        for (ParameterNode parameter : node.parameters()) {
            String name = parameter.name().text();
            SourcePosition first = seen.putIfAbsent(name, parameter.name().position());
            if (first != null) {
                report(
                        parameter.name().position(),
                        "parameter `" + name + "` is already declared in caveat `"
                                + node.name().text() + "` (column " + first.column() + ")");
                continue;
            }
            CaveatType type = caveatType(parameter.type());
            if (type != null) {
                parameters.put(name, type);
            }
        }
        List<SourcePosition> lines = new ArrayList<>(node.lines().length);
        for (int i = 0; i < node.lines().length; i++) {
            lines.add(new SourcePosition(node.position().file(), node.lines()[i], node.columnShift()[i]));
        }
        return new CaveatDef(
                node.name().text(), parameters, node.expression(), node.docComment(), node.position(), lines);
    }

    /** The parameter type written, or {@code null} after reporting why it is not one. */
    private CaveatType caveatType(TypeExpr type) {
        CaveatType.Kind kind = CaveatTypes.kind(type.name().text());
        if (kind == null) {
            report(
                    type.name().position(),
                    "unknown parameter type `" + type.name().text() + "`: the types are " + CaveatTypes.NAMES);
            return null;
        }
        int wanted = kind == CaveatType.Kind.LIST || kind == CaveatType.Kind.MAP ? 1 : 0;
        if (type.arguments().size() != wanted) {
            String name = type.name().text();
            report(
                    type.name().position(),
                    wanted == 0
                            ? "type `" + name + "` takes no type arguments"
                            : "type `" + name + "` takes one type argument: " + name + "<T>"
                                    + (kind == CaveatType.Kind.MAP ? " (keys are always strings)" : ""));
            return null;
        }
        List<CaveatType> arguments = new ArrayList<>();
        for (TypeExpr argument : type.arguments()) {
            CaveatType compiled = caveatType(argument);
            if (compiled == null) {
                return null;
            }
            arguments.add(compiled);
        }
        return new CaveatType(kind, arguments);
    }

    private void checkTypeName(Syntax.Name name, String what) {
        if (!Names.isTypeName(name.text())) {
            String hint = name.text().equals(name.text().toLowerCase(Locale.ROOT)) ? "" : " (no capital letters)";
            report(name.position(), "invalid " + what + " name `" + name.text() + "`" + hint + ": " + Names.rule(true));
        }
    }

    private void report(SourcePosition at, String message) {
        diagnostics.add(source.diagnostic(at, message));
    }
}

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an OpenFGA model as OpenFGA's validator does (names resolve, tuplesets hold direct types only, every
 * relation has an entrypoint, conditions are defined and used, no duplicates) and writes it as kith schema text,
 * remembering for each line of that text the OpenFGA source it came from, so that a problem kith's own compiler
 * finds can be reported at the OpenFGA position.
 *
 * <p>The translation, construct by construct (names through {@link OpenFgaNames}):
 *
 * <ul>
 *   <li>{@code type t} → {@code definition t}; a relation with only direct types → {@code relation};
 *   <li>{@code [user, user:*, group#member, user with c]} → {@code user | user:* | group#member | user with c};
 *   <li>a relation with a rewrite → {@code permission}; with direct types too, the types go to a separate
 *       relation {@code name_direct} that the permission names where {@code [...]} stood;
 *   <li>{@code a or b} → {@code a + b}, {@code a and b} → {@code a & b}, {@code a but not b} → {@code a - b}
 *       (always parenthesised, so kith's precedence never regroups them);
 *   <li>{@code x from y} → {@code y->x};
 *   <li>{@code condition c(p: T) { CEL }} → {@code caveat c(p T) { CEL }}, with parameter types from {@link
 *       #PARAMETER_TYPES}.
 * </ul>
 */
final class FgaCompiler {

    /**
     * OpenFGA condition parameter types and the kith caveat parameter type each becomes, in OpenFGA's order (a
     * {@link LinkedHashMap}, so that the error listing them reads the same on every run).
     */
    static final Map<String, String> PARAMETER_TYPES =
            parameterTypes("bool", "string", "int", "uint", "double", "duration", "timestamp", "ipaddress", "any");

    private static Map<String, String> parameterTypes(String... names) {
        Map<String, String> types = new LinkedHashMap<>();
        for (String name : names) types.put(name, name);
        return java.util.Collections.unmodifiableMap(types);
    }

    /** OpenFGA's generic parameter types (one element type, itself not generic). */
    static final Map<String, String> GENERIC_PARAMETER_TYPES = Map.of("list", "list", "map", "map");

    private static final int MAX_TYPE_NAME = 254;
    private static final int MAX_RELATION_NAME = 50;
    private static final Set<String> RESERVED_NAMES = Set.of("self", "this");

    /** The kith schema text, its OpenFGA origin per line, and the names. */
    record Output(String kithSchema, List<Origin> lineOrigins, OpenFgaNames names) {}

    /**
     * Where a line of the kith text came from: {@code at} in the OpenFGA source. When {@code kithColumn} is
     * positive, the kith line from that column on is the OpenFGA text at {@code at} character for character (a
     * condition's CEL), so a column there maps to the OpenFGA column; otherwise every column maps to {@code at}.
     */
    record Origin(SourcePosition at, int kithColumn) {
        /** The OpenFGA position of {@code column} on the kith line. */
        SourcePosition of(SourceText source, int column) {
            return kithColumn > 0 && column >= kithColumn
                    ? source.position(at.line(), at.column() + column - kithColumn)
                    : at;
        }
    }

    private final SourceText source;
    private final List<Diagnostic> diagnostics;
    private final Map<String, Map<String, RelationNode>> types = new LinkedHashMap<>();
    private final Map<String, ConditionNode> conditions = new LinkedHashMap<>();
    private final Set<String> usedConditions = new HashSet<>();
    private final Set<String> hasEntrypoint = new HashSet<>();

    private FgaCompiler(SourceText source, List<Diagnostic> diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /** Checks {@code model}; returns its translation, or null when {@code diagnostics} got problems. */
    static Output compile(SourceText source, Model model, List<Diagnostic> diagnostics) {
        FgaCompiler compiler = new FgaCompiler(source, diagnostics);
        int before = diagnostics.size();
        compiler.check(model);
        return diagnostics.size() > before ? null : compiler.emit(model);
    }

    private void check(Model model) {
        checkVersion(model.schemaVersion());
        for (TypeNode type : model.types()) {
            String name = type.name().text();
            checkName(type.name(), "type", MAX_TYPE_NAME);
            if (types.containsKey(name)) {
                report(type.name().position(), "the type `" + name + "` is a duplicate");
                continue;
            }
            Map<String, RelationNode> relations = new LinkedHashMap<>();
            for (RelationNode relation : type.relations()) {
                checkName(relation.name(), "relation", MAX_RELATION_NAME);
                if (relations.putIfAbsent(relation.name().text(), relation) != null) {
                    report(
                            relation.name().position(),
                            "`" + relation.name().text() + "` is already defined in `" + name + "`");
                }
            }
            types.put(name, relations);
        }
        for (ConditionNode condition : model.conditions()) {
            if (conditions.putIfAbsent(condition.name().text(), condition) != null) {
                report(
                        condition.name().position(),
                        "the condition `" + condition.name().text() + "` is a duplicate");
            }
            checkParameters(condition);
        }
        for (Map.Entry<String, Map<String, RelationNode>> type : types.entrySet()) {
            for (RelationNode relation : type.getValue().values()) {
                checkExpression(type.getKey(), relation, relation.expression());
            }
        }
        if (!diagnostics.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Map<String, RelationNode>> type : types.entrySet()) {
            for (RelationNode relation : type.getValue().values()) {
                if (!hasEntrypoint(type.getKey(), relation.name().text(), new HashSet<>())) {
                    report(
                            relation.name().position(),
                            "`" + relation.name().text() + "` is an impossible relation for `" + type.getKey()
                                    + "`: no entrypoint (no way to reach it from a directly related type without a"
                                    + " loop)");
                }
            }
        }
        for (ConditionNode condition : conditions.values()) {
            if (!usedConditions.contains(condition.name().text())) {
                report(
                        condition.name().position(),
                        "`" + condition.name().text() + "` condition is not used in the model");
            }
        }
    }

    private void checkVersion(Name version) {
        if (version == null || version.text().equals("1.1")) {
            return;
        }
        if (version.text().equals("1.2")) {
            report(
                    version.position(),
                    "schema 1.2 (modular models, fga.mod) is not supported by kith: it translates schema 1.1");
        } else {
            report(version.position(), "invalid schema " + version.text() + ": kith translates OpenFGA schema 1.1");
        }
    }

    private void checkName(Name name, String kind, int maxLength) {
        if (RESERVED_NAMES.contains(name.text())) {
            report(name.position(), "a " + kind + " cannot be named 'self' or 'this'");
        } else if (name.text().length() > maxLength) {
            report(name.position(), kind + " '" + name.text() + "' is longer than " + maxLength + " characters");
        }
    }

    private void checkParameters(ConditionNode condition) {
        Set<String> names = new HashSet<>();
        for (ParameterNode parameter : condition.parameters()) {
            if (!names.add(parameter.name().text())) {
                report(
                        parameter.name().position(),
                        "parameter '" + parameter.name().text() + "' is already defined in the condition '"
                                + condition.name().text() + "'");
            }
            ParameterType type = parameter.type();
            String name = type.name().text();
            if (GENERIC_PARAMETER_TYPES.containsKey(name)) {
                if (type.element() == null) {
                    report(
                            type.name().position(),
                            "parameter type `" + name + "` needs an element type: " + name + "<T>");
                } else if (!PARAMETER_TYPES.containsKey(type.element().text())) {
                    report(
                            type.element().position(),
                            "unsupported element type `" + type.element().text() + "` of `" + name + "`: one of "
                                    + String.join(", ", PARAMETER_TYPES.keySet()));
                }
            } else if (!PARAMETER_TYPES.containsKey(name) || type.element() != null) {
                report(
                        type.name().position(),
                        "unsupported parameter type `" + name + "`: the types are "
                                + String.join(", ", PARAMETER_TYPES.keySet()) + ", list<T>, map<T>");
            }
        }
    }

    private void checkExpression(String type, RelationNode relation, Expr expr) {
        switch (expr) {
            case DirectTypes direct -> checkDirectTypes(relation, direct);
            case FgaSyntax.Computed computed -> {
                if (!types.get(type).containsKey(computed.relation().text())) {
                    report(
                            computed.position(),
                            "the relation `" + computed.relation().text() + "` does not exist");
                }
            }
            case TupleToUserset ttu -> checkTupleToUserset(type, relation, ttu);
            case Union union -> checkChildren(type, relation, union.children());
            case Intersection intersection -> checkChildren(type, relation, intersection.children());
            case Exclusion exclusion -> checkChildren(type, relation, List.of(exclusion.base(), exclusion.subtract()));
        }
    }

    /** Checks each operand, and that no operand is repeated at one level ({@code viewer or viewer}). */
    private void checkChildren(String type, RelationNode relation, List<Expr> children) {
        Set<String> seen = new HashSet<>();
        for (Expr child : children) {
            String key = switch (child) {
                case FgaSyntax.Computed computed -> computed.relation().text();
                case TupleToUserset ttu ->
                    ttu.computed().text() + " from " + ttu.tupleset().text();
                default -> null;
            };
            if (key != null && !seen.add(key)) {
                report(
                        child.position(),
                        "the partial relation definition `" + key + "` is a duplicate in the relation `"
                                + relation.name().text() + "`");
            }
            checkExpression(type, relation, child);
        }
    }

    private void checkDirectTypes(RelationNode relation, DirectTypes direct) {
        Set<String> seen = new HashSet<>();
        for (TypeRestriction restriction : direct.types()) {
            String written = restriction.subject()
                    + (restriction.condition() == null
                            ? ""
                            : " with " + restriction.condition().text());
            if (!seen.add(written)) {
                report(
                        restriction.position(),
                        "the type restriction `" + written + "` is a duplicate in the relation `"
                                + relation.name().text() + "`");
            }
            Map<String, RelationNode> target = types.get(restriction.type().text());
            if (target == null) {
                report(restriction.position(), "`" + restriction.type().text() + "` is not a valid type");
            } else if (restriction.relation() != null
                    && !target.containsKey(restriction.relation().text())) {
                report(
                        restriction.relation().position(),
                        "`" + restriction.relation().text() + "` is not a valid relation for `"
                                + restriction.type().text() + "`");
            }
            if (restriction.condition() != null) {
                String condition = restriction.condition().text();
                usedConditions.add(condition);
                if (!conditions.containsKey(condition)) {
                    report(
                            restriction.condition().position(),
                            "`" + condition + "` is not a defined condition in the model");
                }
            }
        }
    }

    private void checkTupleToUserset(String type, RelationNode relation, TupleToUserset ttu) {
        RelationNode tupleset = types.get(type).get(ttu.tupleset().text());
        if (tupleset == null) {
            report(ttu.tupleset().position(), "the relation `" + ttu.tupleset().text() + "` does not exist");
            return;
        }
        if (!(tupleset.expression() instanceof DirectTypes direct)
                || direct.types().stream().anyMatch(t -> t.relation() != null || t.wildcard())) {
            report(
                    ttu.tupleset().position(),
                    "`" + ttu.tupleset().text() + "` relation used inside from allows only direct relation"
                            + " (object types, without usersets or wildcards)");
            return;
        }
        boolean found = false;
        for (TypeRestriction restriction : direct.types()) {
            Map<String, RelationNode> target = types.get(restriction.type().text());
            found |= target != null && target.containsKey(ttu.computed().text());
        }
        if (!found) {
            report(
                    ttu.computed().position(),
                    "the `" + relation.name().text() + "` relation definition on type `" + type + "` is not valid: `"
                            + ttu.computed().text() + "` does not exist on any type `"
                            + ttu.tupleset().text()
                            + "` allows");
        }
    }

    /**
     * Whether a user can ever be related by {@code relation} on {@code type}: a directly related object type or
     * wildcard, or a userset, computed relation or tupleset whose target has an entrypoint; a union needs one
     * child with one, an intersection all, an exclusion its base. A path that comes back to a relation already
     * on it gives none (OpenFGA's "potential loop"). Found entrypoints are remembered; their absence is not,
     * since it can depend on the path.
     */
    private boolean hasEntrypoint(String type, String relation, Set<String> path) {
        String key = type + "#" + relation;
        if (hasEntrypoint.contains(key)) {
            return true;
        }
        RelationNode node = types.get(type).get(relation);
        if (node == null || !path.add(key)) {
            return false;
        }
        boolean found = hasEntrypoint(type, node.expression(), path);
        path.remove(key);
        if (found) {
            hasEntrypoint.add(key);
        }
        return found;
    }

    private boolean hasEntrypoint(String type, Expr expr, Set<String> path) {
        return switch (expr) {
            case DirectTypes direct ->
                direct.types().stream()
                        .anyMatch(t -> t.relation() == null
                                || hasEntrypoint(t.type().text(), t.relation().text(), path));
            case FgaSyntax.Computed computed ->
                hasEntrypoint(type, computed.relation().text(), path);
            case TupleToUserset ttu -> {
                DirectTypes tupleset =
                        (DirectTypes) types.get(type).get(ttu.tupleset().text()).expression();
                yield tupleset.types().stream()
                        .anyMatch(t ->
                                hasEntrypoint(t.type().text(), ttu.computed().text(), path));
            }
            case Union union -> union.children().stream().anyMatch(c -> hasEntrypoint(type, c, path));
            case Intersection intersection ->
                intersection.children().stream().allMatch(c -> hasEntrypoint(type, c, path));
            case Exclusion exclusion -> hasEntrypoint(type, exclusion.base(), path);
        };
    }

    // ---- emitting kith schema text ------------------------------------------------------------------------

    private final StringBuilder out = new StringBuilder();
    private final List<Origin> origins = new ArrayList<>();

    private Output emit(Model model) {
        Set<String> relationNames = new LinkedHashSet<>();
        model.types()
                .forEach(t ->
                        t.relations().forEach(r -> relationNames.add(r.name().text())));
        OpenFgaNames.Builder names = new OpenFgaNames.Builder(
                List.copyOf(types.keySet()), List.copyOf(conditions.keySet()), List.copyOf(relationNames));
        if (wildcardsAndUsersets(model)) {
            // OpenFGA lets a userset hold a wildcard (`viewer: [group#member]` with `member: [user:*]`);
            // SpiceDB's schema language refuses it unless the schema says otherwise
            line("use transitive_wildcards", model.types().getFirst().name().position());
            out.append('\n');
            origins.add(origins.getLast());
        }
        for (ConditionNode condition : conditions.values()) {
            emitCondition(names, condition);
        }
        for (TypeNode type : model.types()) {
            for (RelationNode relation : type.relations()) {
                names.define(type.name().text(), relation.name().text());
            }
        }
        for (TypeNode type : model.types()) {
            emitType(names, type);
        }
        return new Output(out.toString(), List.copyOf(origins), names.build());
    }

    /** True when the model allows both a wildcard and a userset somewhere (then a userset may hold a wildcard). */
    private static boolean wildcardsAndUsersets(Model model) {
        boolean[] seen = new boolean[2];
        for (TypeNode type : model.types()) {
            for (RelationNode relation : type.relations()) {
                restrictions(relation.expression(), seen);
            }
        }
        return seen[0] && seen[1];
    }

    private static void restrictions(Expr expr, boolean[] seen) {
        switch (expr) {
            case DirectTypes direct -> {
                for (var t : direct.types()) {
                    if (t.wildcard()) seen[0] = true;
                    if (t.relation() != null) seen[1] = true;
                }
            }
            case Union union -> union.children().forEach(c -> restrictions(c, seen));
            case Intersection intersection -> intersection.children().forEach(c -> restrictions(c, seen));
            case Exclusion exclusion -> {
                restrictions(exclusion.base(), seen);
                restrictions(exclusion.subtract(), seen);
            }
            default -> {}
        }
    }

    private void emitCondition(OpenFgaNames.Builder names, ConditionNode condition) {
        List<String> parameters = new ArrayList<>();
        for (ParameterNode parameter : condition.parameters()) {
            ParameterType type = parameter.type();
            String kithType = type.element() == null
                    ? PARAMETER_TYPES.get(type.name().text())
                    : GENERIC_PARAMETER_TYPES.get(type.name().text()) + "<"
                            + PARAMETER_TYPES.get(type.element().text()) + ">";
            parameters.add(parameter.name().text() + " " + kithType);
        }
        line(
                "caveat " + names.condition(condition.name().text()) + "(" + String.join(", ", parameters) + ") {",
                condition.name().position());
        // each CEL line keeps its own OpenFGA line and column (blank lines around it are dropped, not shifted)
        String[] body = condition.expression().split("\n", -1);
        int first = 0;
        int last = body.length - 1;
        while (first < last && body[first].isBlank()) first++;
        while (last > first && body[last].isBlank()) last--;
        for (int i = first; i <= last; i++) {
            String text = body[i].strip();
            int indent = body[i].length() - body[i].stripLeading().length();
            int column = (i == 0 ? condition.position().column() : 1) + indent;
            out.append(CEL_INDENT).append(text).append('\n');
            origins.add(new Origin(source.position(condition.position().line() + i, column), CEL_INDENT.length() + 1));
        }
        line("}", condition.name().position());
    }

    private void emitType(OpenFgaNames.Builder names, TypeNode type) {
        String fgaType = type.name().text();
        line("definition " + names.type(fgaType) + " {", type.name().position());
        for (RelationNode relation : type.relations()) {
            String fgaRelation = relation.name().text();
            DirectTypes direct = directTypes(relation.expression());
            boolean rewrite = !(relation.expression() instanceof DirectTypes);
            String stored = direct == null ? null : names.storeTuples(fgaType, fgaRelation, rewrite);
            if (direct != null) {
                List<String> subjects = new ArrayList<>();
                for (TypeRestriction t : direct.types()) {
                    String subject = names.type(t.type().text())
                            + (t.wildcard()
                                    ? ":*"
                                    : t.relation() != null
                                            ? "#" + names.relation(t.relation().text())
                                            : "");
                    if (t.condition() != null) {
                        subject += " with " + names.condition(t.condition().text());
                    }
                    subjects.add(subject);
                }
                line(
                        "    relation " + stored + ": " + String.join(" | ", subjects),
                        relation.name().position());
            }
            if (rewrite) {
                line(
                        "    permission " + names.relation(fgaRelation) + " = "
                                + expression(names, stored, relation.expression(), true),
                        relation.name().position());
            }
        }
        line("}", type.name().position());
    }

    /** The direct types of a definition: its first operand, possibly inside leading parentheses, or null. */
    private static DirectTypes directTypes(Expr expr) {
        return switch (expr) {
            case DirectTypes direct -> direct;
            case Union union -> directTypes(union.children().getFirst());
            case Intersection intersection ->
                directTypes(intersection.children().getFirst());
            case Exclusion exclusion -> directTypes(exclusion.base());
            case FgaSyntax.Computed computed -> null;
            case TupleToUserset ttu -> null;
        };
    }

    private static String expression(OpenFgaNames.Builder names, String stored, Expr expr, boolean top) {
        String text = switch (expr) {
            case DirectTypes direct -> stored;
            case FgaSyntax.Computed computed ->
                names.relation(computed.relation().text());
            case TupleToUserset ttu ->
                names.relation(ttu.tupleset().text()) + "->"
                        + names.relation(ttu.computed().text());
            case Union union -> join(names, stored, union.children(), " + ");
            case Intersection intersection -> join(names, stored, intersection.children(), " & ");
            case Exclusion exclusion -> join(names, stored, List.of(exclusion.base(), exclusion.subtract()), " - ");
        };
        boolean compound = expr instanceof Union || expr instanceof Intersection || expr instanceof Exclusion;
        return compound && !top ? "(" + text + ")" : text;
    }

    private static String join(OpenFgaNames.Builder names, String stored, List<Expr> children, String operator) {
        List<String> parts = new ArrayList<>();
        for (Expr child : children) {
            parts.add(expression(names, stored, child, false));
        }
        return String.join(operator, parts);
    }

    private void line(String text, SourcePosition origin) {
        out.append(text).append('\n');
        origins.add(new Origin(origin, 0));
    }

    /** What a condition's CEL lines are indented with in the kith text. */
    private static final String CEL_INDENT = "    ";

    private void report(SourcePosition at, String message) {
        diagnostics.add(source.diagnostic(at, message));
    }
}

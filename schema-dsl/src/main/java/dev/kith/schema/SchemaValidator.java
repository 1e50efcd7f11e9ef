package dev.kith.schema;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import dev.kith.schema.Syntax.Arrow;
import dev.kith.schema.Syntax.Binary;
import dev.kith.schema.Syntax.CaveatNode;
import dev.kith.schema.Syntax.Declaration;
import dev.kith.schema.Syntax.DefinitionNode;
import dev.kith.schema.Syntax.Expr;
import dev.kith.schema.Syntax.MemberNode;
import dev.kith.schema.Syntax.NilExpr;
import dev.kith.schema.Syntax.PermissionNode;
import dev.kith.schema.Syntax.Ref;
import dev.kith.schema.Syntax.RelationNode;
import dev.kith.schema.Syntax.SchemaFile;
import dev.kith.schema.Syntax.SelfExpr;
import dev.kith.schema.Syntax.TypeRefNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what the compiler cannot see one declaration at a time: that every type, relation, subject
 * relation and caveat named exists; that arrows walk relations without wildcards; that no permission
 * is defined in terms of itself through other permissions (recursion through an arrow walks data, so
 * it is allowed); that {@code with expiration} has {@code use expiration}; and that every caveat
 * expression type-checks under CEL and returns bool.
 */
final class SchemaValidator {

    private final SourceText source;
    private final SchemaCompiler.Compiled compiled;
    private final List<Diagnostic> diagnostics;
    private final SchemaLimits limits;
    private final Map<String, CelAbstractSyntaxTree> caveatAsts = new LinkedHashMap<>();

    private SchemaValidator(
            SourceText source, SchemaCompiler.Compiled compiled, SchemaLimits limits, List<Diagnostic> diagnostics) {
        this.source = source;
        this.compiled = compiled;
        this.limits = limits;
        this.diagnostics = diagnostics;
    }

    /** Validates and returns the checked CEL tree of each caveat that type-checked. */
    static Map<String, CelAbstractSyntaxTree> validate(
            SourceText source,
            SchemaFile file,
            SchemaCompiler.Compiled compiled,
            SchemaLimits limits,
            List<Diagnostic> diagnostics) {
        SchemaValidator validator = new SchemaValidator(source, compiled, limits, diagnostics);
        validator.run(file);
        return validator.caveatAsts;
    }

    private void run(SchemaFile file) {
        for (Declaration declaration : file.declarations()) {
            switch (declaration) {
                case DefinitionNode definition -> checkDefinition(definition);
                case CaveatNode caveat -> checkCaveat(caveat);
            }
        }
        checkCycles();
        checkDepth();
    }

    /**
     * Refuses a schema whose longest chain of references (from a relation or permission, through computed
     * usersets, arrows and subject relations, to relations and permissions of the same or other types) is longer
     * than {@link SchemaLimits#maxPermissionDepth}: evaluating such a chain nests that deep. A reference back into
     * the chain being followed (recursion through data, such as a folder's parent) ends the chain. A depth-first
     * search with an explicit stack, so a chain of any length cannot exhaust the thread's stack; each relation is
     * finished once, so the cost is linear in the schema. Reports the start of the longest chain only.
     */
    private void checkDepth() {
        if (limits.maxPermissionDepth() == Integer.MAX_VALUE) {
            return;
        }
        Map<RelationDef, Integer> ids = new java.util.IdentityHashMap<>();
        List<RelationDef> nodes = new ArrayList<>();
        List<Definition> owners = new ArrayList<>();
        for (Definition definition : compiled.definitions().values()) {
            for (RelationDef relation : definition.relations().values()) {
                ids.put(relation, nodes.size());
                nodes.add(relation);
                owners.add(definition);
            }
        }
        int n = nodes.size();
        int[][] edges = new int[n][];
        for (int i = 0; i < n; i++) {
            List<RelationDef> targets = new ArrayList<>();
            references(owners.get(i), nodes.get(i), targets);
            int[] out = new int[targets.size()];
            for (int j = 0; j < out.length; j++) {
                out[j] = ids.get(targets.get(j));
            }
            edges[i] = out;
        }
        // depth[i]: the longest chain from i, in references; 0 = not visited yet, -1 = on the current path
        int[] depth = new int[n];
        int[] next = new int[n];
        int[] successor = new int[n];
        int[] stack = new int[n];
        java.util.Arrays.fill(successor, -1);
        int deepest = -1;
        for (int start = 0; start < n; start++) {
            if (depth[start] != 0) {
                continue;
            }
            int top = 0;
            stack[0] = start;
            depth[start] = -1;
            while (top >= 0) {
                int node = stack[top];
                if (next[node] < edges[node].length) {
                    int target = edges[node][next[node]++];
                    if (depth[target] == 0) {
                        depth[target] = -1;
                        stack[++top] = target;
                    }
                    continue;
                }
                int longest = 0;
                for (int target : edges[node]) {
                    if (depth[target] > 0 && depth[target] >= longest) {
                        longest = depth[target];
                        successor[node] = target;
                    }
                }
                depth[node] = longest + 1;
                top--;
            }
            int best = depth[start];
            if (best - 1 > limits.maxPermissionDepth() && (deepest < 0 || best > depth[deepest])) {
                deepest = start;
            }
        }
        if (deepest < 0) {
            return;
        }
        List<String> chain = new ArrayList<>();
        for (int i = deepest; i >= 0 && chain.size() <= 12; i = successor[i]) {
            chain.add(owners.get(i).name() + "#" + nodes.get(i).name());
        }
        String shown =
                chain.size() <= 12 ? String.join(" -> ", chain) : String.join(" -> ", chain.subList(0, 5)) + " -> …";
        RelationDef first = nodes.get(deepest);
        report(
                first.position(),
                "`" + owners.get(deepest).name() + "#" + first.name() + "` starts a chain of " + (depth[deepest] - 1)
                        + " references, deeper than evaluation may nest "
                        + SchemaLimits.name("max-permission-depth", limits.maxPermissionDepth()) + ": " + shown);
    }

    /** The relations and permissions that evaluating {@code relation} of {@code definition} goes on to. */
    private void references(Definition definition, RelationDef relation, List<RelationDef> into) {
        if (!relation.isPermission()) {
            for (AllowedSubject subject : relation.allowedSubjects()) {
                if (subject.relation() != null && !subject.wildcard()) {
                    addTarget(subject.type(), subject.relation(), into);
                }
            }
            return;
        }
        Deque<Rewrite> pending = new ArrayDeque<>();
        pending.push(relation.rewrite());
        while (!pending.isEmpty()) {
            switch (pending.pop()) {
                case Rewrite.ComputedUserset computed -> addTarget(definition.name(), computed.relation(), into);
                case Rewrite.TupleToUserset arrow -> {
                    addTarget(definition.name(), arrow.tupleset(), into);
                    RelationDef tupleset = definition.relation(arrow.tupleset());
                    if (tupleset != null) {
                        for (AllowedSubject subject : tupleset.allowedSubjects()) {
                            addTarget(subject.type(), arrow.computed(), into);
                        }
                    }
                }
                case Rewrite.Union union -> union.children().forEach(pending::push);
                case Rewrite.Intersection intersection ->
                    intersection.children().forEach(pending::push);
                case Rewrite.Exclusion exclusion -> {
                    pending.push(exclusion.base());
                    pending.push(exclusion.subtracted());
                }
                case Rewrite.Direct direct -> {}
                case Rewrite.Nil nil -> {}
                case Rewrite.Self self -> {}
            }
        }
    }

    private void addTarget(String type, String relation, List<RelationDef> into) {
        Definition target = compiled.definitions().get(type);
        RelationDef found = target == null ? null : target.relation(relation);
        if (found != null) {
            into.add(found);
        }
    }

    private void checkDefinition(DefinitionNode node) {
        Definition definition = compiled.definitions().get(node.name().text());
        if (definition == null || !definition.position().equals(node.position())) {
            return;
        }
        for (MemberNode member : node.members()) {
            switch (member) {
                case RelationNode relation -> {
                    for (TypeRefNode ref : relation.types()) {
                        checkSubject(ref);
                        checkTransitiveWildcard(definition, relation.name().text(), ref);
                    }
                }
                case PermissionNode permission -> checkExpression(definition, permission, permission.expression());
            }
        }
    }

    private void checkSubject(TypeRefNode ref) {
        Definition target = compiled.definitions().get(ref.type().text());
        if (target == null) {
            report(ref.type().position(), "unknown type `" + ref.type().text() + "`: no definition has that name");
        } else if (ref.relation() != null && target.relation(ref.relation().text()) == null) {
            report(
                    ref.relation().position(),
                    "unknown relation `" + ref.relation().text() + "` on type `" + target.name() + "` in subject `"
                            + target.name() + "#" + ref.relation().text() + "`");
        }
        if (ref.caveat() != null && !compiled.caveats().containsKey(ref.caveat().text())) {
            report(ref.caveat().position(), "unknown caveat `" + ref.caveat().text() + "`: no caveat has that name");
        }
        if (ref.expiration() != null && !compiled.usesExpiration()) {
            report(ref.expiration(), "`with expiration` needs `use expiration` at the top of the schema");
        }
    }

    /**
     * A relation may allow a subject set {@code T#s} of another type only if {@code s} can never hold a wildcard:
     * not directly, and not through the subject sets it allows in turn (SpiceDB's rule, with its wording; subject
     * sets of the relation's own type are not followed, as SpiceDB does not). {@code use transitive_wildcards}
     * lifts the rule (OpenFGA's models rely on it; the evaluators match a stored wildcard at any depth).
     */
    private void checkTransitiveWildcard(Definition definition, String relation, TypeRefNode ref) {
        if (ref.relation() == null
                || ref.wildcard()
                || ref.type().text().equals(definition.name())
                || compiled.usesTransitiveWildcards()) {
            return;
        }
        WildcardReference found =
                wildcardReference(ref.type().text(), ref.relation().text(), new HashSet<>());
        if (found != null) {
            report(
                    ref.relation().position(),
                    "for relation `" + relation + "`: relation/permission `"
                            + ref.type().text() + "#"
                            + ref.relation().text() + "` includes wildcard type `" + found.wildcardType()
                            + "` via relation `" + found.via() + "`: wildcard relations cannot be transitively"
                            + " included");
        }
    }

    /** Where a relation reaches a wildcard: the relation that allows it ({@code type#relation}) and its type. */
    private record WildcardReference(String via, String wildcardType) {}

    /**
     * The first wildcard {@code type#relation} can hold, directly or through the subject sets it allows (each
     * relation followed once); null when none. A permission allows no subjects of its own, so it holds none.
     * Iterative, so a long chain of subject sets cannot exhaust the stack.
     */
    private WildcardReference wildcardReference(String type, String relation, Set<String> encountered) {
        // depth first, in the order the subjects are written, as SpiceDB searches (so the same wildcard is named);
        // an entry with a null relation is a wildcard allowed by the relation in `via`
        Deque<String[]> pending = new ArrayDeque<>();
        pending.push(new String[] {type, relation, null});
        while (!pending.isEmpty()) {
            String[] next = pending.pop();
            if (next[1] == null) {
                return new WildcardReference(next[2], next[0]);
            }
            if (!encountered.add(next[0] + "#" + next[1])) {
                continue;
            }
            Definition definition = compiled.definitions().get(next[0]);
            RelationDef found = definition == null ? null : definition.relation(next[1]);
            if (found == null || found.isPermission()) {
                continue;
            }
            List<AllowedSubject> subjects = found.allowedSubjects();
            for (int i = subjects.size() - 1; i >= 0; i--) {
                AllowedSubject subject = subjects.get(i);
                if (subject.wildcard()) {
                    pending.push(new String[] {subject.type(), null, next[0] + "#" + next[1]});
                } else if (subject.relation() != null) {
                    pending.push(new String[] {subject.type(), subject.relation(), null});
                }
            }
        }
        return null;
    }

    private void checkExpression(Definition definition, PermissionNode permission, Expr expr) {
        switch (expr) {
            case Ref ref -> {
                if (definition.relation(ref.name()) == null) {
                    report(
                            ref.position(),
                            "unknown relation or permission `" + ref.name() + "` in definition `" + definition.name()
                                    + "`");
                }
            }
            case Arrow arrow -> checkArrow(definition, permission, arrow);
            case Binary binary -> {
                checkExpression(definition, permission, binary.left());
                checkExpression(definition, permission, binary.right());
            }
            case NilExpr nil -> {}
            case SelfExpr self -> {}
            case Syntax.Group group -> checkExpression(definition, permission, group.inner());
        }
    }

    private void checkArrow(Definition definition, PermissionNode permission, Arrow arrow) {
        if (!(Syntax.ungrouped(arrow.left()) instanceof Ref left)) {
            return;
        }
        RelationDef tupleset = definition.relation(left.name());
        if (tupleset == null) {
            report(
                    left.position(),
                    "unknown relation `" + left.name() + "` on the left of an arrow in definition `" + definition.name()
                            + "`");
            return;
        }
        if (tupleset.isPermission()) {
            report(
                    left.position(),
                    "the left side of an arrow must be a relation, but `" + left.name()
                            + "` is a permission: arrows walk stored relationships");
            return;
        }
        WildcardReference wildcard = wildcardReference(definition.name(), left.name(), new HashSet<>());
        if (wildcard != null) {
            report(
                    left.position(),
                    "for arrow under permission `" + permission.name().text() + "`: relation `" + definition.name()
                            + "#" + left.name() + "` includes wildcard type `" + wildcard.wildcardType()
                            + "` via relation `" + wildcard.via() + "`: wildcard relations cannot be used on the"
                            + " left side of arrows");
            return;
        }
        String computed = arrow.right().name();
        boolean found = false;
        for (AllowedSubject subject : tupleset.allowedSubjects()) {
            Definition target = compiled.definitions().get(subject.type());
            if (target == null || target.relation(computed) != null) {
                found = true;
            }
        }
        if (!found) {
            report(
                    arrow.right().position(),
                    "no type that relation `" + left.name() + "` allows has a relation or" + " permission `" + computed
                            + "`");
        }
    }

    /**
     * Reports each permission that reaches itself through computed usersets on the same object: a
     * depth-first search over "permission uses permission" edges (arrows are not edges: they move to
     * other objects). Iterative, so a long chain of permissions cannot exhaust the stack.
     */
    private void checkCycles() {
        for (Definition definition : compiled.definitions().values()) {
            Map<String, List<String>> edges = new LinkedHashMap<>();
            for (RelationDef relation : definition.relations().values()) {
                if (relation.isPermission()) {
                    List<String> targets = new ArrayList<>();
                    collectPermissionRefs(definition, relation.rewrite(), targets);
                    edges.put(relation.name(), targets);
                }
            }
            Set<String> done = new HashSet<>();
            Set<String> reported = new HashSet<>();
            for (String start : edges.keySet()) {
                if (!done.contains(start)) {
                    searchCycles(definition, start, edges, done, reported);
                }
            }
        }
    }

    /** Reports each cycle through a permission not yet reported (once per permission). */
    private void searchCycles(
            Definition definition,
            String start,
            Map<String, List<String>> edges,
            Set<String> done,
            Set<String> reported) {
        Deque<String> path = new ArrayDeque<>();
        Deque<Iterator<String>> pending = new ArrayDeque<>();
        Set<String> onPath = new HashSet<>();
        path.addLast(start);
        onPath.add(start);
        pending.addLast(edges.get(start).iterator());
        while (!pending.isEmpty()) {
            Iterator<String> next = pending.peekLast();
            if (!next.hasNext()) {
                pending.removeLast();
                String finished = path.removeLast();
                onPath.remove(finished);
                done.add(finished);
                continue;
            }
            String target = next.next();
            if (onPath.contains(target)) {
                if (reported.contains(target)) {
                    continue;
                }
                List<String> cycle = new ArrayList<>();
                boolean inCycle = false;
                for (String step : path) {
                    inCycle |= step.equals(target);
                    if (inCycle) {
                        cycle.add(step);
                    }
                }
                cycle.add(target);
                reported.addAll(cycle);
                RelationDef first = definition.relation(target);
                report(
                        first.position(),
                        "permission `" + target + "` of definition `" + definition.name()
                                + "` is defined in terms of itself: " + describeCycle(cycle));
            } else if (!done.contains(target)) {
                path.addLast(target);
                onPath.add(target);
                pending.addLast(edges.get(target).iterator());
            }
        }
    }

    /** {@code a -> b -> a}; a long cycle shows its ends and how many permissions it goes through. */
    private static String describeCycle(List<String> cycle) {
        if (cycle.size() <= 12) {
            return String.join(" -> ", cycle);
        }
        return String.join(" -> ", cycle.subList(0, 5)) + " -> … -> "
                + String.join(" -> ", cycle.subList(cycle.size() - 5, cycle.size()))
                + " (" + (cycle.size() - 1) + " permissions)";
    }

    /** The permissions of the same object that {@code rewrite} uses directly. */
    private static void collectPermissionRefs(Definition definition, Rewrite rewrite, List<String> into) {
        switch (rewrite) {
            case Rewrite.ComputedUserset computed -> {
                RelationDef target = definition.relation(computed.relation());
                if (target != null && target.isPermission()) {
                    into.add(target.name());
                }
            }
            case Rewrite.Union union -> union.children().forEach(c -> collectPermissionRefs(definition, c, into));
            case Rewrite.Intersection intersection ->
                intersection.children().forEach(c -> collectPermissionRefs(definition, c, into));
            case Rewrite.Exclusion exclusion -> {
                collectPermissionRefs(definition, exclusion.base(), into);
                collectPermissionRefs(definition, exclusion.subtracted(), into);
            }
            case Rewrite.Direct direct -> {}
            case Rewrite.TupleToUserset arrow -> {}
            case Rewrite.Nil nil -> {}
            case Rewrite.Self self -> {}
        }
    }

    private void checkCaveat(CaveatNode node) {
        CaveatDef caveat = compiled.caveats().get(node.name().text());
        if (caveat == null
                || !caveat.position().equals(node.position())
                || caveat.parameters().size() != node.parameters().size()) {
            return;
        }
        CelValidationResult result;
        try {
            result = CaveatEnvironment.compiler(caveat).compile(caveat.expression());
        } catch (StackOverflowError e) {
            // the bracket limit keeps real expressions far from this; a thread with a tiny stack still gets an answer
            report(node.expressionPosition(1, 0), tooDeep(node));
            return;
        }
        if (result.hasError()) {
            reportCel(source, node, result.getErrors(), diagnostics);
            return;
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            reportCel(source, node, e.getErrors(), diagnostics);
            return;
        }
        if (!ast.getResultType().equals(SimpleType.BOOL) && ast.getResultType().kind() != CelKind.DYN) {
            report(
                    node.expressionPosition(1, 0),
                    "caveat `" + caveat.name() + "` must return bool, but its" + " expression returns "
                            + ast.getResultType().name());
            return;
        }
        caveatAsts.put(caveat.name(), ast);
    }

    private static String tooDeep(CaveatNode caveat) {
        return "the expression of caveat `" + caveat.name().text() + "` is nested too deeply to compile";
    }

    private static void reportCel(
            SourceText source, CaveatNode caveat, List<CelIssue> issues, List<Diagnostic> diagnostics) {
        for (CelIssue issue : issues) {
            SourcePosition at = caveat.expressionPosition(
                    issue.getSourceLocation().getLine(),
                    issue.getSourceLocation().getColumn() + 1);
            String message = issue.getMessage()
                    .replaceFirst("^ERROR: [^:]*:\\d+:\\d+: ", "")
                    .replace(" (in container '')", "");
            diagnostics.add(source.diagnostic(at, "in caveat `" + caveat.name().text() + "`: " + firstLine(message)));
        }
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private void report(SourcePosition at, String message) {
        diagnostics.add(source.diagnostic(at, message));
    }
}

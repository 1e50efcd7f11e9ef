package dev.kith.cli;

import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationTarget;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validation target over an in-memory engine that traces every check and keeps the answers (or the error),
 * so that {@code kith validate} can explain an assertion after the file has run: the tree of what the check
 * evaluated, each node with its answer, the caveats with the context they were evaluated with and the
 * parameters they lacked, and steps cut because they were already on the path.
 */
final class TracedTarget implements ValidationTarget {
    private final Engine engine;
    private final Map<String, Results.Check> answers = new HashMap<>();
    private final Map<String, RuntimeException> errors = new HashMap<>();
    private Consistency fresh = Consistency.FULLY_CONSISTENT;

    TracedTarget(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void writeSchema(String schemaText) {
        fresh = new Consistency.AtLeastAsFresh(engine.writeSchema(schemaText));
    }

    @Override
    public void importRelationships(List<Relationship> relationships) {
        fresh = new Consistency.AtLeastAsFresh(engine.importBulk(relationships.iterator()));
    }

    @Override
    public Results.Check check(ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context) {
        String key = key(resource, permission, subject, context);
        try {
            Results.Check answer =
                    engine.check(new Requests.Check(resource, permission, subject, context, fresh, true));
            answers.put(key, answer);
            return answer;
        } catch (RuntimeException e) {
            errors.put(key, e);
            throw e;
        }
    }

    @Override
    public Results.ExpandNode expand(ObjectRef resource, String relation) {
        return engine.expand(new Requests.Expand(resource, relation, fresh)).root();
    }

    @Override
    public void close() {
        engine.close();
    }

    /** Prints the explanation of assertion {@code a}'s check, each line starting with {@code indent}. */
    void explain(ValidationFile.Assertion a, PrintWriter out, String indent) {
        String key = key(a.resource(), a.permission(), a.subject(), a.context());
        RuntimeException error = errors.get(key);
        if (error != null) {
            out.println(indent + "the check stopped: " + error.getMessage());
            return;
        }
        Results.Check answer = answers.get(key);
        if (answer == null || answer.trace() == null) {
            out.println(indent + "(no explanation: the check was not run)");
            return;
        }
        out.println(indent + "why: " + a.resource() + "#" + a.permission() + " for " + a.subject() + " is "
                + name(answer.permissionship()));
        tree(answer.trace(), out, indent, "", true);
    }

    /** One node and, below it, its children, drawn with box-drawing branches. */
    private static void tree(Results.CheckTrace node, PrintWriter out, String indent, String prefix, boolean last) {
        out.println(indent + prefix + (last ? "└─ " : "├─ ") + describe(node));
        String below = prefix + (last ? "   " : "│  ");
        List<Results.CheckTrace> children = node.children();
        for (int i = 0; i < children.size(); i++) {
            tree(children.get(i), out, indent, below, i == children.size() - 1);
        }
    }

    /** A node: what it evaluated and its answer, with a caveat's expression, context and missing parameters. */
    static String describe(Results.CheckTrace node) {
        StringBuilder b = new StringBuilder(node.description()).append(": ").append(name(node.result()));
        Results.CheckTrace.Step step = node.step();
        if (step != null && step.kind() == Results.CheckTrace.Step.Kind.CAVEAT) {
            if (step.expression() != null)
                b.append(" (").append(step.expression().strip().replace('\n', ' '));
            b.append(step.expression() != null ? ", " : " (")
                    .append("context ")
                    .append(step.context())
                    .append(')');
        }
        if (!node.missingContext().isEmpty()) {
            b.append(", missing context: ").append(String.join(", ", node.missingContext()));
        }
        return b.toString();
    }

    private static String name(Permissionship p) {
        return switch (p) {
            case HAS_PERMISSION -> "HAS";
            case NO_PERMISSION -> "NO";
            case CONDITIONAL_PERMISSION -> "CONDITIONAL";
        };
    }

    private static String key(ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context) {
        return resource + "#" + permission + "@" + subject + " " + (context == null ? Map.of() : context);
    }
}

package dev.kith.cli;

import dev.kith.schema.Recursion;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith schema check FILE…}: compiles each file and prints a one-line summary for a valid one,
 * or every diagnostic (on stderr, as {@link Diagnostics} prints them) for an invalid one. Exits 1 if any file
 * failed. With {@code --explain}, a line per relation and permission says how it recurses ({@link Recursion}).
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Compile and validate schema files; print a summary of each, or its errors.")
final class SchemaCheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Schema files (.zed).")
    private List<Path> files;

    @Option(
            names = "--syntax-only",
            description = "Only check syntax, as SpiceDB's parser does: names are not resolved"
                    + " and caveat expressions are parsed but not type-checked.")
    private boolean syntaxOnly;

    @Option(
            names = "--explain",
            description = "After the summary, say for each relation and permission how it recurses: self-recursive"
                    + " (nested groups: kept by the closure index), recursive through an arrow, recursive through"
                    + " subject sets, or not recursive.")
    private boolean explain;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean failed = false;
        for (Path file : files) {
            try {
                String text = SchemaFiles.read(file);
                if (syntaxOnly) {
                    Schemas.checkSyntax(file.toString(), text);
                    out.println(file + ": syntax ok");
                } else {
                    ValidatedSchema schema = Schemas.compile(file.toString(), text);
                    Schemas.Summary summary = Schemas.summarize(schema);
                    out.println(file + ": ok, " + count(summary.definitions(), "definition") + ", "
                            + count(summary.relations(), "relation") + ", "
                            + count(summary.permissions(), "permission") + ", "
                            + count(summary.caveats(), "caveat"));
                    if (explain) explain(out, schema);
                }
            } catch (SchemaException e) {
                failed = true;
                new Diagnostics(err).errors(e);
                err.println(file + ": " + SchemaFiles.errors(e.diagnostics().size()));
            } catch (SchemaFiles.Unreadable e) {
                failed = true;
                err.println(e.getMessage());
            }
        }
        out.flush();
        err.flush();
        return failed ? 1 : 0;
    }

    /** One line per relation and permission: how it recurses, and so what the engine closes or walks. */
    private static void explain(PrintWriter out, ValidatedSchema schema) {
        for (Recursion.Entry e : Recursion.of(schema)) {
            String what = (e.permission() ? "permission " : "relation ") + e.type() + "#" + e.relation() + ": ";
            String cycle = e.cycle().isEmpty() ? "" : " (with " + String.join(", ", e.cycle()) + ")";
            out.println("  " + what
                    + switch (e.kind()) {
                        case SELF_RECURSIVE ->
                            "self-recursive: closed by the closure index (checks and lookups read each object's"
                                    + " reach instead of walking)";
                        case THROUGH_ARROW -> "recursive through an arrow" + cycle + ": walked";
                        case THROUGH_SUBJECT_SETS -> "recursive through subject sets" + cycle + ": walked";
                        case NOT_RECURSIVE -> "not recursive";
                    });
        }
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}

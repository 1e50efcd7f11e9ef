package dev.kith.cli;

import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
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
 * failed.
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
                    Schemas.Summary summary = Schemas.summarize(Schemas.compile(file.toString(), text));
                    out.println(file + ": ok, " + count(summary.definitions(), "definition") + ", "
                            + count(summary.relations(), "relation") + ", "
                            + count(summary.permissions(), "permission") + ", "
                            + count(summary.caveats(), "caveat"));
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

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}

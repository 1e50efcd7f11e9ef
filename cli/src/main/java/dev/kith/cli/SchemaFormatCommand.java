package dev.kith.cli;

import dev.kith.schema.Schemas;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith schema format FILE}: prints the schema in canonical form, or with {@code --write}
 * rewrites the file. Only a valid schema is formatted; an invalid one gets its diagnostics on stderr
 * and exit status 1. Every comment is kept (see the schema-dsl README for where each one goes).
 */
@Command(
        name = "format",
        mixinStandardHelpOptions = true,
        description = "Print a schema in canonical form (all comments kept: a comment inside an expression moves"
                + " to its own line above the relation or permission).")
final class SchemaFormatCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The schema file (.zed).")
    private Path file;

    @Option(names = "--write", description = "Rewrite FILE in place instead of printing it.")
    private boolean write;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return SchemaFiles.withSchemaText(file, err, "not formatted", text -> {
                String formatted = Schemas.format(file.toString(), text);
                if (!write) {
                    out.print(formatted);
                } else if (formatted.equals(text)) {
                    out.println(file + ": already in canonical form");
                } else {
                    Files.writeString(file, formatted);
                    out.println(file + ": rewritten");
                }
            });
        } catch (IOException e) {
            err.println("kith: cannot write " + file + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}

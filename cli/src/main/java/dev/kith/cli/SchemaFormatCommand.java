package dev.kith.cli;

import dev.kith.schema.Schemas;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith schema format FILE…}: prints each schema in canonical form, or with {@code --write} rewrites the
 * files, or with {@code --check} only says which are not formatted (exit status 1 if any). Formatting is
 * syntax-level: a file with semantic errors is formatted, one with a syntax error gets its diagnostics on
 * stderr and exit status 1. Every comment and every parenthesis written is kept (see the schema-dsl README).
 */
@Command(
        name = "format",
        mixinStandardHelpOptions = true,
        description = {
            "Print schemas in canonical form (all comments kept: a comment inside an expression moves to its own"
                    + " line above the relation or permission; parentheses kept as written).",
            "Only a syntax error stops formatting: a schema with unknown names or other semantic errors is"
                    + " formatted too."
        })
final class SchemaFormatCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Schema files (.zed).")
    private List<Path> files;

    @Option(names = "--write", description = "Rewrite each FILE in place instead of printing it.")
    private boolean write;

    @Option(
            names = "--check",
            description = "Print nothing but the files that are not formatted (with the first line that differs);"
                    + " exit 1 if there is one.")
    private boolean check;

    @Override
    public Integer call() {
        if (write && check) {
            throw new ParameterException(spec.commandLine(), "--write and --check cannot be used together");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        try {
            for (Path file : files) {
                status = Math.max(status, format(file, out, err));
            }
            return status;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int format(Path file, PrintWriter out, PrintWriter err) {
        boolean[] unformatted = {false};
        try {
            int status = SchemaFiles.withSchemaText(file, err, "not formatted", text -> {
                String formatted = Schemas.format(file.toString(), text);
                if (check) {
                    if (!formatted.equals(text)) {
                        unformatted[0] = true;
                        out.println(file + ": not formatted (first difference on line "
                                + firstDifference(text, formatted) + ")");
                    }
                } else if (!write) {
                    out.print(formatted);
                } else if (formatted.equals(text)) {
                    out.println(file + ": already in canonical form");
                } else {
                    Files.writeString(file, formatted);
                    out.println(file + ": rewritten");
                }
            });
            return unformatted[0] ? 1 : status;
        } catch (IOException e) {
            err.println("kith: cannot write " + file + ": " + e.getMessage());
            return 1;
        }
    }

    /** The 1-based line of {@code text} where it first differs from {@code formatted}. */
    static int firstDifference(String text, String formatted) {
        List<String> a = text.lines().toList();
        List<String> b = formatted.lines().toList();
        int line = 0;
        while (line < a.size() && line < b.size() && a.get(line).equals(b.get(line))) line++;
        return line + 1;
    }
}

package dev.kith.cli;

import dev.kith.schema.Diagnostic;
import dev.kith.schema.SchemaException;
import dev.kith.schema.SourcePosition;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way the {@code kith} command reports a problem in a file it read (schema check, format, convert,
 * validate, import, backup restore), in the form compilers use so that editors and CI annotate the line:
 *
 * <pre>
 * file:line:col: error: message
 * the source line
 *          ^
 * </pre>
 *
 * A problem that concerns the whole file (no line) is the one line {@code file: error: message}. Counts the
 * errors it printed.
 */
final class Diagnostics {
    private final PrintWriter err;
    private final Map<Path, List<String>> sources = new HashMap<>();
    private int errors;

    Diagnostics(PrintWriter err) {
        this.err = err;
    }

    /** Prints a diagnostic of the schema language (it carries its position and source line). */
    void error(Diagnostic diagnostic) {
        errors++;
        err.println(render(diagnostic));
    }

    /** Prints every diagnostic of {@code e}, in source order. */
    void errors(SchemaException e) {
        e.diagnostics().forEach(this::error);
    }

    /**
     * Prints a problem at {@code line} of {@code file} (1-based; 0 for the whole file), under the first
     * character of what that line holds (after its indentation and a YAML list's {@code - }), which is read
     * from the file.
     */
    void error(Path file, int line, String message) {
        String source = line(file, line);
        int at = 0;
        while (at < source.length() && Character.isWhitespace(source.charAt(at))) at++;
        if (source.startsWith("- ", at)) {
            at += 2;
            while (at < source.length() && source.charAt(at) == ' ') at++;
        }
        error(file, line, at >= source.length() ? 1 : at + 1, message);
    }

    /** Prints a problem at {@code line} and {@code column} of {@code file}, the source line read from the file. */
    void error(Path file, int line, int column, String message) {
        if (line <= 0) {
            errors++;
            err.println(file + ": error: " + message);
            return;
        }
        error(new Diagnostic(new SourcePosition(file.toString(), line, column), message, line(file, line)));
    }

    /** How many errors were printed. */
    int count() {
        return errors;
    }

    /** {@code file:line:col: error: message}, the source line and a caret under the column. */
    static String render(Diagnostic diagnostic) {
        return new Diagnostic(diagnostic.position(), "error: " + diagnostic.message(), diagnostic.sourceLine())
                .render();
    }

    /** The text of line {@code line} of {@code file}, or "" when it cannot be read. */
    private String line(Path file, int line) {
        List<String> lines = sources.computeIfAbsent(file, f -> {
            try {
                return Files.readAllLines(f);
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        });
        return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
    }
}

package dev.kith.schema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A schema text that could not be compiled: carries every diagnostic found, in source order. This is
 * an expected failure (bad input), so it records no stack trace.
 */
public final class SchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> diagnostics;

    public SchemaException(List<Diagnostic> diagnostics) {
        super(render(diagnostics), null, false, false);
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a SchemaException needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** The problems found, in source order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String render(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n"));
    }
}

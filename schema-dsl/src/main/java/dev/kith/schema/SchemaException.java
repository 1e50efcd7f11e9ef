package dev.kith.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A schema text that could not be compiled: carries every diagnostic found, in source order. This is
 * an expected failure (bad input), so it records no stack trace.
 */
public final class SchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    private static final Comparator<Diagnostic> SOURCE_ORDER = Comparator.comparingInt(
                    (Diagnostic d) -> d.position().line())
            .thenComparingInt(d -> d.position().column());

    private final transient List<Diagnostic> diagnostics;

    public SchemaException(List<Diagnostic> diagnostics) {
        super(render(diagnostics), null, false, false);
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a SchemaException needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    /**
     * Throws the problems of a compilation stage, sorted into source order, if it found any: each stage runs only
     * when the ones before it found nothing.
     */
    public static void throwIfAny(List<Diagnostic> diagnostics) throws SchemaException {
        if (!diagnostics.isEmpty()) {
            List<Diagnostic> sorted = new ArrayList<>(diagnostics);
            sorted.sort(SOURCE_ORDER);
            throw new SchemaException(sorted);
        }
    }

    /** The problems found, in source order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String render(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n"));
    }
}

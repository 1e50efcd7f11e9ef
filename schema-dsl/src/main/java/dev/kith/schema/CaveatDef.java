package dev.kith.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A caveat: {@code caveat name(param type, …) { CEL expression }}.
 *
 * @param name the caveat name, with any {@code prefix/}
 * @param parameters parameter types by name, in declaration order
 * @param expression the CEL expression's source text
 * @param docComment the doc comment above it, or {@code null}
 * @param position where it is declared
 * @param expressionLines where each line of {@code expression} starts in the schema source: element {@code i} has
 *     the source line of expression line {@code i + 1} and, as its column, the source column just before that
 *     line's first character (so expression column {@code c}, 1-based, is source column {@code column + c});
 *     empty when unknown
 */
public record CaveatDef(
        String name,
        Map<String, CaveatType> parameters,
        String expression,
        String docComment,
        SourcePosition position,
        List<SourcePosition> expressionLines) {
    public CaveatDef {
        Objects.requireNonNull(name, "name");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Objects.requireNonNull(expression, "expression");
        expressionLines = expressionLines == null ? List.of() : List.copyOf(expressionLines);
    }

    /** A caveat whose expression's place in the source is not known. */
    public CaveatDef(
            String name,
            Map<String, CaveatType> parameters,
            String expression,
            String docComment,
            SourcePosition position) {
        this(name, parameters, expression, docComment, position, List.of());
    }

    /**
     * Where line {@code line}, column {@code column} (both 1-based) of the expression is in the schema source;
     * the declaration's position when that is not known.
     */
    public SourcePosition expressionPosition(int line, int column) {
        if (expressionLines.isEmpty()) return position;
        SourcePosition start = expressionLines.get(Math.max(0, Math.min(expressionLines.size() - 1, line - 1)));
        return new SourcePosition(start.file(), start.line(), start.column() + Math.max(1, column));
    }
}

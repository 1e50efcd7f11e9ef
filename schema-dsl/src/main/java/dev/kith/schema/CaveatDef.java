package dev.kith.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
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
 */
public record CaveatDef(
        String name,
        Map<String, CaveatType> parameters,
        String expression,
        String docComment,
        SourcePosition position) {
    public CaveatDef {
        Objects.requireNonNull(name, "name");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Objects.requireNonNull(expression, "expression");
    }
}

package dev.kith.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An object type: {@code definition document { … }}.
 *
 * @param name the type name, with any {@code prefix/}
 * @param relations relations and permissions by name, in declaration order
 * @param docComment the doc comment above the definition, or {@code null}
 * @param position where it is declared
 */
public record Definition(String name, Map<String, RelationDef> relations, String docComment, SourcePosition position) {
    public Definition {
        Objects.requireNonNull(name, "name");
        relations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(relations));
    }

    /** The relation or permission of that name, or {@code null}. */
    public RelationDef relation(String relationName) {
        return relations.get(relationName);
    }
}

package dev.kith.engine;

import java.util.Map;
import java.util.Objects;

/**
 * A caveat named on a relationship, with the context stored with it.
 *
 * @param name the caveat's name in the schema
 * @param context stored parameter values as JSON-shaped Java values (String, Boolean, Long/Integer/Double
 *     or other Number, List, Map with String keys); never null, possibly empty
 */
public record Caveat(String name, Map<String, Object> context) {
    public Caveat {
        Objects.requireNonNull(name, "name");
        context = context == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(context));
    }
}

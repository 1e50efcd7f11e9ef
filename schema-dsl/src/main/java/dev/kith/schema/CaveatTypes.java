package dev.kith.schema;

import java.util.Map;

/** The names of caveat parameter types as written in schemas. */
final class CaveatTypes {
    private static final Map<String, CaveatType.Kind> KINDS = Map.ofEntries(
            Map.entry("any", CaveatType.Kind.ANY),
            Map.entry("int", CaveatType.Kind.INT),
            Map.entry("uint", CaveatType.Kind.UINT),
            Map.entry("double", CaveatType.Kind.DOUBLE),
            Map.entry("bool", CaveatType.Kind.BOOL),
            Map.entry("string", CaveatType.Kind.STRING),
            Map.entry("bytes", CaveatType.Kind.BYTES),
            Map.entry("duration", CaveatType.Kind.DURATION),
            Map.entry("timestamp", CaveatType.Kind.TIMESTAMP),
            Map.entry("list", CaveatType.Kind.LIST),
            Map.entry("map", CaveatType.Kind.MAP),
            Map.entry("ipaddress", CaveatType.Kind.IPADDRESS));

    /** The type names, for diagnostics. */
    static final String NAMES =
            "int, uint, double, bool, string, bytes, duration, timestamp, list<T>, map<T>, ipaddress, any";

    private CaveatTypes() {}

    /** The kind named {@code name}, or {@code null}. */
    static CaveatType.Kind kind(String name) {
        return KINDS.get(name);
    }

    /** How a type is written: {@code int}, {@code list<string>}. */
    static String write(CaveatType type) {
        String name = type.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (type.arguments().isEmpty()) {
            return name;
        }
        StringBuilder out = new StringBuilder(name).append('<');
        for (int i = 0; i < type.arguments().size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(write(type.arguments().get(i)));
        }
        return out.append('>').toString();
    }
}

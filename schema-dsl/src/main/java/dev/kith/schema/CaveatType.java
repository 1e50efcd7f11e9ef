package dev.kith.schema;

import java.util.List;

/**
 * The type of a caveat parameter: a kind, with element types for {@code list<T>} and {@code
 * map<T>} (maps always have string keys).
 */
public record CaveatType(Kind kind, List<CaveatType> arguments) {

    /** The parameter types of SpiceDB's caveat language. */
    public enum Kind {
        ANY,
        INT,
        UINT,
        DOUBLE,
        BOOL,
        STRING,
        BYTES,
        DURATION,
        TIMESTAMP,
        LIST,
        MAP,
        IPADDRESS
    }

    public CaveatType {
        arguments = List.copyOf(arguments);
    }

    public static CaveatType of(Kind kind) {
        return new CaveatType(kind, List.of());
    }
}

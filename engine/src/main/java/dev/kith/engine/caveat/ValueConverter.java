package dev.kith.engine.caveat;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.kith.engine.KithException;
import dev.kith.schema.CaveatType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Converts a JSON-shaped context value (String, Boolean, Number, List, Map with String keys) into the CEL
 * runtime value of a caveat parameter type, or fails with an {@link KithException.InvalidArgument} that names
 * the parameter (with the index or key inside lists and maps) and the expected type. One converter is built
 * per parameter when the schema is loaded, so that conversion does no type dispatch on the parameter type.
 */
@FunctionalInterface
interface ValueConverter {
    BigInteger MAX_UINT = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /**
     * The CEL value of {@code value}.
     *
     * @param caveat the caveat's name, for messages
     * @param path the parameter name, with {@code [i]} or {@code ["key"]} for nested values
     */
    Object convert(Object value, String caveat, String path);

    /** The converter for values of {@code type}. */
    static ValueConverter forType(CaveatType type) {
        String expected = describeType(type);
        return switch (type.kind()) {
            case ANY -> (v, caveat, path) -> normalize(v, caveat, path);
            case INT -> (v, caveat, path) -> toInt(v, caveat, path, expected);
            case UINT -> (v, caveat, path) -> toUint(v, caveat, path, expected);
            case DOUBLE ->
                (v, caveat, path) -> {
                    if (!(v instanceof Number n)) throw wrongType(caveat, path, expected, v);
                    double x = n.doubleValue();
                    if (Double.isInfinite(x) || Double.isNaN(x)) {
                        throw invalid(caveat, path, n + " is out of the range of a double");
                    }
                    return x;
                };
            case BOOL ->
                (v, caveat, path) -> {
                    if (v instanceof Boolean) return v;
                    throw wrongType(caveat, path, expected, v);
                };
            case STRING -> fromString(expected, s -> s);
            case BYTES -> fromString(expected, CelByteString::copyFromUtf8);
            case DURATION -> fromString(expected, GoDuration::parse);
            case TIMESTAMP -> fromString(expected, Rfc3339::parse);
            case IPADDRESS -> fromString(expected, IpAddress::parse);
            case LIST -> {
                ValueConverter element = forType(type.arguments().getFirst());
                yield (v, caveat, path) -> {
                    if (!(v instanceof List<?> list)) throw wrongType(caveat, path, expected, v);
                    List<Object> out = new ArrayList<>(list.size());
                    for (int i = 0; i < list.size(); i++) {
                        out.add(element.convert(list.get(i), caveat, path + "[" + i + "]"));
                    }
                    return Collections.unmodifiableList(out);
                };
            }
            case MAP -> {
                ValueConverter element = forType(type.arguments().getFirst());
                yield (v, caveat, path) -> {
                    if (!(v instanceof Map<?, ?> map)) throw wrongType(caveat, path, expected, v);
                    Map<String, Object> out = LinkedHashMap.newLinkedHashMap(map.size());
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        String key = String.valueOf(e.getKey());
                        out.put(key, element.convert(e.getValue(), caveat, path + "[\"" + key + "\"]"));
                    }
                    return Collections.unmodifiableMap(out);
                };
            }
        };
    }

    /** How a parameter type is written in a schema ({@code list<int>}). */
    static String typeName(CaveatType type) {
        String base = type.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (type.arguments().isEmpty()) return base;
        StringBuilder b = new StringBuilder(base).append('<');
        for (int i = 0; i < type.arguments().size(); i++) {
            if (i > 0) b.append(", ");
            b.append(typeName(type.arguments().get(i)));
        }
        return b.append('>').toString();
    }

    private static String describeType(CaveatType type) {
        String name = typeName(type);
        return switch (type.kind()) {
            case ANY -> "any JSON value";
            case INT -> "an int (a whole number)";
            case UINT -> "a uint (a whole number from 0 to 2^64-1)";
            case DOUBLE -> "a double (a number)";
            case BOOL -> "a bool (true or false)";
            case STRING -> "a string";
            case BYTES -> "bytes (a string)";
            case DURATION -> "a duration (a string such as \"1h30m\")";
            case TIMESTAMP -> "a timestamp (an RFC 3339 string such as \"2030-01-01T00:00:00Z\")";
            case IPADDRESS -> "an ipaddress (a string such as \"10.0.0.1\" or \"2001:db8::1\")";
            case LIST -> "a " + name + " (a JSON array)";
            case MAP -> "a " + name + " (a JSON object)";
        };
    }

    private static Object toInt(Object v, String caveat, String path, String expected) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (!(v instanceof Number n)) throw wrongType(caveat, path, expected, v);
        BigInteger whole = wholeNumber(n, caveat, path, expected);
        if (whole.bitLength() > 63) throw invalid(caveat, path, n + " is out of the range of an int");
        return whole.longValue();
    }

    private static Object toUint(Object v, String caveat, String path, String expected) {
        if (!(v instanceof Number n)) throw wrongType(caveat, path, expected, v);
        BigInteger whole = wholeNumber(n, caveat, path, expected);
        if (whole.signum() < 0 || whole.compareTo(MAX_UINT) > 0) {
            throw invalid(caveat, path, n + " is out of the range of a uint (0 to 2^64-1)");
        }
        return UnsignedLong.fromLongBits(whole.longValue());
    }

    private static BigInteger wholeNumber(Number n, String caveat, String path, String expected) {
        BigDecimal d;
        if (n instanceof BigInteger bi) return bi;
        if (n instanceof BigDecimal bd) {
            d = bd;
        } else if (n instanceof Double || n instanceof Float) {
            double x = n.doubleValue();
            if (Double.isNaN(x) || Double.isInfinite(x)) throw wrongType(caveat, path, expected, n);
            d = BigDecimal.valueOf(x);
        } else {
            return BigInteger.valueOf(n.longValue());
        }
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw invalid(caveat, path, "must be " + expected + ", not the fraction " + n);
        }
    }

    /**
     * Values given as JSON strings: {@code parse} converts the text and throws {@link IllegalArgumentException}
     * (or {@link DateTimeException}) with the reason when it is malformed.
     */
    private static ValueConverter fromString(String expected, Function<String, Object> parse) {
        return (v, caveat, path) -> {
            if (!(v instanceof String s)) throw wrongType(caveat, path, expected, v);
            try {
                return parse.apply(s);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw invalid(caveat, path, e.getMessage());
            }
        };
    }

    /** JSON-shaped values as CEL's {@code dyn}: whole numbers as int (long), other numbers as double. */
    private static Object normalize(Object v, String caveat, String path) {
        return switch (v) {
            case null -> throw invalid(caveat, path, "is null");
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger bi -> bi.bitLength() <= 63 ? (Object) bi.longValue() : (Object) bi.doubleValue();
            case Number n -> n.doubleValue();
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) out.add(normalize(list.get(i), caveat, path + "[" + i + "]"));
                yield Collections.unmodifiableList(out);
            }
            case Map<?, ?> map -> {
                Map<String, Object> out = LinkedHashMap.newLinkedHashMap(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    out.put(key, normalize(e.getValue(), caveat, path + "[\"" + key + "\"]"));
                }
                yield Collections.unmodifiableMap(out);
            }
            default ->
                throw invalid(
                        caveat, path, "is not a JSON value: " + v.getClass().getSimpleName());
        };
    }

    private static KithException.InvalidArgument wrongType(String caveat, String path, String expected, Object v) {
        return invalid(caveat, path, "must be " + expected + ", not " + describeValue(v));
    }

    private static KithException.InvalidArgument invalid(String caveat, String path, String message) {
        return new KithException.InvalidArgument(
                "context", "parameter '" + path + "' of caveat " + caveat + ": " + message);
    }

    private static String describeValue(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
            case Boolean b -> "the bool " + b;
            case Number n -> "the number " + n;
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> "a " + v.getClass().getSimpleName();
        };
    }
}

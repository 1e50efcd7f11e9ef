package dev.kith.engine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Bounds on caveat evaluation, so that no caveat and no context can make a check run for long.
 *
 * <p>{@code maxCost} bounds the work of one evaluation of one caveat. Its unit is one evaluated CEL expression
 * node (a constant, an identifier, a call, one step of a comprehension's loop): {@code xs.exists(x, x == 1)} over
 * a list of n elements costs about 6n. CEL's own comprehension budget ({@code comprehensionMaxIterations}) is set
 * to the same number, so a comprehension is stopped even by itself. Past it the evaluation stops with {@link
 * KithException.CaveatCostExceeded}. At roughly 50 to 100 ns a node, the default of 100,000 is a few ms.
 *
 * <p>The other limits bound every caveat context, both a request's and the one stored on a relationship: the
 * elements of a list, the entries of a map, the UTF-8 bytes of a string (keys included), and how deeply lists
 * and maps nest inside one parameter value (a list of ints is depth 1).
 *
 * @param maxCost cost units one caveat evaluation may spend (default 100,000)
 * @param maxListLength elements of a list in a context (default 10,000)
 * @param maxMapEntries entries of a map in a context (default 10,000)
 * @param maxStringBytes UTF-8 bytes of a string in a context (default 16 KiB)
 * @param maxDepth nesting of lists and maps in one parameter value (default 16)
 */
public record CaveatLimits(long maxCost, int maxListLength, int maxMapEntries, int maxStringBytes, int maxDepth) {
    public static final long DEFAULT_MAX_COST = 100_000;

    public CaveatLimits {
        if (maxCost < 1 || maxCost > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("caveat cost limit must be from 1 to " + Integer.MAX_VALUE);
        }
        if (maxListLength < 1 || maxMapEntries < 1 || maxStringBytes < 1 || maxDepth < 1) {
            throw new IllegalArgumentException("caveat context limits must be at least 1");
        }
    }

    public static CaveatLimits defaults() {
        return new CaveatLimits(DEFAULT_MAX_COST, 10_000, 10_000, 16 << 10, 16);
    }

    public CaveatLimits withMaxCost(long v) {
        return new CaveatLimits(v, maxListLength, maxMapEntries, maxStringBytes, maxDepth);
    }

    /**
     * Where a context value breaks a limit: {@code path} is relative to the value ({@code ""} for the value
     * itself, else {@code [3]} or {@code ["key"]}), {@code reason} says which limit.
     */
    public record Violation(String path, String reason) {}

    /** The first limit the JSON-shaped {@code value} breaks, or null when it is within all of them. */
    public Violation violation(Object value) {
        return walk(value, "", 0);
    }

    private Violation walk(Object value, String path, int depth) {
        switch (value) {
            case String s -> {
                return stringViolation(s, path, "a string");
            }
            case List<?> list -> {
                if (depth + 1 > maxDepth) return tooDeep(path);
                if (list.size() > maxListLength) {
                    return new Violation(
                            path,
                            "is a list of " + list.size() + " elements; a caveat context list may have at most "
                                    + maxListLength);
                }
                for (int i = 0; i < list.size(); i++) {
                    Violation v = walk(list.get(i), path + "[" + i + "]", depth + 1);
                    if (v != null) return v;
                }
                return null;
            }
            case Map<?, ?> map -> {
                if (depth + 1 > maxDepth) return tooDeep(path);
                if (map.size() > maxMapEntries) {
                    return new Violation(
                            path,
                            "is a map of " + map.size() + " entries; a caveat context map may have at most "
                                    + maxMapEntries);
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    Violation k = stringViolation(key, path, "a key");
                    if (k != null) return k;
                    Violation v = walk(e.getValue(), path + "[\"" + key + "\"]", depth + 1);
                    if (v != null) return v;
                }
                return null;
            }
            case Double d
            when d.isInfinite() -> {
                // JSON's 1e400: a double cannot hold it, and infinity would be kept and written back as "Infinity"
                return new Violation(path, "is a number too large for a double");
            }
            case null, default -> {
                return null;
            }
        }
    }

    private Violation stringViolation(String s, String path, String what) {
        // A char is at most 3 UTF-8 bytes: short strings need no encoding.
        if ((long) s.length() * 3 <= maxStringBytes) return null;
        int bytes = s.getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= maxStringBytes) return null;
        return new Violation(
                path,
                "is " + what + " of " + bytes + " bytes; a caveat context string may have at most " + maxStringBytes);
    }

    private Violation tooDeep(String path) {
        return new Violation(path, "nests lists and maps deeper than " + maxDepth + " levels");
    }
}

package dev.kith.schema;

/**
 * Bounds on the size and shape of a schema, so that what a schema write costs (memory, time, stack) is bounded
 * and linear in the schema. Each is checked when a schema is compiled; going over one is a diagnostic that
 * names the limit (by its {@code max-…} name, the name of its {@code kith serve} flag without the {@code
 * --schema-} prefix), its value and where the schema went over it. The defaults are far above what real
 * schemas use.
 *
 * @param maxSchemaBytes the schema text, in UTF-8 bytes ({@code max-bytes}, default 4 MiB)
 * @param maxDefinitions definitions and caveats together ({@code max-definitions}, default 2,000)
 * @param maxRelationsPerDefinition relations and permissions of one definition ({@code max-relations}, default
 *     500)
 * @param maxAllowedTypes allowed subject types of one relation, or types in one permission's annotation ({@code
 *     max-allowed-types}, default 100)
 * @param maxExpressionNodes names, arrows, {@code nil}s and operators in one permission's expression ({@code
 *     max-expression-nodes}, default 1,000)
 * @param maxExpressionNesting parentheses nested in one permission's expression, and type arguments nested in a
 *     caveat parameter's type ({@code max-expression-nesting}, default 50)
 * @param maxPermissionDepth the longest chain of references from a relation or permission through computed
 *     usersets, arrows and subject relations ({@code a -> b -> …}, each reference counting one; a reference back
 *     into the chain, which evaluation walks only as far as data goes, ends it) ({@code max-permission-depth},
 *     default 200)
 * @param maxCaveatParameters parameters of one caveat ({@code max-caveat-parameters}, default 50)
 * @param maxCaveatExpressionBytes one caveat's CEL expression, in UTF-8 bytes ({@code max-caveat-bytes}, default
 *     16 KiB)
 */
public record SchemaLimits(
        int maxSchemaBytes,
        int maxDefinitions,
        int maxRelationsPerDefinition,
        int maxAllowedTypes,
        int maxExpressionNodes,
        int maxExpressionNesting,
        int maxPermissionDepth,
        int maxCaveatParameters,
        int maxCaveatExpressionBytes) {

    /** The defaults: generous for real schemas, bounding what one schema costs. */
    public static final SchemaLimits DEFAULTS =
            new SchemaLimits(4 << 20, 2_000, 500, 100, 1_000, 50, 200, 50, 16 << 10);

    /**
     * No bound but those that keep compiling safe for the stack (the default nesting and expression size): for a
     * schema that was accepted when it was written and is only being loaded again.
     */
    public static final SchemaLimits STORED = new SchemaLimits(
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            DEFAULTS.maxExpressionNodes,
            DEFAULTS.maxExpressionNesting,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE);

    public SchemaLimits {
        positive("max-bytes", maxSchemaBytes);
        positive("max-definitions", maxDefinitions);
        positive("max-relations", maxRelationsPerDefinition);
        positive("max-allowed-types", maxAllowedTypes);
        positive("max-expression-nodes", maxExpressionNodes);
        positive("max-expression-nesting", maxExpressionNesting);
        positive("max-permission-depth", maxPermissionDepth);
        positive("max-caveat-parameters", maxCaveatParameters);
        positive("max-caveat-bytes", maxCaveatExpressionBytes);
    }

    /** The names of the limits, in the order of this record's components. */
    public static final java.util.List<String> NAMES = java.util.List.of(
            "max-bytes",
            "max-definitions",
            "max-relations",
            "max-allowed-types",
            "max-expression-nodes",
            "max-expression-nesting",
            "max-permission-depth",
            "max-caveat-parameters",
            "max-caveat-bytes");

    /**
     * These limits changed by {@code spec}, a comma-separated list of {@code name=value} (names from {@link
     * #NAMES}, such as {@code max-definitions=5000,max-permission-depth=300}); an empty spec changes nothing.
     *
     * @throws IllegalArgumentException naming what is wrong with the spec
     */
    public SchemaLimits with(String spec) {
        int[] values = {
            maxSchemaBytes,
            maxDefinitions,
            maxRelationsPerDefinition,
            maxAllowedTypes,
            maxExpressionNodes,
            maxExpressionNesting,
            maxPermissionDepth,
            maxCaveatParameters,
            maxCaveatExpressionBytes
        };
        for (String part : spec.split(",", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            int which =
                    equals < 0 ? -1 : NAMES.indexOf(item.substring(0, equals).strip());
            if (which < 0) {
                throw new IllegalArgumentException(
                        "schema limit `" + item + "` is not name=value with a name among " + String.join(", ", NAMES));
            }
            try {
                values[which] =
                        Integer.parseInt(item.substring(equals + 1).strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schema limit `" + item + "` needs a whole number", e);
            }
        }
        return new SchemaLimits(
                values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8]);
    }

    private static void positive(String name, int value) {
        if (value < 1) throw new IllegalArgumentException("schema limit " + name + " must be at least 1, not " + value);
    }

    /** "(schema limit max-definitions = 2000)": how a diagnostic names a limit. */
    static String name(String limit, int value) {
        return "(schema limit " + limit + " = " + value + ")";
    }

    /** The UTF-8 length of {@code s}, counting no further than {@code cap + 1}. */
    static long utf8Length(CharSequence s, long cap) {
        long n = 0;
        for (int i = 0; i < s.length() && n <= cap; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}

package dev.kith.schema;

import java.util.Set;
import java.util.regex.Pattern;

/** SpiceDB's naming rules for object types, caveats and relations. */
final class Names {
    private static final String SEGMENT = "[a-z][a-z0-9_]{1,62}[a-z0-9]";
    private static final Pattern TYPE = Pattern.compile("([a-z][a-z0-9_]{1,61}[a-z0-9]/)*" + SEGMENT);
    private static final Pattern RELATION = Pattern.compile(SEGMENT);

    /** Keywords, which cannot be used as names. */
    static final Set<String> RESERVED =
            Set.of("definition", "caveat", "relation", "permission", "nil", "use", "import", "partial", "with");

    private Names() {}

    /** Whether {@code name} is a valid object type or caveat name ({@code prefix/} parts allowed). */
    static boolean isTypeName(String name) {
        return TYPE.matcher(name).matches();
    }

    /** Whether {@code name} is a valid relation or permission name. */
    static boolean isRelationName(String name) {
        return RELATION.matcher(name).matches();
    }

    /** Why a name breaks the rules, for a diagnostic. */
    static String rule(boolean prefixed) {
        return "names are 3 to 64 characters of a-z, 0-9 and '_', start with a letter and do not end with '_'"
                + (prefixed ? "; prefixes are separated by '/'" : "");
    }
}

package dev.kith.api.server;

/**
 * SpiceDB's name and id rules, checked by scanning characters rather than with the regular expressions of
 * {@link dev.kith.engine.RelationshipParser} (same language; this runs on every request's hot path).
 *
 * <ul>
 *   <li>a name segment: a lowercase letter, then lowercase letters, digits or {@code _}, ending in a letter or
 *       digit, 3 to 64 characters (63 for a type prefix);
 *   <li>a type name: {@code prefix/}es followed by a segment;
 *   <li>an object id: 1 or more of {@code a-z A-Z 0-9 / _ | - = +}.
 * </ul>
 */
final class Names {
    private Names() {}

    static boolean isTypeName(String s) {
        int start = 0;
        while (true) {
            int slash = s.indexOf('/', start);
            if (slash < 0) return isSegment(s, start, s.length(), 64);
            if (!isSegment(s, start, slash, 63)) return false;
            start = slash + 1;
        }
    }

    static boolean isRelationName(String s) {
        return isSegment(s, 0, s.length(), 64);
    }

    private static boolean isSegment(String s, int from, int to, int max) {
        int n = to - from;
        if (n < 3 || n > max) return false;
        char first = s.charAt(from);
        if (first < 'a' || first > 'z') return false;
        char last = s.charAt(to - 1);
        if (!lowerOrDigit(last)) return false;
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!lowerOrDigit(c) && c != '_') return false;
        }
        return true;
    }

    private static boolean lowerOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    static boolean isObjectId(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '/'
                    || c == '_'
                    || c == '|'
                    || c == '-'
                    || c == '='
                    || c == '+';
            if (!ok) return false;
        }
        return true;
    }
}

package dev.kith.engine.eval;

/**
 * Object ids by SpiceDB's rule, {@code [a-zA-Z0-9/_|\-=+]{1,1024}} ({@link
 * dev.kith.engine.RelationshipParser#OBJECT_ID}), checked with a loop instead of a regex matcher: it runs on
 * every check, where a matcher costs an allocation and most of a microsecond.
 */
final class Ids {
    private Ids() {}

    static boolean valid(String id) {
        int n = id.length();
        if (n == 0 || n > 1024) return false;
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
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

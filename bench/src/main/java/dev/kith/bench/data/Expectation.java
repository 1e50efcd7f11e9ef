package dev.kith.bench.data;

/** The expected answer of a query line: a permission decision, an error (such as depth exceeded), or none given. */
public enum Expectation {
    /** The subject has the permission. */
    TRUE,
    /** The subject does not have the permission. */
    FALSE,
    /** The check must fail with an error (for example, the depth limit is exceeded). */
    ERROR,
    /** The line states no expectation. */
    NONE;

    /** The word used in a queries file, or {@code null} for {@link #NONE}. */
    public String word() {
        return switch (this) {
            case TRUE -> "true";
            case FALSE -> "false";
            case ERROR -> "error";
            case NONE -> null;
        };
    }

    /** The expectation for a decided boolean answer. */
    public static Expectation of(boolean allowed) {
        return allowed ? TRUE : FALSE;
    }
}

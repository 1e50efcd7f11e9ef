package dev.kith.engine;

/** The three answers of a check (SEMANTICS.md "Three answers"). */
public enum Permissionship {
    NO_PERMISSION,
    /** Granted only if caveats whose context is missing turn out true. */
    CONDITIONAL_PERMISSION,
    HAS_PERMISSION
}

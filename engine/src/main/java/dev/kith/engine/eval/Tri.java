package dev.kith.engine.eval;

import dev.kith.engine.Permissionship;

/** Three-valued answers as ints, so the check hot path allocates nothing: NO &lt; CONDITIONAL &lt; HAS. */
final class Tri {
    static final int NO = 0;
    static final int CONDITIONAL = 1;
    static final int HAS = 2;

    private Tri() {}

    static Permissionship toPermissionship(int t) {
        return switch (t) {
            case NO -> Permissionship.NO_PERMISSION;
            case CONDITIONAL -> Permissionship.CONDITIONAL_PERMISSION;
            default -> Permissionship.HAS_PERMISSION;
        };
    }

    static int of(Permissionship p) {
        return switch (p) {
            case NO_PERMISSION -> NO;
            case CONDITIONAL_PERMISSION -> CONDITIONAL;
            case HAS_PERMISSION -> HAS;
        };
    }
}

package dev.kith.client;

import dev.kith.proto.v1.CheckPermissionResponse;

/**
 * The answer of a check in three words: {@link #ALLOWED}, {@link #DENIED}, or {@link #CONDITIONAL} (a caveat needs
 * context the check was not given; the response's {@code partial_caveat_info} names it).
 */
public enum CheckResult {
    /** The subject has the permission. */
    ALLOWED,
    /** The subject does not have the permission. */
    DENIED,
    /** The subject has the permission if a caveat's missing context allows it. */
    CONDITIONAL;

    /**
     * The result for SpiceDB's permissionship; an unset one (never answered by kith) is refused.
     *
     * @param permissionship the permissionship of a check's answer
     * @return the matching result
     * @throws IllegalArgumentException if the permissionship is unspecified or unknown
     */
    public static CheckResult of(CheckPermissionResponse.Permissionship permissionship) {
        return switch (permissionship) {
            case PERMISSIONSHIP_HAS_PERMISSION -> ALLOWED;
            case PERMISSIONSHIP_NO_PERMISSION -> DENIED;
            case PERMISSIONSHIP_CONDITIONAL_PERMISSION -> CONDITIONAL;
            case PERMISSIONSHIP_UNSPECIFIED, UNRECOGNIZED ->
                throw new IllegalArgumentException("the answer carries no permissionship: " + permissionship);
        };
    }
}

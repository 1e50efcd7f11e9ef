package dev.kith.engine.caveat;

import dev.kith.engine.Permissionship;
import java.util.List;
import java.util.Objects;

/**
 * The answer of one caveat: {@code HAS_PERMISSION} when its expression is true, {@code NO_PERMISSION} when
 * false, {@code CONDITIONAL_PERMISSION} when parameters it depends on are missing from the context.
 *
 * @param result the caveat's answer
 * @param missing the sorted names of the missing parameters that left it undecided; empty unless conditional
 */
public record CaveatOutcome(Permissionship result, List<String> missing) {
    /** The outcome of a caveat that evaluated to true. */
    public static final CaveatOutcome TRUE = new CaveatOutcome(Permissionship.HAS_PERMISSION, List.of());

    /** The outcome of a caveat that evaluated to false. */
    public static final CaveatOutcome FALSE = new CaveatOutcome(Permissionship.NO_PERMISSION, List.of());

    public CaveatOutcome {
        Objects.requireNonNull(result, "result");
        missing = List.copyOf(missing);
        if ((result == Permissionship.CONDITIONAL_PERMISSION) == missing.isEmpty()) {
            throw new IllegalArgumentException("missing parameters are listed exactly when the result is conditional");
        }
    }

    /** A conditional outcome depending on {@code missing} (sorted by the caller). */
    public static CaveatOutcome conditional(List<String> missing) {
        return new CaveatOutcome(Permissionship.CONDITIONAL_PERMISSION, missing);
    }
}

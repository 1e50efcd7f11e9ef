package dev.kith.engine.openfga;

import dev.kith.engine.openfga.FgaScenario.Assertion;
import dev.kith.schema.SchemaException;
import dev.kith.schema.openfga.OpenFgaModel;

/**
 * The documented semantic differences between OpenFGA and kith (which follows SpiceDB), by name. An assertion
 * whose mismatch is explained by one is reported under that name, never passed; every other mismatch is a
 * failure.
 */
final class FgaDifferences {
    /** OpenFGA accepts relations defined in terms of each other on one object; kith refuses such a permission. */
    static final String COMPUTED_CYCLE = "relations defined in terms of each other (kith, like SpiceDB, refuses a"
            + " permission defined in terms of itself)";

    private FgaDifferences() {}

    /** The difference that explains why a model OpenFGA accepts does not translate, or null. */
    static String ofModel(SchemaException e) {
        return e.getMessage().contains("is defined in terms of itself") ? COMPUTED_CYCLE : null;
    }

    /** The difference that explains kith's answer {@code found} to {@code assertion}, or null. */
    static String of(OpenFgaModel model, Assertion assertion, OpenFgaRunner.Found found) {
        return null;
    }
}

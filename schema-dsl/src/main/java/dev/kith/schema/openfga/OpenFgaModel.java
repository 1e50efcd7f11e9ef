package dev.kith.schema.openfga;

import dev.kith.schema.ValidatedSchema;
import java.util.Objects;

/**
 * An OpenFGA model translated to kith.
 *
 * @param kithSchema the kith schema text (what {@code kith schema convert --from openfga} prints)
 * @param schema that text, compiled and validated
 * @param names how the model's OpenFGA names map to the schema's kith names
 */
public record OpenFgaModel(String kithSchema, ValidatedSchema schema, OpenFgaNames names) {
    public OpenFgaModel {
        Objects.requireNonNull(kithSchema, "kithSchema");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(names, "names");
    }
}

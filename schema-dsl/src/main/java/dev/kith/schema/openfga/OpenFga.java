package dev.kith.schema.openfga;

import dev.kith.schema.Diagnostic;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.SourcePosition;
import dev.kith.schema.SourceText;
import dev.kith.schema.ValidatedSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Translates models in OpenFGA's modelling language (schema 1.1) into kith schemas: lexer → parser → compiler
 * (OpenFGA's validation rules, then kith schema text) → kith's own compiler and validator. Every problem is a
 * {@link Diagnostic} at the OpenFGA source's line and column; a problem kith's compiler finds in the generated
 * text is reported at the OpenFGA line it came from. Modular models ({@code module}, {@code extend type},
 * {@code fga.mod}, schema 1.2) are refused as not supported.
 */
public final class OpenFga {
    private OpenFga() {}

    /**
     * Translates an OpenFGA model.
     *
     * @param fileName the name diagnostics show (may be empty)
     * @param text the model, in OpenFGA's DSL
     * @throws SchemaException with every problem found, in source order
     */
    public static OpenFgaModel translate(String fileName, String text) throws SchemaException {
        Objects.requireNonNull(text, "text");
        SourceText source = new SourceText(fileName, text);
        List<Diagnostic> diagnostics = new ArrayList<>();
        FgaSyntax.Model model = FgaParser.parse(source, diagnostics);
        SchemaException.throwIfAny(diagnostics);
        FgaCompiler.Output output = FgaCompiler.compile(source, model, diagnostics);
        SchemaException.throwIfAny(diagnostics);
        ValidatedSchema schema;
        try {
            schema = Schemas.compile(fileName, output.kithSchema());
        } catch (SchemaException e) {
            for (Diagnostic d : e.diagnostics()) {
                int line = d.position().line();
                SourcePosition origin =
                        line >= 1 && line <= output.lineOrigins().size()
                                ? output.lineOrigins()
                                        .get(line - 1)
                                        .of(source, d.position().column())
                                : source.position(1, 1);
                diagnostics.add(source.diagnostic(
                        origin,
                        d.message() + " (in the kith translation: `"
                                + d.sourceLine().strip() + "`)"));
            }
            SchemaException.throwIfAny(diagnostics);
            throw e;
        }
        return new OpenFgaModel(output.kithSchema(), schema, output.names());
    }

    /**
     * Translates a kith schema into an OpenFGA model (schema 1.1), the reverse of {@link #translate}.
     *
     * @param fileName the name diagnostics show (may be empty)
     * @param text the kith schema
     * @return the model in OpenFGA's DSL
     * @throws SchemaException with the schema's own errors, or with every construct OpenFGA cannot express (an
     *     expiring relation, {@code nil}, {@code self}, an {@code .all()} arrow, an arrow over a relation that
     *     allows subject sets or wildcards, a {@code bytes} caveat parameter, a name that is an OpenFGA keyword),
     *     each at its kith line
     */
    public static String fromKith(String fileName, String text) throws SchemaException {
        Objects.requireNonNull(text, "text");
        ValidatedSchema schema = Schemas.compile(fileName, text);
        return KithToOpenFga.translate(schema, new SourceText(fileName, text));
    }
}

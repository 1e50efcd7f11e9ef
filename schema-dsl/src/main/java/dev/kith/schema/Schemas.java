package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Entry points of the schema language: compile text into a {@link ValidatedSchema}, print one in
 * canonical form, or check syntax alone. Every entry point bounds the schema by {@link SchemaLimits}
 * (the defaults unless given), so none of them runs out of memory or stack on a hostile text.
 *
 * <p>The pipeline is lexer → parser (syntax tree) → compiler (the {@link Rewrite} model) → validator
 * → {@link ValidatedSchema} → printer. Every stage reports into one list of diagnostics; a stage runs
 * only when the ones before it found nothing, so that one mistake is not reported again as the many
 * things it breaks further on.
 */
public final class Schemas {
    private Schemas() {}

    /**
     * Compiles and validates a schema under the {@linkplain SchemaLimits#DEFAULTS default limits}.
     *
     * @param fileName the name diagnostics show (may be empty)
     * @param text the schema text
     * @throws SchemaException with every problem found, in source order
     */
    public static ValidatedSchema compile(String fileName, String text) throws SchemaException {
        return compile(fileName, text, SchemaLimits.DEFAULTS);
    }

    /**
     * Compiles and validates a schema; a schema over one of {@code limits} is refused with a diagnostic that
     * names the limit.
     *
     * @param fileName the name diagnostics show (may be empty)
     * @param text the schema text
     * @param limits the bounds on the schema's size and shape
     * @throws SchemaException with every problem found, in source order
     */
    public static ValidatedSchema compile(String fileName, String text, SchemaLimits limits) throws SchemaException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(limits, "limits");
        SourceText source = new SourceText(fileName, text);
        List<Diagnostic> diagnostics = new ArrayList<>();
        checkSize(source, text, limits, diagnostics);
        Syntax.SchemaFile file = Parser.parse(source, diagnostics, limits);
        SchemaException.throwIfAny(diagnostics);
        SchemaCompiler.Compiled compiled = SchemaCompiler.compile(source, file, diagnostics);
        SchemaException.throwIfAny(diagnostics);
        var caveatAsts = SchemaValidator.validate(source, file, compiled, limits, diagnostics);
        SchemaException.throwIfAny(diagnostics);
        return new ValidatedSchema(text, compiled, caveatAsts);
    }

    /** Refuses a text over {@link SchemaLimits#maxSchemaBytes} before any of it is read. */
    private static void checkSize(SourceText source, String text, SchemaLimits limits, List<Diagnostic> diagnostics)
            throws SchemaException {
        if (SchemaLimits.utf8Length(text, limits.maxSchemaBytes()) > limits.maxSchemaBytes()) {
            diagnostics.add(source.diagnostic(
                    1,
                    1,
                    "the schema is longer than " + limits.maxSchemaBytes() + " bytes "
                            + SchemaLimits.name("max-bytes", limits.maxSchemaBytes())));
            SchemaException.throwIfAny(diagnostics);
        }
    }

    /**
     * Checks syntax only, as SpiceDB's parser does: the text must parse and {@code use} flags must be
     * known. A caveat's body must close its brackets, but is otherwise not read: CEL belongs to the full
     * check (as in SpiceDB, whose parser leaves the expression to the CEL compiler). Names are not resolved,
     * so a fragment that refers to types defined elsewhere passes.
     *
     * @throws SchemaException with every syntax problem found, in source order
     */
    public static void checkSyntax(String fileName, String text) throws SchemaException {
        Objects.requireNonNull(text, "text");
        SourceText source = new SourceText(fileName, text);
        List<Diagnostic> diagnostics = new ArrayList<>();
        SchemaLimits limits = SchemaLimits.DEFAULTS;
        checkSize(source, text, limits, diagnostics);
        Parser.parse(source, diagnostics, limits);
        SchemaException.throwIfAny(diagnostics);
    }

    /**
     * Parses {@code text} and prints it in canonical form (see {@link Printer}). Formatting is syntax-level: a
     * schema that parses is formatted even when it does not compile (a name that does not resolve, a cycle, a
     * caveat that does not type-check); only a syntax error (or a limit the parser enforces) stops it. The output
     * parses into the same tree, comments and parentheses included, and formatting it again changes nothing.
     *
     * @throws SchemaException with every syntax problem found, in source order
     */
    public static String format(String fileName, String text) throws SchemaException {
        Objects.requireNonNull(text, "text");
        SourceText source = new SourceText(fileName, text);
        List<Diagnostic> diagnostics = new ArrayList<>();
        checkSize(source, text, SchemaLimits.DEFAULTS, diagnostics);
        Syntax.SchemaFile file = Parser.parse(source, diagnostics, SchemaLimits.DEFAULTS);
        SchemaException.throwIfAny(diagnostics);
        return Printer.print(file);
    }

    /** A schema in canonical form: compiling it gives the same model, formatting it the same text. */
    public static String format(ValidatedSchema schema) {
        try {
            return format("", schema.source());
        } catch (SchemaException e) {
            throw new IllegalStateException("a validated schema no longer parses: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code name} may name an object type or a caveat: the naming rules (with {@code prefix/} parts),
     * and not a keyword. For tools that generate schema text, such as the OpenFGA translator.
     */
    public static boolean isTypeName(String name) {
        return Names.isTypeName(name) && !Names.RESERVED.contains(name);
    }

    /** Whether {@code name} may name a relation or a permission: the naming rules, and not a keyword. */
    public static boolean isRelationName(String name) {
        return Names.isRelationName(name) && !Names.RESERVED.contains(name);
    }

    /** Counts of what a schema declares, for summaries. */
    public record Summary(int definitions, int relations, int permissions, int caveats) {}

    /** How many definitions, relations, permissions and caveats {@code schema} declares. */
    public static Summary summarize(ValidatedSchema schema) {
        int relations = 0;
        int permissions = 0;
        for (Definition definition : schema.definitions().values()) {
            for (RelationDef relation : definition.relations().values()) {
                if (relation.isPermission()) {
                    permissions++;
                } else {
                    relations++;
                }
            }
        }
        return new Summary(
                schema.definitions().size(),
                relations,
                permissions,
                schema.caveats().size());
    }
}

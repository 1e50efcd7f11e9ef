package dev.kith.cli;

import dev.kith.schema.Schemas;
import dev.kith.schema.openfga.OpenFga;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith schema convert --from openfga FILE}: prints the kith schema of a model written in another
 * authorization language, in the canonical form {@code kith schema format} prints. Only OpenFGA's modelling
 * language (schema 1.1) is supported, and only towards kith; a model with errors gets its diagnostics (at the
 * model's line and column, as {@link Diagnostics} prints them) on stderr and exit status 1.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Print the kith schema of a model in another language.",
            "--from openfga: OpenFGA's modelling language, schema 1.1 (modular models are not supported).",
            "A relation with directly related types and a rewrite becomes a relation NAME_direct holding its"
                    + " tuples and a permission NAME; names kith does not allow are renamed (a1 -> r_a1)."
        })
final class SchemaConvertCommand implements Callable<Integer> {

    /** The languages {@code --from} accepts. */
    enum Language {
        openfga
    }

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "LANGUAGE",
            description = "The model's language: ${COMPLETION-CANDIDATES}.")
    private Language from;

    @Parameters(paramLabel = "FILE", description = "The model file (.fga).")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return SchemaFiles.withSchemaText(
                    file,
                    err,
                    "not converted",
                    text -> out.print(Schemas.format(
                            file.toString(),
                            switch (from) {
                                case openfga ->
                                    OpenFga.translate(file.toString(), text).kithSchema();
                            })));
        } finally {
            out.flush();
            err.flush();
        }
    }
}

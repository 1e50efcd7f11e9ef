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
 * {@code kith schema convert --from openfga FILE.fga}: prints the kith schema of a model written in OpenFGA's
 * modelling language (schema 1.1), in the canonical form {@code kith schema format} prints; {@code --to openfga
 * FILE.zed} the other way, the OpenFGA model of a kith schema, refusing by name and line every construct OpenFGA
 * cannot express. A file with errors gets its diagnostics (at its line and column, as {@link Diagnostics} prints
 * them) on stderr and exit status 1.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Convert between a kith schema and a model in another language.",
            "--from openfga FILE.fga: the kith schema of an OpenFGA model (schema 1.1; modular models are not"
                    + " supported). A relation with directly related types and a rewrite becomes a relation"
                    + " NAME_direct holding its tuples and a permission NAME; names kith does not allow are renamed"
                    + " (a1 -> r_a1).",
            "--to openfga FILE.zed: the OpenFGA model of a kith schema. Refused, each at its line: expiring"
                    + " relations, nil, self, .all() arrows, arrows over relations that allow subject sets or"
                    + " wildcards, bytes caveat parameters, names that are OpenFGA keywords.",
            "Examples: kith schema convert --from openfga model.fga > schema.zed",
            "          kith schema convert --to openfga schema.zed > model.fga"
        })
final class SchemaConvertCommand implements Callable<Integer> {

    /** The languages {@code --from} and {@code --to} accept. */
    enum Language {
        openfga
    }

    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    private Direction direction;

    /** Exactly one of {@code --from} and {@code --to}. */
    static final class Direction {
        @Option(
                names = "--from",
                paramLabel = "LANGUAGE",
                description = "Convert a model in LANGUAGE to kith: ${COMPLETION-CANDIDATES}.")
        Language from;

        @Option(
                names = "--to",
                paramLabel = "LANGUAGE",
                description = "Convert a kith schema to LANGUAGE: ${COMPLETION-CANDIDATES}.")
        Language to;
    }

    @Parameters(paramLabel = "FILE", description = "The file to convert (.fga with --from, .zed with --to).")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return SchemaFiles.withSchemaText(file, err, "not converted", text -> {
                if (direction.from != null) {
                    out.print(Schemas.format(
                            file.toString(),
                            OpenFga.translate(file.toString(), text).kithSchema()));
                } else {
                    out.print(OpenFga.fromKith(file.toString(), text));
                }
            });
        } finally {
            out.flush();
            err.flush();
        }
    }
}

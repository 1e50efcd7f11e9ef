package dev.kith.cli;

import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.engine.RelationshipParser;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationFileException;
import dev.kith.validation.ValidationFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith import FILE}: loads FILE into a running server, over gRPC or HTTP. A validation file ({@code .yaml}/{@code .yml})
 * has its schema written first, then its relationships imported; any other file is one compact relationship per
 * line, read and sent as it is read, in batches of {@code --batch-size} (each one transaction). A problem is
 * reported at FILE's line, as {@link Diagnostics} prints it: a line that does not parse before anything of its
 * batch is sent, a relationship the server refuses (an unknown relation, a caveat the schema does not allow)
 * when its batch is refused; the batches before it stay imported. A progress bar is drawn on standard error
 * when it is a terminal; the last line says how many relationships were imported.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import a validation YAML file (its schema, then its relationships) or a file of relationships (one"
                    + " per line, // comments) into a running kith server, over gRPC or HTTP.",
            "Relationships are sent in batches as the file is read (over gRPC with ImportBulkRelationships); errors"
                    + " name the file's line."
        },
        footer = {
            "%nExamples:",
            "  kith import data.yaml --endpoint localhost:50051 --insecure",
            "  kith import relationships.txt --endpoint http://127.0.0.1:8443 --batch-size 500"
        })
final class ImportCommand extends RemoteCommand {
    @Parameters(paramLabel = "FILE", description = "A .yaml validation file or a text file of relationships.")
    Path file;

    @Option(
            names = "--batch-size",
            defaultValue = "1000",
            description = "Relationships per request, each imported in one transaction (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    int run(Transport transport, Terminal t) {
        if (batchSize < 1) {
            t.err.println("kith: --batch-size must be at least 1, not " + batchSize);
            return Main.INPUT_ERROR;
        }
        Diagnostics diagnostics = new Diagnostics(t.err);
        Importer importer = new Importer(transport, batchSize, Importer.Progress.onTerminal(t.err));
        try {
            String name = file.getFileName().toString();
            boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
            String schemaNote =
                    yaml ? importYaml(transport, importer, diagnostics) : importLines(importer, diagnostics);
            if (schemaNote == null) return Main.INPUT_ERROR;
            long count = importer.finish();
            t.out.println("imported " + count + " relationships from " + file + schemaNote);
            return Main.OK;
        } catch (Importer.Refused e) {
            diagnostics.error(file, e.line(), e.getMessage());
            return Main.INPUT_ERROR;
        }
    }

    /**
     * Writes the schema of a validation file, then sends its relationships; a note on the schema, or null when
     * the file could not be loaded (its problems printed).
     */
    private String importYaml(Transport transport, Importer importer, Diagnostics diagnostics) {
        ValidationFile loaded;
        try {
            loaded = ValidationFiles.load(file);
        } catch (ValidationFileException e) {
            diagnostics.error(file, e.line(), (e.key() == null ? "" : e.key() + ": ") + e.reason());
            return null;
        }
        String note = "";
        ValidationFile.Schema schema = loaded.schema();
        if (schema != null) {
            try {
                Schemas.compile(schema.name(), schema.text());
            } catch (SchemaException e) {
                e.diagnostics().forEach(d -> diagnostics.error(schema.inFile(file, d)));
                return null;
            }
            try {
                transport.call(
                        Rpc.WRITE_SCHEMA,
                        WriteSchemaRequest.newBuilder().setSchema(schema.text()).build());
            } catch (RemoteException e) {
                if (e.unavailable()) throw e;
                diagnostics.error(file, schema.line(), "schema: " + RemoteCommand.describe(e));
                return null;
            }
            note = " (schema written first)";
        }
        int total = loaded.relationships().size();
        int done = 0;
        for (ValidationFile.RelationshipLine r : loaded.relationships()) {
            done++;
            importer.add(Protos.relationship(r.relationship()), r.line(), (double) done / total);
        }
        return note;
    }

    /** Reads and sends one relationship per line; "" when done, or null when a line does not parse. */
    private String importLines(Importer importer, Diagnostics diagnostics) {
        long size = Math.max(1, sizeOf(file));
        long read = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                read += line.length() + 1;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("//")) continue;
                dev.kith.proto.v1.Relationship relationship;
                try {
                    relationship = Protos.relationship(RelationshipParser.parse(l));
                } catch (KithException.InvalidArgument e) {
                    diagnostics.error(file, lineNo, e.getMessage());
                    return null;
                }
                importer.add(relationship, lineNo, (double) read / size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return "";
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

package dev.kith.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kith.client.KithClient;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationFileException;
import dev.kith.validation.ValidationFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kith import FILE}: loads the relationships of FILE into a running server in one transaction. FILE is a
 * validation file ({@code .yaml}/{@code .yml}, its {@code relationships}) or one compact relationship per line.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Import relationships (a validation YAML file, or one relationship per line) in one batch.")
final class ImportCommand extends ClientCommand {
    @Parameters(paramLabel = "FILE", description = "A .yaml validation file or a text file of relationships.")
    Path file;

    @Override
    int run(KithClient client, PrintWriter out) {
        List<Relationship> relationships = read(file);
        JsonNode answer =
                client.post("/v1/relationships/importbulk", Wire.ndjson(client, relationships), "application/x-ndjson");
        out.println("imported " + answer.path("numLoaded").asText() + " relationships at "
                + answer.path("writtenAt").path("token").asText());
        return 0;
    }

    static List<Relationship> read(Path file) {
        try {
            String name = file.getFileName().toString();
            if (name.endsWith(".yaml") || name.endsWith(".yml"))
                return ValidationFiles.load(file).relationships().stream()
                        .map(ValidationFile.RelationshipLine::relationship)
                        .toList();
            return lines(Files.readString(file), file.toString());
        } catch (ValidationFileException e) {
            throw new KithException.InvalidArgument("FILE", e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** One compact relationship per line; blank lines and {@code //} comments skipped; errors name file:line. */
    private static List<Relationship> lines(String text, String file) {
        List<Relationship> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("//")) continue;
            try {
                out.add(RelationshipParser.parse(l));
            } catch (KithException.InvalidArgument e) {
                throw new KithException.InvalidArgument(file + ":" + lineNo, e.getMessage());
            }
        }
        return out;
    }
}

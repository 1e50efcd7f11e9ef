package dev.kith.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.client.KithClient;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kith backup create FILE}: reads the server's schema (and the revision it was read at), then streams
 * every relationship at exactly that revision into FILE (the format is {@link BackupFile}'s). The file is
 * written under a temporary name and moved into place only once complete, so FILE never holds half a backup; an
 * existing FILE is not overwritten.
 */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Write the server's schema and every relationship, read at one revision, to FILE (with a"
                + " checksum).")
final class BackupCreateCommand extends ClientCommand {
    /** Relationships per line of the file (and per page of the export). */
    static final int PAGE = 1000;

    @Parameters(paramLabel = "FILE", description = "The backup file to write (must not exist).")
    Path file;

    @Override
    int run(KithClient client, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        if (Files.exists(file)) {
            err.println("kith: " + file + " already exists: a backup is never written over a file");
            return 1;
        }
        JsonNode schema;
        try {
            schema = client.post("/v1/schema/read", client.mapper().createObjectNode());
        } catch (KithClient.ApiException e) {
            if (!"NO_SCHEMA".equals(e.code())) throw e;
            err.println("kith: the server has no schema, so there is nothing to back up");
            return 1;
        }
        String readAt = schema.path("readAt").path("token").asText();
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        boolean done = false;
        try {
            long count =
                    write(client, partial, readAt, schema.path("schemaText").asText());
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            out.println("backed up the schema and " + count + " relationships at " + readAt + " to " + file);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (!done) removeQuietly(partial);
        }
    }

    /** Streams the schema and every relationship at {@code readAt} into {@code partial}; returns the count. */
    private static long write(KithClient client, Path partial, String readAt, String schema) throws IOException {
        try (BackupFile.Writer writer = new BackupFile.Writer(
                client.mapper(),
                new BufferedOutputStream(Files.newOutputStream(partial)),
                readAt,
                Instant.now().toString(),
                schema)) {
            ObjectNode body = client.mapper().createObjectNode().put("optionalLimit", PAGE);
            body.putObject("consistency").putObject("atExactSnapshot").put("token", readAt);
            client.stream("/v1/relationships/exportbulk", body, page -> {
                try {
                    writer.relationships(page.path("relationships"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
                }
            });
            writer.end();
            return writer.count();
        }
    }

    /** Removes an unfinished file; a failure to remove it changes nothing about the error being reported. */
    private static void removeQuietly(Path partial) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // the error that left it there is the one to report
        }
    }
}

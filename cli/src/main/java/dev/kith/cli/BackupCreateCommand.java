package dev.kith.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.ZedToken;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kith backup create FILE}: reads the server's schema (and the revision it was read at), then streams every
 * relationship at exactly that revision into FILE (the format is {@link BackupFile}'s), over gRPC
 * ({@code ExportBulkRelationships}) or HTTP ({@code /v1/relationships/exportbulk}). A stream that breaks off is
 * resumed from the cursor of the last page written. The file is written under a temporary name and moved into place
 * only once complete, so FILE never holds half a backup; an existing FILE is not overwritten.
 */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Write the server's schema and every relationship, read at one revision, to FILE (with a"
                + " checksum), over gRPC or HTTP.",
        footer = {
            "%nExamples:",
            "  kith backup create kith.backup --endpoint localhost:50051 --insecure",
            "  kith backup create kith.backup --endpoint https://kith.example.com --token \"$KEY\""
        })
final class BackupCreateCommand extends RemoteCommand {
    /** Relationships per line of the file (and per page of the export). */
    static final int PAGE = 1000;

    /** How many times an export that breaks off is resumed from its last cursor before the backup fails. */
    static final int RESUMES = 3;

    @Parameters(paramLabel = "FILE", description = "The backup file to write (must not exist).")
    Path file;

    @Override
    int run(Transport transport, Terminal t) {
        if (Files.exists(file)) {
            t.err.println("kith: " + file + " already exists: a backup is never written over a file");
            return Main.INPUT_ERROR;
        }
        ReadSchemaResponse schema;
        try {
            schema = transport.call(Rpc.READ_SCHEMA, ReadSchemaRequest.getDefaultInstance());
        } catch (RemoteException e) {
            if (!BackupRestoreCommand.noSchema(e)) throw e;
            t.err.println("kith: the server has no schema, so there is nothing to back up");
            return Main.INPUT_ERROR;
        }
        String readAt = schema.getReadAt().getToken();
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        boolean done = false;
        try {
            long count = write(transport, partial, readAt, schema.getSchemaText());
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            t.out.println("backed up the schema and " + count + " relationships at " + readAt + " to " + file);
            return Main.OK;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (!done) removeQuietly(partial);
        }
    }

    /** Streams the schema and every relationship at {@code readAt} into {@code partial}; returns the count. */
    private static long write(Transport transport, Path partial, String readAt, String schema) throws IOException {
        try (BackupFile.Writer writer = new BackupFile.Writer(
                new ObjectMapper(),
                new BufferedOutputStream(Files.newOutputStream(partial)),
                readAt,
                Instant.now().toString(),
                schema)) {
            Cursor[] after = {null};
            int resumes = 0;
            while (true) {
                ExportBulkRelationshipsRequest.Builder request = ExportBulkRelationshipsRequest.newBuilder()
                        .setOptionalLimit(PAGE)
                        .setConsistency(Consistency.newBuilder()
                                .setAtExactSnapshot(ZedToken.newBuilder().setToken(readAt)));
                if (after[0] != null) request.setOptionalCursor(after[0]);
                try {
                    transport.stream(
                            Rpc.EXPORT_BULK,
                            request.build(),
                            (ExportBulkRelationshipsResponse page) -> {
                                try {
                                    writer.relationships(page.getRelationshipsList());
                                } catch (IOException e) {
                                    throw new UncheckedIOException(
                                            "cannot write " + partial + ": " + e.getMessage(), e);
                                }
                                if (page.hasAfterResultCursor()) after[0] = page.getAfterResultCursor();
                                return true;
                            },
                            true);
                    break;
                } catch (RemoteException e) {
                    // Only a stream that broke off after a page is resumed; any other failure is the answer.
                    if (!e.unavailable() || after[0] == null || ++resumes > RESUMES) throw e;
                }
            }
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

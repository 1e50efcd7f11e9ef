package dev.kith.cli;

import dev.kith.client.KithClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kith backup restore FILE}: restores a backup made by {@code kith backup create} into an empty server.
 * The whole file is read and its checksum verified before anything is written: a truncated or corrupted file is
 * refused and the server left as it was. A server that has a schema is refused too (restoring over data would
 * mix two states). Then the schema is written and the relationships imported, streamed from the file in
 * batches.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restore a backup FILE into an empty kith server (the file is verified whole first).")
final class BackupRestoreCommand extends ClientCommand {
    /** Lines of the file (up to {@link BackupCreateCommand#PAGE} relationships each) per import request. */
    static final int LINES_PER_REQUEST = 10;

    @Parameters(paramLabel = "FILE", description = "A file written by `kith backup create`.")
    Path file;

    @Override
    int run(KithClient client, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        Diagnostics diagnostics = new Diagnostics(err);
        BackupFile.Summary summary;
        try {
            summary = BackupFile.verify(client.mapper(), file);
        } catch (BackupFile.Invalid e) {
            diagnostics.error(file, e.line(), e.getMessage() + "; nothing was restored");
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!isEmpty(client)) {
            err.println("kith: the server is not empty (it has a schema): a backup is restored only into an empty"
                    + " kith; nothing was restored");
            return 1;
        }
        if (!summary.schema().isBlank()) {
            client.post("/v1/schema/write", client.mapper().createObjectNode().put("schema", summary.schema()));
        }
        Importer importer =
                new Importer(client, LINES_PER_REQUEST * BackupCreateCommand.PAGE, Importer.Progress.onTerminal(err));
        long[] seen = {0};
        try {
            BackupFile.replay(client.mapper(), file, (line, number, count) -> {
                seen[0] += count;
                importer.add(
                        line,
                        number,
                        count,
                        summary.relationships() == 0 ? 1 : (double) seen[0] / summary.relationships());
            });
        } catch (BackupFile.Invalid e) {
            diagnostics.error(file, e.line(), "the file changed while it was restored: " + e.getMessage());
            return 1;
        } catch (Importer.Refused e) {
            diagnostics.error(file, e.line(), e.getMessage());
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long count = importer.finish();
        out.println("restored the schema and " + count + " relationships (backed up at " + summary.readAt() + ") from "
                + file);
        return 0;
    }

    /** Whether the server has no schema (and so no relationships: a relationship needs a schema). */
    private static boolean isEmpty(KithClient client) {
        try {
            return client.post("/v1/schema/read", client.mapper().createObjectNode())
                    .path("schemaText")
                    .asText()
                    .isBlank();
        } catch (KithClient.ApiException e) {
            if ("NO_SCHEMA".equals(e.code())) return true;
            throw e;
        }
    }
}

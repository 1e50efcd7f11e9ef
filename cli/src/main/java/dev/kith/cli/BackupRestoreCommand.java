package dev.kith.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.proto.v1.ImportBulkRelationshipsRequest;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.WriteSchemaRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kith backup restore FILE}: restores a backup made by {@code kith backup create} into an empty server, over
 * gRPC or HTTP. The whole file is read and its checksum verified before anything is written: a truncated or
 * corrupted file is refused and the server left as it was. A server that has a schema is refused too (restoring
 * over data would mix two states). Then the schema is written and the relationships imported, streamed from the
 * file in batches.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restore a backup FILE into an empty kith server (the file is verified whole first), over gRPC"
                + " or HTTP.",
        footer = {"%nExample:", "  kith backup restore kith.backup --endpoint localhost:50051 --insecure"})
final class BackupRestoreCommand extends RemoteCommand {
    /** Lines of the file (up to {@link BackupCreateCommand#PAGE} relationships each) per import request. */
    static final int LINES_PER_REQUEST = 10;

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    @Parameters(paramLabel = "FILE", description = "A file written by `kith backup create`.")
    Path file;

    @Override
    int run(Transport transport, Terminal t) {
        ObjectMapper mapper = new ObjectMapper();
        Diagnostics diagnostics = new Diagnostics(t.err);
        BackupFile.Summary summary;
        try {
            summary = BackupFile.verify(mapper, file);
        } catch (BackupFile.Invalid e) {
            diagnostics.error(file, e.line(), e.getMessage() + "; nothing was restored");
            return Main.INPUT_ERROR;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!isEmpty(transport)) {
            t.err.println("kith: the server is not empty (it has a schema): a backup is restored only into an empty"
                    + " kith; nothing was restored");
            return Main.INPUT_ERROR;
        }
        if (!summary.schema().isBlank()) {
            transport.call(
                    Rpc.WRITE_SCHEMA,
                    WriteSchemaRequest.newBuilder().setSchema(summary.schema()).build());
        }
        Importer importer = new Importer(
                transport, LINES_PER_REQUEST * BackupCreateCommand.PAGE, Importer.Progress.onTerminal(t.err));
        long[] seen = {0};
        try {
            BackupFile.replay(mapper, file, (line, number, count) -> {
                seen[0] += count;
                importer.add(
                        message(line, number),
                        number,
                        summary.relationships() == 0 ? 1 : (double) seen[0] / summary.relationships());
            });
        } catch (BackupFile.Invalid e) {
            diagnostics.error(file, e.line(), "the file changed while it was restored: " + e.getMessage());
            return Main.INPUT_ERROR;
        } catch (Importer.Refused e) {
            diagnostics.error(file, e.line(), e.getMessage());
            return Main.INPUT_ERROR;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long count = importer.finish();
        t.out.println("restored the schema and " + count + " relationships (backed up at " + summary.readAt()
                + ") from " + file);
        return Main.OK;
    }

    /** A line of relationships of the file as the import message it is; one that is not is refused at its line. */
    private static ImportBulkRelationshipsRequest message(String line, int number) {
        ImportBulkRelationshipsRequest.Builder b = ImportBulkRelationshipsRequest.newBuilder();
        try {
            PARSER.merge(line, b);
        } catch (InvalidProtocolBufferException e) {
            throw new Importer.Refused(number, "not a line of relationships: " + e.getMessage());
        }
        return b.build();
    }

    /** Whether the server has no schema (and so no relationships: a relationship needs a schema). */
    private static boolean isEmpty(Transport transport) {
        try {
            return transport
                    .call(Rpc.READ_SCHEMA, ReadSchemaRequest.getDefaultInstance())
                    .getSchemaText()
                    .isBlank();
        } catch (RemoteException e) {
            if (noSchema(e)) return true;
            throw e;
        }
    }

    /** Whether an error answer of ReadSchema says the server has no schema (kith's NO_SCHEMA, SpiceDB's NOT_FOUND). */
    static boolean noSchema(RemoteException e) {
        return "NO_SCHEMA".equals(e.metadata().get("code")) || e.code().equals("NOT_FOUND");
    }
}

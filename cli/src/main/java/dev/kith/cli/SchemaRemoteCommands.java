package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith schema read} and {@code kith schema write FILE}: the schema of a running server. */
final class SchemaRemoteCommands {
    private SchemaRemoteCommands() {}

    /** The text of FILE, or of standard input for {@code -}; a file that cannot be read is an input error. */
    static String text(Path file, InputStream stdin) {
        try {
            if (file.toString().equals("-")) return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            if (Files.isDirectory(file)) throw new KithException.InvalidArgument("FILE", file + " is a directory");
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new KithException.InvalidArgument("FILE", "cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new KithException.InvalidArgument("FILE", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** {@code kith schema read}. */
    @Command(
            name = "read",
            mixinStandardHelpOptions = true,
            description = "Print the schema of a running server.",
            footer = {"%nExample:", "  kith schema read --endpoint localhost:50051 --insecure > schema.zed"})
    static final class Read extends RemoteCommand {
        @Option(names = "--json", description = "Print the answer as JSON (ReadSchemaResponse).")
        boolean json;

        @Override
        int run(Transport transport, Terminal t) {
            ReadSchemaResponse answer = transport.call(Rpc.READ_SCHEMA, ReadSchemaRequest.getDefaultInstance());
            if (json) {
                t.out.println(Protos.json(answer));
            } else {
                String text = answer.getSchemaText();
                t.out.print(text.endsWith("\n") ? text : text + "\n");
            }
            return Main.OK;
        }
    }

    /** {@code kith schema write FILE}. */
    @Command(
            name = "write",
            mixinStandardHelpOptions = true,
            description = {
                "Replace the schema of a running server with FILE (- for standard input); prints the write's token.",
                "The server refuses a schema with errors (each with its line and column) and one that would orphan"
                        + " stored relationships; `kith schema diff FILE` says beforehand."
            },
            footer = {"%nExample:", "  kith schema write schema.zed"})
    static final class Write extends RemoteCommand {
        @Parameters(paramLabel = "FILE", description = "The schema file, or - for standard input.")
        Path file;

        @Option(names = "--json", description = "Print the answer as JSON (WriteSchemaResponse).")
        boolean json;

        @Override
        int run(Transport transport, Terminal t) {
            String schema = text(file, System.in);
            WriteSchemaResponse answer = transport.call(
                    Rpc.WRITE_SCHEMA,
                    WriteSchemaRequest.newBuilder().setSchema(schema).build());
            t.out.println(json ? Protos.json(answer) : answer.getWrittenAt().getToken());
            return Main.OK;
        }
    }
}

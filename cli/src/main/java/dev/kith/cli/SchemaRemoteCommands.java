package dev.kith.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import dev.kith.schema.Diagnostic;
import dev.kith.schema.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith schema read} and {@code kith schema write FILE}: the schema of a running server. */
final class SchemaRemoteCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

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
                "The server refuses a schema with errors, each printed as FILE:LINE:COL: error: message with the"
                        + " line and a caret, and one that would orphan stored relationships; `kith schema diff FILE`"
                        + " says beforehand."
            },
            footer = {
                "%nExamples:",
                "  kith schema write schema.zed",
                "  kith schema format schema.zed | kith schema write -"
            })
    static final class Write extends RemoteCommand {
        @Parameters(paramLabel = "FILE", description = "The schema file, or - for standard input.")
        Path file;

        @Option(names = "--json", description = "Print the answer as JSON (WriteSchemaResponse).")
        boolean json;

        @Override
        int run(Transport transport, Terminal t) {
            String schema = text(file, System.in);
            WriteSchemaResponse answer;
            try {
                answer = transport.call(
                        Rpc.WRITE_SCHEMA,
                        WriteSchemaRequest.newBuilder().setSchema(schema).build());
            } catch (RemoteException e) {
                List<Diagnostic> found =
                        diagnostics(e, file.toString().equals("-") ? "<stdin>" : file.toString(), schema);
                if (found.isEmpty()) throw e;
                Diagnostics out = new Diagnostics(t.err);
                found.forEach(out::error);
                t.err.println(found.getFirst().position().file() + ": " + found.size() + " error"
                        + (found.size() == 1 ? "" : "s") + "; the server's schema is unchanged");
                return Main.INPUT_ERROR;
            }
            t.out.println(json ? Protos.json(answer) : answer.getWrittenAt().getToken());
            return Main.OK;
        }
    }

    /** How SpiceDB places a schema error in its message: {@code …, line 3, column 22: …}. */
    private static final Pattern AT_LINE = Pattern.compile("line (\\d+), column (\\d+)");

    /**
     * The errors an invalid-schema answer describes, placed in {@code name} (the file written) with their source
     * lines from {@code schema}: kith's answer lists them in its {@code diagnostics} metadata; SpiceDB's message
     * names a line and a column. Empty when the answer is about something else (orphaned relationships, a server
     * that cannot be reached).
     */
    static List<Diagnostic> diagnostics(RemoteException e, String name, String schema) {
        List<String> lines = schema.lines().toList();
        List<Diagnostic> found = new ArrayList<>();
        String listed = e.metadata().get("diagnostics");
        if (listed != null) {
            try {
                for (JsonNode d : JSON.readTree(listed)) {
                    int line = d.path("line").asInt();
                    if (line < 1) continue;
                    found.add(at(
                            name,
                            lines,
                            line,
                            d.path("column").asInt(1),
                            d.path("message").asText()));
                }
            } catch (IOException x) {
                // not the list kith sends: the message alone is reported
            }
        }
        if (found.isEmpty() && "INVALID_ARGUMENT".equals(e.code()) && e.getMessage() != null) {
            Matcher m = AT_LINE.matcher(e.getMessage());
            if (m.find()) {
                String message = e.getMessage().substring(m.end()).replaceFirst("^[:,]?\\s*", "");
                found.add(at(
                        name,
                        lines,
                        Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)),
                        message.isEmpty() ? e.getMessage() : message));
            }
        }
        return found;
    }

    private static Diagnostic at(String name, List<String> lines, int line, int column, String message) {
        String source = line <= lines.size() ? lines.get(line - 1) : "";
        return new Diagnostic(new SourcePosition(name, line, Math.max(1, column)), message, source);
    }
}

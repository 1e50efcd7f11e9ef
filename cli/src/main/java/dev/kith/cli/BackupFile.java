package dev.kith.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * kith's backup file: UTF-8 text, one JSON object per line (NDJSON), written and read as a stream.
 *
 * <pre>
 * {"kithBackup":1,"readAt":"TOKEN","createdAt":"2026-12-08T00:00:00Z"}
 * {"schema":"definition user {}\n…"}
 * {"relationships":[{…},{…}]}          ← any number of these, in the v1 API's JSON shape
 * {"end":{"relationships":N,"sha256":"HEX"}}
 * </pre>
 *
 * The first line says what the file is and the revision everything in it was read at ({@code readAt}, the
 * server's consistency token); the second holds the schema; each {@code relationships} line holds up to a
 * page of relationships (the same message {@code /v1/relationships/importbulk} takes); the last line counts
 * them and carries the SHA-256 of every byte before it. A file whose last line is missing (truncated), whose
 * count or checksum does not match (corrupted), or whose lines are out of this order is refused by {@link
 * #verify} before anything is restored.
 */
final class BackupFile {
    static final int VERSION = 1;

    /** A backup file that is not whole or not one: what is wrong, and on which line. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;

        Invalid(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }

        /** The line of the file (1-based), or 0 for the whole file. */
        int line() {
            return line;
        }
    }

    /** What {@link #verify} found in a whole file. */
    record Summary(String readAt, String schema, long relationships) {}

    /** Receives the content of a verified file, line by line. */
    interface Reader {
        void relationships(String line, int lineNumber, int count);
    }

    private BackupFile() {}

    /** Writes a backup file line by line, hashing what it writes. */
    static final class Writer implements AutoCloseable {
        private final ObjectMapper mapper;
        private final OutputStream out;
        private final MessageDigest sha256 = sha256();
        private long relationships;

        Writer(ObjectMapper mapper, OutputStream out, String readAt, String createdAt, String schema)
                throws IOException {
            this.mapper = mapper;
            this.out = out;
            line(mapper.createObjectNode()
                    .put("kithBackup", VERSION)
                    .put("readAt", readAt)
                    .put("createdAt", createdAt));
            line(mapper.createObjectNode().put("schema", schema));
        }

        /** One line of relationships (a page of an export), as the import message that takes them back. */
        void relationships(java.util.List<dev.kith.proto.v1.Relationship> page) throws IOException {
            if (page.isEmpty()) return;
            byte[] b = Protos.json(dev.kith.proto.v1.ImportBulkRelationshipsRequest.newBuilder()
                            .addAllRelationships(page)
                            .build())
                    .getBytes(StandardCharsets.UTF_8);
            write(b);
            relationships += page.size();
        }

        long count() {
            return relationships;
        }

        /** Writes the last line: the count and the checksum of everything before it. */
        void end() throws IOException {
            ObjectNode end = mapper.createObjectNode();
            end.putObject("end")
                    .put("relationships", relationships)
                    .put("sha256", HexFormat.of().formatHex(sha256.digest()));
            out.write(bytes(end));
            out.write('\n');
        }

        private void line(JsonNode n) throws IOException {
            byte[] b = bytes(n);
            write(b);
        }

        private void write(byte[] b) throws IOException {
            sha256.update(b);
            sha256.update((byte) '\n');
            out.write(b);
            out.write('\n');
        }

        private byte[] bytes(JsonNode n) throws JsonProcessingException {
            return mapper.writeValueAsBytes(n);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * Reads the whole file and checks it: the header first, the schema second, relationship lines, the end line
     * last with the right count and checksum.
     */
    static Summary verify(ObjectMapper mapper, Path file) throws Invalid, IOException {
        return read(mapper, file, null);
    }

    /**
     * Reads a file {@link #verify} accepted again, handing each line of relationships to {@code reader} as it is
     * read (checking it again as it goes).
     */
    static Summary replay(ObjectMapper mapper, Path file, Reader reader) throws Invalid, IOException {
        return read(mapper, file, reader);
    }

    private static Summary read(ObjectMapper mapper, Path file, Reader reader) throws Invalid, IOException {
        MessageDigest sha256 = sha256();
        try (InputStream raw = Files.newInputStream(file);
                BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
            String readAt = null;
            String schema = null;
            long count = 0;
            int lineNumber = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                JsonNode n = parse(mapper, line, lineNumber);
                if (lineNumber == 1) {
                    if (n.path("kithBackup").asInt() != VERSION
                            || !n.path("readAt").isTextual()) {
                        throw new Invalid(
                                1,
                                "not a kith backup file (version " + VERSION + "): its first line must"
                                        + " be {\"kithBackup\":1,\"readAt\":…}");
                    }
                    readAt = n.get("readAt").asText();
                } else if (lineNumber == 2) {
                    if (!n.path("schema").isTextual()) throw new Invalid(2, "the second line must hold the schema");
                    schema = n.get("schema").asText();
                } else if (n.has("end")) {
                    JsonNode end = n.get("end");
                    String expected = HexFormat.of().formatHex(sha256.digest());
                    if (!expected.equals(end.path("sha256").asText())) {
                        throw new Invalid(lineNumber, "the file is corrupted: its checksum does not match");
                    }
                    if (end.path("relationships").asLong(-1) != count) {
                        throw new Invalid(
                                lineNumber,
                                "the file is corrupted: it says "
                                        + end.path("relationships").asText() + " relationships," + " it holds "
                                        + count);
                    }
                    if (in.readLine() != null) {
                        throw new Invalid(lineNumber + 1, "the file goes on after its end line");
                    }
                    return new Summary(readAt, schema, count);
                } else if (n.path("relationships").isArray()) {
                    int size = n.get("relationships").size();
                    count += size;
                    if (reader != null) reader.relationships(line, lineNumber, size);
                } else {
                    throw new Invalid(lineNumber, "expected a line of relationships or the end line");
                }
                sha256.update(line.getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) '\n');
            }
            throw new Invalid(
                    0,
                    lineNumber == 0
                            ? "the file is empty"
                            : "the file is truncated: it ends without its end line (after line " + lineNumber + ")");
        }
    }

    private static JsonNode parse(ObjectMapper mapper, String line, int lineNumber) throws Invalid {
        try {
            JsonNode n = mapper.readTree(line);
            if (n == null || !n.isObject()) throw new Invalid(lineNumber, "expected a JSON object on this line");
            return n;
        } catch (JsonProcessingException e) {
            throw new Invalid(
                    lineNumber, "the file is corrupted: this line is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

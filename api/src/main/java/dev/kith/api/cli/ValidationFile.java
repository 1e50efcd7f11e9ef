package dev.kith.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SpiceDB validation file that the service needs: the schema ({@code schema}, or {@code
 * schemaFile} relative to the file), the relationships (one string, one per line; blank lines and {@code //}
 * comments skipped) and the assertions ({@code assertTrue}, {@code assertFalse}, {@code assertCaveated}).
 */
record ValidationFile(Path file, String schema, List<Relationship> relationships, List<Assertion> assertions) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What an assertion expects of a check. */
    enum Expect {
        TRUE,
        FALSE,
        CAVEATED
    }

    /** One assertion: the check as written, what it expects, and its context (possibly empty). */
    record Assertion(String text, Relationship check, java.util.Map<String, Object> context, Expect expect) {}

    static ValidationFile load(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new KithException.InvalidArgument(file.toString(), "is not a YAML mapping");
        }
        String schema;
        if (root.hasNonNull("schemaFile")) {
            Path schemaFile = file.toAbsolutePath()
                    .getParent()
                    .resolve(root.get("schemaFile").asText());
            schema = Files.readString(schemaFile);
        } else if (root.hasNonNull("schema")) {
            schema = root.get("schema").asText();
        } else {
            throw new KithException.InvalidArgument(file.toString(), "has neither 'schema' nor 'schemaFile'");
        }
        List<Relationship> relationships =
                relationshipLines(root.path("relationships").asText(""), file + ": relationships line ");
        List<Assertion> assertions = new ArrayList<>();
        JsonNode a = root.path("assertions");
        assertions(file, a.path("assertTrue"), Expect.TRUE, assertions);
        assertions(file, a.path("assertFalse"), Expect.FALSE, assertions);
        assertions(file, a.path("assertCaveated"), Expect.CAVEATED, assertions);
        return new ValidationFile(file, schema, relationships, assertions);
    }

    /**
     * Parses one compact relationship per line, skipping blank lines and {@code //} comments; an error names
     * {@code where} followed by the line number.
     */
    static List<Relationship> relationshipLines(String text, String where) {
        List<Relationship> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("//")) continue;
            try {
                out.add(RelationshipParser.parse(l));
            } catch (KithException.InvalidArgument e) {
                throw new KithException.InvalidArgument(where + lineNo, e.getMessage());
            }
        }
        return out;
    }

    private static void assertions(Path file, JsonNode list, Expect expect, List<Assertion> out) {
        if (!list.isArray()) return;
        for (JsonNode n : list) {
            String text = n.asText().strip();
            int with = text.indexOf(" with ");
            String check = with < 0 ? text : text.substring(0, with).strip();
            java.util.Map<String, Object> context = with < 0
                    ? java.util.Map.of()
                    : RelationshipParser.parseContext(text.substring(with + 6).strip(), file + ": context of " + text);
            out.add(new Assertion(text, RelationshipParser.parse(check), context, expect));
        }
    }
}

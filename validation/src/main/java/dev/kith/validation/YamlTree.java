package dev.kith.validation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A YAML document read into a small tree that keeps the line of every node, so that errors and failures can
 * point at the line of a key or list entry. Scalars keep their text (YAML's typing of plain scalars such as
 * {@code 42} or {@code true} is irrelevant here); an empty value or {@code null} is a scalar with a null text.
 */
final class YamlTree {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private YamlTree() {}

    /** A node of the tree, with its 1-based line. */
    sealed interface Node permits Scalar, Sequence, Mapping {
        int line();
    }

    /** A scalar; {@code text} is null for YAML null or an empty value. */
    record Scalar(String text, int line) implements Node {}

    /** A list. */
    record Sequence(List<Node> items, int line) implements Node {}

    /** A mapping whose keys are scalars, in document order. */
    record Mapping(List<Entry> entries, int line) implements Node {}

    /** One key of a mapping, with the line of the key. */
    record Entry(String key, int line, Node value) {}

    /** A document that is not well-formed YAML. */
    static final class SyntaxError extends Exception {
        private final int line;

        SyntaxError(String message, int line) {
            super(message, null, false, false);
            this.line = line;
        }

        int line() {
            return line;
        }
    }

    /** Parses {@code text}; an empty document is a null scalar. */
    static Node parse(String text) throws SyntaxError {
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) return new Scalar(null, 1);
            Node root = read(p);
            if (p.nextToken() != null) {
                throw new SyntaxError("only one YAML document is allowed", line(p));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new SyntaxError(e.getOriginalMessage(), at == null ? 0 : at.getLineNr());
        } catch (IOException e) {
            throw new SyntaxError(e.getMessage(), 0);
        }
    }

    /** Reads the node whose first token is the current one. */
    private static Node read(JsonParser p) throws IOException, SyntaxError {
        int line = line(p);
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                List<Entry> entries = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p);
                    for (Entry e : entries) {
                        if (e.key().equals(key)) {
                            throw new SyntaxError(
                                    "key `" + key + "` is repeated (first on line " + e.line() + ")", keyLine);
                        }
                    }
                    p.nextToken();
                    entries.add(new Entry(key, keyLine, read(p)));
                }
                yield new Mapping(List.copyOf(entries), line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) items.add(read(p));
                yield new Sequence(List.copyOf(items), line);
            }
            case VALUE_NULL -> new Scalar(null, line);
            default -> {
                if (!t.isScalarValue()) throw new SyntaxError("unexpected YAML token " + t, line);
                yield new Scalar(p.getText(), line);
            }
        };
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }
}

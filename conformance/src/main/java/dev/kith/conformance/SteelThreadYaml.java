package dev.kith.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The three shapes of SpiceDB's steel-thread golden files, read from them and written exactly as the Go test
 * writes them with {@code yaml.v3} (every string single-quoted, a quote doubled): a list of strings ({@code
 * - 'doc-0'}), a list of pages, each a list of strings ({@code - - 'doc-0'} then {@code   - 'doc-1'}), and a map
 * that is empty ({@code {}}) or holds an error ({@code error: '…'}).
 */
final class SteelThreadYaml {
    private static final YAMLMapper YAML = new YAMLMapper();

    private SteelThreadYaml() {}

    /** A golden file's content, or an operation's output in the same form. */
    sealed interface Document permits Strings, Pages, Outcome {
        /** The lines of the golden file after its {@code ---}. */
        List<String> lines();
    }

    /** A list of strings. */
    record Strings(List<String> items) implements Document {
        @Override
        public List<String> lines() {
            if (items.isEmpty()) return List.of("[]");
            return items.stream().map(i -> "- " + quoted(i)).toList();
        }
    }

    /** A list of pages of strings. */
    record Pages(List<List<String>> pages) implements Document {
        @Override
        public List<String> lines() {
            if (pages.isEmpty()) return List.of("[]");
            List<String> lines = new ArrayList<>();
            for (List<String> page : pages) {
                if (page.isEmpty()) lines.add("- []");
                for (int i = 0; i < page.size(); i++) lines.add((i == 0 ? "- - " : "  - ") + quoted(page.get(i)));
            }
            return lines;
        }

        /** Every string of every page, sorted, each once. */
        Strings union() {
            TreeSet<String> all = new TreeSet<>();
            pages.forEach(all::addAll);
            return new Strings(List.copyOf(all));
        }
    }

    /** An operation without output that succeeded ({@code error} null: {@code {}}) or failed. */
    record Outcome(String error) implements Document {
        @Override
        public List<String> lines() {
            return List.of(error == null ? "{}" : "error: " + quoted(error));
        }
    }

    static Strings list(List<String> items) {
        return new Strings(List.copyOf(items));
    }

    static Pages pages(List<List<String>> pages) {
        return new Pages(pages.stream().map(List::copyOf).toList());
    }

    static Outcome emptyMap() {
        return new Outcome(null);
    }

    static Outcome error(String message) {
        return new Outcome(message);
    }

    /** Reads a golden file; an unreadable file or one of another shape is an {@link IllegalArgumentException}. */
    static Document read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the expected results " + file + ": " + e.getMessage(), e);
        }
        if (root != null && root.isObject()) {
            JsonNode error = root.get("error");
            if (root.isEmpty()) return emptyMap();
            if (root.size() == 1 && error != null && error.isTextual()) return error(error.asText());
        } else if (root != null && root.isArray()) {
            if (!root.isEmpty() && root.get(0).isArray()) {
                List<List<String>> pages = new ArrayList<>();
                for (JsonNode page : root) pages.add(strings(page, file));
                return pages(pages);
            }
            return list(strings(root, file));
        }
        throw new IllegalArgumentException(
                file + ": expected a list of strings, a list of lists of strings, {} or {error: …}");
    }

    private static List<String> strings(JsonNode list, Path file) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isValueNode()) throw new IllegalArgumentException(file + ": expected strings in every list");
            out.add(item.asText());
        }
        return out;
    }

    /** A YAML single-quoted scalar: the quote itself is doubled. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}

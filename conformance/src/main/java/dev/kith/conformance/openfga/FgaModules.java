package dev.kith.conformance.openfga;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenFGA's modular models as one model: an {@code fga.mod} file lists module files ({@code contents}), each
 * starting with {@code module NAME} and holding {@code type} and {@code condition} blocks, and {@code extend type
 * T} blocks that add relations to a type another module defines. The model the store uses is their union: every
 * type once, with the relations of its extensions after its own, and every condition. The result is a single-file
 * model in OpenFGA's DSL (schema 1.1), which the translator reads like any other.
 *
 * <p>What OpenFGA refuses here is refused too, with the file that causes it: a type defined twice, an extension of
 * a type no module defines, a relation an extension defines twice on its type.
 */
final class FgaModules {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private FgaModules() {}

    /** One type: its own lines (after {@code type T}), then the relations extensions add. */
    private static final class Type {
        final String file;
        final List<String> lines = new ArrayList<>();
        final List<String> extensions = new ArrayList<>();

        Type(String file) {
            this.file = file;
        }

        boolean hasRelations() {
            return lines.stream().anyMatch(l -> l.strip().equals("relations"));
        }

        boolean defines(String relation) {
            String define = "define " + relation + ":";
            return lines.stream().anyMatch(l -> l.strip().startsWith(define))
                    || extensions.stream().anyMatch(l -> l.strip().startsWith(define));
        }
    }

    /** The model {@code fgaMod} composes, as one DSL text. */
    static String compose(Path fgaMod) throws FgaSuiteLoader.LoadException {
        Map<?, ?> manifest;
        try {
            manifest = YAML.readValue(fgaMod.toFile(), Map.class);
        } catch (IOException e) {
            throw new FgaSuiteLoader.LoadException(fgaMod + ": " + e.getMessage());
        }
        if (manifest == null || !(manifest.get("contents") instanceof List<?> contents) || contents.isEmpty()) {
            throw new FgaSuiteLoader.LoadException(fgaMod + ": `contents` must list the module files");
        }
        Map<String, Type> types = new LinkedHashMap<>();
        List<String[]> extensions = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        for (Object entry : contents) {
            String name = String.valueOf(entry);
            Path file = fgaMod.resolveSibling(name);
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new FgaSuiteLoader.LoadException(fgaMod + ": cannot read module file " + name + ": " + e);
            }
            read(name, lines, types, extensions, conditions);
        }
        for (String[] ext : extensions) {
            Type t = types.get(ext[1]);
            if (t == null) {
                throw new FgaSuiteLoader.LoadException(
                        ext[0] + " extends type " + ext[1] + ", which no module defines");
            }
            String line = ext[2];
            String relation =
                    line.strip().substring("define ".length()).split(":", 2)[0].strip();
            if (t.defines(relation)) {
                throw new FgaSuiteLoader.LoadException(
                        ext[0] + " extends type " + ext[1] + " with relation " + relation + ", which it already has");
            }
            t.extensions.add(line);
        }
        StringBuilder model = new StringBuilder("model\n  schema 1.1\n");
        types.forEach((name, t) -> {
            model.append("\ntype ").append(name).append('\n');
            t.lines.forEach(l -> model.append(l).append('\n'));
            if (!t.extensions.isEmpty() && !t.hasRelations()) model.append("  relations\n");
            t.extensions.forEach(l -> model.append(l).append('\n'));
        });
        conditions.forEach(l -> model.append(l).append('\n'));
        return model.toString();
    }

    /** Sorts one module file's blocks into types, extensions (file, type, define line) and condition lines. */
    private static void read(
            String file,
            List<String> lines,
            Map<String, Type> types,
            List<String[]> extensions,
            List<String> conditions)
            throws FgaSuiteLoader.LoadException {
        Type current = null;
        String extending = null;
        boolean inCondition = false;
        for (String raw : lines) {
            String line = stripComment(raw);
            if (line.isBlank()) continue;
            boolean topLevel = !Character.isWhitespace(line.charAt(0));
            if (topLevel && inCondition && line.strip().startsWith("}")) {
                conditions.add(line);
                inCondition = false;
                continue;
            }
            if (topLevel) {
                String[] words = line.strip().split("\\s+");
                current = null;
                extending = null;
                inCondition = false;
                switch (words[0]) {
                    case "module" -> {}
                    case "type" -> {
                        if (types.containsKey(words[1])) {
                            throw new FgaSuiteLoader.LoadException(file + " defines type " + words[1] + ", which "
                                    + types.get(words[1]).file + " defines too");
                        }
                        current = new Type(file);
                        types.put(words[1], current);
                    }
                    case "extend" -> {
                        if (words.length < 3 || !words[1].equals("type")) {
                            throw new FgaSuiteLoader.LoadException(
                                    file + ": `" + line.strip() + "` is not `extend type T`");
                        }
                        extending = words[2];
                    }
                    case "condition" -> {
                        inCondition = true;
                        conditions.add(line);
                    }
                    default ->
                        throw new FgaSuiteLoader.LoadException(file + ": unexpected `" + line.strip()
                                + "` (a module holds type, extend type and" + " condition blocks)");
                }
                continue;
            }
            if (current != null) {
                current.lines.add(line);
            } else if (extending != null) {
                if (line.strip().startsWith("define ")) extensions.add(new String[] {file, extending, line});
            } else if (inCondition) {
                conditions.add(line);
            }
        }
    }

    /**
     * The line without its comment: a {@code #} at its start or after a blank (a userset such as {@code
     * group#member} has none before it).
     */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}

package dev.kith.validation;

import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.SubjectRef;
import dev.kith.validation.ValidationFile.Assertion;
import dev.kith.validation.ValidationFile.AssertionKind;
import dev.kith.validation.ValidationFile.ExpectedRelations;
import dev.kith.validation.ValidationFile.ExpectedSubject;
import dev.kith.validation.ValidationFile.MarkedSubject;
import dev.kith.validation.ValidationFile.RelationshipLine;
import dev.kith.validation.YamlTree.Entry;
import dev.kith.validation.YamlTree.Mapping;
import dev.kith.validation.YamlTree.Node;
import dev.kith.validation.YamlTree.Scalar;
import dev.kith.validation.YamlTree.Sequence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads SpiceDB validation files. The top-level keys are {@code schema} (inline text) or {@code schemaFile} (a
 * path relative to the YAML file), {@code relationships} (one string, one relationship per line; blank lines and
 * {@code //} comments skipped; a repeated relationship is an error), {@code assertions} ({@code assertTrue},
 * {@code assertFalse}, {@code assertCaveated}: lists of {@code resource#permission@subject}, each optionally
 * followed by {@code with {json context}}) and {@code validation} (expected relations: {@code
 * resource#relation} → lines {@code [subject] is <resource#relation>/…}). The keys of SpiceDB's first file
 * format ({@code namespace_configs}, {@code relation_tuples}, {@code validation_tuples}) are refused with a note
 * on where their content goes now.
 */
public final class ValidationFiles {
    private static final Set<String> LEGACY_KEYS = Set.of("namespace_configs", "relation_tuples", "validation_tuples");

    /** {@code [subject] is <onr>/<onr>}: the subject is everything up to the last ']'. */
    private static final Pattern WILDCARD_WITH_EXCLUSIONS = Pattern.compile("^(.+?)\\s*-\\s*\\{([^}]*)\\}$");

    private static final String CAVEAT_MARK = "[...]";

    private ValidationFiles() {}

    /** Reads and parses {@code path}. */
    public static ValidationFile load(Path path) throws ValidationFileException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ValidationFileException(path, 0, null, "cannot read the file: " + describe(e));
        }
        return parse(path, text);
    }

    /** Parses {@code text} as the content of {@code path} (a {@code schemaFile} is resolved next to it). */
    public static ValidationFile parse(Path path, String text) throws ValidationFileException {
        return new Reader(path, text).read();
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return switch (kind) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? kind : e.getMessage();
        };
    }

    /** The parse of one file. */
    private static final class Reader {
        private final Path path;
        private final String[] lines;

        Reader(Path path, String text) {
            this.path = path;
            this.lines = text.split("\r?\n", -1);
        }

        ValidationFile read() throws ValidationFileException {
            Node root;
            try {
                root = YamlTree.parse(String.join("\n", lines));
            } catch (YamlTree.SyntaxError e) {
                throw error(e.line(), null, "not valid YAML: " + e.getMessage());
            }
            if (root instanceof Scalar s && s.text() == null) {
                return new ValidationFile(path, null, List.of(), List.of(), List.of());
            }
            if (!(root instanceof Mapping top)) {
                throw error(
                        root.line(),
                        null,
                        "expected a mapping with the keys schema, relationships, assertions" + " and validation");
            }
            Entry schema = null;
            Entry schemaFile = null;
            List<RelationshipLine> relationships = List.of();
            List<Assertion> assertions = List.of();
            List<ExpectedRelations> expected = List.of();
            for (Entry e : top.entries()) {
                switch (e.key()) {
                    case "schema" -> schema = e;
                    case "schemaFile" -> schemaFile = e;
                    case "relationships" -> relationships = relationships(e);
                    case "assertions" -> assertions = assertions(e);
                    case "validation" -> expected = expectedRelations(e);
                    default -> {
                        if (LEGACY_KEYS.contains(e.key())) {
                            throw error(
                                    e.line(),
                                    e.key(),
                                    "this key of SpiceDB's first file format is not"
                                            + " supported: give the schema in `schema` and relationships in"
                                            + " `relationships`");
                        }
                        throw error(
                                e.line(),
                                e.key(),
                                "unknown key: expected schema, schemaFile, relationships,"
                                        + " assertions or validation");
                    }
                }
            }
            if (schema != null && schemaFile != null) {
                throw error(
                        schemaFile.line(),
                        "schemaFile",
                        "give either `schema` or `schemaFile`, not both" + " (`schema` is on line " + schema.line()
                                + ")");
            }
            ValidationFile.Schema parsedSchema = null;
            if (schema != null) {
                parsedSchema = inlineSchema(schema);
            } else if (schemaFile != null) {
                String name = string(schemaFile, false);
                Path parent = path.getParent();
                Path resolved = (parent == null ? Path.of(name) : parent.resolve(name)).normalize();
                try {
                    String text = Files.readString(resolved, StandardCharsets.UTF_8);
                    parsedSchema = new ValidationFile.Schema(text, resolved.toString(), schemaFile.line(), 0, 0);
                } catch (IOException ex) {
                    throw error(schemaFile.line(), "schemaFile", "cannot read " + resolved + ": " + describe(ex));
                }
            }
            return new ValidationFile(path, parsedSchema, relationships, assertions, expected);
        }

        /** Inline schema text; in a literal block ({@code |}) its lines map onto the file's. */
        private ValidationFile.Schema inlineSchema(Entry schema) throws ValidationFileException {
            String text = string(schema, true);
            if (text == null) text = "";
            String keyLine = lines[schema.line() - 1];
            String afterKey = keyLine.substring(keyLine.indexOf(':') + 1).strip();
            int textLine = 0;
            int indent = 0;
            if (afterKey.startsWith("|")) {
                textLine = schema.line() + 1;
                for (int i = schema.line(); i < lines.length; i++) {
                    if (!lines[i].isBlank()) {
                        indent = lines[i].length() - lines[i].stripLeading().length();
                        break;
                    }
                }
            }
            return new ValidationFile.Schema(text, "schema", schema.line(), textLine, indent);
        }

        private String string(Entry e, boolean nullable) throws ValidationFileException {
            if (e.value() instanceof Scalar s && (s.text() != null || nullable)) return s.text();
            throw error(e.value().line(), e.key(), "expected a string");
        }

        private List<RelationshipLine> relationships(Entry e) throws ValidationFileException {
            if (!(e.value() instanceof Scalar s)) {
                throw error(e.value().line(), e.key(), "expected one string with one relationship per line");
            }
            if (s.text() == null) return List.of();
            List<RelationshipLine> out = new ArrayList<>();
            Map<Relationship, Integer> seen = new HashMap<>();
            int searchFrom = e.line();
            for (String raw : s.text().split("\n", -1)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("//")) continue;
                int at = sourceLine(line, searchFrom);
                if (at > 0) searchFrom = at + 1;
                int where = at > 0 ? at : e.line();
                Relationship r;
                try {
                    r = RelationshipParser.parse(line);
                } catch (KithException.InvalidArgument ex) {
                    throw error(where, e.key(), "cannot parse `" + line + "`: " + ex.getMessage());
                }
                Integer first = seen.putIfAbsent(r.key(), where);
                if (first != null) {
                    throw error(
                            where, e.key(), "relationship `" + r.key() + "` is repeated (first on line " + first + ")");
                }
                out.add(new RelationshipLine(r, where));
            }
            return out;
        }

        /** The 1-based line at or after {@code from} whose trimmed text is {@code text}, or 0. */
        private int sourceLine(String text, int from) {
            for (int i = Math.max(0, from - 1); i < lines.length; i++) {
                if (lines[i].strip().equals(text)) return i + 1;
            }
            return 0;
        }

        private List<Assertion> assertions(Entry e) throws ValidationFileException {
            if (e.value() instanceof Scalar s && s.text() == null) return List.of();
            if (!(e.value() instanceof Mapping m)) {
                throw error(
                        e.value().line(),
                        e.key(),
                        "expected a mapping with assertTrue, assertFalse and" + " assertCaveated lists");
            }
            List<Assertion> out = new ArrayList<>();
            for (Entry kindEntry : m.entries()) {
                AssertionKind kind = null;
                for (AssertionKind k : AssertionKind.values()) {
                    if (k.key().equals(kindEntry.key())) kind = k;
                }
                if (kind == null) {
                    throw error(
                            kindEntry.line(),
                            "assertions",
                            "unknown key `" + kindEntry.key()
                                    + "`: expected assertTrue, assertFalse or assertCaveated");
                }
                for (Scalar item : stringList(kindEntry, "assertions." + kind.key())) {
                    out.add(assertion(kind, item));
                }
            }
            return out;
        }

        private Assertion assertion(AssertionKind kind, Scalar item) throws ValidationFileException {
            String text = item.text().strip();
            String key = "assertions." + kind.key();
            String relationshipPart = text;
            Map<String, Object> context = Map.of();
            int with = text.indexOf(" with ");
            if (with >= 0) {
                relationshipPart = text.substring(0, with).strip();
                try {
                    context = RelationshipParser.parseContext(
                            text.substring(with + 6).strip(), "context");
                } catch (KithException.InvalidArgument ex) {
                    throw error(item.line(), key, "`" + text + "`: " + ex.getMessage());
                }
            }
            Relationship r;
            try {
                r = RelationshipParser.parse(relationshipPart);
            } catch (KithException.InvalidArgument ex) {
                throw error(item.line(), key, "cannot parse `" + text + "`: " + ex.getMessage());
            }
            if (r.caveat() != null || r.expiresAt() != null) {
                throw error(
                        item.line(),
                        key,
                        "`" + text + "`: an assertion takes no caveat or expiration"
                                + " brackets; give its context as `with {json}`");
            }
            return new Assertion(kind, text, item.line(), r.resource(), r.relation(), r.subject(), context);
        }

        private List<ExpectedRelations> expectedRelations(Entry e) throws ValidationFileException {
            if (e.value() instanceof Scalar s && s.text() == null) return List.of();
            if (!(e.value() instanceof Mapping m)) {
                throw error(
                        e.value().line(),
                        e.key(),
                        "expected a mapping from resource#relation to lists of"
                                + " `[subject] is <resource#relation>` lines");
            }
            List<ExpectedRelations> out = new ArrayList<>();
            for (Entry keyEntry : m.entries()) {
                ObjectAndRelation onr = objectAndRelation(keyEntry.key(), keyEntry.line(), "validation");
                List<ExpectedSubject> subjects = new ArrayList<>();
                for (Scalar item : stringList(keyEntry, "validation")) {
                    subjects.add(expectedSubject(item));
                }
                out.add(new ExpectedRelations(keyEntry.key(), keyEntry.line(), onr.object, onr.relation, subjects));
            }
            return out;
        }

        /** The string entries of a list value (null or empty: none). */
        private List<Scalar> stringList(Entry e, String key) throws ValidationFileException {
            if (e.value() instanceof Scalar s && s.text() == null) return List.of();
            if (!(e.value() instanceof Sequence seq)) {
                throw error(e.value().line(), key, "expected a list of strings under `" + e.key() + "`");
            }
            List<Scalar> out = new ArrayList<>(seq.items().size());
            for (Node item : seq.items()) {
                if (!(item instanceof Scalar s) || s.text() == null) {
                    throw error(item.line(), key, "expected a string in the list under `" + e.key() + "`");
                }
                out.add(s);
            }
            return out;
        }

        /** {@code [subject] is <R1#rel>/<R2#rel>}. */
        private ExpectedSubject expectedSubject(Scalar item) throws ValidationFileException {
            String text = item.text().strip();
            int close = text.lastIndexOf(']');
            if (!text.startsWith("[") || close < 0) {
                throw error(
                        item.line(),
                        "validation",
                        "`" + text + "` is not of the form `[subject] is" + " <resource#relation>`");
            }
            String subjectText = text.substring(1, close).strip();
            String rest = text.substring(close + 1).strip();
            if (!rest.startsWith("is")) {
                throw error(
                        item.line(),
                        "validation",
                        "`" + text + "`: expected `is <resource#relation>` after" + " the subject");
            }
            List<String> leaves = new ArrayList<>();
            String onrs = rest.substring(2).strip();
            for (String part : onrs.split("/(?=<)", -1)) {
                String p = part.strip();
                if (p.length() < 2 || p.charAt(0) != '<' || p.charAt(p.length() - 1) != '>') {
                    throw error(
                            item.line(),
                            "validation",
                            "`" + text + "`: expected `<resource#relation>`" + " entries separated by `/`, found `" + p
                                    + "`");
                }
                ObjectAndRelation onr = objectAndRelation(p.substring(1, p.length() - 1), item.line(), "validation");
                leaves.add(onr.object + "#" + onr.relation);
            }
            leaves.sort(null);
            List<MarkedSubject> exclusions = List.of();
            Matcher wildcard = WILDCARD_WITH_EXCLUSIONS.matcher(subjectText);
            if (subjectText.endsWith("}")) {
                if (!wildcard.matches()) {
                    throw error(item.line(), "validation", "`" + text + "`: expected `type:* - {subject, …}`");
                }
                subjectText = wildcard.group(1).strip();
                exclusions = new ArrayList<>();
                for (String excluded : wildcard.group(2).split(",", -1)) {
                    exclusions.add(markedSubject(excluded.strip(), item.line(), text));
                }
            }
            MarkedSubject subject = markedSubject(subjectText, item.line(), text);
            if (!exclusions.isEmpty() && !subject.subject().isWildcard()) {
                throw error(
                        item.line(), "validation", "`" + text + "`: only a wildcard subject can have" + " exclusions");
            }
            return new ExpectedSubject(
                    text, item.line(), subject.subject(), subject.caveated(), exclusions, List.copyOf(leaves));
        }

        /** {@code type:id}, {@code type:id#relation}, {@code type:*}, each optionally followed by {@code [...]}. */
        private MarkedSubject markedSubject(String s, int line, String whole) throws ValidationFileException {
            boolean caveated = s.endsWith(CAVEAT_MARK);
            String core =
                    caveated ? s.substring(0, s.length() - CAVEAT_MARK.length()).strip() : s;
            String relation = null;
            int hash = core.indexOf('#');
            if (hash >= 0) {
                relation = core.substring(hash + 1);
                core = core.substring(0, hash);
                if (relation.equals("...")) {
                    relation = null;
                } else if (!RelationshipParser.isRelationName(relation)) {
                    throw error(
                            line,
                            "validation",
                            "`" + whole + "`: `" + relation + "` is not a valid relation" + " name");
                }
            }
            try {
                ObjectRef object = RelationshipParser.parseObject(core, "subject", true, null);
                if (relation != null && SubjectRef.WILDCARD.equals(object.id())) {
                    throw error(line, "validation", "`" + whole + "`: a wildcard subject cannot have a relation");
                }
                return new MarkedSubject(new SubjectRef(object.type(), object.id(), relation), caveated);
            } catch (KithException.InvalidArgument ex) {
                throw error(line, "validation", "`" + whole + "`: " + ex.getMessage());
            }
        }

        private ObjectAndRelation objectAndRelation(String s, int line, String key) throws ValidationFileException {
            int hash = s.indexOf('#');
            if (hash < 0) {
                throw error(line, key, "`" + s + "` is not of the form resource_type:id#relation");
            }
            String relation = s.substring(hash + 1);
            if (!RelationshipParser.isRelationName(relation)) {
                throw error(line, key, "`" + s + "`: `" + relation + "` is not a valid relation name");
            }
            try {
                return new ObjectAndRelation(
                        RelationshipParser.parseObject(s.substring(0, hash), "resource", false, null), relation);
            } catch (KithException.InvalidArgument ex) {
                throw error(line, key, "`" + s + "`: " + ex.getMessage());
            }
        }

        private ValidationFileException error(int line, String key, String reason) {
            return new ValidationFileException(path, line, key, reason);
        }
    }

    private record ObjectAndRelation(ObjectRef object, String relation) {}
}

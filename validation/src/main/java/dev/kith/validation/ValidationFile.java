package dev.kith.validation;

import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import dev.kith.schema.Diagnostic;
import dev.kith.schema.SourcePosition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded SpiceDB validation file: a schema, relationships, assertions and expected relations, each element
 * with the line of the YAML file it comes from. {@link ValidationFiles#load} reads one.
 *
 * @param path the YAML file
 * @param schema the schema, or {@code null} when the file has none
 * @param relationships the relationships, in file order
 * @param assertions the assertions, in file order ({@code assertTrue}, then {@code assertFalse}, … as written)
 * @param expectedRelations the {@code validation:} keys, in file order
 */
public record ValidationFile(
        Path path,
        Schema schema,
        List<RelationshipLine> relationships,
        List<Assertion> assertions,
        List<ExpectedRelations> expectedRelations) {
    public ValidationFile {
        Objects.requireNonNull(path, "path");
        relationships = List.copyOf(relationships);
        assertions = List.copyOf(assertions);
        expectedRelations = List.copyOf(expectedRelations);
    }

    /**
     * The schema of the file.
     *
     * @param text the schema text
     * @param name how diagnostics name it: the {@code schemaFile} path (as resolved next to the YAML file), or
     *     {@code "schema"} for inline text
     * @param line the line of the {@code schema} or {@code schemaFile} key
     * @param textLine for inline text in a literal block ({@code |}), the YAML line of the text's first line;
     *     0 when the text's lines do not map onto the file's (a schema file, or a folded block)
     * @param indent the indentation of a literal block's lines
     */
    public record Schema(String text, String name, int line, int textLine, int indent) {
        public Schema {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(name, "name");
        }

        /**
         * {@code diagnostic}, found in {@link #text}, at its line and column in the YAML file {@code path} (with
         * that file's line) when the text is a literal block; unchanged otherwise.
         */
        public Diagnostic inFile(Path path, Diagnostic diagnostic) {
            if (textLine == 0) return diagnostic;
            SourcePosition at = new SourcePosition(
                    path.toString(),
                    textLine + diagnostic.position().line() - 1,
                    indent + diagnostic.position().column());
            return new Diagnostic(at, diagnostic.message(), " ".repeat(indent) + diagnostic.sourceLine());
        }
    }

    /** One relationship and its line. */
    public record RelationshipLine(Relationship relationship, int line) {}

    /** The three kinds of assertion and the answer each expects. */
    public enum AssertionKind {
        TRUE("assertTrue", Permissionship.HAS_PERMISSION),
        FALSE("assertFalse", Permissionship.NO_PERMISSION),
        CAVEATED("assertCaveated", Permissionship.CONDITIONAL_PERMISSION);

        private final String key;
        private final Permissionship expected;

        AssertionKind(String key, Permissionship expected) {
            this.key = key;
            this.expected = expected;
        }

        /** The YAML key, e.g. {@code assertTrue}. */
        public String key() {
            return key;
        }

        /** The check answer this kind of assertion expects. */
        public Permissionship expected() {
            return expected;
        }
    }

    /**
     * One assertion: {@code resource#permission@subject}, optionally {@code with {json context}}.
     *
     * @param text the entry as written
     */
    public record Assertion(
            AssertionKind kind,
            String text,
            int line,
            ObjectRef resource,
            String permission,
            SubjectRef subject,
            Map<String, Object> context) {}

    /**
     * One key of the {@code validation:} block: the complete set of subjects a recursive expansion of {@code
     * resource#relation} must reach.
     */
    public record ExpectedRelations(
            String key, int line, ObjectRef resource, String relation, List<ExpectedSubject> subjects) {
        public ExpectedRelations {
            subjects = List.copyOf(subjects);
        }
    }

    /**
     * One line {@code [subject] is <R1#rel>/<R2#rel>}.
     *
     * @param caveated the subject carries {@code [...]}: reached only under a caveat
     * @param exclusions for a wildcard, the subjects written after {@code - {…}}
     * @param leaves the sorted {@code resource#relation} texts where the subject is stored directly
     */
    public record ExpectedSubject(
            String text,
            int line,
            SubjectRef subject,
            boolean caveated,
            List<MarkedSubject> exclusions,
            List<String> leaves) {
        public ExpectedSubject {
            exclusions = List.copyOf(exclusions);
            leaves = List.copyOf(leaves);
        }
    }

    /** A subject with its caveat mark, as in a wildcard's exclusions. */
    public record MarkedSubject(SubjectRef subject, boolean caveated) {
        @Override
        public String toString() {
            return caveated ? subject + "[...]" : subject.toString();
        }
    }
}

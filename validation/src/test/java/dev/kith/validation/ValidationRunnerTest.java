package dev.kith.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.EngineOptions;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import dev.kith.validation.FileReport.Failure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs small validation files of our own on the real in-memory engine. */
class ValidationRunnerTest {
    private static final String SCHEMA = """
            schema: |-
              use expiration
              definition member {}
              caveat small(n int) { n < 10 }
              definition team {
                relation direct: member | member with small | team#crew
                permission crew = direct
              }
              definition doc {
                relation viewer: member | member:* | team#crew | member with small | member with expiration
                relation banned: member | member with small
                relation editor: member
                permission edit = editor
                permission view = viewer + edit - banned
              }
            """;

    @TempDir
    Path dir;

    private FileReport run(String yaml) throws IOException {
        return run(yaml, EngineOptions.defaults());
    }

    private FileReport run(String yaml, EngineOptions options) throws IOException {
        Path file = dir.resolve("case.yaml");
        Files.writeString(file, yaml);
        return ValidationRunner.onEngines(() -> Engines.inMemory(options), options.depthLimit())
                .run(file);
    }

    @Test
    void aPassingFileCountsEveryAssertionAndKey() throws IOException {
        FileReport report = run(SCHEMA + """
                relationships: |-
                  doc:one#viewer@team:core#crew
                  doc:one#editor@member:ann
                  doc:one#viewer@member:ann
                  doc:one#viewer@member:cid[small]
                  doc:one#viewer@member:old[expiration:2001-01-01T00:00:00Z]
                  team:core#direct@member:bob
                  doc:two#viewer@member:*
                  doc:two#banned@member:bob
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                    - doc:one#view@member:bob
                    - 'doc:one#view@member:cid with {"n": 3}'
                  assertFalse:
                    - doc:one#view@member:old
                    - doc:two#view@member:bob
                    - 'doc:one#view@member:cid with {"n": 30}'
                  assertCaveated:
                    - doc:one#view@member:cid
                validation:
                  doc:one#view:
                    - "[member:ann] is <doc:one#editor>/<doc:one#viewer>"
                    - "[member:bob] is <team:core#direct>"
                    - "[member:cid[...]] is <doc:one#viewer>"
                    - "[team:core#crew] is <doc:one#viewer>"
                  doc:two#view:
                    - "[member:* - {member:bob}] is <doc:two#viewer>"
                  doc:three#view: []
                """);
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isEqualTo(10);
        assertThat(report.failed()).isZero();
    }

    private static final String ARROW_FILE = """
            schema: |-
              caveat small(n int) { n < 10 }
              definition member {}
              definition team { relation direct: member }
              definition doc {
                relation owner: team | team with small
                permission view = owner->direct
              }
            relationships: |-
              doc:one#owner@team:a[small]
              doc:one#owner@team:b
              team:a#direct@member:ann
              team:a#direct@member:bob
              team:b#direct@member:bob
            assertions:
              assertCaveated:
                - doc:one#view@member:ann
              assertTrue:
                - doc:one#view@member:bob
            validation:
              doc:one#view:
            """;

    @Test
    void subjectsReachedOnlyThroughACaveatedArrowLinkAreCaveated() throws IOException {
        FileReport report = run(ARROW_FILE + """
                    - "[member:ann[...]] is <team:a#direct>"
                    - "[member:bob] is <team:a#direct>/<team:b#direct>"
                """);
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isEqualTo(3);

        FileReport unmarked = run(ARROW_FILE + """
                    - "[member:ann] is <team:a#direct>"
                    - "[member:bob] is <team:a#direct>/<team:b#direct>"
                """);
        assertThat(unmarked.failed()).isEqualTo(1);
        assertThat(unmarked.failures().getFirst().message()).contains("member:ann");
    }

    @Test
    void anAssertionFailureSaysWhatWasExpectedAndFound() throws IOException {
        FileReport report = run(SCHEMA + """
                relationships: |-
                  doc:one#viewer@member:cid[small]
                assertions:
                  assertTrue:
                    - doc:one#view@member:cid
                    - doc:one#view@member:zed
                  assertCaveated:
                    - 'doc:one#view@member:cid with {"n": 1}'
                  assertFalse:
                    - doc:one#view@member:cid
                """);
        assertThat(report.passed()).isZero();
        assertThat(report.failed()).isEqualTo(4);
        assertThat(report.failures())
                .extracting(Failure::line, Failure::test, Failure::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                20,
                                "assertTrue doc:one#view@member:cid",
                                "expected HAS, found CONDITIONAL (missing context: n)"),
                        org.assertj.core.groups.Tuple.tuple(
                                21, "assertTrue doc:one#view@member:zed", "expected HAS, found NO"),
                        org.assertj.core.groups.Tuple.tuple(
                                23,
                                "assertCaveated doc:one#view@member:cid with {\"n\": 1}",
                                "expected CONDITIONAL, found HAS"),
                        org.assertj.core.groups.Tuple.tuple(
                                25,
                                "assertFalse doc:one#view@member:cid",
                                "expected NO, found CONDITIONAL (missing context: n)"));
        assertThat(report.failures().getFirst().render())
                .isEqualTo(dir.resolve("case.yaml") + ":20: assertTrue doc:one#view@member:cid: expected HAS,"
                        + " found CONDITIONAL (missing context: n)");
    }

    @Test
    void eachExpectedRelationsMismatchIsItsOwnFailureOfOneTest() throws IOException {
        FileReport report = run(SCHEMA + """
                relationships: |-
                  doc:one#viewer@member:ann
                  doc:one#viewer@member:bob
                  doc:one#viewer@member:cid[small]
                  doc:one#viewer@member:dan
                  doc:two#viewer@member:*
                  doc:two#banned@member:bob
                validation:
                  doc:one#view:
                    - "[member:ann] is <doc:one#editor>"
                    - "[member:bob[...]] is <doc:one#viewer>"
                    - "[member:cid] is <doc:one#viewer>"
                    - "[member:eve] is <doc:one#viewer>"
                  doc:two#view:
                    - "[member:* - {member:cid}] is <doc:two#viewer>"
                """);
        assertThat(report.passed()).isZero();
        assertThat(report.failed()).isEqualTo(2);
        assertThat(report.failures())
                .extracting(Failure::line, Failure::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                25,
                                "expected `[member:ann] is <doc:one#editor>`, found `[member:ann] is <doc:one#viewer>`:"
                                        + " member:ann is stored directly in different relations"),
                        org.assertj.core.groups.Tuple.tuple(
                                26,
                                "expected `[member:bob[...]] is <doc:one#viewer>`, found `[member:bob] is"
                                        + " <doc:one#viewer>`: member:bob is not reached only under a caveat"),
                        org.assertj.core.groups.Tuple.tuple(
                                27,
                                "expected `[member:cid] is <doc:one#viewer>`, found `[member:cid[...]] is"
                                        + " <doc:one#viewer>`: member:cid is reached only under a caveat"),
                        org.assertj.core.groups.Tuple.tuple(
                                28, "expected `[member:eve] is <doc:one#viewer>`, but member:eve is not reached"),
                        org.assertj.core.groups.Tuple.tuple(
                                24, "found `[member:dan] is <doc:one#viewer>`, which is not listed"),
                        org.assertj.core.groups.Tuple.tuple(
                                30,
                                "expected `[member:* - {member:cid}] is <doc:two#viewer>`, found `[member:* -"
                                        + " {member:bob}] is <doc:two#viewer>`: the excluded subjects differ"
                                        + " (expected {member:cid}, found {member:bob})"));
        assertThat(report.failures()).allSatisfy(f -> assertThat(f.test()).startsWith("validation doc:"));
    }

    @Test
    void aCheckThatFailsIsAFailureWithTheError() throws IOException {
        FileReport report = run(SCHEMA + """
                relationships: |-
                  doc:one#viewer@team:a#crew
                  team:a#direct@team:b#crew
                  team:b#direct@member:ann
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                    - doc:one#nosuch@member:ann
                validation:
                  doc:one#view:
                    - "[member:ann] is <team:b#direct>"
                    - "[team:a#crew] is <doc:one#viewer>"
                    - "[team:b#crew] is <team:a#direct>"
                """, EngineOptions.defaults().withDepthLimit(1));
        assertThat(report.failures()).hasSize(3);
        assertThat(report.failures().get(0).message()).startsWith("expected HAS, the check failed: max depth 1");
        assertThat(report.failures().get(1).message())
                .startsWith("expected HAS, the check failed:")
                .contains("nosuch");
        assertThat(report.failures().get(2).message()).startsWith("the expansion failed: max depth 1");
    }

    @Test
    void anErrorThatIsNoKithExceptionIsAnInternalErrorOfThatTestOnly() throws IOException {
        Path file = dir.resolve("case.yaml");
        Files.writeString(file, SCHEMA + """
                relationships: |-
                  doc:one#viewer@member:ann
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                    - doc:one#edit@member:ann
                """);
        FileReport report = new ValidationRunner(
                        () -> new FailingEdit(ValidationTarget.of(Engines.inMemory(EngineOptions.defaults()))), 50)
                .run(file);
        assertThat(report.passed()).isEqualTo(1);
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.failures().getFirst().message())
                .isEqualTo("expected HAS, the check failed: internal error: java.lang.IllegalStateException: broken");
    }

    /** A target whose checks of {@code edit} break the way a bug would. */
    private record FailingEdit(ValidationTarget inner) implements ValidationTarget {
        @Override
        public void writeSchema(String schemaText) {
            inner.writeSchema(schemaText);
        }

        @Override
        public void importRelationships(List<Relationship> relationships) {
            inner.importRelationships(relationships);
        }

        @Override
        public Results.Check check(
                ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context) {
            if (permission.equals("edit")) throw new IllegalStateException("broken");
            return inner.check(resource, permission, subject, context);
        }

        @Override
        public Results.ExpandNode expand(ObjectRef resource, String relation) {
            return inner.expand(resource, relation);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aFileThatCannotLoadIsOneFailure() throws IOException {
        FileReport report = run("relationships: |-\n  doc:one#viewer@member:ann\n  doc:one#viewer@member:ann\n");
        assertThat(report.passed()).isZero();
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.failures().getFirst().render())
                .isEqualTo(dir.resolve("case.yaml") + ":3: load relationships: relationship"
                        + " `doc:one#viewer@member:ann` is repeated (first on line 2)");
    }

    @Test
    void aBrokenSchemaIsOneFailureWithItsDiagnosticsAtTheFilesLines() throws IOException {
        FileReport report = run("schema: |-\n  definition doc {\n    relation viewer: nobody\n  }\n"
                + "assertions:\n  assertTrue:\n    - doc:one#viewer@member:ann\n");
        assertThat(report.failed()).isEqualTo(1);
        Failure f = report.failures().getFirst();
        assertThat(f.line()).isEqualTo(1);
        assertThat(f.test()).isEqualTo("load schema");
        assertThat(f.message())
                .startsWith(dir.resolve("case.yaml") + ":3:22: ")
                .contains("nobody")
                .endsWith("    relation viewer: nobody\n                     ^");
    }

    @Test
    void aSchemaFilesDiagnosticsNameThatFile() throws IOException {
        Files.writeString(dir.resolve("s.zed"), "definition doc {\n  relation viewer: nobody\n}\n");
        FileReport report = run("schemaFile: ./s.zed\n");
        assertThat(report.failures().getFirst().message()).startsWith(dir.resolve("s.zed") + ":2:20: ");
    }

    @Test
    void aRelationshipTheSchemaRefusesIsOneFailureOnItsLine() throws IOException {
        FileReport report = run(SCHEMA + "relationships: |-\n  doc:one#viewer@member:ann\n  doc:one#editor@team:x\n");
        assertThat(report.failed()).isEqualTo(1);
        Failure f = report.failures().getFirst();
        assertThat(f.test()).isEqualTo("load relationships");
        assertThat(f.line()).isEqualTo(18);
        assertThat(f.message()).contains("doc:one#editor@team:x");
    }

    @Test
    void aFileWithoutAssertionsStillLoads() throws IOException {
        FileReport report = run(SCHEMA + "relationships: |-\n  doc:one#viewer@member:ann\n");
        assertThat(report.passed()).isZero();
        assertThat(report.failed()).isZero();
        assertThat(report.failures()).isEmpty();
    }
}

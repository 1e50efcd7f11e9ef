package dev.kith.cli;

import static dev.kith.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code kith validate} in-process on small files of our own. */
class ValidateCommandTest {
    private static final String SCHEMA = """
            schema: |-
              definition member {}
              definition doc {
                relation viewer: member
                permission view = viewer
              }
            relationships: |-
              doc:one#viewer@member:ann
            """;

    @TempDir
    Path dir;

    @Test
    void passingFilesPrintOnlyTheCount() throws IOException {
        Path a = KithCli.file(dir, "a.yaml", SCHEMA + """
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                  assertFalse:
                    - doc:one#view@member:bob
                validation:
                  doc:one#view:
                    - "[member:ann] is <doc:one#viewer>"
                """);
        Path b = KithCli.file(dir, "b.yaml", SCHEMA);
        KithCli.Run run = run("validate", a.toString(), b.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("3 passed, 0 failed" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void failuresArePrintedWithFileLineAndTestThenTheCount() throws IOException {
        Path a = KithCli.file(dir, "a.yaml", SCHEMA + """
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                    - doc:one#view@member:bob
                """);
        Path broken = KithCli.file(dir, "broken.yaml", "schemaFile: missing.zed\n");
        KithCli.Run run = run("validate", a.toString(), broken.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out().lines().toList())
                .containsExactly(
                        a + ":12: assertTrue doc:one#view@member:bob: expected HAS, found NO",
                        broken + ":1: load schemaFile: cannot read " + dir.resolve("missing.zed") + ": no such file",
                        "1 passed, 2 failed");
    }

    @Test
    void validateNeedsAFile() {
        KithCli.Run run = run("validate");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("Missing required parameter");
    }
}

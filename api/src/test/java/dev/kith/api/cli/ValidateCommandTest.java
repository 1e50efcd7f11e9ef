package dev.kith.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine kith = Main.commandLine();
        kith.setOut(new PrintWriter(out, true));
        kith.setErr(new PrintWriter(err, true));
        int status = kith.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private Path file(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void passingFilesPrintOnlyTheCount() throws IOException {
        Path a = file("a.yaml", SCHEMA + """
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                  assertFalse:
                    - doc:one#view@member:bob
                validation:
                  doc:one#view:
                    - "[member:ann] is <doc:one#viewer>"
                """);
        Path b = file("b.yaml", SCHEMA);
        Run run = run("validate", a.toString(), b.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("3 passed, 0 failed" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void failuresArePrintedWithFileLineAndTestThenTheCount() throws IOException {
        Path a = file("a.yaml", SCHEMA + """
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                    - doc:one#view@member:bob
                """);
        Path broken = file("broken.yaml", "schemaFile: missing.zed\n");
        Run run = run("validate", a.toString(), broken.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out().lines().toList())
                .containsExactly(
                        a + ":12: assertTrue doc:one#view@member:bob: expected HAS, found NO",
                        broken + ":1: load schemaFile: cannot read " + dir.resolve("missing.zed") + ": no such file",
                        "1 passed, 2 failed");
    }

    @Test
    void validateNeedsAFile() {
        Run run = run("validate");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter");
    }
}

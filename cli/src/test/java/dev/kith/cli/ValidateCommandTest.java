package dev.kith.cli;

import static dev.kith.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
                        a + ":12:7: error: assertTrue doc:one#view@member:bob: expected HAS, found NO",
                        "    - doc:one#view@member:bob",
                        "      ^",
                        "    why: doc:one#view for member:bob is NO",
                        "    └─ doc:one#view: NO",
                        "       └─ doc:one#viewer: NO",
                        broken + ":1:1: error: load schemaFile: cannot read " + dir.resolve("missing.zed")
                                + ": no such file",
                        "schemaFile: missing.zed",
                        "^",
                        "1 passed, 2 failed");
    }

    @Test
    void aFailedAssertionIsExplainedDownToTheCaveatThatLackedContext() throws IOException {
        Path file = KithCli.file(dir, "caveat.yaml", """
                schema: |-
                  definition member {}
                  caveat weekday(day string) {
                    day != 'sunday'
                  }
                  definition doc {
                    relation viewer: member with weekday
                    permission view = viewer
                  }
                relationships: |-
                  doc:one#viewer@member:dan[weekday]
                assertions:
                  assertTrue:
                    - doc:one#view@member:dan
                """);
        KithCli.Run run = run("validate", file.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .contains(file + ":14:7: error: assertTrue doc:one#view@member:dan: expected HAS, found CONDITIONAL"
                        + " (missing context: day)")
                .contains("why: doc:one#view for member:dan is CONDITIONAL")
                .contains("└─ caveat weekday: CONDITIONAL (day != 'sunday', context {}), missing context: day")
                .endsWith("0 passed, 1 failed" + System.lineSeparator());
    }

    @Test
    void explainPrintsTheTreeOfPassingAssertionsToo() throws IOException {
        Path file = KithCli.file(dir, "ok.yaml", SCHEMA + """
                assertions:
                  assertTrue:
                    - doc:one#view@member:ann
                """);
        KithCli.Run run = run("validate", "--explain", file.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out().lines().toList())
                .containsExactly(
                        file + ":11: assertTrue doc:one#view@member:ann: ok",
                        "    why: doc:one#view for member:ann is HAS",
                        "    └─ doc:one#view: HAS",
                        "       └─ doc:one#viewer: HAS",
                        "1 passed, 0 failed");
    }

    @Test
    void schemaErrorsAreReportedAtTheYamlLineAndColumn() throws IOException {
        Path file = KithCli.file(dir, "bad.yaml", """
                schema: |-
                  definition doc {
                    relation viewer: nobody
                  }
                """);
        KithCli.Run run = run("validate", file.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .contains(file
                        + ":3:22: error: unknown type `nobody`: no definition has that name\n    relation viewer: nobody\n"
                        + " ".repeat(21) + "^")
                .contains("0 passed, 1 failed");
    }

    @Test
    void watchRunsAgainWhenAFileIsSavedAndSaysWhatChanged() throws Exception {
        Path file = KithCli.file(dir, "w.yaml", SCHEMA + """
                assertions:
                  assertTrue:
                    - doc:one#view@member:bob
                """);
        StringWriter out = new StringWriter();
        CommandLine kith = Main.commandLine();
        kith.setOut(new PrintWriter(out, true));
        kith.setErr(new PrintWriter(new StringWriter(), true));
        AtomicInteger status = new AtomicInteger(-1);
        Thread watcher = new Thread(() -> status.set(kith.execute("validate", "--watch", file.toString())));
        watcher.start();
        try {
            awaitOutput(out, "watching 1 file");
            assertThat(out.toString()).contains("0 passed, 1 failed");
            Files.writeString(file, SCHEMA.replace("member:ann", "member:bob") + """
                    assertions:
                      assertTrue:
                        - doc:one#view@member:bob
                    """);
            awaitOutput(out, "was 0 passed, 1 failed; now 1 passed, 0 failed");
            assertThat(out.toString())
                    .contains("changed: " + file + "; running again")
                    .contains("now passing: " + file + ":11: assertTrue doc:one#view@member:bob");
        } finally {
            watcher.interrupt();
            watcher.join(10_000);
        }
        assertThat(watcher.isAlive()).isFalse();
        assertThat(status.get()).isZero();
        assertThat(out.toString()).endsWith("stopped watching" + System.lineSeparator());
    }

    /** Waits (at most 20 s) until {@code out} contains {@code text}. */
    private static void awaitOutput(StringWriter out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString().contains(text)) {
            assertThat(System.nanoTime())
                    .as("waiting for %s in:%n%s", text, out)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void validateNeedsAFile() {
        KithCli.Run run = run("validate");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("Missing required parameter");
    }
}

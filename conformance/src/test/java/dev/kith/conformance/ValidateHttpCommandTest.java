package dev.kith.conformance;

import static dev.kith.conformance.ConformanceCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.cli.KithCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kith-conformance validate-http}: validation files through an embedded HTTP server, in-process. */
class ValidateHttpCommandTest {
    @TempDir
    Path dir;

    @Test
    void validateHttpRunsAssertionsThroughAnEmbeddedServer() throws Exception {
        Path file = dir.resolve("v.yaml");
        Files.writeString(file, """
                schema: |-
                  definition user {}
                  definition document {
                      relation viewer: user
                      relation banned: user
                      permission view = viewer - banned
                  }
                relationships: >-
                  document:a#viewer@user:ann

                  document:a#viewer@user:ben

                  document:a#banned@user:ben
                assertions:
                  assertTrue:
                    - document:a#view@user:ann
                  assertFalse:
                    - document:a#view@user:ben
                    - document:a#view@user:cid
                validation:
                  document:a#viewer:
                    - "[user:ann] is <document:a#viewer>"
                    - "[user:ben] is <document:a#viewer>"
                """);
        KithCli.Run ok = run("validate-http", file.toString());
        assertThat(ok.status()).as(ok.out()).isEqualTo(0);
        assertThat(ok.out().strip()).endsWith("4 passed, 0 failed");

        Path wrong = dir.resolve("w.yaml");
        Files.writeString(
                wrong, Files.readString(file).replace("- document:a#view@user:cid", "- document:a#view@user:ann"));
        KithCli.Run failed = run("validate-http", wrong.toString());
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.out()).contains("document:a#view@user:ann").endsWith("3 passed, 1 failed\n");
    }
}

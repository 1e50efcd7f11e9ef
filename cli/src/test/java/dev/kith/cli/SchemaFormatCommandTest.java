package dev.kith.cli;

import static dev.kith.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kith schema format --write} keeps the comments of the file it rewrites. */
class SchemaFormatCommandTest {

    private static final String COMMENTED = """
            // Who may see documents.
            definition user {}
            definition document { // one per file
              /* owners */ relation owner: user // exactly one
              relation viewer: user
              permission view = owner + /* and */ viewer
              // more permissions later
            }
            // end
            """;

    @TempDir
    Path dir;

    @Test
    void formatWriteKeepsEveryComment() throws IOException {
        Path schema = KithCli.file(dir, "commented.zed", COMMENTED);
        KithCli.Run first = run("schema", "format", "--write", schema.toString());
        assertThat(first.status()).isZero();
        assertThat(first.out()).contains("rewritten");
        assertThat(Files.readString(schema)).isEqualTo("""
                // Who may see documents.
                definition user {}

                definition document { // one per file
                    /* owners */
                    relation owner: user // exactly one
                    relation viewer: user

                    /* and */
                    permission view = owner + viewer
                    // more permissions later
                }

                // end
                """);
        KithCli.Run second = run("schema", "format", "--write", schema.toString());
        assertThat(second.status()).isZero();
        assertThat(second.out()).contains("already in canonical form");
    }

    @Test
    void helpSaysCommentsAreKept() {
        KithCli.Run run = run("schema", "format", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("comments kept").doesNotContain("dropped");
    }
}

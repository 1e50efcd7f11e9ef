package dev.kith.cli;

import static dev.kith.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code kith} in-process and checks its output and exit status. */
class MainTest {

    private static final String VALID = """
            caveat on_weekday(day string) { day != 'sunday' }
            definition user {}
            definition document {
              relation reader: user | user with on_weekday
              relation writer: user
              permission view = reader + writer
            }
            """;

    @TempDir
    Path dir;

    @Test
    void checkSummarisesAValidFile() throws IOException {
        Path schema = KithCli.file(dir, "ok.zed", VALID);
        KithCli.Run run = run("schema", "check", schema.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        schema + ": ok, 2 definitions, 2 relations, 1 permission, 1 caveat" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void checkExplainSaysHowEachRelationRecurses() throws IOException {
        Path schema = KithCli.file(dir, "rec.zed", """
                definition user {}
                definition group {
                    relation member: user | group#member
                }
                definition team {
                    relation member: user | group#member | team#member
                }
                definition folder {
                    relation parent: folder
                    relation viewer: user | group#member
                    permission view = viewer + parent->view
                }
                definition org {
                    relation admin: user | unit#admin
                }
                definition unit {
                    relation admin: user | org#admin
                }
                """);
        KithCli.Run run = run("schema", "check", "--explain", schema.toString());
        assertThat(run.status()).isZero();
        String n = System.lineSeparator();
        assertThat(run.out())
                .isEqualTo(schema + ": ok, 6 definitions, 6 relations, 1 permission, 0 caveats" + n
                        + "  relation group#member: self-recursive: closed by the closure index (checks and lookups"
                        + " read each object's reach instead of walking)" + n
                        + "  relation team#member: recursive through subject sets: walked" + n
                        + "  relation folder#parent: not recursive" + n
                        + "  relation folder#viewer: not recursive" + n
                        + "  permission folder#view: recursive through an arrow: walked" + n
                        + "  relation org#admin: recursive through subject sets (with unit#admin): walked" + n
                        + "  relation unit#admin: recursive through subject sets (with org#admin): walked" + n);
        assertThat(run.err()).isEmpty();
        // without the option, the summary alone
        assertThat(run("schema", "check", schema.toString()).out()).doesNotContain("recursive");
    }

    @Test
    void checkPrintsEveryDiagnosticOfAnInvalidFileOnStderr() throws IOException {
        Path good = KithCli.file(dir, "ok.zed", VALID);
        Path bad = KithCli.file(
                dir, "bad.zed", "definition user {\n  relation viewer: nobody\n  permission view = viewr\n}\n");
        KithCli.Run run = run("schema", "check", good.toString(), bad.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).startsWith(good + ": ok");
        assertThat(run.err())
                .contains(bad + ":2:20: error: unknown type `nobody`")
                .contains("  relation viewer: nobody\n                   ^")
                .contains(bad + ":3:21: error: unknown relation or permission `viewr`")
                .contains(bad + ": 2 errors")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void checkNeverOverflowsEvenASmallStack() throws Exception {
        StringBuilder chain = new StringBuilder("definition user {}\ndefinition doc {\n relation reader: user\n");
        chain.append(" permission perm_0 = reader\n");
        for (int i = 1; i < 10_000; i++) {
            chain.append(" permission perm_")
                    .append(i)
                    .append(" = perm_")
                    .append(i - 1)
                    .append('\n');
        }
        Path longChain = KithCli.file(dir, "chain.zed", chain.append("}\n").toString());
        Path deep = KithCli.file(
                dir,
                "deep.zed",
                "definition user {}\ndefinition doc {\n relation reader: user\n permission view = " + "(".repeat(10_000)
                        + "reader" + ")".repeat(10_000) + "\n}\n");
        java.util.concurrent.atomic.AtomicReference<KithCli.Run> result =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread small = new Thread(
                null,
                () -> result.set(run("schema", "check", longChain.toString(), deep.toString())),
                "small",
                256 * 1024);
        small.start();
        small.join();
        KithCli.Run run = result.get();
        assertThat(run).isNotNull();
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .contains(longChain + ":503:2: error: definition `doc` has more than 500 relations and permissions"
                        + " (schema limit max-relations = 500)")
                .contains(
                        deep
                                + ":4:70: error: parentheses nested more than 50 deep (schema limit max-expression-nesting = 50)")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void checkReportsAMissingFileInOneLine() {
        KithCli.Run run = run("schema", "check", dir.resolve("missing.zed").toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("kith: cannot read " + dir.resolve("missing.zed") + ": no such file");
    }

    @Test
    void syntaxOnlyAcceptsAFragmentWithUnknownNames() throws IOException {
        Path fragment = KithCli.file(dir, "fragment.zed", "definition doc { relation reader: elsewhere }");
        assertThat(run("schema", "check", fragment.toString()).status()).isEqualTo(1);
        KithCli.Run run = run("schema", "check", "--syntax-only", fragment.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains(fragment + ": syntax ok");
    }

    @Test
    void formatPrintsCanonicalText() throws IOException {
        Path schema = KithCli.file(dir, "ok.zed", VALID);
        KithCli.Run run = run("schema", "format", schema.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                caveat on_weekday(day string) {
                    day != 'sunday'
                }

                definition user {}

                definition document {
                    relation reader: user | user with on_weekday
                    relation writer: user
                    permission view = reader + writer
                }
                """);
        assertThat(Files.readString(schema)).isEqualTo(VALID);
    }

    @Test
    void formatWriteRewritesTheFileOnce() throws IOException {
        Path schema = KithCli.file(dir, "ok.zed", VALID);
        KithCli.Run first = run("schema", "format", "--write", schema.toString());
        assertThat(first.status()).isZero();
        assertThat(first.out()).contains("rewritten");
        assertThat(Files.readString(schema)).startsWith("caveat on_weekday(day string) {\n    day != 'sunday'\n}\n");
        KithCli.Run second = run("schema", "format", "--write", schema.toString());
        assertThat(second.out()).contains("already in canonical form");
    }

    @Test
    void formatRefusesAnInvalidFile() throws IOException {
        Path bad = KithCli.file(dir, "bad.zed", "definition {}");
        KithCli.Run run = run("schema", "format", bad.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(bad + ":1:12: error: expected a definition name after `definition`, found '{'");
    }

    @Test
    void usageErrorsExitWithOne() {
        assertThat(run().status()).isEqualTo(1);
        assertThat(run("schema").status()).isEqualTo(1);
        assertThat(run("schema", "check").status()).isEqualTo(1);
        assertThat(run("nonsense").status()).isEqualTo(1);
    }

    @Test
    void helpAndVersion() {
        KithCli.Run help = run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("Usage: kith").contains("schema");
        KithCli.Run version = run("--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("kith ");
    }
}

package dev.kith.conformance.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kith.cli.KithCli;
import dev.kith.conformance.ConformanceMain;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The differential test against the real SpiceDB, on a few seeds (more with {@code -Dkith.differential.seeds=1..200}).
 * Runs only where Node and the oracle's packages ({@code npm ci} in {@code conformance/differential}) are present.
 */
class DifferentialCommandTest {
    private static final Path ORACLE = Path.of("differential");

    @Test
    void kithAnswersAsSpiceDbOrAsDocumented() {
        assumeTrue(new SpiceDbOracle(ORACLE, "node", 60).installed(), "no `npm ci` in conformance/differential");
        String seeds = System.getProperty("kith.differential.seeds", "1..3");
        KithCli.Run run = KithCli.run(
                ConformanceMain.commandLine(), "differential", "--seeds", seeds, "--oracle", ORACLE.toString());
        System.out.println(run.out());
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("compared ").contains("no unexpected difference");
        assertThat(run.status()).isZero();
    }

    @Test
    void aMissingOracleIsAClearError() {
        KithCli.Run run =
                KithCli.run(ConformanceMain.commandLine(), "differential", "--seeds", "1", "--oracle", "no-such-dir");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("no SpiceDB oracle in").contains("npm ci");
    }

    @Test
    void badSeedsAreAUsageError() {
        KithCli.Run run = KithCli.run(ConformanceMain.commandLine(), "differential", "--seeds", "9..2");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--seeds: expected FROM..TO or one seed, got '9..2'");
    }
}

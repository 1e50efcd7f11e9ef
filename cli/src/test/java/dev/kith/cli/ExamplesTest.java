package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every example under {@code examples/} through {@code kith validate}, so that the examples the README
 * points people to stay true: each schema compiles and every assertion and expected relation holds.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @TempDir
    Path tmp;

    private static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            // examples/apps holds applications built on kith (Maven modules of their own), not schema models
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !EXAMPLES.relativize(f).startsWith("apps"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyExampleIsThere() throws IOException {
        List<String> dirs;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            dirs = list.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("apps"))
                    .toList();
        }
        assertThat(dirs)
                .containsExactlyInAnyOrder(
                        "rbac",
                        "abac",
                        "acl",
                        "rebac-drive",
                        "github",
                        "saas-tenancy",
                        "delegation",
                        "tiers",
                        "expiring-access");
        for (String dir : dirs) {
            assertThat(EXAMPLES.resolve(dir).resolve("schema.zed")).exists();
        }
    }

    @Test
    void everyExampleValidates() throws IOException {
        List<Path> files = exampleFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(9);

        String[] args = Stream.concat(Stream.of("validate"), files.stream().map(Path::toString))
                .toArray(String[]::new);
        KithCli.Run run = KithCli.run(args);
        int status = run.status();

        String output = run.out() + run.err();
        assertThat(output).containsPattern("(?m)^\\d+ passed, 0 failed$");
        assertThat(output).doesNotContainPattern("(?m)^0 passed");
        assertThat(status).as(output).isZero();
    }

    @Test
    void theDelegationChainScriptShowsTheDepthLimitAsTheReadmeSays() throws Exception {
        KithCli.Run fifty = KithCli.run("validate", chain(50).toString());
        assertThat(fifty.out() + fifty.err()).containsPattern("(?m)^2 passed, 0 failed$");
        assertThat(fifty.status()).isZero();

        Path longer = chain(51);
        KithCli.Run fiftyOne = KithCli.run("validate", longer.toString());
        String output = fiftyOne.out() + fiftyOne.err();
        assertThat(output)
                .contains("assertTrue document:deep#view@user:holder51: expected HAS, the check failed: max depth 50"
                        + " exceeded while evaluating delegation:link50#redelegation -> delegation:link51#holder")
                .contains("assertFalse document:deep#view@user:stranger: expected NO, the check failed: max depth 50"
                        + " exceeded")
                .containsPattern("(?m)^0 passed, 2 failed$");
        assertThat(fiftyOne.status()).isNotZero();
    }

    /** Runs {@code examples/delegation/deep-chain.sh links} and returns the validation file it printed. */
    private Path chain(int links) throws Exception {
        Path out = tmp.resolve("chain-" + links + ".yaml");
        Process script = new ProcessBuilder(
                        "sh", EXAMPLES.resolve("delegation/deep-chain.sh").toString(), Integer.toString(links))
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).isZero();
        return out;
    }
}

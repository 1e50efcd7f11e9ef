package dev.kith.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs every example under {@code examples/} through {@code kith validate}, so that the examples the README
 * points people to stay true: each schema compiles and every assertion and expected relation holds.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyExampleIsThere() throws IOException {
        List<String> dirs;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            dirs = list.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
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

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine kith = Main.commandLine();
        kith.setOut(new PrintWriter(out, true));
        kith.setErr(new PrintWriter(err, true));
        String[] args = Stream.concat(Stream.of("validate"), files.stream().map(Path::toString))
                .toArray(String[]::new);
        int status = kith.execute(args);

        String output = out.toString() + err;
        assertThat(output).containsPattern("(?m)^\\d+ passed, 0 failed$");
        assertThat(output).doesNotContainPattern("(?m)^0 passed");
        assertThat(status).as(output).isZero();
    }
}

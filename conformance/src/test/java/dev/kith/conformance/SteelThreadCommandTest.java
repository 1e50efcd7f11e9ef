package dev.kith.conformance;

import static dev.kith.conformance.ConformanceCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.cli.KithCli;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code kith-conformance conformance-steelthread} on a manifest of our own ({@code src/test/resources/steelthread}):
 * every operation kind through the embedded HTTP server, and one expectation that is wrong on purpose.
 */
class SteelThreadCommandTest {
    @TempDir
    Path dir;

    private static Path manifest() throws URISyntaxException {
        return Path.of(SteelThreadCommandTest.class
                .getResource("/steelthread/manifest.json")
                .toURI());
    }

    @Test
    void everyOperationPassesExceptTheWrongExpectationWhichFailsWithItsDifference() throws Exception {
        KithCli.Run run = run("conformance-steelthread", manifest().toString());

        assertThat(run.status()).as(run.out()).isEqualTo(1);
        assertThat(run.out())
                .contains("features kith deliberately lacks: none")
                .contains("PASS library / subjects of a book shared with a club")
                .contains("PASS library / subjects of a public book with one reader blocked")
                .contains("PASS library / books ada reads\n")
                .contains("PASS library / books ada reads, two at a time")
                .contains("PASS library / relationships of atlas, one at a time")
                .contains("PASS library / bulk check")
                .contains("PASS library / import members, export clubs")
                .contains("PASS library schema / blocked readers would be orphaned")
                .contains("PASS library schema / clubs may hold clubs")
                .contains("FAIL library / wrong on purpose: a blocked reader expected\n"
                        + "    compared exactly; - expected, + kith:\n"
                        + "    - - 'bo'\n")
                .endsWith("9 passed, 1 failed\n");
    }

    @Test
    void aSchemaRefusedForAnotherReasonOrCodeThanExpectedFails() throws Exception {
        Path source = manifest().getParent();
        Path copy = dir.resolve("steelthread");
        copyTree(source, copy);
        Files.writeString(
                copy.resolve("results/schema-orphans.yaml"),
                "---\nerror: 'failed to write schema: rpc error: code = FailedPrecondition desc = a relationship"
                        + " exists with it: book:atlas#blocked@reader:al'\n");
        Files.writeString(copy.resolve("results/schema-accepted.yaml"), "---\nerror: 'refused'\n");

        KithCli.Run run =
                run("conformance-steelthread", copy.resolve("manifest.json").toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .contains("FAIL library schema / blocked readers would be orphaned\n"
                        + "    refused with code InvalidArgument, SpiceDB with FailedPrecondition\n"
                        + "    the refusal does not name the relationship book:atlas#blocked@reader:al")
                .contains("FAIL library schema / clubs may hold clubs\n"
                        + "    compared accepted or refused; - expected, + kith:\n"
                        + "    - error: 'refused'\n"
                        + "    + {}\n")
                .endsWith("7 passed, 3 failed\n");
    }

    @Test
    void aSchemaThatDoesNotCompileIsANoteWhenSpiceDbRefusesItToo() throws Exception {
        Path copy = dir.resolve("steelthread");
        copyTree(manifest().getParent(), copy);
        String manifest = Files.readString(copy.resolve("manifest.json"))
                .replace("relation member: reader | club#member", "relation member: patron");
        Files.writeString(copy.resolve("manifest.json"), manifest);
        Files.writeString(
                copy.resolve("results/schema-accepted.yaml"),
                "---\nerror: 'failed to write schema: rpc error: code = FailedPrecondition desc = no patron'\n");

        KithCli.Run run =
                run("conformance-steelthread", copy.resolve("manifest.json").toString());

        assertThat(run.out())
                .contains("PASS library schema / clubs may hold clubs\n"
                        + "    note: kith refuses a schema that does not compile with INVALID_SCHEMA")
                .contains("unknown type `patron`")
                .endsWith("9 passed, 1 failed\n");
    }

    @Test
    void anUnknownOperationAndAMissingManifestAreReported() throws Exception {
        Path copy = dir.resolve("steelthread");
        copyTree(manifest().getParent(), copy);
        String manifest = Files.readString(copy.resolve("manifest.json"))
                .replace("\"operationName\": \"bulkCheckPermissions\"", "\"operationName\": \"watchEverything\"");
        Files.writeString(copy.resolve("manifest.json"), manifest);

        KithCli.Run run =
                run("conformance-steelthread", copy.resolve("manifest.json").toString());
        assertThat(run.out())
                .contains("FAIL library / bulk check\n    watchEverything could not run: unknown operation"
                        + " `watchEverything`");

        KithCli.Run missing =
                run("conformance-steelthread", dir.resolve("nope.json").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read the manifest").contains("nope.json");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}

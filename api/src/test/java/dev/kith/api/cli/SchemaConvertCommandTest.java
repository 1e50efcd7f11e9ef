package dev.kith.api.cli;

import static dev.kith.api.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kith schema convert --from openfga} and the hidden {@code kith validate-openfga}, in-process. */
class SchemaConvertCommandTest {

    @TempDir
    Path dir;

    @Test
    void convertPrintsTheKithSchemaOfAnOpenFgaModel() throws IOException {
        Path model = KithCli.file(dir, "model.fga", """
                model
                  schema 1.1
                type user
                type document
                  relations
                    define owner: [user]
                    define viewer: [user, user:*] or owner
                """);
        KithCli.Run run = run("schema", "convert", "--from", "openfga", model.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                definition user {
                }
                definition document {
                    relation owner: user
                    relation viewer_direct: user | user:*
                    permission viewer = viewer_direct + owner
                }
                """);
    }

    @Test
    void convertReportsErrorsAtTheModelsLineAndColumn() throws IOException {
        Path model = KithCli.file(dir, "bad.fga", """
                model
                  schema 1.1
                type document
                  relations
                    define viewer: [person]
                """);
        KithCli.Run run = run("schema", "convert", "--from", "openfga", model.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .contains(model + ":5:21: `person` is not a valid type")
                .contains(model + ": not converted, 1 error")
                .doesNotContain("Exception");
    }

    @Test
    void convertNeedsAKnownLanguage() throws IOException {
        Path model = KithCli.file(dir, "model.fga", "model\n  schema 1.1\n");
        KithCli.Run run = run("schema", "convert", "--from", "cedar", model.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--from").contains("openfga");
    }

    @Test
    void validateOpenFgaPrintsTotalsAndFailsOnADisagreement() throws IOException {
        Path tests = KithCli.file(dir, "tests.yaml", """
                tests:
                  - name: direct
                    stages:
                      - model: |
                          model
                            schema 1.1
                          type user
                          type document
                            relations
                              define viewer: [user]
                        tuples:
                          - object: document:1
                            relation: viewer
                            user: user:ann
                        checkAssertions:
                          - tuple: {object: document:1, relation: viewer, user: user:ann}
                            expectation: true
                          - tuple: {object: document:1, relation: viewer, user: user:bob}
                            expectation: true
                """);
        KithCli.Run run = run("validate-openfga", dir.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .contains("FAIL " + tests
                        + ": direct: check document:1#viewer@user:bob: OpenFGA answers true, kith false")
                .contains(tests + ": 1 passed, 1 failed, 0 skipped, 0 not supported, 0 semantic differences")
                .contains("OpenFGA conformance: 1 passed, 1 failed");
    }
}

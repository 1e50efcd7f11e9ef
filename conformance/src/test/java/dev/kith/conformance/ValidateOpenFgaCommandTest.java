package dev.kith.conformance;

import static dev.kith.conformance.ConformanceCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.cli.KithCli;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kith-conformance validate-openfga}, in-process. */
class ValidateOpenFgaCommandTest {
    @TempDir
    Path dir;

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

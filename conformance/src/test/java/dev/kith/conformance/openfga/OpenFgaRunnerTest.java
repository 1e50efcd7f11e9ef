package dev.kith.conformance.openfga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The OpenFGA runner on small suites written for these tests (src/test/resources/openfga). */
class OpenFgaRunnerTest {

    private final OpenFgaRunner runner = new OpenFgaRunner(
            () -> Engines.inMemory(EngineOptions.defaults().withDepthLimit(OpenFgaRunner.OPENFGA_DEPTH_LIMIT)));

    private static Path resource(String name) {
        try {
            return Path.of(
                    OpenFgaRunnerTest.class.getResource("/openfga/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void stagedTestsPassAndFailWithContextualTuplesSentAsContextualRelationships() {
        OpenFgaReport report = runner.run(resource("staged.yaml"));
        assertThat(report.failures())
                .containsExactly("wrong expectation: check document:plan#viewer@user:eve: OpenFGA answers true,"
                        + " kith false");
        assertThat(report.failed()).isEqualTo(1);
        // 8 checks (2 with contextual tuples, one of them invalid) + 2 list-objects (1 with contextual tuples) +
        // 2 list-users in stage 1, 1 check in stage 2
        assertThat(report.passed()).isEqualTo(13);
        assertThat(report.notSupported()).isEmpty();
        assertThat(report.differences()).isEmpty();
        // stage 2's model has no viewer relation: the two viewer tuples of stage 1 are ignored there
        assertThat(report.ignoredTuples()).isEqualTo(2);
    }

    @Test
    void storeFilesReadTheirModelFileAndMergeTestTuples() {
        OpenFgaReport report = runner.run(resource("store/store.fga.yaml"));
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isEqualTo(5);
    }

    @Test
    void aModularModelIsItsModulesCombinedWithTheirExtensions() {
        OpenFgaReport report = runner.run(resource("modular/store.fga.yaml"));
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isEqualTo(5);
    }

    @Test
    void aModuleExtendingATypeNoModuleDefinesIsOneFailureThatSaysSo() {
        OpenFgaReport report = runner.run(resource("modular-broken/store.fga.yaml"));
        assertThat(report.failures())
                .singleElement()
                .asString()
                .contains("core.fga extends type document, which no module defines");
    }

    @Test
    void languageCasesAreAcceptRejectChecksOfTheTranslator() {
        OpenFgaReport report = runner.run(resource("cases.yaml"));
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isEqualTo(2);
        assertThat(report.skipped()).isEqualTo(1);
    }

    @Test
    void aFileOfAnotherShapeIsOneFailureThatSaysWhy() {
        OpenFgaReport report = runner.run(resource("store/model.fga"));
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.failures().getFirst()).contains("must be a mapping");
    }

    @Test
    void aCycleThroughAnExclusionIsFoundInTheSchema() throws Exception {
        var model = dev.kith.schema.openfga.OpenFga.translate("m.fga", """
                model
                  schema 1.1
                type user
                type document
                  relations
                    define restricted: [user, document#viewer]
                    define viewer: [user] but not restricted
                    define other: [user] but not viewer
                """);
        assertThat(FgaDifferences.cycleThroughExclusion(model.schema(), "document", "viewer"))
                .isTrue();
        assertThat(FgaDifferences.cycleThroughExclusion(model.schema(), "document", "other"))
                .isFalse();
    }
}

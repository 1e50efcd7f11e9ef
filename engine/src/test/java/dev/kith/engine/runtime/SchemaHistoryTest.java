package dev.kith.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.index.Index;
import org.junit.jupiter.api.Test;

class SchemaHistoryTest {
    private static final String V1 = """
            definition user {}
            definition doc {
                relation viewer: user
            }
            """;
    private static final String V2 =
            V1.replace("relation viewer: user", "relation viewer: user\n    relation owner: user");
    private static final String V3 =
            V2.replace("relation owner: user", "relation owner: user\n    relation editor: user");

    private final SchemaHistory history = new SchemaHistory(new Index());

    private String sourceAt(long rev) {
        CompiledSchema s = history.schemaOrNull(rev);
        return s == null ? null : s.schema().source();
    }

    @Test
    void eachRevisionReadsTheSchemaInForceThen() {
        assertThat(history.schemaOrNull(5)).isNull();
        assertThatThrownBy(() -> history.require(5))
                .isInstanceOf(KithException.NotFound.class)
                .hasMessageContaining("at revision 5");

        history.install(2, history.compile(V1));
        history.install(6, history.compile(V2));
        assertThat(sourceAt(1)).isNull();
        assertThat(sourceAt(2)).isEqualTo(V1);
        assertThat(sourceAt(5)).isEqualTo(V1);
        assertThat(sourceAt(6)).isEqualTo(V2);
        assertThat(sourceAt(100)).isEqualTo(V2);
        assertThat(history.require(3).schema().source()).isEqualTo(V1);

        assertThat(history.installedAt(6)).isTrue();
        assertThat(history.installedAt(5)).isFalse();
        assertThat(history.sameAt(5, V1)).isTrue();
        assertThat(history.sameAt(6, V1)).isFalse();
        assertThat(history.sameAt(1, V1)).isFalse();
    }

    @Test
    void anOlderInstallDoesNotReplaceTheNewest() {
        history.install(6, history.compile(V2));
        history.install(2, history.compile(V1));
        assertThat(sourceAt(9)).isEqualTo(V2);
        assertThat(sourceAt(3)).isEqualTo(V1);
    }

    @Test
    void anUninstalledSchemaGivesWayToTheOneBefore() {
        history.install(2, history.compile(V1));
        history.install(3, history.compile(V2));
        history.uninstall(3);
        assertThat(sourceAt(3)).isEqualTo(V1);
        assertThat(sourceAt(9)).isEqualTo(V1);
        history.uninstall(2);
        assertThat(sourceAt(9)).isNull();
    }

    @Test
    void pruningKeepsTheSchemaInForceAtTheOldestReadableRevision() {
        history.install(2, history.compile(V1));
        history.install(4, history.compile(V2));
        history.install(8, history.compile(V3));
        history.pruneBelow(6);
        assertThat(sourceAt(6)).isEqualTo(V2);
        assertThat(sourceAt(4)).isEqualTo(V2);
        assertThat(sourceAt(3)).as("no longer readable: forgotten").isNull();
        assertThat(sourceAt(8)).isEqualTo(V3);
    }

    @Test
    void anInvalidSchemaIsRefusedWithItsDiagnostics() {
        assertThatThrownBy(() -> history.compile("definition doc { relation viewer: nobody }"))
                .isInstanceOf(KithException.InvalidSchema.class);
    }
}

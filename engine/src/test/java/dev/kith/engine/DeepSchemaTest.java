package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.runtime.Engines;
import dev.kith.schema.SchemaLimits;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A permission graph too deep to evaluate is refused when the schema is written, not when it is checked. */
class DeepSchemaTest {

    /** {@code perm_{n-1} -> … -> perm_0 -> reader}. */
    private static String chain(int n) {
        StringBuilder text = new StringBuilder("definition user {}\ndefinition doc {\n relation reader: user\n");
        text.append(" permission perm_0 = reader\n");
        for (int i = 1; i < n; i++) {
            text.append(" permission perm_")
                    .append(i)
                    .append(" = perm_")
                    .append(i - 1)
                    .append('\n');
        }
        return text.append('}').toString();
    }

    @Test
    void aLongChainOfPermissionsIsRefusedAtSchemaWrite() throws Exception {
        try (Engine engine = Engines.inMemory(EngineOptions.defaults())) {
            assertThatThrownBy(() -> engine.writeSchema(chain(400)))
                    .isInstanceOfSatisfying(
                            KithException.InvalidSchema.class,
                            e -> assertThat(e.diagnostics())
                                    .singleElement()
                                    .satisfies(d -> assertThat(d.message())
                                            .contains("starts a chain of 400 references")
                                            .contains("(schema limit max-permission-depth = 200)")));
            assertThatThrownBy(() -> engine.writeSchema(chain(10_000)))
                    .isInstanceOf(KithException.InvalidSchema.class)
                    .hasMessageContaining("max-relations");
            engine.writeSchema(chain(150));
            Fixture.touch(engine, "doc:d#reader@user:ann");
            assertThat(Fixture.can(engine, "doc:d#perm_149", "user:ann")).isEqualTo(Permissionship.HAS_PERMISSION);
        }
    }

    @Test
    void aCheckThatRunsOutOfStackSaysTheGraphIsTooDeepAndGivesNoStackAdvice() throws Exception {
        SchemaLimits roomy = SchemaLimits.DEFAULTS.with("max-relations=20000,max-permission-depth=20000");
        try (Engine engine = Engines.inMemory(EngineOptions.defaults().withSchemaLimits(roomy))) {
            engine.writeSchema(chain(10_000));
            Fixture.touch(engine, "doc:d#reader@user:ann");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread small = new Thread(
                    null,
                    () -> {
                        try {
                            Fixture.can(engine, "doc:d#perm_9999", "user:ann");
                        } catch (Throwable t) {
                            thrown.set(t);
                        }
                    },
                    "small",
                    256 * 1024);
            small.start();
            small.join();
            assertThat(thrown.get())
                    .isInstanceOf(KithException.MaxDepthExceeded.class)
                    .hasMessageContaining("the graph of permissions and relationships is too deep to evaluate")
                    .hasMessageNotContaining("stack");
        }
    }
}

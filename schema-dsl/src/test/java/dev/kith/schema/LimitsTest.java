package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Inputs far larger than any real schema get a diagnostic, never a stack overflow. */
class LimitsTest {

    @Test
    void tooManyOperatorsInOnePermission() {
        String expression = "reader" + " + reader".repeat(1200);
        assertThatThrownBy(() -> Schemas.compile(
                        "t.zed",
                        "definition user {}\ndefinition doc {\n relation reader: user\n permission view = " + expression
                                + "\n}"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("more than 1000 operators");
    }

    @Test
    void parenthesesNestedTooDeep() {
        String expression = "(".repeat(5000) + "reader" + ")".repeat(5000);
        assertThatThrownBy(() -> Schemas.compile(
                        "t.zed",
                        "definition user {}\ndefinition doc {\n relation reader: user\n permission view = " + expression
                                + "\n}"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("nested more than 100 deep");
    }

    @Test
    void typeArgumentsNestedTooDeep() {
        String type = "list<".repeat(5000) + "int" + ">".repeat(5000);
        assertThatThrownBy(() -> Schemas.compile("t.zed", "caveat deep(a " + type + ") { true }"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("nested more than 100 deep");
    }

    @Test
    void longChainsOfPermissionsAndLongCyclesAreFine() throws SchemaException {
        StringBuilder chain = new StringBuilder("definition user {}\ndefinition doc {\n relation reader: user\n");
        chain.append(" permission perm_0 = reader\n");
        int length = 20_000;
        for (int i = 1; i < length; i++) {
            chain.append(" permission perm_")
                    .append(i)
                    .append(" = perm_")
                    .append(i - 1)
                    .append('\n');
        }
        String acyclic = chain + "}";
        assertThat(Schemas.compile("t.zed", acyclic).definition("doc").relations())
                .hasSize(length + 1);
        String cyclic = acyclic.replace("permission perm_0 = reader", "permission perm_0 = perm_" + (length - 1));
        assertThatThrownBy(() -> Schemas.compile("t.zed", cyclic))
                .isInstanceOfSatisfying(
                        SchemaException.class,
                        e -> assertThat(e.diagnostics())
                                .singleElement()
                                .satisfies(d -> assertThat(d.message())
                                        .contains("defined in terms of itself: perm_0 -> perm_19999 -> perm_19998")
                                        .endsWith("-> perm_0 (20000 permissions)")));
    }
}

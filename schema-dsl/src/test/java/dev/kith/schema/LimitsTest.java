package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every {@link SchemaLimits} bound refuses a schema over it with one diagnostic that names the limit, its value and
 * where; inputs far larger than any real schema get a diagnostic, never a stack overflow.
 */
class LimitsTest {

    private static final String DOC =
            "definition user {}\ndefinition doc {\n relation reader: user\n permission view = ";

    /** The one diagnostic compiling {@code text} under {@code limits} gives. */
    private static Diagnostic refusal(String text, SchemaLimits limits) {
        AtomicReference<Diagnostic> only = new AtomicReference<>();
        assertThatThrownBy(() -> Schemas.compile("t.zed", text, limits))
                .isInstanceOfSatisfying(SchemaException.class, e -> {
                    assertThat(e.diagnostics()).hasSize(1);
                    only.set(e.diagnostics().get(0));
                });
        return only.get();
    }

    private static Diagnostic refusal(String text) {
        return refusal(text, SchemaLimits.DEFAULTS);
    }

    /** A chain {@code perm_{n-1} -> … -> perm_0 -> reader}: n references from {@code perm_{n-1}}. */
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

    /** Runs {@code body} on a thread with a 256 KiB stack and rethrows what it threw. */
    private static void onSmallStack(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = new Thread(
                null,
                () -> {
                    try {
                        body.run();
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                },
                "small",
                256 * 1024);
        thread.start();
        thread.join();
        if (thrown.get() instanceof Error error) throw error;
        if (thrown.get() instanceof RuntimeException e) throw e;
        assertThat(thrown.get()).isNull();
    }

    @Test
    void tooManyNodesInOnePermission() {
        Diagnostic d = refusal(DOC + "reader" + " + reader".repeat(500) + "\n}");
        assertThat(d.message())
                .contains("more than 1000 names, arrows and operators")
                .contains("(schema limit max-expression-nodes = 1000)");
        assertThat(d.position().line()).isEqualTo(4);
    }

    @Test
    void parenthesesNestedTooDeep() {
        Diagnostic d = refusal(DOC + "(".repeat(5000) + "reader" + ")".repeat(5000) + "\n}");
        assertThat(d.message()).contains("nested more than 50 deep (schema limit max-expression-nesting = 50)");
        assertThat(d.position().line()).isEqualTo(4);
        assertThat(d.position().column()).isEqualTo(20 + 50);
    }

    @Test
    void typeArgumentsNestedTooDeep() {
        String type = "list<".repeat(5000) + "int" + ">".repeat(5000);
        assertThat(refusal("caveat deep(a " + type + ") { true }").message())
                .contains("nested more than 50 deep (schema limit max-expression-nesting = 50)");
    }

    @Test
    void tooManyDefinitions() {
        String text = "definition d {}\n".repeat(2001);
        Diagnostic d = refusal(text);
        assertThat(d.message())
                .contains("more than 2000 definitions and caveats (schema limit max-definitions = 2000)");
        assertThat(d.position().line()).isEqualTo(2001);
        assertThat(refusal(
                                "definition a {}\ncaveat c(x int) { x > 1 }\ndefinition b {}",
                                SchemaLimits.DEFAULTS.with("max-definitions=2"))
                        .message())
                .contains("(schema limit max-definitions = 2)");
    }

    @Test
    void tooManyRelationsInOneDefinition() {
        Diagnostic d = refusal(chain(501));
        assertThat(d.message())
                .contains("definition `doc` has more than 500 relations and permissions")
                .contains("(schema limit max-relations = 500)");
        assertThat(d.position().line()).isEqualTo(3 + 500);
    }

    @Test
    void tooManyAllowedTypes() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 101; i++) text.append("definition t").append(i).append(" {}\n");
        text.append("definition doc {\n relation reader: t0");
        for (int i = 1; i < 101; i++) text.append(" | t").append(i);
        text.append("\n}");
        Diagnostic d = refusal(text.toString());
        assertThat(d.message()).contains("more than 100 allowed subject types (schema limit max-allowed-types = 100)");
        assertThat(d.position().line()).isEqualTo(103);
    }

    @Test
    void caveatsAreBounded() {
        StringBuilder parameters = new StringBuilder("p0 int");
        for (int i = 1; i < 51; i++) parameters.append(", p").append(i).append(" int");
        assertThat(refusal("caveat c(" + parameters + ") { p0 > 1 }").message())
                .contains("caveat `c` has more than 50 parameters (schema limit max-caveat-parameters = 50)");
        String long_ = "x > 1" + " && x > 1".repeat(3000);
        assertThat(refusal("caveat c(x int) { " + long_ + " }").message())
                .contains("longer than 16384 bytes (schema limit max-caveat-bytes = 16384)");
    }

    @Test
    void caveatExpressionsNestNoDeeperThanTheLimit() throws Exception {
        String deep = "caveat cav(x int) { " + "(".repeat(51) + "x > 1" + ")".repeat(51) + " }";
        assertThat(refusal(deep).message())
                .contains("the expression of caveat `cav` nests brackets 51 deep, more than 50")
                .contains("(schema limit max-expression-nesting = 50)");
        Lexer.RawBody body = new Lexer(
                        new SourceText("t.zed", "f([1, {'a': \"(((\"}]) /* ((( */ && ')' == ')' } rest"),
                        new java.util.ArrayList<>())
                .readCaveatBody();
        assertThat(body.closed()).isTrue();
        assertThat(body.nesting()).isEqualTo(3);
        assertThat(body.strayLine()).isZero();
        onSmallStack(() -> {
            try {
                String within = "caveat cav(x int) { " + "(".repeat(50) + "x > 1" + ")".repeat(50) + " }";
                assertThat(Schemas.compile("t.zed", within).caveats()).containsKey("cav");
                Schemas.checkSyntax("t.zed", within);
                String deeper = "caveat cav(x int) { " + "(".repeat(5000) + "x > 1" + ")".repeat(5000) + " }";
                assertThatThrownBy(() -> Schemas.checkSyntax("t.zed", deeper))
                        .hasMessageContaining("max-expression-nesting");
            } catch (SchemaException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void theWholeSchemaIsBounded() {
        Diagnostic d = refusal(
                "definition user {}\n" + "// padding\n".repeat(100), SchemaLimits.DEFAULTS.with("max-bytes=1000"));
        assertThat(d.message()).contains("longer than 1000 bytes (schema limit max-bytes = 1000)");
        assertThat(d.position().line()).isEqualTo(1);
    }

    @Test
    void aChainOfPermissionsDeeperThanTheLimitIsRefused() throws SchemaException {
        assertThat(Schemas.compile("t.zed", chain(200)).definition("doc").relations())
                .hasSize(201);
        Diagnostic d = refusal(chain(201 + 1));
        assertThat(d.message())
                .startsWith("`doc#perm_201` starts a chain of 202 references")
                .contains("(schema limit max-permission-depth = 200)")
                .contains("doc#perm_201 -> doc#perm_200 -> doc#perm_199");
        assertThat(d.position().line()).isEqualTo(3 + 202);
    }

    @Test
    void theDepthFollowsArrowsAndSubjectRelationsAcrossTypes() throws SchemaException {
        StringBuilder text = new StringBuilder("definition user {}\n");
        int types = 30;
        text.append("definition type0 {\n relation member: user\n permission view = member\n}\n");
        for (int i = 1; i < types; i++) {
            text.append("definition type")
                    .append(i)
                    .append(" {\n relation parent: type")
                    .append(i - 1);
            text.append("\n relation group: type").append(i - 1).append("#member");
            text.append("\n relation member: user | type")
                    .append(i)
                    .append("#member\n permission view = parent->view + group\n}\n");
        }
        // type29#view -> type28#view -> … -> type0#view -> type0#member: 30 references; each member's own subject
        // relation
        // (type_i#member in type_i#member) refers back into the chain and ends it
        assertThat(Schemas.compile("t.zed", text.toString()).definitions()).hasSize(types + 1);
        assertThat(refusal(text.toString(), SchemaLimits.DEFAULTS.with("max-permission-depth=20"))
                        .message())
                .startsWith("`type29#view` starts a chain of 30 references")
                .contains("(schema limit max-permission-depth = 20)")
                .contains("type29#view -> type28#view -> type27#view");
    }

    @Test
    void recursionThroughDataIsNotADeepChain() throws SchemaException {
        String folders = """
                definition user {}
                definition folder {
                  relation parent: folder
                  relation viewer: user | folder#viewer
                  permission view = viewer + parent->view
                }
                """;
        assertThat(Schemas.compile("t.zed", folders, SchemaLimits.DEFAULTS.with("max-permission-depth=3"))
                        .definitions())
                .hasSize(2);
    }

    @Test
    void longInputsNeverOverflowASmallStack() throws InterruptedException {
        onSmallStack(() -> {
            assertThat(refusal(chain(10_000), SchemaLimits.DEFAULTS.with("max-relations=20000"))
                            .message())
                    .contains("starts a chain of 10000 references");
            assertThat(refusal(DOC + "(".repeat(10_000) + "reader" + ")".repeat(10_000) + "\n}")
                            .message())
                    .contains("max-expression-nesting");
            try {
                // the largest expressions the limits allow: 500 names and 499 operators, and a run of 50 `-`
                String union = DOC + "reader" + " + reader".repeat(499) + "\n}";
                assertThat(Schemas.format(Schemas.compile("t.zed", union))).contains("permission view = reader");
                String deepest = DOC + "(".repeat(49) + "reader" + " - reader".repeat(50) + ")".repeat(49) + "\n}";
                assertThat(Schemas.format(Schemas.compile("t.zed", deepest)))
                        .contains("permission view = " + "(".repeat(49) + "reader - reader - ");
                assertThat(refusal(DOC + "reader" + " - reader".repeat(499) + "\n}")
                                .message())
                        .contains("nests more than 50 deep")
                        .contains("(schema limit max-expression-nesting = 50)");
            } catch (SchemaException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aSpecChangesNamedLimits() {
        SchemaLimits limits = SchemaLimits.DEFAULTS.with(" max-definitions = 5_000 , max-permission-depth=300");
        assertThat(limits.maxDefinitions()).isEqualTo(5000);
        assertThat(limits.maxPermissionDepth()).isEqualTo(300);
        assertThat(limits.maxRelationsPerDefinition()).isEqualTo(500);
        assertThat(SchemaLimits.DEFAULTS.with("")).isEqualTo(SchemaLimits.DEFAULTS);
        assertThatThrownBy(() -> SchemaLimits.DEFAULTS.with("max-nothing=3"))
                .hasMessageContaining("max-nothing=3")
                .hasMessageContaining("max-definitions");
        assertThatThrownBy(() -> SchemaLimits.DEFAULTS.with("max-definitions=many"))
                .hasMessageContaining("needs a whole number");
        assertThatThrownBy(() -> SchemaLimits.DEFAULTS.with("max-definitions=0"))
                .hasMessageContaining("max-definitions must be at least 1");
    }

    @Test
    void longChainsOfPermissionsAndLongCyclesAreFine() throws SchemaException {
        SchemaLimits roomy = SchemaLimits.DEFAULTS.with("max-relations=30000,max-permission-depth=30000");
        int length = 20_000;
        String acyclic = chain(length);
        assertThat(Schemas.compile("t.zed", acyclic, roomy).definition("doc").relations())
                .hasSize(length + 1);
        String cyclic = acyclic.replace("permission perm_0 = reader", "permission perm_0 = perm_" + (length - 1));
        assertThatThrownBy(() -> Schemas.compile("t.zed", cyclic, roomy))
                .isInstanceOfSatisfying(
                        SchemaException.class,
                        e -> assertThat(e.diagnostics())
                                .singleElement()
                                .satisfies(d -> assertThat(d.message())
                                        .contains("defined in terms of itself: perm_0 -> perm_19999 -> perm_19998")
                                        .endsWith("-> perm_0 (20000 permissions)")));
    }
}

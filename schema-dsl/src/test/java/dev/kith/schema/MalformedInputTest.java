package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input never escapes as anything but a {@link SchemaException} with positioned diagnostics:
 * random valid schemas are cut, spliced and sprinkled with stray characters, then compiled and
 * syntax-checked.
 */
class MalformedInputTest {
    private static final String NOISE = "{}()<>:;,=|#*+-&./\"'`\n\t abcxyz019_…é";

    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedSchemasFailOnlyWithDiagnostics(long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(RandomSchemas.generate(seed));
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && !text.isEmpty(); m++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(4)) {
                case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(12)));
                case 1 -> text.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
                case 2 -> text.setLength(at);
                default -> text.setCharAt(at, NOISE.charAt(random.nextInt(NOISE.length())));
            }
        }
        String input = text.toString();
        String lines = "input:\n" + input;
        try {
            Schemas.compile("m.zed", input);
        } catch (SchemaException e) {
            assertWellFormed(e, input, lines);
        }
        try {
            Schemas.checkSyntax("m.zed", input);
        } catch (SchemaException e) {
            assertWellFormed(e, input, lines);
        }
    }

    private static void assertWellFormed(SchemaException e, String input, String description) {
        long lineCount = input.lines().count() + 1;
        assertThat(e.diagnostics()).as(description).isNotEmpty();
        for (Diagnostic d : e.diagnostics()) {
            assertThat(d.position().file()).isEqualTo("m.zed");
            assertThat(d.position().line()).as(description).isBetween(1, (int) lineCount + 1);
            assertThat(d.position().column()).as(description).isPositive();
            assertThat(d.message()).isNotBlank();
            assertThat(d.render()).startsWith("m.zed:" + d.position().line() + ":");
        }
    }
}

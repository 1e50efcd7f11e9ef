package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files under {@code golden/}: each {@code X.zed} has beside it {@code X.formatted} (it must format to
 * exactly that text, and formatting that changes nothing), {@code X.diagnostics} (it must fail to compile with
 * exactly those rendered diagnostics), or both: formatting is syntax-level, so a schema whose only errors are
 * semantic (names, cycles, caveat types) is formatted too. A file with a {@code .formatted} and no {@code
 * .diagnostics} must compile.
 */
class GoldenFilesTest {

    static Stream<Path> inputs() throws IOException, URISyntaxException {
        Path dir = Path.of(GoldenFilesTest.class.getResource("/golden").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".zed")).sorted().toList().stream();
        }
    }

    @Test
    void aboutAThirdOfTheGoldenInputsAreBroken() throws Exception {
        List<Path> all = inputs().toList();
        long broken = all.stream()
                .filter(f -> Files.exists(sibling(f, ".diagnostics")))
                .count();
        assertThat(all).hasSizeGreaterThanOrEqualTo(15);
        assertThat(broken * 4).isGreaterThanOrEqualTo(all.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void matchesItsGoldenOutput(Path input) throws Exception {
        String name = input.getFileName().toString();
        String text = Files.readString(input);
        Path formatted = sibling(input, ".formatted");
        Path diagnostics = sibling(input, ".diagnostics");
        assertThat(Files.exists(formatted) || Files.exists(diagnostics))
                .as("one of %s, %s", formatted.getFileName(), diagnostics.getFileName())
                .isTrue();
        if (Files.exists(formatted)) {
            String canonical = Schemas.format(name, text);
            assertThat(canonical).isEqualTo(Files.readString(formatted));
            assertThat(Schemas.format(name, canonical)).isEqualTo(canonical);
            Schemas.checkSyntax(name, text);
        } else {
            assertThatThrownBy(() -> Schemas.format(name, text))
                    .as("a file without .formatted has a syntax error")
                    .isInstanceOf(SchemaException.class);
        }
        if (!Files.exists(diagnostics)) {
            Schemas.compile(name, text);
        } else {
            assertThatThrownBy(() -> Schemas.compile(name, text))
                    .isInstanceOf(SchemaException.class)
                    .satisfies(e -> assertThat(e.getMessage() + "\n").isEqualTo(Files.readString(diagnostics)))
                    .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        }
    }

    private static Path sibling(Path input, String extension) {
        String name = input.getFileName().toString();
        return input.resolveSibling(name.substring(0, name.length() - ".zed".length()) + extension);
    }
}

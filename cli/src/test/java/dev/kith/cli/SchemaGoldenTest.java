package dev.kith.cli;

import static dev.kith.cli.KithCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kith schema format} and {@code kith schema convert} over every schema of the repository: the {@code .zed}
 * files of {@code examples/} and of the schema language's golden tests, and the OpenFGA models under {@code
 * convert/} with their expected kith schemas beside them.
 */
class SchemaGoldenTest {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    /** Comments as the lexer reads them (none of these files has a comment marker inside a caveat's body). */
    private static final Pattern COMMENT = Pattern.compile("//[^\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    @TempDir
    Path tmp;

    static Stream<Path> schemas() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("examples", "schema-dsl/src/test/resources/golden")) {
            try (Stream<Path> files = Files.walk(REPOSITORY.resolve(dir))) {
                files.filter(f -> f.toString().endsWith(".zed")).sorted().forEach(all::add);
            }
        }
        return all.stream();
    }

    static Stream<Path> models() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/convert"))) {
            return files.filter(f -> f.toString().endsWith(".fga")).sorted().toList().stream();
        }
    }

    @Test
    void everySchemaOfTheRepositoryIsCovered() throws IOException {
        assertThat(schemas().filter(f -> f.startsWith(REPOSITORY.resolve("examples"))))
                .hasSizeGreaterThanOrEqualTo(9);
        assertThat(schemas()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(models()).hasSizeGreaterThanOrEqualTo(2);
    }

    /**
     * A file that parses formats to a fixed point ({@code --check} accepts the output) with the same comments,
     * the same parentheses, and the same compiled model (the same {@code schema check} summary, or the same
     * errors for a file with semantic errors); a file with a syntax error is refused with diagnostics.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void formatIsAFixedPointThatKeepsCommentsParenthesesAndTheModel(Path schema) throws IOException {
        KithCli.Run format = run("schema", "format", schema.toString());
        if (format.status() != 0) {
            assertThat(format.status()).isEqualTo(1);
            assertThat(format.out()).isEmpty();
            assertThat(format.err()).startsWith(schema + ":").contains(": error: ");
            assertThat(run("schema", "check", "--syntax-only", schema.toString())
                            .status())
                    .as("only a syntax error stops formatting")
                    .isEqualTo(1);
            return;
        }
        String original = Files.readString(schema);
        String formatted = format.out();
        Path copy = KithCli.file(tmp, schema.getFileName().toString(), formatted);
        KithCli.Run check = run("schema", "format", "--check", copy.toString());
        assertThat(check.status()).as(check.out()).isZero();
        assertThat(check.out()).isEmpty();
        assertThat(comments(formatted)).isEqualTo(comments(original));
        assertThat(count(formatted, '(')).isEqualTo(count(original, '(') - occurrences(original, ".any("));
        KithCli.Run before = run("schema", "check", schema.toString());
        KithCli.Run after = run("schema", "check", copy.toString());
        assertThat(after.status()).isEqualTo(before.status());
        assertThat(after.out().replace(copy.toString(), "F"))
                .isEqualTo(before.out().replace(schema.toString(), "F"));
        if (before.status() != 0) {
            assertThat(errorMessages(after.err(), copy)).isEqualTo(errorMessages(before.err(), schema));
        }
    }

    /** The OpenFGA model converts to exactly the kith schema beside it, which is formatted and compiles. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void convertPrintsTheGoldenKithSchemaInCanonicalForm(Path model) throws IOException {
        KithCli.Run convert = run("schema", "convert", "--from", "openfga", model.toString());
        assertThat(convert.status()).as(convert.err()).isZero();
        String name = model.getFileName().toString();
        Path golden = model.resolveSibling(name.substring(0, name.length() - ".fga".length()) + ".zed");
        assertThat(convert.out()).isEqualTo(Files.readString(golden));
        assertThat(run("schema", "format", "--check", golden.toString()).status())
                .isZero();
        assertThat(run("schema", "check", golden.toString()).status()).isZero();
    }

    @Test
    void checkNamesTheUnformattedFilesAndTheirFirstDifferenceAndExitsOne() throws IOException {
        Path formatted = KithCli.file(tmp, "ok.zed", "definition user {}\n");
        Path unformatted = KithCli.file(tmp, "bad.zed", "definition user {}\ndefinition doc {\n relation r: user\n}\n");
        KithCli.Run run = run("schema", "format", "--check", formatted.toString(), unformatted.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .isEqualTo(unformatted + ": not formatted (first difference on line 2)" + System.lineSeparator());
        assertThat(Files.readString(unformatted)).startsWith("definition user {}\ndefinition doc");
        assertThat(run("schema", "format", "--check", "--write", formatted.toString())
                        .status())
                .isEqualTo(1);
    }

    @Test
    void aSchemaWithSemanticErrorsFormatsButASyntaxErrorDoesNot() throws IOException {
        Path semantic = KithCli.file(
                tmp, "semantic.zed", "definition doc {\n  relation viewer: nobody\n  permission view = (viewr)\n}\n");
        KithCli.Run format = run("schema", "format", semantic.toString());
        assertThat(format.status()).isZero();
        assertThat(format.out())
                .isEqualTo("definition doc {\n    relation viewer: nobody\n    permission view = (viewr)\n}\n");
        Path syntax = KithCli.file(tmp, "syntax.zed", "definition doc {\n  relation viewer nobody\n}\n");
        KithCli.Run refused = run("schema", "format", syntax.toString());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo(syntax + ":2:19: error: expected ':' and the allowed subject types after relation `viewer`,"
                        + " found 'nobody'\n  relation viewer nobody\n                  ^\n" + syntax
                        + ": not formatted, 1 error" + System.lineSeparator());
    }

    private static List<String> comments(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = COMMENT.matcher(text);
        while (m.find()) {
            found.add(m.group().lines().map(String::strip).toList().toString());
        }
        found.sort(null);
        return found;
    }

    private static long count(String text, char c) {
        return text.chars().filter(x -> x == c).count();
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /** The messages of {@code schema check}'s diagnostics, without the file and position, sorted. */
    private static List<String> errorMessages(String err, Path file) {
        return err.lines()
                .filter(l -> l.startsWith(file + ":"))
                .map(l -> l.substring(file.toString().length()).replaceFirst("^:\\d+:\\d+: ", ""))
                .sorted()
                .toList();
    }
}

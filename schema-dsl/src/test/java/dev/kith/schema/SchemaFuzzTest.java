package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the parser, compiler and formatter on schema text: the valid schemas of the golden files and
 * the repository's examples, mutated token by token (tokens dropped, doubled, swapped, replaced by keywords and
 * punctuation of the language, runs repeated) and byte by byte, and pathological texts grown to large sizes
 * (deep parentheses, long operator chains, nested generics, nested CEL, endless comments). Every input either
 * compiles or fails with a {@link SchemaException} carrying diagnostics: never another exception, never a stack
 * overflow, and in time that grows about linearly with the text.
 */
class SchemaFuzzTest {
    private static final List<String> SEEDS = new ArrayList<>();

    /** Tokens of the language (and some of CEL's) that mutations insert. */
    private static final String[] VOCABULARY = {
        "definition",
        "relation",
        "permission",
        "caveat",
        "use",
        "with",
        "and",
        "expiration",
        "nil",
        "self",
        "any",
        "all",
        "int",
        "string",
        "list<",
        "map<",
        "->",
        ".any(",
        ".all(",
        "#",
        "|",
        "+",
        "-",
        "&",
        "(",
        ")",
        "{",
        "}",
        "<",
        ">",
        ":",
        ";",
        ",",
        "=",
        "*",
        "...",
        "/",
        "/*",
        "*/",
        "//",
        "/**",
        "\"",
        "'",
        "`",
        "\\",
        "\n",
        "\t",
        "user",
        "document",
        "viewer",
        "a",
        "_",
        "0",
        "9".repeat(40),
        "é",
        "\u0000",
        "\ud800",
        "\uFEFF",
        "$",
        "@",
        "[",
        "]",
        "?",
        "!",
        "==",
        "&&",
        "||",
        "in",
        "true",
        "1.5e400"
    };

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|\\s+|->|\\.\\.\\.|\\S");

    @BeforeAll
    static void seeds() throws IOException, URISyntaxException {
        Path golden = Path.of(SchemaFuzzTest.class.getResource("/golden").toURI());
        try (Stream<Path> files = Files.list(golden)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".zed"))
                    .sorted()
                    .toList()) {
                SEEDS.add(Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        Path examples = Path.of("..", "examples");
        if (Files.isDirectory(examples)) {
            try (Stream<Path> files = Files.walk(examples)) {
                for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".zed"))
                        .sorted()
                        .toList()) {
                    SEEDS.add(Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        for (long seed = 0; seed < 20; seed++) SEEDS.add(RandomSchemas.generate(seed));
        assertThat(SEEDS).hasSizeGreaterThan(20);
    }

    @Test
    void tokenMutationsOfValidSchemasFailOnlyWithDiagnostics() {
        Random random = new Random(20261207L);
        for (int i = 0; i < 600; i++) {
            List<String> tokens = tokens(SEEDS.get(random.nextInt(SEEDS.size())));
            int mutations = 1 + random.nextInt(5);
            for (int m = 0; m < mutations && !tokens.isEmpty(); m++) {
                int at = random.nextInt(tokens.size());
                int end = Math.min(tokens.size(), at + 1 + random.nextInt(6));
                switch (random.nextInt(7)) {
                    case 0 -> tokens.subList(at, end).clear();
                    case 1 -> tokens.addAll(at, new ArrayList<>(tokens.subList(at, end)));
                    case 2 -> {
                        int other = random.nextInt(tokens.size());
                        String t = tokens.get(at);
                        tokens.set(at, tokens.get(other));
                        tokens.set(other, t);
                    }
                    case 3 -> tokens.set(at, VOCABULARY[random.nextInt(VOCABULARY.length)]);
                    case 4 -> tokens.add(at, VOCABULARY[random.nextInt(VOCABULARY.length)]);
                    case 5 -> {
                        List<String> run = new ArrayList<>(tokens.subList(at, end));
                        for (int r = random.nextInt(50); r > 0; r--) tokens.addAll(at, run);
                    }
                    default -> tokens.subList(at, tokens.size()).clear();
                }
            }
            assertOnlyDiagnostics(String.join("", tokens));
        }
    }

    @Test
    void byteMutationsOfValidSchemasFailOnlyWithDiagnostics() {
        Random random = new Random(42L);
        for (int i = 0; i < 150; i++) {
            byte[] bytes = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
            if (bytes.length == 0) continue;
            for (int m = 1 + random.nextInt(4); m > 0; m--) {
                int at = random.nextInt(bytes.length);
                bytes[at] = random.nextBoolean()
                        ? (byte) random.nextInt(256)
                        : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
            }
            assertOnlyDiagnostics(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomTextFailsOnlyWithDiagnostics() {
        Random random = new Random(1L);
        for (int i = 0; i < 400; i++) {
            StringBuilder text = new StringBuilder();
            for (int t = random.nextInt(80); t > 0; t--)
                text.append(VOCABULARY[random.nextInt(VOCABULARY.length)]).append(random.nextBoolean() ? " " : "");
            assertOnlyDiagnostics(text.toString());
        }
    }

    /** A pathological text of about {@code n} units, compiled at two sizes: never a stack overflow, time linear-ish. */
    private static void scalesLinearly(String what, IntFunction<String> text) {
        int small = 8_000;
        int large = 128_000;
        long tSmall = fastest(text.apply(small));
        long tLarge = fastest(text.apply(large));
        // 16 times the text: linear is about 16 times the time, quadratic 256 times. The fixed part absorbs the
        // remaining noise (JIT compilation) on the small input's few milliseconds.
        assertThat(tLarge)
                .as(what + ": " + tSmall / 1_000_000 + " ms for " + small + ", " + tLarge / 1_000_000 + " ms for "
                        + large)
                .isLessThan(48 * tSmall + 600_000_000L);
    }

    /**
     * The least CPU time of three runs on this thread: unlike wall time, it does not count the time other processes
     * of a loaded machine, or the garbage collector's threads, took.
     */
    private static long fastest(String text) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = threads.getCurrentThreadCpuTime();
            assertOnlyDiagnostics(text);
            best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
        }
        return best;
    }

    @Test
    void pathologicalSchemasFailOnlyWithDiagnosticsInLinearTime() {
        scalesLinearly(
                "deep parentheses",
                n -> "definition user {}\ndefinition doc {\n relation r: user\n permission p = " + "(".repeat(n) + "r"
                        + ")".repeat(n) + "\n}");
        scalesLinearly("unclosed parentheses", n -> "definition doc {\n permission p = " + "(".repeat(n));
        scalesLinearly(
                "a long union",
                n -> "definition user {}\ndefinition doc {\n relation r: user\n permission p = r" + " + r".repeat(n)
                        + "\n}");
        scalesLinearly(
                "a long exclusion",
                n -> "definition user {}\ndefinition doc {\n relation r: user\n permission p = r" + " - r".repeat(n)
                        + "\n}");
        scalesLinearly(
                "long arrows", n -> "definition doc {\n relation r: doc\n permission p = r" + "->r".repeat(n) + "\n}");
        scalesLinearly(
                "nested generics", n -> "caveat c(x " + "list<".repeat(n) + "int" + ">".repeat(n) + ") { true }");
        scalesLinearly("nested CEL", n -> "caveat c(x int) { " + "(".repeat(n) + "x" + ")".repeat(n) + " == 1 }");
        scalesLinearly("nested CEL lists", n -> "caveat c(x int) { " + "[".repeat(n) + "x" + "]".repeat(n) + " == 1 }");
        scalesLinearly("unclosed CEL", n -> "caveat c(x int) { " + "{".repeat(n));
        scalesLinearly(
                "many definitions", n -> "definition user {}\n".repeat(1) + "definition d_x {}\n".repeat(n / 10));
        scalesLinearly(
                "many relations",
                n -> "definition user {}\ndefinition doc {\n" + "relation r: user\n".repeat(n / 10) + "}");
        scalesLinearly(
                "many allowed types",
                n -> "definition user {}\ndefinition doc {\n relation r: " + "user | ".repeat(n / 4) + "user\n}");
        scalesLinearly("an unclosed comment", n -> "definition user {}\n/* " + "x".repeat(n * 10));
        scalesLinearly("many comments", n -> "/* a */ // b\n".repeat(n / 4) + "definition user {}");
        scalesLinearly("an unclosed string", n -> "caveat c(x string) { x == \"" + "y".repeat(n * 10) + " }");
        scalesLinearly("a long name", n -> "definition " + "a".repeat(n * 10) + " {}");
        scalesLinearly("many braces", n -> "}".repeat(n) + "{".repeat(n));
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** Compiles, syntax-checks and formats {@code text}: each either succeeds or fails with diagnostics only. */
    private static void assertOnlyDiagnostics(String text) {
        run(text, () -> Schemas.compile("f.zed", text));
        run(text, () -> Schemas.checkSyntax("f.zed", text));
        run(text, () -> Schemas.format("f.zed", text));
    }

    private interface Step {
        void run() throws SchemaException;
    }

    private static void run(String text, Step step) {
        try {
            step.run();
        } catch (SchemaException e) {
            assertThat(e.diagnostics()).as(abbreviate(text)).isNotEmpty();
            for (Diagnostic d : e.diagnostics()) {
                assertThat(d.message()).as(abbreviate(text)).isNotBlank();
                assertThat(d.position().line()).as(abbreviate(text)).isPositive();
                assertThat(d.position().column()).as(abbreviate(text)).isPositive();
            }
        } catch (Throwable t) {
            throw new AssertionError("not a SchemaException for:\n" + abbreviate(text), t);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "…(" + s.length() + " chars)";
    }
}

package dev.kith.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.gen.Dataset;
import dev.kith.bench.gen.Datasets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The in-process {@code check}, {@code lookup} and {@code jmh} commands on small generated datasets. */
class InProcessCommandsTest {
    private record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    @TempDir
    Path dir;

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    private DatasetFiles generate(Dataset dataset, double scale) throws IOException {
        DatasetFiles files = new DatasetFiles(dir.resolve(dataset.cliName()));
        Datasets.generate(dataset, files, scale, 5);
        return files;
    }

    private static Result check(DatasetFiles files, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "check",
                "--schema",
                files.schema().toString(),
                "--relationships",
                files.relationships().toString(),
                "--queries",
                files.queries().toString(),
                "--seconds",
                "0.2",
                "--warmup",
                "0"));
        args.addAll(List.of(extra));
        return run(args.toArray(new String[0]));
    }

    private static Result lookup(DatasetFiles files) {
        return run(
                "lookup",
                "--schema",
                files.schema().toString(),
                "--relationships",
                files.relationships().toString(),
                "--lookups",
                files.lookups().toString(),
                "--warmup-passes",
                "1",
                "--after-write",
                "3",
                "--write-seconds",
                "0.2");
    }

    @ParameterizedTest
    @EnumSource(Dataset.class)
    void checkVerifiesEveryQueryAndReportsTheFigures(Dataset dataset) throws IOException {
        DatasetFiles files = generate(dataset, 0.01);
        long relationships = Files.readAllLines(files.relationships()).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("//"))
                .count();
        long queries = Files.readAllLines(files.queries()).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("//"))
                .count();

        Result result = check(files, "--threads", "2");

        assertThat(result.status()).as(result.err()).isZero();
        JsonNode json = result.json();
        assertThat(json.get("relationships").asLong()).isEqualTo(relationships);
        assertThat(json.get("verified").asLong()).isEqualTo(queries);
        assertThat(json.get("mismatches").asLong()).isZero();
        assertThat(json.get("threads").asInt()).isEqualTo(2);
        assertThat(json.get("checks").asLong()).isPositive();
        for (String key : List.of(
                "load_seconds",
                "heap_bytes_per_relationship",
                "checks_per_second",
                "p50_us",
                "p90_us",
                "p99_us",
                "p999_us")) {
            assertThat(json.get(key)).as(key).isNotNull();
            assertThat(json.get(key).isNumber()).as(key).isTrue();
        }
        assertThat(json.get("p50_us").asDouble())
                .isLessThanOrEqualTo(json.get("p999_us").asDouble());
        assertThat(json.get("handwritten_mismatches").asLong()).isZero();
        assertThat(json.get("handwritten_checks").asLong()).isPositive();
        for (String key : List.of(
                "handwritten_load_seconds",
                "handwritten_heap_bytes_per_relationship",
                "handwritten_checks_per_second",
                "handwritten_p50_us",
                "handwritten_p99_us",
                "ratio")) {
            assertThat(json.get(key)).as(key).isNotNull();
            assertThat(json.get(key).isNumber()).as(key).isTrue();
        }
        assertThat(json.get("ratio").asDouble()).isPositive();
    }

    @Test
    void aSchemaOfNoGeneratedDatasetIsCheckedWithoutTheHandWrittenEvaluator() throws IOException {
        DatasetFiles files = generate(Dataset.WIDE, 0.01);
        Files.writeString(files.schema(), Files.readString(files.schema()) + "\ndefinition other {}\n");

        Result result = check(files);

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("no hand-written evaluator for this schema");
        assertThat(result.json().has("handwritten_checks_per_second")).isFalse();
        assertThat(result.json().has("ratio")).isFalse();
    }

    @Test
    void aWrongExpectationFailsTheHandWrittenEvaluatorToo() throws IOException {
        DatasetFiles files = generate(Dataset.WIDE, 0.01);
        String queries = Files.readString(files.queries());
        String first =
                queries.lines().filter(l -> l.endsWith(" false")).findFirst().orElseThrow();
        String wrong = first.replace(" false", " true");
        Files.writeString(files.queries(), wrong + "\n");

        Result result = check(files);

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.json().get("handwritten_mismatches").asLong()).isEqualTo(1);
        assertThat(result.err()).contains("hand-written mismatch: " + wrong + " -> false");
    }

    @Test
    void aWrongExpectationFailsTheCheckRun() throws IOException {
        DatasetFiles files = generate(Dataset.GITHUB, 0.01);
        String queries = Files.readString(files.queries());
        String first =
                queries.lines().filter(l -> l.endsWith(" true")).findFirst().orElseThrow();
        Files.writeString(files.queries(), queries.replace(first + "\n", first.replace(" true", " false") + "\n"));

        Result result = check(files);

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.json().get("mismatches").asLong()).isEqualTo(1);
        assertThat(result.err()).contains("mismatch: " + first.replace(" true", " false") + " -> true");
    }

    @Test
    void anErrorExpectationMustBeADepthError() throws IOException {
        DatasetFiles files = generate(Dataset.DEEP, 0.01);
        String queries = Files.readString(files.queries());
        String deep =
                queries.lines().filter(l -> l.endsWith(" error")).findFirst().orElseThrow();
        String shallow = queries.lines()
                .filter(l -> l.startsWith("group:c10_0#member@user:") && l.endsWith(" true"))
                .findFirst()
                .orElseThrow();
        String expectsError = shallow.replace(" true", " error");
        Files.writeString(files.queries(), deep + "\n" + expectsError + "\n");

        Result result = check(files);

        assertThat(result.status()).isEqualTo(1);
        JsonNode json = result.json();
        assertThat(json.get("verified").asLong()).isEqualTo(2);
        assertThat(json.get("mismatches").asLong()).isEqualTo(1);
        assertThat(result.err()).contains("mismatch: " + expectsError + " -> true");
    }

    @Test
    void lookupChecksTheCountsAndSaysItWarmedUp() throws IOException {
        DatasetFiles files = generate(Dataset.GITHUB, 0.01);
        long lookups = Files.readAllLines(files.lookups()).stream()
                .filter(l -> !l.isBlank())
                .count();

        Result result = lookup(files);

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("warm-up pass 1 of 1 (JIT)", "measured pass after 1 warm-up pass(es)");
        JsonNode json = result.json();
        assertThat(json.get("lookups").asLong()).isEqualTo(lookups);
        assertThat(json.get("mismatches").asLong()).isZero();
        assertThat(json.get("avg_results").asDouble()).isPositive();
        for (String key : List.of(
                "avg_ms",
                "p50_ms",
                "max_ms",
                "handwritten_avg_ms",
                "handwritten_p50_ms",
                "ratio",
                "first_lookup_after_write_ms",
                "steady_lookup_ms")) {
            assertThat(json.get(key).isNumber()).as(key).isTrue();
        }
        assertThat(json.get("handwritten_mismatches").asLong()).isZero();
        assertThat(json.get("after_write_lookups").asInt()).isEqualTo(3);
        assertThat(json.get("first_lookup_after_write_failures").asInt()).isZero();
        assertThat(json.get("writes").asLong()).isPositive();
        assertThat(json.get("writes_per_second").asLong()).isPositive();
    }

    @Test
    void writeCostsReportsWritesMovesChecksBesideWritesAndTheRevisionLog() throws IOException {
        DatasetFiles files = generate(Dataset.GROUPS, 0.01);

        Result result = run(
                "write-costs",
                "--schema",
                files.schema().toString(),
                "--relationships",
                files.relationships().toString(),
                "--queries",
                files.queries().toString(),
                "--seconds",
                "0.2",
                "--warmup",
                "0",
                "--moves",
                "4",
                "--log-writes",
                "200");

        assertThat(result.status()).as(result.err()).isZero();
        JsonNode json = result.json();
        assertThat(json.get("move_relation").asText()).isEqualTo("group#member");
        assertThat(json.get("moves").asInt()).isEqualTo(4);
        assertThat(json.get("move_objects_below").asInt()).isPositive();
        assertThat(json.get("log_writes").asInt()).isEqualTo(200);
        for (String key : List.of(
                "writes_per_second",
                "checks_alone_per_second",
                "checks_beside_writes_per_second",
                "writes_beside_checks",
                "move_p99_us",
                "bytes_per_written_relationship",
                "closure_bytes")) {
            assertThat(json.get(key).asDouble()).as(key).isPositive();
        }
        Result bad = run(
                "write-costs",
                "--schema",
                files.schema().toString(),
                "--relationships",
                files.relationships().toString(),
                "--moves",
                "-1");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--moves must not be negative, got -1");
    }

    @Test
    void aWrongCountFailsTheLookupRun() throws IOException {
        DatasetFiles files = generate(Dataset.GITHUB, 0.01);
        String first = Files.readAllLines(files.lookups()).getFirst();
        int space = first.lastIndexOf(' ');
        long count = Long.parseLong(first.substring(space + 1));
        String wrong = first.substring(0, space + 1) + (count + 1);
        Files.writeString(files.lookups(), wrong + "\n");

        Result result = lookup(files);

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.json().get("mismatches").asLong()).isEqualTo(1);
        assertThat(result.err()).contains("mismatch: " + wrong + " -> " + count);
    }

    @Test
    void badInputNamesTheFileAndLine() throws IOException {
        DatasetFiles files = generate(Dataset.DEEP, 0.01);
        Files.writeString(
                files.relationships(),
                "group:a#member@user:b\nresource:r#viewer@group:a#member\nresource:r#owner@user:b\n");

        Result unknownRelation = check(files);
        assertThat(unknownRelation.status()).isEqualTo(2);
        assertThat(unknownRelation.err())
                .startsWith("kith-bench: " + files.relationships() + ":3: ")
                .contains("owner")
                .doesNotContain("\tat ");

        Files.writeString(files.relationships(), "group:a#member@user:b\ngroup:a#member user:c\n");
        Result malformed = check(files);
        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err())
                .startsWith("kith-bench: " + files.relationships() + ":2: ")
                .doesNotContain("\tat ");

        Files.writeString(files.schema(), "definition user {\n");
        Result schema = check(files);
        assertThat(schema.status()).isEqualTo(2);
        assertThat(schema.err()).startsWith("kith-bench: " + files.schema() + ": ");

        Result missing = run(
                "lookup",
                "--schema",
                dir.resolve("none.zed").toString(),
                "--relationships",
                files.relationships().toString(),
                "--lookups",
                files.lookups().toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("no such schema file: " + dir.resolve("none.zed"));

        Result threads = check(generate(Dataset.GITHUB, 0.01), "--threads", "0");
        assertThat(threads.status()).isEqualTo(2);
        assertThat(threads.err()).contains("--threads must be at least 1, got 0");
    }

    @Test
    void jmhListsTheBenchmarksOfThisJar() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Result result;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            result = run("jmh", "-l");
        } finally {
            System.setOut(original);
        }
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("dev.kith.bench.jmh.SchemaParseBenchmark.compile");
    }
}

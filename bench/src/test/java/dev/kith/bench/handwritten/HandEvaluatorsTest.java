package dev.kith.bench.handwritten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.bench.data.DataFormatException;
import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetReader;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.bench.gen.Dataset;
import dev.kith.bench.gen.Datasets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every hand-written evaluator against the generators' ground truth, and what it refuses. */
class HandEvaluatorsTest {
    @TempDir
    Path dir;

    private DatasetFiles generate(Dataset dataset, double scale, long seed) throws IOException {
        DatasetFiles files = new DatasetFiles(dir.resolve(dataset.cliName() + "-" + seed));
        Datasets.generate(dataset, files, scale, seed);
        return files;
    }

    private static Query query(String line) throws IOException {
        java.util.List<Query> queries = new java.util.ArrayList<>();
        DatasetReader.forEachQuery(new BufferedReader(new StringReader(line)), "test", queries::add);
        return queries.getFirst();
    }

    private static HandEvaluator load(DatasetFiles files) throws IOException {
        return HandEvaluators.load(DatasetReader.readSchema(files.schema()), files.relationships())
                .orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Dataset.class)
    void everyAnswerAndLookupCountAgreesWithTheGroundTruth(Dataset dataset) throws IOException {
        for (long seed : new long[] {11, 12}) {
            DatasetFiles files = generate(dataset, 0.01, seed);
            HandEvaluator evaluator = load(files);
            long[] answers = new long[4];
            for (Query query : DatasetReader.readQueries(files.queries())) {
                int answer = evaluator.prepare(query).answer();
                answers[answer]++;
                if (query.expected() != Expectation.NONE) {
                    assertThat(HandEvaluator.word(answer))
                            .as(query.toLine())
                            .isEqualTo(query.expected().word());
                }
            }
            assertThat(answers[HandEvaluator.TRUE]).as("allowed").isPositive();
            assertThat(answers[HandEvaluator.FALSE]).as("denied").isPositive();
            for (Lookup lookup : DatasetReader.readLookups(files.lookups())) {
                assertThat(evaluator.lookupCount(lookup))
                        .as(lookup.toLine())
                        .isEqualTo(lookup.expectedCount().getAsLong());
            }
        }
    }

    @Test
    void theDeepEvaluatorReportsDepthErrorsPastTheLimit() throws IOException {
        HandEvaluator evaluator = load(generate(Dataset.DEEP, 0.01, 1));
        assertThat(evaluator.prepare(query("group:c60_0#member@user:u60_59_0")).answer())
                .isEqualTo(HandEvaluator.ERROR);
        assertThat(evaluator.prepare(query("group:c60_0#member@user:nobody")).answer())
                .isEqualTo(HandEvaluator.ERROR);
        assertThat(evaluator.prepare(query("group:c45_0#member@user:nobody")).answer())
                .isEqualTo(HandEvaluator.FALSE);
        assertThat(evaluator.prepare(query("group:ring3_0#member@user:nobody")).answer())
                .isEqualTo(HandEvaluator.FALSE);
    }

    @Test
    void aCaveatWithoutItsContextIsConditional() throws IOException {
        DatasetFiles files = generate(Dataset.CAVEATS, 0.01, 1);
        String caveated = Files.readAllLines(files.relationships()).stream()
                .filter(l -> l.startsWith("repo:") && l.contains("@user:") && l.contains("[in_network:"))
                .findFirst()
                .orElseThrow();
        String repo = caveated.substring(0, caveated.indexOf('#'));
        String user = caveated.substring(caveated.indexOf("@user:") + 1, caveated.indexOf('['));
        String relation = caveated.substring(caveated.indexOf('#') + 1, caveated.indexOf('@'));
        String permission =
                relation.equals("admin") ? "can_admin" : relation.equals("writer") ? "can_write" : "can_read";
        Path rels = dir.resolve("one.txt");
        Files.writeString(rels, caveated + "\n");
        HandEvaluator evaluator = HandEvaluators.load(DatasetReader.readSchema(files.schema()), rels)
                .orElseThrow();
        String network = caveated.substring(caveated.indexOf("10."), caveated.indexOf(".0.0/16"));
        assertThat(evaluator
                        .prepare(query(repo + "#" + permission + "@" + user))
                        .answer())
                .isEqualTo(HandEvaluator.CONDITIONAL);
        assertThat(evaluator
                        .prepare(query(repo + "#" + permission + "@" + user + " with {\"client_ip\":\"" + network
                                + ".1.2\",\"now\":\"2026-05-01T00:00:00Z\"}"))
                        .answer())
                .isEqualTo(HandEvaluator.TRUE);
        assertThat(evaluator
                        .prepare(query(repo + "#" + permission + "@" + user
                                + " with {\"client_ip\":\"192.168.1.2\",\"now\":\"2026-05-01T00:00:00Z\"}"))
                        .answer())
                .isEqualTo(HandEvaluator.FALSE);
    }

    @Test
    void anotherSchemaHasNoEvaluator() throws IOException {
        DatasetFiles files = generate(Dataset.WIDE, 0.01, 1);
        String schema = DatasetReader.readSchema(files.schema()).replace("viewer - banned", "viewer");
        assertThat(HandEvaluators.load(schema, files.relationships())).isEqualTo(Optional.empty());
    }

    @Test
    void aLineTheEvaluatorWasNotWrittenForIsNamedWithItsLineNumber() throws IOException {
        DatasetFiles files = generate(Dataset.WIDE, 0.01, 1);
        Path rels = dir.resolve("bad.txt");
        Files.writeString(rels, "resource:1#viewer@user:2\nresource:1#owner@user:3\n");
        String schema = DatasetReader.readSchema(files.schema());
        assertThatThrownBy(() -> HandEvaluators.load(schema, rels))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(rels + ":2")
                .hasMessageContaining("resource#owner@user");
        Files.writeString(rels, "resource:1#viewer@user:2[expiration:2030-01-01T00:00:00Z]\n");
        assertThatThrownBy(() -> HandEvaluators.load(schema, rels))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expiring");
    }
}

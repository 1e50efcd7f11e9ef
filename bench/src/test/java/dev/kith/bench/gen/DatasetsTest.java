package dev.kith.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetReader;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Determinism of the generators, and their expectations cross-checked by {@link NaiveOracle} at small scale. */
class DatasetsTest {
    @TempDir
    Path dir;

    private DatasetFiles generate(Dataset dataset, String name, double scale, long seed) throws IOException {
        DatasetFiles files = new DatasetFiles(dir.resolve(name));
        Datasets.generate(dataset, files, scale, seed);
        return files;
    }

    private static Map<String, String> hashes(DatasetFiles files) throws IOException, NoSuchAlgorithmException {
        Map<String, String> hashes = new TreeMap<>();
        for (Path file : List.of(files.schema(), files.relationships(), files.queries(), files.lookups())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            hashes.put(file.getFileName().toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file))));
        }
        return hashes;
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        for (Dataset dataset : Dataset.values()) {
            Map<String, String> first = hashes(generate(dataset, dataset.cliName() + "-a", 0.02, 7));
            Map<String, String> again = hashes(generate(dataset, dataset.cliName() + "-b", 0.02, 7));
            assertThat(again).as(dataset.cliName()).isEqualTo(first);
            Map<String, String> other = hashes(generate(dataset, dataset.cliName() + "-c", 0.02, 8));
            if (dataset != Dataset.DEEP) { // deep is fixed structure, no randomness
                assertThat(other.get("relationships.txt"))
                        .as(dataset.cliName())
                        .isNotEqualTo(first.get("relationships.txt"));
            }
        }
    }

    @Test
    void scaleMultipliesThePopulations() throws IOException {
        GenerationSummary small = Datasets.generate(Dataset.GITHUB, new DatasetFiles(dir.resolve("s")), 0.01, 1);
        GenerationSummary larger = Datasets.generate(Dataset.GITHUB, new DatasetFiles(dir.resolve("l")), 0.04, 1);
        assertThat(small.relationships()).isBetween(8_000L, 12_000L);
        assertThat(larger.relationships()).isBetween(32_000L, 48_000L);
        assertThat(small.queries()).isEqualTo(1_000);
        assertThat(larger.queries()).isEqualTo(4_000);
        assertThatThrownBy(() -> Datasets.generate(Dataset.GITHUB, new DatasetFiles(dir.resolve("x")), 0, 1))
                .hasMessageContaining("scale must be greater than 0");
        assertThatThrownBy(() -> Dataset.named("gitlab"))
                .hasMessage(
                        "unknown dataset 'gitlab'; expected one of github, drive, deep, caveats, groups, drive-deep, wide, docs");
    }

    @Test
    void githubExpectationsAgreeWithTheNaiveOracle() throws IOException {
        DatasetFiles files = generate(Dataset.GITHUB, "github", 0.01, 3);
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        assertQueriesAgree(files, (q, context) -> githubCheck(oracle, q.resourceId(), q.permission(), q, context));
        assertGithubLookupsAgree(files, oracle);
    }

    @Test
    void caveatsExpectationsAgreeWithTheNaiveOracle() throws IOException {
        DatasetFiles files = generate(Dataset.CAVEATS, "caveats", 0.01, 4);
        assertThat(DatasetReader.readSchema(files.schema()))
                .contains("caveat in_network(client_ip ipaddress, network string)")
                .contains("user with in_window");
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        long caveated;
        try (var lines = Files.lines(files.relationships())) {
            caveated = lines.filter(l -> l.contains("[in_")).count();
        }
        assertThat(caveated).isGreaterThan(500);
        assertQueriesAgree(files, (q, context) -> githubCheck(oracle, q.resourceId(), q.permission(), q, context));
        assertGithubLookupsAgree(files, oracle);
    }

    @Test
    void driveExpectationsAgreeWithTheNaiveOracle() throws IOException {
        DatasetFiles files = generate(Dataset.DRIVE, "drive", 0.01, 5);
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        assertThat(Files.readString(files.relationships()))
                .contains("#viewer@user:*")
                .contains("#banned@");
        assertQueriesAgree(
                files,
                (q, context) -> driveCheck(oracle, q.resourceType(), q.resourceId(), q.permission(), q.subjectId()));
        for (Lookup lookup : DatasetReader.readLookups(files.lookups())) {
            long count = oracle.objects(lookup.resourceType()).stream()
                    .filter(id ->
                            driveCheck(oracle, lookup.resourceType(), id, lookup.permission(), lookup.subjectId()))
                    .count();
            assertThat(lookup.expectedCount()).as(lookup.toLine()).hasValue(count);
        }
    }

    @Test
    void groupsExpectationsAgreeWithTheNaiveOracleAndNestUpToTwentyDeep() throws IOException {
        DatasetFiles files = generate(Dataset.GROUPS, "groups", 0.01, 6);
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        assertDriveShapedAgrees(files, oracle);
        // a group of the last level reaches 20 groups up the nesting, one per level
        String last = Integer.toString(oracle.objects("group").stream()
                .mapToInt(Integer::parseInt)
                .max()
                .orElseThrow());
        assertThat(nestingDepth(oracle, last)).isEqualTo(GroupsGenerator.LEVELS);
    }

    @Test
    void driveDeepExpectationsAgreeWithTheNaiveOracleAndTreesAreTenToThirtyDeep() throws IOException {
        DatasetFiles files = generate(Dataset.DRIVE_DEEP, "drive-deep", 0.01, 7);
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        assertDriveShapedAgrees(files, oracle);
        int deepest = 0;
        for (String folder : oracle.objects("folder")) {
            int depth = 1;
            for (String f = folder; !oracle.stored("folder:" + f, "parent").isEmpty(); depth++) {
                f = oracle.stored("folder:" + f, "parent").getFirst().id();
            }
            deepest = Math.max(deepest, depth);
        }
        assertThat(deepest).isBetween(DriveDeepGenerator.MIN_DEPTH, DriveDeepGenerator.MAX_DEPTH);
    }

    @Test
    void docsExpectationsAgreeWithTheNaiveOracle() throws IOException {
        DatasetFiles files = generate(Dataset.DOCS, "docs", 0.01, 8);
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        assertThat(oracle.objects("document")).hasSize(10_000);
        assertDriveShapedAgrees(files, oracle);
    }

    @Test
    void wideExpectationsAgreeWithTheNaiveOracle() throws IOException {
        DatasetFiles files = generate(Dataset.WIDE, "wide", 0.01, 9);
        NaiveOracle oracle = NaiveOracle.load(files.relationships());
        assertThat(oracle.stored("resource:0", "viewer")).hasSize(1_000);
        assertThat(oracle.stored("resource:1", "viewer")).anyMatch(s -> s.id().equals("*"));
        assertQueriesAgree(files, (q, context) -> wideCheck(oracle, q.resourceId(), q.subjectId()));
        for (Lookup lookup : DatasetReader.readLookups(files.lookups())) {
            long count = oracle.objects("resource").stream()
                    .filter(id -> wideCheck(oracle, id, lookup.subjectId()))
                    .count();
            assertThat(lookup.expectedCount()).as(lookup.toLine()).hasValue(count);
        }
    }

    /** {@code view = viewer - banned}. */
    private static boolean wideCheck(NaiveOracle o, String resource, String user) {
        String object = "resource:" + resource;
        return o.member(object, "viewer", "user", user, "", null)
                && !o.member(object, "banned", "user", user, "", null);
    }

    /** The most groups a chain of nestings from {@code group} upwards holds, {@code group} included. */
    private static int nestingDepth(NaiveOracle o, String group) {
        int best = 1;
        for (String parent : o.objects("group")) {
            for (NaiveOracle.Stored s : o.stored("group:" + parent, "member")) {
                if (s.type().equals("group") && s.id().equals(group)) {
                    best = Math.max(best, 1 + nestingDepth(o, parent));
                }
            }
        }
        return best;
    }

    private static void assertDriveShapedAgrees(DatasetFiles files, NaiveOracle oracle) throws IOException {
        long[] outcomes = new long[2];
        DatasetReader.forEachQuery(files.queries(), q -> {
            boolean allowed = driveCheck(oracle, q.resourceType(), q.resourceId(), q.permission(), q.subjectId());
            assertThat(q.expected()).as(q.toLine()).isEqualTo(Expectation.of(allowed));
            outcomes[allowed ? 1 : 0]++;
        });
        // half allowed, half denied by construction (a query keeps its last candidate after 32 misses)
        assertThat(outcomes[1]).isBetween(outcomes[0] * 9 / 10, outcomes[0] * 11 / 10);
        for (Lookup lookup : DatasetReader.readLookups(files.lookups())) {
            long count = oracle.objects(lookup.resourceType()).stream()
                    .filter(id ->
                            driveCheck(oracle, lookup.resourceType(), id, lookup.permission(), lookup.subjectId()))
                    .count();
            assertThat(lookup.expectedCount()).as(lookup.toLine()).hasValue(count);
        }
    }

    @Test
    void deepHasTheFourChainsErrorsPastTheLimitAndCycles() throws IOException {
        DatasetFiles files = generate(Dataset.DEEP, "deep", 1, 1);
        String relationships = Files.readString(files.relationships());
        for (int depth : new int[] {10, 25, 45, 60}) {
            assertThat(relationships)
                    .contains("group:c" + depth + "_0#member@group:c" + depth + "_1#member\n")
                    .contains("group:c" + depth + "_" + (depth - 2) + "#member@group:c" + depth + "_" + (depth - 1)
                            + "#member\n")
                    .doesNotContain("group:c" + depth + "_" + (depth - 1) + "#member@group:");
        }
        assertThat(relationships).contains("group:ring0_1#member@group:ring0_0#member\n");
        List<String> queries = DatasetReader.readQueries(files.queries()).stream()
                .map(Query::toLine)
                .toList();
        assertThat(queries)
                .contains(
                        "group:c45_0#member@user:u45_44_0 true",
                        "group:c45_0#member@user:nobody false",
                        "resource:c45#view@user:u45_44_0 true",
                        "group:c60_0#member@user:u60_59_0 error",
                        "group:c60_0#member@user:u60_40_0 true",
                        "group:c60_0#member@user:nobody error",
                        "group:c60_0#member@group:c60_59#member error",
                        "group:ring0_0#member@user:nobody false",
                        "group:ring3_0#member@user:r3_4_0 true")
                .doesNotContain("group:c60_0#member@user:u60_50_0 true", "group:c60_0#member@user:u60_50_0 error");
        List<String> lookups = DatasetReader.readLookups(files.lookups()).stream()
                .map(Lookup::toLine)
                .toList();
        assertThat(lookups)
                .contains("group#member@user:u45_44_0 45", "group#member@user:r3_0_0 5", "resource#view@user:r3_0_0 1");
    }

    private static void assertGithubLookupsAgree(DatasetFiles files, NaiveOracle oracle) throws IOException {
        for (Lookup lookup : DatasetReader.readLookups(files.lookups())) {
            Query asQuery =
                    new Query("repo", "", lookup.permission(), "user", lookup.subjectId(), "", null, Expectation.NONE);
            long count = oracle.objects("repo").stream()
                    .filter(repo -> githubCheck(oracle, repo, lookup.permission(), asQuery, null))
                    .count();
            assertThat(lookup.expectedCount()).as(lookup.toLine()).hasValue(count);
        }
    }

    private interface Check {
        boolean allowed(Query query, NaiveOracle.Context context);
    }

    private static void assertQueriesAgree(DatasetFiles files, Check check) throws IOException {
        ObjectMapper json = new ObjectMapper();
        long[] outcomes = new long[2];
        DatasetReader.forEachQuery(files.queries(), q -> {
            NaiveOracle.Context context = null;
            if (q.context() != null) {
                try {
                    JsonNode node = json.readTree(q.context());
                    context = new NaiveOracle.Context(
                            node.get("client_ip").asText(),
                            Instant.parse(node.get("now").asText()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            boolean allowed = check.allowed(q, context);
            assertThat(q.expected()).as(q.toLine()).isEqualTo(Expectation.of(allowed));
            outcomes[allowed ? 1 : 0]++;
        });
        // the mix is roughly half true, half false
        assertThat(outcomes[1]).isBetween(outcomes[0] / 3, outcomes[0] * 3);
    }

    /** {@code can_read = reader + writer + admin + org->member}, {@code can_write = writer + admin}, {@code can_admin = admin + org->admin}. */
    private static boolean githubCheck(NaiveOracle o, String repo, String permission, Query q, NaiveOracle.Context c) {
        String object = "repo:" + repo;
        List<String> relations = switch (permission) {
            case "can_read" -> List.of("reader", "writer", "admin");
            case "can_write" -> List.of("writer", "admin");
            default -> List.of("admin");
        };
        for (String relation : relations) {
            if (o.member(object, relation, q.subjectType(), q.subjectId(), q.subjectRelation(), c)) {
                return true;
            }
        }
        String orgRelation = switch (permission) {
            case "can_read" -> "member";
            case "can_admin" -> "admin";
            default -> null;
        };
        if (orgRelation != null) {
            for (NaiveOracle.Stored org : o.stored(object, "org")) {
                if (o.member("org:" + org.id(), orgRelation, q.subjectType(), q.subjectId(), q.subjectRelation(), c)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The drive schema's folder and document permissions, written out recursively. */
    private static boolean driveCheck(NaiveOracle o, String type, String id, String permission, String user) {
        String object = type + ":" + id;
        if (type.equals("document") && o.member(object, "banned", "user", user, "", null)) {
            return false;
        }
        List<String> relations =
                permission.equals("edit") ? List.of("owner", "editor") : List.of("owner", "editor", "viewer");
        for (String relation : relations) {
            if (o.member(object, relation, "user", user, "", null)) {
                return true;
            }
        }
        for (NaiveOracle.Stored parent : o.stored(object, "parent")) {
            if (driveCheck(o, "folder", parent.id(), permission, user)) {
                return true;
            }
        }
        return false;
    }
}

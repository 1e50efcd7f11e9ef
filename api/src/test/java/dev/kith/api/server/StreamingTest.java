package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The NDJSON endpoints over real HTTP: read, lookups, import, export and watch, with limits and cursors. */
class StreamingTest {
    static ServerFixture f;

    @BeforeAll
    static void start() {
        f = ServerFixture.withKey();
        f.writeSchema();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static String importBody(int from, int to, String pattern) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i += 1000) {
            b.append("{\"relationships\":[");
            for (int j = i; j < Math.min(i + 1000, to); j++) {
                if (j > i) b.append(',');
                b.append(ServerFixture.relationshipJson(pattern.replace("{}", Integer.toString(j))));
            }
            b.append("]}\n");
        }
        return b.toString();
    }

    @Test
    void readStreamsWithALimitAndResumesFromTheCursor() {
        f.touch(
                "document:r1#viewer@user:ann",
                "document:r2#viewer@user:ann",
                "document:r3#viewer@user:ann",
                "document:r4#viewer@user:ann",
                "document:r5#viewer@user:ann");
        String filter = "\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceIdPrefix\":\"r\"}";
        var first = f.post("/v1/relationships/read", "{" + filter + ",\"optionalLimit\":2}");
        assertThat(first.status).as(first.text).isEqualTo(200);
        assertThat(first.contentType).isEqualTo("application/x-ndjson");
        List<JsonObject> page1 = first.results();
        assertThat(page1).hasSize(2);
        assertThat(page1.get(0).getJsonObject("readAt").getString("token")).isNotBlank();
        String cursor = page1.get(1).getJsonObject("afterResultCursor").getString("token");
        var rest =
                f.post("/v1/relationships/read", "{" + filter + ",\"optionalCursor\":{\"token\":\"" + cursor + "\"}}");
        List<JsonObject> page2 = rest.results();
        assertThat(page2).hasSize(3);
        Set<String> ids = new HashSet<>();
        for (JsonObject r : concat(page1, page2)) {
            ids.add(r.getJsonObject("relationship").getJsonObject("resource").getString("objectId"));
        }
        assertThat(ids).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5");
    }

    private static List<JsonObject> concat(List<JsonObject> a, List<JsonObject> b) {
        List<JsonObject> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void importBulkLoads100kInOneCallAndExportGivesThemBackResumably() {
        var imported = f.post("/v1/relationships/importbulk", importBody(0, 100_000, "document:big{}#viewer@user:u{}"));
        assertThat(imported.status).as(imported.text).isEqualTo(200);
        assertThat(imported.json().getString("numLoaded")).isEqualTo("100000");

        String filter =
                "\"optionalRelationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceIdPrefix\":\"big\"}";
        var export = f.post("/v1/relationships/exportbulk", "{" + filter + ",\"optionalLimit\":30000}");
        assertThat(export.status)
                .as(export.text.substring(0, Math.min(500, export.text.length())))
                .isEqualTo(200);
        List<JsonObject> pages = export.results();
        assertThat(pages).hasSize(4);
        int total = pages.stream()
                .mapToInt(p -> p.getJsonArray("relationships").size())
                .sum();
        assertThat(total).isEqualTo(100_000);

        String cursor = pages.get(2).getJsonObject("afterResultCursor").getString("token");
        var resumed = f.post(
                "/v1/relationships/exportbulk",
                "{" + filter + ",\"optionalLimit\":30000,\"optionalCursor\":{\"token\":\"" + cursor + "\"}}");
        assertThat(resumed.results().stream()
                        .mapToInt(p -> p.getJsonArray("relationships").size())
                        .sum())
                .isEqualTo(10_000);
    }

    @Test
    void importBulkIsOneTransactionAndNamesTheBadLine() {
        String body = importBody(0, 10, "document:atomic{}#viewer@user:u{}")
                + "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"bad id\"},\"relation\":\"viewer\","
                + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"x\"}}}\n";
        JsonObject e = f.post("/v1/relationships/importbulk", body).error(400);
        assertThat(e.getString("message")).contains("line 2");
        var read = f.post(
                "/v1/relationships/read",
                "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceIdPrefix\":\"atomic\"}}");
        assertThat(read.results()).isEmpty();
    }

    @Test
    void lookupResourcesIsCompleteAcrossPagesAndResumable() {
        var imported = f.post("/v1/relationships/importbulk", importBody(0, 2500, "document:lr{}#viewer@user:looker"));
        assertThat(imported.status).as(imported.text).isEqualTo(200);
        String body = "{\"resourceObjectType\":\"document\",\"permission\":\"view\","
                + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"looker\"}}";
        var all = f.post("/v1/permissions/resources", body + "}");
        assertThat(all.status).as(all.text).isEqualTo(200);
        List<JsonObject> results = all.results();
        assertThat(results).hasSize(2500);
        assertThat(results.stream().map(r -> r.getString("resourceObjectId")).distinct())
                .hasSize(2500);
        assertThat(results.getFirst().getString("permissionship")).isEqualTo("LOOKUP_PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(results.getFirst().getJsonObject("lookedUpAt").getString("token"))
                .isNotBlank();

        var first = f.post("/v1/permissions/resources", body + ",\"optionalLimit\":10}")
                .results();
        assertThat(first).hasSize(10);
        String cursor = first.get(9).getJsonObject("afterResultCursor").getString("token");
        var rest = f.post("/v1/permissions/resources", body + ",\"optionalCursor\":{\"token\":\"" + cursor + "\"}}")
                .results();
        assertThat(rest).hasSize(2490);
        Set<String> ids = new HashSet<>();
        first.forEach(r -> ids.add(r.getString("resourceObjectId")));
        rest.forEach(r -> ids.add(r.getString("resourceObjectId")));
        assertThat(ids).hasSize(2500);
    }

    @Test
    void lookupSubjectsListsSubjectsAndWildcards() {
        f.touch("document:ls#viewer@user:sam", "document:ls#viewer@user:sue", "document:ls#banned@user:sue");
        String body = "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"ls\"},\"permission\":\"view\","
                + "\"subjectObjectType\":\"user\"}";
        var a = f.post("/v1/permissions/subjects", body);
        assertThat(a.status).as(a.text).isEqualTo(200);
        List<String> ids = a.results().stream()
                .map(r -> r.getJsonObject("subject").getString("subjectObjectId"))
                .toList();
        assertThat(ids).containsExactly("sam");

        f.touch("document:lsw#viewer@user:*", "document:lsw#banned@user:ben");
        var w = f.post("/v1/permissions/subjects", body.replace("\"ls\"", "\"lsw\""));
        List<JsonObject> results = w.results();
        assertThat(results).hasSize(1);
        assertThat(results.getFirst().getJsonObject("subject").getString("subjectObjectId"))
                .isEqualTo("*");
        assertThat(results.getFirst()
                        .getJsonArray("excludedSubjects")
                        .getJsonObject(0)
                        .getString("subjectObjectId"))
                .isEqualTo("ben");
        var excluded = f.post(
                "/v1/permissions/subjects",
                body.replace("\"ls\"", "\"lsw\"")
                        .replace("\"user\"}", "\"user\",\"wildcardOption\":\"WILDCARD_OPTION_EXCLUDE_WILDCARDS\"}"));
        assertThat(excluded.status).as(excluded.text).isEqualTo(200);
        assertThat(excluded.results()).isEmpty();

        // without wildcards every page is still full: a limit of one is the first concrete subject
        f.touch("document:lsw#viewer@user:vic", "document:lsw#viewer@user:val");
        for (String limit : List.of("1", "2", "3")) {
            var limited = f.post(
                    "/v1/permissions/subjects",
                    body.replace("\"ls\"", "\"lsw\"")
                            .replace(
                                    "\"user\"}",
                                    "\"user\",\"wildcardOption\":\"WILDCARD_OPTION_EXCLUDE_WILDCARDS\","
                                            + "\"optionalLimit\":" + limit + "}"));
            assertThat(limited.results().stream()
                            .map(r -> r.getJsonObject("subject").getString("subjectObjectId"))
                            .toList())
                    .as("limit %s", limit)
                    .isEqualTo(List.of("val", "vic").subList(0, Math.min(2, Integer.parseInt(limit))));
        }
    }

    /** A watch of documents after {@code start}, open on the server, read line by line. */
    private record Watch(HttpResponse<java.io.InputStream> response, BufferedReader lines) implements AutoCloseable {
        static Watch open(String start) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + f.server.port() + "/v1/watch"))
                    .header("Authorization", "Bearer " + ServerFixture.KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"optionalObjectTypes\":[\"document\"],"
                            + "\"optionalStartCursor\":{\"token\":\"" + start + "\"}}"))
                    .build();
            HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            return new Watch(
                    response, new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
        }

        /** The next {@code n} lines, waiting at most 10 s for them. */
        List<JsonObject> next(int n) throws Exception {
            return CompletableFuture.supplyAsync(() -> {
                        try {
                            List<JsonObject> got = new java.util.ArrayList<>();
                            for (int i = 0; i < n; i++) got.add(new JsonObject(lines.readLine()));
                            return got;
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws java.io.IOException {
            response.body().close();
        }
    }

    @Test
    void watchStreamsEachChangeWithItsRevisionAndStaysOpen() throws Exception {
        String start = f.touch("document:w0#viewer@user:wat");
        try (Watch watch = Watch.open(start)) {
            String t1 = f.touch("document:w1#viewer@user:wat");
            f.touch("group:g#member@user:wat");
            String t3 = f.touch("document:w2#viewer@user:wat");
            List<JsonObject> got = watch.next(2);
            JsonObject first = got.get(0).getJsonObject("result");
            assertThat(first.getJsonObject("changesThrough").getString("token")).isEqualTo(t1);
            assertThat(first.getJsonArray("updates").getJsonObject(0).getString("operation"))
                    .isEqualTo("OPERATION_TOUCH");
            assertThat(first.getJsonArray("updates")
                            .getJsonObject(0)
                            .getJsonObject("relationship")
                            .getJsonObject("resource")
                            .getString("objectId"))
                    .isEqualTo("w1");
            // a write without metadata: the field is null, as the gateway writes an unset message
            assertThat(first.getValue("optionalTransactionMetadata")).isNull();
            assertThat(first.containsKey("optionalTransactionMetadata")).isTrue();
            JsonObject second = got.get(1).getJsonObject("result");
            assertThat(second.getJsonObject("changesThrough").getString("token"))
                    .isEqualTo(t3);
        }
    }

    @Test
    void transactionMetadataOfWritesAndDeletesComesBackOnWatch() throws Exception {
        String start = f.touch("document:tm0#viewer@user:meta");
        try (Watch watch = Watch.open(start)) {
            var write = f.post(
                    "/v1/relationships/write",
                    "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                            + ServerFixture.relationshipJson("document:tm1#viewer@user:meta") + "}],"
                            + "\"optionalTransactionMetadata\":{\"requestId\":\"r-1\",\"nested\":{\"n\":[1,2]}}}");
            assertThat(write.status).as(write.text).isEqualTo(200);
            var delete = f.post(
                    "/v1/relationships/delete",
                    "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"tm1\"},"
                            + "\"optionalTransactionMetadata\":{\"requestId\":\"r-2\"}}");
            assertThat(delete.status).as(delete.text).isEqualTo(200);
            List<JsonObject> got = watch.next(2);
            assertThat(got.get(0).getJsonObject("result").getJsonObject("optionalTransactionMetadata"))
                    .isEqualTo(new JsonObject()
                            .put("requestId", "r-1")
                            .put(
                                    "nested",
                                    new JsonObject()
                                            .put(
                                                    "n",
                                                    new io.vertx.core.json.JsonArray()
                                                            .add(1)
                                                            .add(2))));
            assertThat(got.get(1).getJsonObject("result").getJsonObject("optionalTransactionMetadata"))
                    .isEqualTo(new JsonObject().put("requestId", "r-2"));
        }
        String update = "{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                + ServerFixture.relationshipJson("document:tm2#viewer@user:meta") + "}";
        JsonObject notAnObject = f.post(
                        "/v1/relationships/write", "{\"updates\":[" + update + "],\"optionalTransactionMetadata\":[1]}")
                .error(400);
        assertThat(notAnObject.getString("message"))
                .contains("optionalTransactionMetadata")
                .contains("JSON object");
        String big = "x".repeat(70_000);
        JsonObject tooLarge = f.post(
                        "/v1/relationships/write",
                        "{\"updates\":[" + update + "],\"optionalTransactionMetadata\":{\"big\":\"" + big + "\"}}")
                .error(400);
        assertThat(ServerFixture.reason(tooLarge)).isEqualTo("ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT");
        assertThat(tooLarge.getString("message")).contains("transaction metadata is");
    }
}

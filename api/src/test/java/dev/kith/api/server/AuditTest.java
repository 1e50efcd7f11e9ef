package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log over a real server: a line for every kind of request with its fields, no key and no caveat context
 * or metadata value in it, rotation by size, sampling, request ids, and {@code /metrics} behind the key.
 */
final class AuditTest {
    private static final String KEY = ServerFixture.KEY;
    private static final String WRONG_KEY = "wrong-key-that-must-never-be-logged";

    @TempDir
    Path tmp;

    private static List<JsonObject> lines(Path log) {
        try {
            return Files.readAllLines(log).stream().map(JsonObject::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonObject> ofKind(List<JsonObject> lines, String kind) {
        return lines.stream().filter(l -> kind.equals(l.getString("kind"))).toList();
    }

    private static JsonObject one(List<JsonObject> lines, String kind) {
        List<JsonObject> found = ofKind(lines, kind);
        assertThat(found).as("lines of kind %s in %s", kind, lines).hasSize(1);
        return found.getFirst();
    }

    private static ServerFixture.Answer postAs(ServerFixture f, String path, String body, String key, String id) {
        var req = f.client.post(f.server.port(), "127.0.0.1", path);
        if (key != null) req.putHeader("Authorization", "Bearer " + key);
        if (id != null) req.putHeader("X-Request-Id", id);
        try {
            return new ServerFixture.Answer(req.sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private static ServerFixture.Answer getAs(ServerFixture f, String path, String key) {
        var req = f.client.get(f.server.port(), "127.0.0.1", path);
        if (key != null) req.putHeader("Authorization", "Bearer " + key);
        try {
            return new ServerFixture.Answer(req.send().await(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private static String checkWithContext(String id, String permission, String user, String day) {
        return new JsonObject(ServerFixture.checkJson("document", id, permission, "user", user))
                .put("context", new JsonObject().put("day", day))
                .encode();
    }

    private static final String SCHEMA_2 = ServerFixture.SCHEMA
                    .replace("day == \"monday\"", "day == \"friday\"")
                    .replace("""
            definition report {
                relation source: group | group with on_day
                permission read = source->member
            }
            """, "")
            + "\ndefinition folder {\n    relation owner: user\n}\n";

    @Test
    void everyKindOfRequestHasItsLineWithTheCommonFieldsAndNoSecret() throws Exception {
        Path log = tmp.resolve("audit.log");
        try (ServerFixture f =
                new ServerFixture(ServerConfig.loopback(List.of(KEY)).withAuditLog(log.toString()))) {
            f.writeSchema();
            String caveated =
                    ServerFixture.relationshipJson("document:a#viewer@user:ann[on_day:{\"day\":\"tuesday-secret\"}]");
            var w = f.post(
                    "/v1/relationships/write",
                    "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":" + caveated + "},"
                            + "{\"operation\":\"OPERATION_CREATE\",\"relationship\":"
                            + ServerFixture.relationshipJson("document:b#viewer@user:bob") + "}],"
                            + "\"optionalPreconditions\":[{\"operation\":\"OPERATION_MUST_NOT_MATCH\","
                            + "\"filter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"zzz\"}}],"
                            + "\"optionalTransactionMetadata\":{\"ticket\":\"metadata-secret\"}}");
            assertThat(w.status).as(w.text).isEqualTo(200);
            assertThat(f.post("/v1/permissions/check", checkWithContext("a", "view", "ann", "monday-secret")).status)
                    .isEqualTo(200);
            var bulk = f.post(
                    "/v1/permissions/checkbulk",
                    "{\"items\":[" + ServerFixture.checkJson("document", "b", "view", "user", "bob") + ","
                            + ServerFixture.checkJson("document", "b", "nope", "user", "bob") + "]}");
            assertThat(bulk.status).as(bulk.text).isEqualTo(200);
            assertThat(f.post(
                                    "/v1/permissions/expand",
                                    "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"b\"},\"permission\":\"view\"}")
                            .status)
                    .isEqualTo(200);
            var lr = f.post(
                    "/v1/permissions/resources",
                    "{\"resourceObjectType\":\"document\",\"permission\":\"view\","
                            + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"bob\"}}}");
            assertThat(lr.results()).hasSize(1);
            var ls = f.post(
                    "/v1/permissions/subjects",
                    "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"b\"},\"permission\":\"view\","
                            + "\"subjectObjectType\":\"user\"}");
            assertThat(ls.results()).hasSize(1);
            var read = f.post("/v1/relationships/read", "{\"relationshipFilter\":{\"resourceType\":\"document\"}}");
            assertThat(read.results()).hasSize(2);
            var imported = f.post(
                    KithServer.IMPORT_PATH,
                    ServerFixture.relationshipJson("document:c#viewer@user:cat") + "\n"
                            + ServerFixture.relationshipJson("document:d#viewer@user:dan") + "\n");
            assertThat(imported.status).as(imported.text).isEqualTo(200);
            var deleted = f.post(
                    "/v1/relationships/delete",
                    "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"b\"}}");
            assertThat(deleted.status).as(deleted.text).isEqualTo(200);
            var schema2 = f.post(
                    "/v1/schema/write", new JsonObject().put("schema", SCHEMA_2).encode());
            assertThat(schema2.status).as(schema2.text).isEqualTo(200);
            assertThat(f.post(
                                    "/v1/permissions/check",
                                    ServerFixture.checkJson("nosuchtype", "x", "view", "user", "ann"))
                            .status)
                    .isEqualTo(400);
            assertThat(f.post("/v1/schema/read", "{}", null).status).isEqualTo(401);
            assertThat(f.post("/v1/schema/read", "{}", WRONG_KEY).status).isEqualTo(403);

            HttpResponse<InputStream> watch = HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.server.port() + "/v1/watch"))
                                    .header("Authorization", "Bearer " + KEY)
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"optionalObjectTypes\":[\"document\"]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream())
                    .get(30, TimeUnit.SECONDS);
            assertThat(watch.statusCode()).isEqualTo(200);
            Await.until(
                    "the watch is opened in the audit log",
                    () -> Files.readString(log).contains("watchOpened"),
                    Duration.ofSeconds(30));
            f.touch("document:e#viewer@user:eve");
            watch.body().read(); // the change set's line has arrived
            watch.body().close();
            Await.until(
                    "the watch is closed in the audit log",
                    () -> Files.readString(log).contains("watchClosed"),
                    Duration.ofSeconds(30));
        }

        String text = Files.readString(log);
        assertThat(text)
                .doesNotContain(KEY)
                .doesNotContain(WRONG_KEY)
                .doesNotContain("tuesday-secret")
                .doesNotContain("monday-secret")
                .doesNotContain("metadata-secret");
        List<JsonObject> lines = lines(log);
        for (JsonObject l : lines) {
            assertThat(Instant.parse(l.getString("time")))
                    .isBefore(Instant.now().plusSeconds(1));
            assertThat(l.getString("kind")).isNotBlank();
            assertThat(l.getString("requestId")).isNotBlank();
            assertThat(l.getString("client")).startsWith("127.0.0.1:");
            assertThat(l.getLong("latencyMicros")).isNotNegative();
            assertThat(l.getInteger("status")).isBetween(200, 599);
            if (!l.getString("kind").equals("authFailure"))
                assertThat(l.getString("caller")).startsWith("key-");
        }
        assertThat(lines.stream().map(l -> l.getString("requestId")).distinct()).hasSize(lines.size() - 1);

        List<JsonObject> schemaWrites = ofKind(lines, "writeSchema");
        assertThat(schemaWrites).hasSize(2);
        assertThat(schemaWrites.get(0).getJsonArray("definitionsAdded"))
                .isEqualTo(new JsonArray(List.of("user", "group", "document", "report")));
        assertThat(schemaWrites.get(0).getJsonArray("caveatsAdded")).isEqualTo(new JsonArray(List.of("on_day")));
        assertThat(schemaWrites.get(0).getLong("revision")).isPositive();
        JsonObject second = schemaWrites.get(1);
        assertThat(second.getJsonArray("definitionsAdded")).isEqualTo(new JsonArray(List.of("folder")));
        assertThat(second.getJsonArray("definitionsRemoved")).isEqualTo(new JsonArray(List.of("report")));
        assertThat(second.getJsonArray("caveatsChanged")).isEqualTo(new JsonArray(List.of("on_day")));
        assertThat(second.containsKey("definitionsChanged")).isFalse();

        JsonObject write = ofKind(lines, "writeRelationships").getFirst();
        JsonArray updates = write.getJsonArray("updates");
        assertThat(updates.getJsonObject(0).getString("operation")).isEqualTo("TOUCH");
        assertThat(updates.getJsonObject(0).getString("relationship")).isEqualTo("document:a#viewer@user:ann");
        assertThat(updates.getJsonObject(0).getString("caveat")).isEqualTo("on_day");
        assertThat(updates.getJsonObject(0).getJsonArray("contextKeys")).isEqualTo(new JsonArray(List.of("day")));
        assertThat(updates.getJsonObject(1).getString("operation")).isEqualTo("CREATE");
        assertThat(write.getJsonArray("preconditions").getJsonObject(0).getString("kind"))
                .isEqualTo("MUST_NOT_MATCH");
        assertThat(write.getJsonArray("preconditions")
                        .getJsonObject(0)
                        .getJsonObject("filter")
                        .getString("resourceId"))
                .isEqualTo("zzz");
        assertThat(write.getJsonArray("metadataKeys")).isEqualTo(new JsonArray(List.of("ticket")));
        assertThat(write.getLong("revision")).isPositive();
        assertThat(write.getInteger("status")).isEqualTo(200);

        List<JsonObject> checks = ofKind(lines, "check");
        assertThat(checks).hasSize(2);
        JsonObject check = checks.get(0);
        assertThat(check.getString("resource")).isEqualTo("document:a");
        assertThat(check.getString("permission")).isEqualTo("view");
        assertThat(check.getString("subject")).isEqualTo("user:ann");
        // the caveat needs day "monday"; the check's context said otherwise
        assertThat(check.getString("result")).isEqualTo("NO_PERMISSION");
        assertThat(check.getJsonArray("contextKeys")).isEqualTo(new JsonArray(List.of("day")));
        assertThat(check.getLong("revision")).isPositive();
        JsonObject failed = checks.get(1);
        assertThat(failed.getInteger("status")).isEqualTo(400);
        assertThat(failed.getString("error")).isEqualTo("UNKNOWN_NAME");
        assertThat(failed.containsKey("result")).isFalse();

        JsonObject checkBulk = one(lines, "checkBulk");
        JsonArray items = checkBulk.getJsonArray("items");
        assertThat(items).hasSize(2);
        assertThat(items.getJsonObject(0).getString("result")).isEqualTo("HAS_PERMISSION");
        assertThat(items.getJsonObject(0).getString("resource")).isEqualTo("document:b");
        assertThat(items.getJsonObject(1).getString("error")).isEqualTo("UNKNOWN_NAME");
        assertThat(items.getJsonObject(1).getString("permission")).isEqualTo("nope");

        JsonObject expand = one(lines, "expand");
        assertThat(expand.getString("resource")).isEqualTo("document:b");
        assertThat(expand.getLong("revision")).isPositive();

        JsonObject lookupResources = one(lines, "lookupResources");
        assertThat(lookupResources.getString("resourceType")).isEqualTo("document");
        assertThat(lookupResources.getString("subject")).isEqualTo("user:bob");
        assertThat(lookupResources.getLong("count")).isEqualTo(1);
        assertThat(lookupResources.getLong("revision")).isPositive();

        JsonObject lookupSubjects = one(lines, "lookupSubjects");
        assertThat(lookupSubjects.getString("resource")).isEqualTo("document:b");
        assertThat(lookupSubjects.getString("subjectType")).isEqualTo("user");
        assertThat(lookupSubjects.getLong("count")).isEqualTo(1);

        JsonObject read = one(lines, "readRelationships");
        assertThat(read.getJsonObject("filter").getString("resourceType")).isEqualTo("document");
        assertThat(read.getLong("count")).isEqualTo(2);

        JsonObject imported = one(lines, "importRelationships");
        assertThat(imported.getLong("count")).isEqualTo(2);
        assertThat(imported.getLong("revision")).isPositive();

        JsonObject delete = one(lines, "deleteRelationships");
        assertThat(delete.getJsonObject("filter").getString("resourceId")).isEqualTo("b");
        assertThat(delete.getLong("count")).isEqualTo(1);
        assertThat(delete.getLong("revision")).isPositive();

        List<JsonObject> authFailures = ofKind(lines, "authFailure");
        assertThat(authFailures).hasSize(2);
        assertThat(authFailures.stream().map(l -> l.getString("reason"))).containsExactly("no key", "unknown key");
        assertThat(authFailures.stream().map(l -> l.getInteger("status"))).containsExactly(401, 403);
        assertThat(authFailures.stream().map(l -> l.getString("error")))
                .containsExactly("UNAUTHENTICATED", "PERMISSION_DENIED");
        for (JsonObject a : authFailures) {
            assertThat(a.getString("path")).isEqualTo("/v1/schema/read");
            assertThat(a.containsKey("caller")).isFalse();
        }

        JsonObject opened = one(lines, "watchOpened");
        assertThat(opened.getJsonArray("objectTypes")).isEqualTo(new JsonArray(List.of("document")));
        JsonObject closed = one(lines, "watchClosed");
        assertThat(closed.getString("requestId")).isEqualTo(opened.getString("requestId"));
        assertThat(closed.getLong("changeSets")).isEqualTo(1);
        assertThat(closed.getLong("revision")).isPositive();
    }

    /**
     * A request over its deadline is still audited, once, when its 504 is sent: with its status, the error code and
     * the time it took; whether a timer on the event loop answered it while its work went on on a worker (then stopped)
     * or the engine's own poll of the deadline ended work running inline.
     */
    @Test
    void aRequestThatTimesOutIsAuditedOnceWithItsOutcomeAndLatency() throws Exception {
        Path log = tmp.resolve("audit.log");
        Duration timeout = Duration.ofMillis(1);
        try (ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(KEY))
                .withLimits(Limits.defaults().withTimeouts(timeout, timeout))
                .withAuditLog(log.toString()))) {
            f.engine.writeSchema(ServerFixture.SCHEMA);
            List<dev.kith.engine.Relationship> rels = new java.util.ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                rels.add(dev.kith.engine.Relationship.parse("report:wide#source@group:g" + i));
                rels.add(dev.kith.engine.Relationship.parse("group:g" + i + "#member@user:u" + i));
                rels.add(dev.kith.engine.Relationship.parse("group:big#member@group:g" + i + "#member"));
            }
            rels.add(dev.kith.engine.Relationship.parse("document:wide#viewer@group:big#member"));
            f.engine.importBulk(rels.iterator());
            String expand = "{\"resource\":{\"objectType\":\"report\",\"objectId\":\"wide\"},\"permission\":\"read\"";
            // on a worker (it may wait for the store): the deadline's timer answers 504
            assertThat(postAs(
                                    f,
                                    "/v1/permissions/expand",
                                    expand + ",\"consistency\":{\"fullyConsistent\":true}}",
                                    KEY,
                                    "slow-worker")
                            .error(504)
                            .getJsonArray("details")
                            .getJsonObject(0)
                            .getJsonObject("metadata")
                            .getString("code"))
                    .isEqualTo("DEADLINE_EXCEEDED");
            // inline: the engine's poll of the deadline ends it
            assertThat(postAs(f, "/v1/permissions/expand", expand + "}", KEY, "slow-inline")
                            .error(504)
                            .getJsonArray("details")
                            .getJsonObject(0)
                            .getJsonObject("metadata")
                            .getString("code"))
                    .isEqualTo("DEADLINE_EXCEEDED");
            Await.until(
                    "the worker's work has stopped",
                    () -> f.get("/metrics").text.contains("kith_requests_cancelled_total{reason=\"deadline\",} 2.0")
                            || f.get("/metrics")
                                    .text
                                    .contains("kith_requests_cancelled_total{reason=\"deadline\"} 2.0"),
                    Duration.ofSeconds(30));
        }
        List<JsonObject> expands = ofKind(lines(log), "expand");
        assertThat(expands.stream().map(l -> l.getString("requestId")))
                .as("one line per request")
                .containsExactlyInAnyOrder("slow-worker", "slow-inline");
        for (JsonObject line : expands) {
            assertThat(line.getInteger("status")).as(line.encode()).isEqualTo(504);
            assertThat(line.getString("error")).as(line.encode()).isEqualTo("DEADLINE_EXCEEDED");
            assertThat(line.getLong("latencyMicros"))
                    .as(line.encode())
                    .isGreaterThanOrEqualTo(timeout.toNanos() / 1000);
            assertThat(line.getString("resource")).isEqualTo("report:wide");
            assertThat(line.getString("permission")).isEqualTo("read");
            assertThat(line.getString("caller")).startsWith("key-");
        }
    }

    @Test
    void aFileIsRotatedBySizeKeepingAtMostKeepOldFiles() throws Exception {
        Path log = tmp.resolve("audit.log");
        long maxBytes = 1000;
        try (ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(KEY))
                .withAuditLog(log.toString())
                .withAuditOptions(new AuditOptions(maxBytes, 2, 1.0)))) {
            f.writeSchema();
            for (int i = 0; i < 40; i++) {
                assertThat(f.post(
                                        "/v1/permissions/check",
                                        ServerFixture.checkJson("document", "r" + i, "view", "user", "u"))
                                .status)
                        .isEqualTo(200);
            }
        }
        Path one = tmp.resolve("audit.log.1");
        Path two = tmp.resolve("audit.log.2");
        assertThat(log).exists();
        assertThat(one).exists();
        assertThat(two).exists();
        assertThat(tmp.resolve("audit.log.3")).doesNotExist();
        for (Path p : List.of(log, one, two)) {
            assertThat(Files.size(p)).as("%s", p).isLessThanOrEqualTo(maxBytes);
            assertThat(lines(p)).isNotEmpty();
        }
        // the newest lines are in the current file, the oldest kept in .2; the first ones are gone
        assertThat(lines(log).getLast().getString("resource")).isEqualTo("document:r39");
        int newestOfTwo =
                Integer.parseInt(lines(two).getLast().getString("resource").substring("document:r".length()));
        int oldestOfOne =
                Integer.parseInt(lines(one).getFirst().getString("resource").substring("document:r".length()));
        assertThat(newestOfTwo + 1).isEqualTo(oldestOfOne);
        assertThat(ofKind(lines(two), "writeSchema")).isEmpty();
    }

    @Test
    void atSampleRateZeroWritesAndFailuresAreKeptAndSuccessfulChecksDropped() throws Exception {
        Path log = tmp.resolve("audit.log");
        try (ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(KEY))
                .withAuditLog(log.toString())
                .withAuditOptions(new AuditOptions(AuditOptions.DEFAULT_MAX_BYTES, 5, 0.0)))) {
            f.writeSchema();
            f.touch("document:s#viewer@user:sam");
            for (int i = 0; i < 5; i++) {
                assertThat(f.post(
                                        "/v1/permissions/check",
                                        ServerFixture.checkJson("document", "s", "view", "user", "sam"))
                                .status)
                        .isEqualTo(200);
            }
            assertThat(f.post(
                                    "/v1/permissions/resources",
                                    "{\"resourceObjectType\":\"document\",\"permission\":\"view\","
                                            + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"sam\"}}}")
                            .status)
                    .isEqualTo(200);
            assertThat(f.post("/v1/permissions/check", ServerFixture.checkJson("document", "s", "nope", "user", "sam"))
                            .status)
                    .isEqualTo(400);
            assertThat(f.post("/v1/schema/read", "{}", null).status).isEqualTo(401);
        }
        List<JsonObject> lines = lines(log);
        assertThat(lines.stream().map(l -> l.getString("kind")))
                .containsExactly("writeSchema", "writeRelationships", "check", "authFailure");
        assertThat(one(lines, "check").getInteger("status")).isEqualTo(400);
    }

    @Test
    void samplingIsDecidedByTheRequestIdAlone() throws Exception {
        assertThat(IntStream.range(0, 1000).filter(i -> AuditLog.sampled("r-" + i, 0.0)))
                .isEmpty();
        assertThat(IntStream.range(0, 1000).filter(i -> AuditLog.sampled("r-" + i, 1.0)))
                .hasSize(1000);
        long kept = IntStream.range(0, 10_000)
                .filter(i -> AuditLog.sampled("r-" + i, 0.25))
                .count();
        assertThat(kept).isBetween(2_200L, 2_800L);

        Path log = tmp.resolve("audit.log");
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> "req-" + i).toList();
        try (ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(KEY))
                .withAuditLog(log.toString())
                .withAuditOptions(new AuditOptions(AuditOptions.DEFAULT_MAX_BYTES, 5, 0.5)))) {
            f.writeSchema();
            for (String id : ids) {
                var a = postAs(
                        f,
                        "/v1/permissions/check",
                        ServerFixture.checkJson("document", "x", "view", "user", "u"),
                        KEY,
                        id);
                assertThat(a.status).isEqualTo(200);
                assertThat(a.headers.get("X-Request-Id")).isEqualTo(id);
            }
        }
        List<String> logged = ofKind(lines(log), "check").stream()
                .map(l -> l.getString("requestId"))
                .toList();
        List<String> expected =
                ids.stream().filter(id -> AuditLog.sampled(id, 0.5)).toList();
        assertThat(logged).isEqualTo(expected);
        assertThat(expected).isNotEmpty().hasSizeLessThan(ids.size());
    }

    @Test
    void everyResponseCarriesARequestIdTheCallersOwnWhenItIsWellFormed() {
        try (ServerFixture f = ServerFixture.withKey()) {
            var given = postAs(f, "/v1/schema/read", "{}", KEY, "trace-42.a:b");
            assertThat(given.headers.get("X-Request-Id")).isEqualTo("trace-42.a:b");
            var bad = postAs(f, "/v1/schema/read", "{}", KEY, "has spaces and \"quotes\"");
            assertThat(bad.headers.get("X-Request-Id")).isNotBlank().doesNotContain(" ");
            var first = postAs(f, "/v1/schema/read", "{}", KEY, null).headers.get("X-Request-Id");
            var next = postAs(f, "/v1/schema/read", "{}", KEY, null).headers.get("X-Request-Id");
            assertThat(first).isNotBlank().isNotEqualTo(next);
            assertThat(getAs(f, "/healthz", null).headers.get("X-Request-Id")).isNotBlank();
        }
    }

    @Test
    void metricsNeedTheKeyOnlyWhenAskedAndARefusedScrapeIsAudited() throws Exception {
        try (ServerFixture f = ServerFixture.withKey()) {
            assertThat(getAs(f, "/metrics", null).status).isEqualTo(200);
        }
        Path log = tmp.resolve("audit.log");
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(KEY)).withMetricsRequireKey(true).withAuditLog(log.toString()))) {
            getAs(f, "/metrics", null).error(401);
            getAs(f, "/metrics", WRONG_KEY).error(403);
            var scraped = getAs(f, "/metrics", KEY);
            assertThat(scraped.status).isEqualTo(200);
            assertThat(scraped.text)
                    .contains("kith_auth_failures_total 2.0")
                    .contains("kith_audit_dropped_total 0.0")
                    .contains("kith_audit_pending");
            assertThat(getAs(f, "/healthz", null).status).isEqualTo(200);
        }
        List<JsonObject> lines = lines(log);
        assertThat(lines).hasSize(2).allSatisfy(l -> {
            assertThat(l.getString("kind")).isEqualTo("authFailure");
            assertThat(l.getString("path")).isEqualTo("/metrics");
        });
        assertThat(lines.stream().map(l -> l.getString("reason"))).containsExactly("no key", "unknown key");
        assertThat(Files.readString(log)).doesNotContain(WRONG_KEY);

        assertThatThrownBy(() -> ServerConfig.loopback(List.of()).withMetricsRequireKey(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--metrics-require-key");
    }

    @Test
    void badAuditOptionsAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> new AuditOptions(0, 5, 1.0)).hasMessageContaining("--audit-log-max-bytes");
        assertThatThrownBy(() -> new AuditOptions(100, 0, 1.0)).hasMessageContaining("--audit-log-keep");
        assertThatThrownBy(() -> new AuditOptions(100, 5, 1.5)).hasMessageContaining("--audit-sample-rate");
        assertThatThrownBy(() -> new AuditOptions(100, 5, Double.NaN)).hasMessageContaining("--audit-sample-rate");
    }
}

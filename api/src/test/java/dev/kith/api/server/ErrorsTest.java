package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.EngineOptions;
import dev.kith.engine.Revision;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error path of the API: a 4xx/5xx whose body is grpc-gateway's {@code google.rpc.Status} naming the problem,
 * never a 500.
 */
class ErrorsTest {
    static ServerFixture f;
    static final String IMPORT = KithServer.IMPORT_PATH;

    @BeforeAll
    static void start() {
        Limits small = new Limits.Builder()
                .maxBodyBytes(64 << 10)
                .maxImportBodyBytes(1 << 20)
                .maxUpdatesPerWrite(3)
                .maxPreconditionsPerWrite(2)
                .maxCheckBulkItems(4)
                .maxJsonDepth(8)
                .maxContextBytes(256)
                .requestTimeout(Duration.ofSeconds(1))
                .build();
        f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(small),
                EngineOptions.defaults().withFreshnessTimeout(Duration.ofSeconds(5)));
        // Directly, not over HTTP: the first schema compile may take longer than this server's 1 s deadline.
        f.engine.writeSchema(ServerFixture.SCHEMA);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static String check() {
        return ServerFixture.checkJson("document", "d1", "view", "user", "ann");
    }

    @Test
    void malformedJsonSaysWhere() {
        JsonObject e = f.post("/v1/permissions/check", "{\"resource\": ").error(400);
        assertThat(e.getString("message")).contains("malformed JSON").contains("line 1");
    }

    @Test
    void malformedJsonSaysWhatAndWhereInPlainWords() {
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(
                "{\"resource\": }", "line 1, column 14 (in resource): unexpected character '}'; expected a JSON value");
        cases.put("{\"resource\": x}", "(in resource): unrecognized token 'x'; expected a JSON value");
        cases.put("{\"resource\": {\"objectType\" \"document\"}}", "(in resource.objectType): unexpected character");
        cases.put("{\"permission\": tru}", "unrecognized token 'tru'");
        cases.put("{\"a\": 1, \"a\": 2}", "field 'a' is given twice");
        cases.put("{} {}", "unexpected text after the JSON value");
        cases.put("{\"resource\": {", "the body ends before the JSON value is complete");
        cases.put("{\"permission\": \"a\nb\"}", "a control character in a string must be escaped");
        cases.forEach((body, expected) -> {
            JsonObject e = f.post("/v1/permissions/check", body).error(400);
            assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
            assertThat(e.getString("message"))
                    .as(body)
                    .startsWith("body: malformed JSON at line ")
                    .contains(expected)
                    .doesNotContain("code 1")
                    .doesNotContain("Source")
                    .doesNotContain("`")
                    .doesNotContain("jackson")
                    .doesNotContain("ObjectNode");
            assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("body");
        });
    }

    @Test
    void aNumberWithThousandsOfDigitsIsTooLargeNotTooDeep() {
        String digits = "1".repeat(5000);
        JsonObject e = f.post(
                        "/v1/permissions/check",
                        "{\"resource\": {\"objectType\": \"document\", \"objectId\": " + digits + "}}")
                .error(400);
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.getString("message")).contains("number too large").doesNotContain("nested");
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("resource.objectId");
        JsonObject inArray = f.post("/v1/permissions/checkbulk", "{\"items\": [{}, " + digits + "]}")
                .error(400);
        assertThat(ServerFixture.meta(inArray).getString("field")).isEqualTo("items[1]");
    }

    @Test
    void aFieldPathNeverEndsWithADot() {
        for (String body : List.of("{\"\": 1}", "{\"resource\": {\"\": 1}}", "{\"resource\": {\"a.\": 1}}")) {
            JsonObject e = f.post("/v1/permissions/check", body).error(400);
            String field = ServerFixture.meta(e).getString("field");
            assertThat(field).as(body).isNotEmpty().doesNotEndWith(".");
        }
        JsonObject e = f.post("/v1/permissions/check", "{\"resource\": {\"\": \"x\"}, \"permission\": \"view\"}")
                .error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("resource.objectType");
    }

    @Test
    void aWrongTypeNamesTheField() {
        JsonObject e = f.post("/v1/permissions/check", check().replace("\"view\"", "42"))
                .error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("permission");
        assertThat(e.getString("message")).contains("must be a string");
    }

    @Test
    void anUnknownFieldIsIgnoredAndTheRequestAnswered() {
        f.touch("document:d1#viewer@user:ann");
        String body = new JsonObject(check())
                .put("colour", "red")
                .put("futureOption", new JsonObject().put("deep", List.of(1, 2)))
                .encode();
        JsonObject answer = f.post("/v1/permissions/check", body).json();
        assertThat(answer.getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void aNestedUnknownFieldIsIgnoredButAWrongTypeIsStillNamed() {
        String nested = check().replace("\"objectType\":\"document\"", "\"objectType\":\"document\",\"x\":1");
        assertThat(f.post("/v1/permissions/check", nested).status).isEqualTo(200);
        String wrong = check().replace("\"objectType\":\"document\"", "\"objectType\":7");
        JsonObject e = f.post("/v1/permissions/check", wrong).error(400);
        assertThat(e.getInteger("code")).isEqualTo(3);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("resource.objectType");
        assertThat(e.getString("message")).startsWith("resource.objectType: ");
    }

    @Test
    void aBadIdIsNamed() {
        JsonObject e = f.post(
                        "/v1/permissions/check", ServerFixture.checkJson("document", "no spaces", "view", "user", "a"))
                .error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("resource.objectId");
    }

    @Test
    void anIdOverTheLengthLimitIsRefused() {
        String longId = "a".repeat(1025);
        JsonObject e = f.post("/v1/permissions/check", ServerFixture.checkJson("document", longId, "view", "user", "a"))
                .error(400);
        assertThat(e.getString("message")).contains("longer than 1024");
    }

    @Test
    void anUnknownOperationIsNamed() {
        String write = "{\"updates\":[{\"operation\":\"OPERATION_UPSERT\",\"relationship\":"
                + ServerFixture.relationshipJson("document:d1#viewer@user:ann") + "}]}";
        JsonObject e = f.post("/v1/relationships/write", write).error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("updates[0].operation");
    }

    @Test
    void tooDeepJsonIsRefused() {
        String deep = "{\"context\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20) + "}";
        JsonObject e = f.post("/v1/permissions/check", deep).error(400);
        assertThat(ServerFixture.reason(e)).isEqualTo("ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"schema\":\"" + "x".repeat(70 << 10) + "\"}";
        JsonObject e = f.post("/v1/schema/write", big).error(413);
        assertThat(e.getString("message")).contains("larger than");
    }

    @Test
    void tooManyUpdatesPreconditionsOrItemsAreInvalidArgumentsWithSpiceDbsReasons() {
        StringBuilder updates = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if (i > 0) updates.append(',');
            updates.append("{\"operation\":\"OPERATION_TOUCH\",\"relationship\":")
                    .append(ServerFixture.relationshipJson("document:d" + i + "#viewer@user:ann"))
                    .append('}');
        }
        JsonObject u = f.post("/v1/relationships/write", "{\"updates\":[" + updates + "]}")
                .error(400);
        assertThat(ServerFixture.reason(u)).isEqualTo("ERROR_REASON_TOO_MANY_UPDATES_IN_REQUEST");
        assertThat(ServerFixture.meta(u).getMap())
                .containsEntry("update_count", "4")
                .containsEntry("maximum_updates_allowed", "3");

        String filter = "{\"operation\":\"OPERATION_MUST_MATCH\",\"filter\":{\"resourceType\":\"document\"}}";
        String pre = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                + ServerFixture.relationshipJson("document:d1#viewer@user:ann") + "}],\"optionalPreconditions\":["
                + filter + "," + filter + "," + filter + "]}";
        JsonObject p = f.post("/v1/relationships/write", pre).error(400);
        assertThat(ServerFixture.reason(p)).isEqualTo("ERROR_REASON_TOO_MANY_PRECONDITIONS_IN_REQUEST");
        assertThat(ServerFixture.meta(p).getString("field")).isEqualTo("optionalPreconditions");

        String items = String.join(",", check(), check(), check(), check(), check());
        JsonObject i = f.post("/v1/permissions/checkbulk", "{\"items\":[" + items + "]}")
                .error(400);
        assertThat(ServerFixture.reason(i)).isEqualTo("ERROR_REASON_UNSPECIFIED");
        assertThat(ServerFixture.meta(i).getMap())
                .containsEntry("check_count", "5")
                .containsEntry("maximum_checks_allowed", "4");
    }

    @Test
    void aContextOverTheLimitIsAnInvalidArgument() {
        String body = new JsonObject(check())
                .put("context", new JsonObject().put("day", "m".repeat(300)))
                .encode();
        JsonObject e = f.post("/v1/permissions/check", body).error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("context");
        assertThat(ServerFixture.reason(e)).isEqualTo("ERROR_REASON_EXCEEDS_MAXIMUM_ALLOWABLE_LIMIT");
    }

    private static String withToken(String mode, String token) {
        return new JsonObject(check())
                .put("consistency", new JsonObject().put(mode, new JsonObject().put("token", token)))
                .encode();
    }

    @Test
    void forgedTruncatedAndForeignTokensAre400ThatSaySo() {
        String good = f.server.token(Revision.ZERO);
        char last = good.charAt(good.length() - 1);
        String forged = good.substring(0, good.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(f.post("/v1/permissions/check", withToken("atLeastAsFresh", forged))
                        .error(400)
                        .getString("message"))
                .contains("altered or forged");
        assertThat(f.post("/v1/permissions/check", withToken("atLeastAsFresh", good.substring(0, 10)))
                        .error(400)
                        .getString("message"))
                .contains("truncated");
        String foreign = Tokens.create("another deployment").encode(Revision.ZERO);
        assertThat(f.post("/v1/permissions/check", withToken("atExactSnapshot", foreign))
                        .error(400)
                        .getString("message"))
                .contains("another kith deployment");
        assertThat(f.post("/v1/permissions/check", withToken("atLeastAsFresh", "not a token!"))
                        .error(400)
                        .getString("message"))
                .contains("malformed");
    }

    @Test
    void aRevisionNotReachedInTimeIs503NeverAStaleAnswer() {
        Limits patient = new Limits.Builder()
                .maxImportBodyBytes(1 << 20)
                .maxUpdatesPerWrite(10)
                .maxPreconditionsPerWrite(10)
                .maxCheckBulkItems(10)
                .maxContextBytes(4096)
                .maxInFlight(100)
                .build();
        try (ServerFixture g = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(patient),
                EngineOptions.defaults().withFreshnessTimeout(Duration.ofMillis(200)))) {
            g.writeSchema();
            String future = g.server.token(new Revision(1_000_000));
            JsonObject e = g.post("/v1/permissions/check", withTokenFor(future)).error(503);
            assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("UNAVAILABLE");
        }
    }

    private static String withTokenFor(String token) {
        return withToken("atLeastAsFresh", token);
    }

    /** A clock the test moves forward. */
    private static final class MovableClock extends java.time.Clock {
        private volatile java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void anExpiredSnapshotIsAClear400() {
        MovableClock clock = new MovableClock();
        try (ServerFixture g = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)),
                EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofMinutes(1)))) {
            g.writeSchema();
            String old = g.touch("document:gc#viewer@user:ann");
            clock.advance(Duration.ofHours(2));
            g.touch("document:gc#viewer@user:bob");
            clock.advance(Duration.ofHours(2));
            g.touch("document:gc#viewer@user:cid");
            JsonObject e = g.post("/v1/permissions/check", withToken("atExactSnapshot", old))
                    .error(400);
            assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("REVISION_EXPIRED");
            assertThat(e.getString("message")).contains("expired");
        }
    }

    @Test
    void aRequestOverItsDeadlineIs504() {
        // The engine waits up to 5 s for a revision that never comes; the request deadline is 1 s.
        String future = f.server.token(new Revision(1_000_000));
        JsonObject e = f.post("/v1/permissions/check", withTokenFor(future)).error(504);
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void twoConsistencyModesAtOnceAreRefused() {
        String body = new JsonObject(check())
                .put(
                        "consistency",
                        new JsonObject().put("minimizeLatency", true).put("fullyConsistent", true))
                .encode();
        f.post("/v1/permissions/check", body).error(400);
    }

    @Test
    void anUnknownRouteIsGrpcGatewaysNotFound() {
        JsonObject expected = new JsonObject("{\"code\":5,\"message\":\"Not Found\",\"details\":[]}");
        for (ServerFixture.Answer a : List.of(f.post("/v1/nothing/here", "{}"), f.get("/v1/nothing/here"))) {
            assertThat(a.status).isEqualTo(404);
            assertThat(a.contentType).isEqualTo("application/json");
            assertThat(a.json()).isEqualTo(expected);
        }
    }

    @Test
    void anotherMethodOnAKnownRouteIsGrpcGatewaysUnimplementedWithAllow() {
        JsonObject expected = new JsonObject("{\"code\":12,\"message\":\"Method Not Allowed\",\"details\":[]}");
        for (String path : List.of("/v1/permissions/check", "/v1/relationships/read", IMPORT)) {
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE)) {
                ServerFixture.Answer a = f.request(method, path);
                assertThat(a.status).as(method + " " + path).isEqualTo(501);
                assertThat(a.json()).isEqualTo(expected);
                assertThat(a.headers.get("Allow")).as(method + " " + path).isEqualTo("POST");
            }
        }
        ServerFixture.Answer health = f.request(HttpMethod.POST, "/healthz");
        assertThat(health.status).isEqualTo(501);
        assertThat(health.json()).isEqualTo(expected);
        assertThat(health.headers.get("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void healthReadinessMetricsAndTheDescriptionAnswerHeadWithoutABody() {
        for (String path : List.of("/healthz", "/readyz", "/metrics", "/openapi.json")) {
            ServerFixture.Answer head = f.request(HttpMethod.HEAD, path);
            assertThat(head.status).as("HEAD " + path).isEqualTo(200);
            assertThat(head.text).as("HEAD " + path).isEmpty();
            assertThat(f.get(path).status).as("GET " + path).isEqualTo(200);
        }
    }

    @Test
    void garbageNeverProducesA500() {
        List<String> paths = List.of(
                "/v1/schema/write",
                "/v1/schema/read",
                "/v1/relationships/write",
                "/v1/relationships/read",
                "/v1/relationships/delete",
                "/v1/permissions/check",
                "/v1/permissions/checkbulk",
                "/v1/permissions/expand",
                "/v1/permissions/resources",
                "/v1/permissions/subjects",
                "/v1/relationships/importbulk",
                "/v1/relationships/exportbulk");
        List<String> bodies = List.of(
                "",
                "null",
                "[]",
                "42",
                "\"text\"",
                "{",
                "{}",
                "{\"updates\":null}",
                "{\"updates\":[null]}",
                "{\"updates\":[{}]}",
                "{\"items\":[1,2]}",
                "{\"resource\":[],\"permission\":{},\"subject\":\"x\"}",
                "{\"relationshipFilter\":{}}",
                "{\"relationshipFilter\":{\"optionalResourceId\":\"x\"}}",
                "{\"consistency\":{\"atExactSnapshot\":{}}}",
                "{\"optionalLimit\":-1}",
                "{\"optionalLimit\":\"lots\"}",
                "{\"optionalCursor\":{\"token\":\"garbage\"},\"relationshipFilter\":{\"resourceType\":\"document\"}}",
                "{\"schema\":42}",
                "\u0000\u0001\u0002",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"x\"},\"permission\":\"view\","
                        + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"*\"},"
                        + "\"optionalRelation\":\"member\"}}");
        for (String path : paths) {
            for (String body : bodies) {
                var a = f.post(path, body);
                assertThat(a.status).as(path + " " + body + " -> " + a.text).isLessThan(500);
                assertThat(a.text).as(path + " " + body).doesNotContain("\tat ").doesNotContain("Exception");
            }
        }
        // Watch streams stay open on a valid body, so only invalid ones here.
        for (String body : List.of(
                "null",
                "[]",
                "{",
                "{\"optionalStartCursor\":{\"token\":\"x\"}}",
                "{\"optionalObjectTypes\":[1]}",
                "{\"optionalRelationshipFilters\":[{}]}")) {
            f.post("/v1/watch", body).error(400);
        }
    }
    /** base64url without padding, as kith encodes its cursors. */
    private static String cursor(String raw) {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aForgedCursorIsA400NamingOptionalCursor() {
        String lookup = "{\"resourceObjectType\":\"document\",\"permission\":\"view\","
                + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"ann\"}},"
                + "\"optionalCursor\":{\"token\":\"%s\"}}";
        String read =
                "{\"relationshipFilter\":{\"resourceType\":\"document\"}," + "\"optionalCursor\":{\"token\":\"%s\"}}";
        List<String> forged = List.of(
                "/v1/permissions/resources " + lookup.formatted(cursor("resources:-1:-1")),
                "/v1/permissions/resources " + lookup.formatted(cursor("resources:1:-5")),
                "/v1/permissions/resources " + lookup.formatted(cursor("read:1:1")),
                "/v1/relationships/read " + read.formatted(cursor("read:-2:x")),
                "/v1/relationships/read " + read.formatted(cursor("read:1:garbage")),
                "/v1/relationships/read " + read.formatted("garbage"));
        for (String request : forged) {
            int space = request.indexOf(' ');
            JsonObject e = f.post(request.substring(0, space), request.substring(space + 1))
                    .error(400);
            assertThat(ServerFixture.meta(e).getString("code")).as(request).isEqualTo("INVALID_ARGUMENT");
            assertThat(ServerFixture.meta(e).getString("field")).as(request).isEqualTo("optionalCursor");
        }
    }
}

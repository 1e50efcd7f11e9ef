package dev.kith.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.bench.BenchMain;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Query;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against a small test server on a random port that answers the two routes: the check
 * (HAS for even resource ids, NO for odd ones, CONDITIONAL for id 77, 400 for id "deep") after validating the
 * request's JSON shape and bearer key, and the no-op.
 */
class LoadGeneratorTest {
    private static final String KEY = "test-key";

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicLong noops = new AtomicLong();

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(LoadGeneratorTest::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void handle(HttpServerRequest request) {
        if (!("Bearer " + KEY).equals(request.getHeader("Authorization"))) {
            request.response().setStatusCode(401).end("{\"code\":16,\"message\":\"missing key\"}");
            return;
        }
        if (request.method().name().equals("GET") && request.path().equals("/v1/bench/noop")) {
            noops.incrementAndGet();
            request.response().end("{}");
            return;
        }
        if (!request.method().name().equals("POST") || !request.path().equals("/v1/permissions/check")) {
            request.response().setStatusCode(404).end();
            return;
        }
        request.body().onSuccess(buffer -> {
            JsonObject body = buffer.toJsonObject();
            String id = body.getJsonObject("resource").getString("objectId");
            boolean wellFormed = body.getJsonObject("consistency").getBoolean("minimizeLatency")
                    && body.getJsonObject("resource").getString("objectType").equals("repo")
                    && body.getString("permission").equals("can_read")
                    && body.getJsonObject("subject")
                            .getJsonObject("object")
                            .getString("objectType")
                            .equals("user")
                    && body.getJsonObject("subject")
                            .getString("optionalRelation")
                            .isEmpty()
                    && (!id.equals("4")
                            || body.getJsonObject("context")
                                    .getString("client_ip")
                                    .equals("10.0.0.1"));
            if (!wellFormed || id.equals("deep")) {
                request.response().setStatusCode(400).end("{\"code\":3,\"message\":\"bad\"}");
                return;
            }
            String answer = id.equals("77")
                    ? "PERMISSIONSHIP_CONDITIONAL_PERMISSION"
                    : Integer.parseInt(id) % 2 == 0 ? "PERMISSIONSHIP_HAS_PERMISSION" : "PERMISSIONSHIP_NO_PERMISSION";
            request.response()
                    .putHeader("content-type", "application/json")
                    .end(new JsonObject()
                            .put("checkedAt", new JsonObject().put("token", "t"))
                            .put("permissionship", answer)
                            .encode());
        });
    }

    private static Query query(String id, String context, Expectation expected) {
        return new Query("repo", id, "can_read", "user", "5", "", context, expected);
    }

    /** Ten queries of which two get an answer other than expected (ids 3 and 77). */
    private static final List<Query> QUERIES = List.of(
            query("2", null, Expectation.TRUE),
            query("3", null, Expectation.TRUE),
            query("4", "{\"client_ip\":\"10.0.0.1\"}", Expectation.TRUE),
            query("5", null, Expectation.FALSE),
            query("deep", null, Expectation.ERROR),
            query("6", null, Expectation.NONE),
            query("77", null, Expectation.FALSE),
            query("8", null, Expectation.TRUE),
            query("9", null, Expectation.FALSE),
            query("10", null, Expectation.TRUE));

    private static URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    @Test
    void countsMismatchesAndExpectedErrorsAndMeasuresLatency() throws IOException {
        LoadReport report = LoadGenerator.run(
                new LoadOptions(endpoint(), KEY, QUERIES, 4, Duration.ofMillis(1500), Duration.ZERO, false));
        // at least one full cycle of the queries, however busy the machine (a loaded 2-core runner sent 30)
        assertThat(report.requests()).isGreaterThanOrEqualTo(QUERIES.size());
        assertThat(report.errors()).isZero();
        // the queries are sent in order, cycling, and every sent request completes: 2 in 10 mismatch
        long full = report.requests() / QUERIES.size();
        assertThat(report.mismatches()).isBetween(2 * full, 2 * full + 2);
        assertThat(report.requestsPerSecond()).isPositive();
        assertThat(report.p50Ms()).isPositive();
        assertThat(report.p99Ms()).isGreaterThanOrEqualTo(report.p50Ms());
        assertThat(report.p99UncorrectedMs()).isPositive();
        assertThat(report.p999Ms()).isGreaterThanOrEqualTo(report.p99Ms());
        assertThat(report.maxMs()).isGreaterThanOrEqualTo(report.p999Ms());
        assertThat(report.baseline()).isNull();
        assertThat(report.ratio()).isNaN();
    }

    @Test
    void aMissingKeyMakesEveryRequestAnError() throws IOException {
        LoadReport report = LoadGenerator.run(
                new LoadOptions(endpoint(), null, QUERIES, 2, Duration.ofMillis(300), Duration.ZERO, false));
        assertThat(report.requests()).isPositive();
        // 401s: errors, except where an error was the expectation
        assertThat(report.errors()).isBetween(report.requests() * 8 / 10, report.requests());
        assertThat(report.mismatches()).isZero();
    }

    @Test
    void theBaselineLoadsTheNoopRoute() throws IOException {
        long before = noops.get();
        LoadReport report = LoadGenerator.run(
                new LoadOptions(endpoint(), KEY, QUERIES, 2, Duration.ofMillis(300), Duration.ofMillis(100), true));
        assertThat(report.baseline()).isNotNull();
        assertThat(report.baseline().requests()).isPositive();
        assertThat(report.baseline().errors()).isZero();
        assertThat(noops.get() - before)
                .isGreaterThanOrEqualTo(report.baseline().requests());
        assertThat(report.ratio()).isPositive();
    }

    @Test
    void onlyLocalEndpointsAreAccepted() {
        assertThatThrownBy(() -> LoadGenerator.run(new LoadOptions(
                        URI.create("http://192.0.2.1:8080"),
                        null,
                        QUERIES,
                        1,
                        Duration.ofSeconds(1),
                        Duration.ZERO,
                        false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not this machine");
        assertThatThrownBy(() -> LoadGenerator.requireLocal(URI.create("https://127.0.0.1:8443")))
                .hasMessageContaining("must be an http:// URL");
        LoadGenerator.requireLocal(URI.create("http://localhost:1"));
        assertThatThrownBy(() ->
                        new LoadOptions(endpoint(), null, List.of(), 1, Duration.ofSeconds(1), Duration.ZERO, false))
                .hasMessage("there are no queries to send");
        assertThatThrownBy(() ->
                        new LoadOptions(endpoint(), null, QUERIES, 0, Duration.ofSeconds(1), Duration.ZERO, false))
                .hasMessageContaining("connections must be between 1 and 1024");
    }

    @Test
    void theHttpCommandPrintsOneJsonObjectLast(@TempDir Path dir) throws IOException {
        Path queries = dir.resolve("queries.txt");
        Files.write(queries, QUERIES.stream().map(Query::toLine).toList());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchMain.run(
                new String[] {
                    "http",
                    "--endpoint",
                    endpoint().toString(),
                    "--key",
                    KEY,
                    "--queries",
                    queries.toString(),
                    "--connections",
                    "2",
                    "--seconds",
                    "0.3",
                    "--warmup",
                    "0",
                    "--baseline"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(status).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        JsonObject json = new JsonObject(lines[lines.length - 1]);
        assertThat(json.fieldNames())
                .contains(
                        "requests_per_second",
                        "p50_ms",
                        "p99_ms",
                        "errors",
                        "mismatches",
                        "baseline_requests_per_second",
                        "ratio");
        assertThat(json.getLong("errors")).isZero();
        assertThat(json.getLong("mismatches")).isPositive();
    }

    @Test
    void theHttpCommandReportsBadInputWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path queries = dir.resolve("queries.txt");
        Files.writeString(queries, "repo:1#can_read@user:2 true\nrepo:1#can_read@user:2 perhaps\n");
        StringWriter err = new StringWriter();
        int status = BenchMain.run(
                new String[] {"http", "--endpoint", endpoint().toString(), "--queries", queries.toString()},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("kith-bench: " + queries + ":2: column 24:")
                .doesNotContain("\tat ");

        Files.writeString(queries, "repo:1#can_read@user:2 true\n");
        StringWriter err2 = new StringWriter();
        status = BenchMain.run(
                new String[] {"http", "--endpoint", "http://192.0.2.1:1", "--queries", queries.toString()},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err2, true));
        assertThat(status).isEqualTo(2);
        assertThat(err2.toString()).contains("(192.0.2.1) is not this machine").doesNotContain("\tat ");
    }
}

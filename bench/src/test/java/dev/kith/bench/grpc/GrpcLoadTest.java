package dev.kith.bench.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.bench.BenchMain;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Query;
import dev.kith.bench.http.LoadOptions;
import dev.kith.bench.http.LoadReport;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Relationship;
import dev.kith.engine.runtime.Engines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC load driver against a real kith server (in-memory engine, gRPC on a random loopback port). */
class GrpcLoadTest {
    private static final String KEY = "grpc-load-test-key";
    private static final String SCHEMA = """
            definition user {}
            caveat on_weekday(day int) { day < 6 }
            definition repo {
                relation reader: user | user with on_weekday
                permission can_read = reader
            }
            """;

    private static Engine engine;
    private static KithServer server;

    @BeforeAll
    static void start() throws Exception {
        engine = Engines.inMemory(EngineOptions.defaults());
        engine.writeSchema(SCHEMA);
        engine.importBulk(List.of(
                        Relationship.parse("repo:1#reader@user:ann"),
                        Relationship.parse("repo:2#reader@user:ann[on_weekday]"))
                .iterator());
        server = KithServer.start(engine, ServerConfig.loopback(List.of(KEY)).withGrpcPort(0))
                .await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI endpoint() {
        return URI.create("grpc://127.0.0.1:" + server.grpcPort());
    }

    private static Query query(String resource, String context, Expectation expected) {
        return new Query("repo", resource, "can_read", "user", "ann", "", context, expected);
    }

    private static LoadOptions options(String key, List<Query> queries, boolean baseline) {
        return new LoadOptions(endpoint(), key, queries, 4, Duration.ofMillis(500), Duration.ofMillis(100), baseline);
    }

    @Test
    void answersAreJudgedAgainstTheirExpectations() throws Exception {
        List<Query> queries = List.of(
                query("1", null, Expectation.TRUE),
                query("3", null, Expectation.FALSE),
                query("2", "{\"day\": 2}", Expectation.TRUE),
                query("2", "{\"day\": 7}", Expectation.FALSE));

        LoadReport report = GrpcLoad.run(options(KEY, queries, true), 2);

        assertThat(report.requests()).isPositive();
        assertThat(report.errors()).isZero();
        assertThat(report.mismatches()).isZero();
        assertThat(report.p99Ms()).isGreaterThanOrEqualTo(report.p50Ms());
        assertThat(report.baseline()).isNotNull();
        assertThat(report.baseline().requests()).isPositive();
        assertThat(report.baseline().errors()).isZero();
    }

    @Test
    void aWrongAnswerIsAMismatchAndAWrongKeyAnError() throws Exception {
        LoadReport wrong = GrpcLoad.run(options(KEY, List.of(query("1", null, Expectation.FALSE)), false), 1);
        assertThat(wrong.requests()).isPositive();
        assertThat(wrong.mismatches()).isEqualTo(wrong.requests());

        LoadReport unauthorised =
                GrpcLoad.run(options("not-the-key", List.of(query("1", null, Expectation.TRUE)), false), 1);
        assertThat(unauthorised.requests()).isPositive();
        assertThat(unauthorised.errors()).isEqualTo(unauthorised.requests());

        LoadReport expectedError = GrpcLoad.run(
                options(KEY, List.of(new Query("nope", "1", "x", "user", "ann", "", null, Expectation.ERROR)), false),
                1);
        assertThat(expectedError.errors()).isZero();
        assertThat(expectedError.mismatches()).isZero();
    }

    @Test
    void onlyLocalPlaintextGrpcEndpointsAreLoaded() {
        List<Query> queries = List.of(query("1", null, Expectation.TRUE));
        assertThatThrownBy(() -> GrpcLoad.run(
                        new LoadOptions(
                                URI.create("http://127.0.0.1:1"),
                                KEY,
                                queries,
                                1,
                                Duration.ofSeconds(1),
                                Duration.ZERO,
                                false),
                        1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grpc://host:port");
        assertThatThrownBy(() -> GrpcLoad.run(
                        new LoadOptions(
                                URI.create("grpc://192.0.2.1:50051"),
                                KEY,
                                queries,
                                1,
                                Duration.ofSeconds(1),
                                Duration.ZERO,
                                false),
                        1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not this machine");
        assertThatThrownBy(() -> GrpcLoad.run(options(KEY, queries, false), 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels must be between 1 and the number of concurrent calls (4), got 5");
    }

    @Test
    void theCommandPrintsTheFiguresAsItsLastLine(@TempDir Path dir) throws Exception {
        Path queries = Files.writeString(
                dir.resolve("queries.txt"), "repo:1#can_read@user:ann true\n" + "repo:9#can_read@user:ann false\n");
        assertThat(figures("grpc", queries, "--baseline"))
                .contains("\"requests_per_second\":")
                .contains("\"errors\":0")
                .contains("\"mismatches\":0")
                .contains("\"channels\":1")
                .contains("\"driver\":\"grpc\"")
                .contains("\"baseline_requests_per_second\":");
        assertThat(refused("grpc", "--endpoint", "grpc://example.com:50051", "--queries", queries.toString()))
                .startsWith("kith-bench: ");
    }

    /** Runs {@code mode} against the test server, two calls in flight for half a second: its last line. */
    private static String figures(String mode, Path queries, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                mode,
                "--endpoint",
                endpoint().toString(),
                "--key",
                KEY,
                "--queries",
                queries.toString(),
                "--connections",
                "2",
                "--seconds",
                "0.5",
                "--warmup",
                "0"));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchMain.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(status).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        return lines[lines.length - 1];
    }

    /** Runs a command that must be refused as a usage error (status 2): what it printed on stderr. */
    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        int status = BenchMain.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(status).isEqualTo(2);
        return err.toString();
    }

    @Test
    void theClientModeJudgesTheSameAnswersThroughTheJavaClient() throws Exception {
        List<Query> queries = List.of(
                query("1", null, Expectation.TRUE),
                query("3", null, Expectation.FALSE),
                query("2", "{\"day\": 2}", Expectation.TRUE),
                query("2", "{\"day\": 7}", Expectation.FALSE),
                new Query("nope", "1", "x", "user", "ann", "", null, Expectation.ERROR));

        LoadReport report = GrpcLoad.runClient(options(KEY, queries, false));

        assertThat(report.requests()).isGreaterThan(queries.size());
        assertThat(report.errors()).isZero();
        assertThat(report.mismatches()).isZero();

        LoadReport wrong = GrpcLoad.runClient(options(KEY, List.of(query("1", null, Expectation.FALSE)), false));
        assertThat(wrong.mismatches()).isPositive().isEqualTo(wrong.requests());
        LoadReport unauthorised =
                GrpcLoad.runClient(options("not-the-key", List.of(query("1", null, Expectation.TRUE)), false));
        assertThat(unauthorised.errors()).isPositive().isEqualTo(unauthorised.requests());
        assertThatThrownBy(() -> GrpcLoad.runClient(options(KEY, queries, true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--baseline is not available in client mode");
    }

    @Test
    void theClientCommandPrintsTheSameFigures(@TempDir Path dir) throws Exception {
        Path queries = Files.writeString(dir.resolve("queries.txt"), "repo:1#can_read@user:ann true\n");
        assertThat(figures("client", queries))
                .contains("\"requests_per_second\":")
                .contains("\"errors\":0")
                .contains("\"mismatches\":0")
                .contains("\"driver\":\"client\"");
        assertThat(refused(
                        "client",
                        "--endpoint",
                        endpoint().toString(),
                        "--queries",
                        queries.toString(),
                        "--channels",
                        "2"))
                .contains("--channels must be 1 in client mode");
        assertThat(refused(
                        "client", "--endpoint", endpoint().toString(), "--queries", queries.toString(), "--baseline"))
                .contains("--baseline is not available in client mode");
    }
}

package dev.kith.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.bench.BenchMain;
import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.Requests;
import dev.kith.engine.runtime.Engines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The write load against a real kith server on the in-memory engine at a random loopback port. */
class WriteLoadTest {
    private static final String KEY = "write-load-test-key";
    private static final String SCHEMA = """
            definition user {}
            definition repo {
                relation reader: user
                permission can_read = reader
            }
            """;

    private static Engine engine;
    private static KithServer server;

    @BeforeAll
    static void start() throws Exception {
        engine = Engines.inMemory(EngineOptions.defaults());
        engine.writeSchema(SCHEMA);
        server = KithServer.start(engine, ServerConfig.loopback(List.of(KEY))).await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Test
    void everyAnsweredBatchIsStoredAndCounted() throws Exception {
        WriteLoad.Report report = WriteLoad.run(
                new WriteLoad.Options(endpoint(), KEY, 4, 25, 1_000, Duration.ofMillis(600), Duration.ofMillis(200)));

        assertThat(report.errors()).isZero();
        assertThat(report.requests()).isPositive();
        assertThat(report.relationships()).isEqualTo(report.requests() * 25);
        assertThat(report.nextRepo()).isGreaterThan(1_000 + report.requests());
        assertThat(report.relationshipsPerSecond()).isPositive();
        assertThat(report.p99Ms()).isGreaterThanOrEqualTo(report.p50Ms());
        // the last repository written (nextRepo − 1) holds all 25 readers, the one after none
        assertThat(readers(report.nextRepo() - 1)).isEqualTo(25);
        assertThat(readers(report.nextRepo())).isZero();
    }

    @Test
    void aWrongKeyCountsEveryRequestAsAnError() throws Exception {
        WriteLoad.Report report = WriteLoad.run(new WriteLoad.Options(
                endpoint(), "not-the-key", 2, 10, 5_000_000, Duration.ofMillis(300), Duration.ZERO));

        assertThat(report.requests()).isPositive();
        assertThat(report.errors()).isEqualTo(report.requests());
        assertThat(report.relationships()).isZero();
    }

    @Test
    void theCommandPrintsTheFiguresAsItsLastLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchMain.run(
                new String[] {
                    "writes",
                    "--endpoint",
                    endpoint().toString(),
                    "--key",
                    KEY,
                    "--batch",
                    "100",
                    "--connections",
                    "2",
                    "--seconds",
                    "0.5",
                    "--warmup",
                    "0",
                    "--first-repo",
                    "9000000"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(status).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines[lines.length - 1])
                .contains("\"relationships_per_second\":")
                .contains("\"requests_per_second\":")
                .contains("\"p50_ms\":")
                .contains("\"p99_ms\":")
                .contains("\"errors\":0");
    }

    @Test
    void badArgumentsAreRefusedWithAMessage() {
        StringWriter err = new StringWriter();
        int status = BenchMain.run(
                new String[] {"writes", "--endpoint", endpoint().toString(), "--batch", "0"},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--batch must be at least 1").doesNotContain("Exception");
        assertThatThrownBy(() -> WriteLoad.run(new WriteLoad.Options(
                        URI.create("http://192.0.2.1:8443"), null, 1, 1, 0, Duration.ofSeconds(1), Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not this machine");
    }

    private static long readers(long repo) {
        return engine.readRelationships(new Requests.ReadRelationships(
                        new RelationshipFilter("repo", Long.toString(repo), null, "reader", null),
                        new Consistency.FullyConsistent(),
                        null,
                        0))
                .items()
                .size();
    }
}

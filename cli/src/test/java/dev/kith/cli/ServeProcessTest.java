package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.Tokens;
import dev.kith.engine.Await;
import dev.kith.engine.Revision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kith serve} as a process: bootstrap from a validation file, answer, and on SIGTERM stop accepting,
 * finish the request in flight and exit 0; start and serve new connections without a Micrometer warning.
 */
class ServeProcessTest {
    private static final String KEY = "process-test-key";
    private static final String SECRET = "process-test-secret";

    @TempDir
    Path tmp;

    @Test
    void sigtermFinishesInFlightRequestsAndExitsZero() throws Exception {
        Path bootstrap = ServeProcess.bootstrapFile(tmp);
        int port = ServeProcess.freePort();
        Path log = tmp.resolve("serve.log");
        Process process = ServeProcess.start(
                port,
                log,
                Map.of(),
                "/readyz",
                List.of(
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--preshared-key",
                        KEY,
                        "--token-secret",
                        SECRET,
                        "--freshness-timeout",
                        "2s",
                        "--bootstrap",
                        bootstrap.toString()));
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            var check = http.send(
                    post(port, ServeProcess.checkJson("document", "readme", "view", "user", "ann")),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(check.body()).contains("PERMISSIONSHIP_HAS_PERMISSION");

            // A request that takes 2 s (it waits for a revision that never comes), then SIGTERM while it runs.
            String future = Tokens.create(SECRET).encode(new Revision(1_000_000));
            String waiting = ServeProcess.checkJson("document", "readme", "view", "user", "ann")
                    .replaceFirst("\\{", "{\"consistency\":{\"atLeastAsFresh\":{\"token\":\"" + future + "\"}},");
            CompletableFuture<HttpResponse<String>> inFlight =
                    http.sendAsync(post(port, waiting), HttpResponse.BodyHandlers.ofString());
            Await.until(
                    "the waiting check to be in flight on the server",
                    () -> requestsInFlight(http, port) >= 1,
                    Duration.ofSeconds(10));
            assertThat(inFlight).isNotDone();
            process.destroy();
            HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(503);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log))
                    .contains("bootstrapped 1 relationships")
                    .contains("shutting down");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void startupAndNewConnectionsLogNoMicrometerWarning() throws Exception {
        int port = ServeProcess.freePort();
        Path log = tmp.resolve("quiet.log");
        Process process = ServeProcess.start(
                port, log, Map.of(), "/readyz", List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
        try {
            // Vert.x 5.0 registered its connection and request gauges again for each new connection and request;
            // Micrometer warned on the second. Several connections, each with requests, must leave the log quiet.
            String metrics = "";
            for (int i = 0; i < 3; i++) {
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                for (String path : List.of("/healthz", "/readyz", "/metrics")) {
                    var answer = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).isEqualTo(200);
                    if (path.equals("/metrics")) metrics = answer.body();
                }
                http.close();
            }
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log))
                    .contains("kith listening on")
                    .doesNotContain("io.micrometer")
                    .doesNotContain("already registered");
            assertThat(metrics).contains("kith_http_connections ").contains("kith_http_requests_in_flight ");
        } finally {
            process.destroyForcibly();
        }
    }

    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^kith_http_requests_in_flight (\\S+)$");

    /** The server's {@code kith_http_requests_in_flight} gauge: the API requests it is serving. */
    private static double requestsInFlight(HttpClient http, int port) throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = IN_FLIGHT.matcher(metrics);
        if (!m.find()) throw new AssertionError("no kith_http_requests_in_flight in /metrics:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static HttpRequest post(int port, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/permissions/check"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }
}

package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Await;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The connection limits, each proven with raw sockets against a server with small values: a silent new connection,
 * an idle keep-alive connection and a slow body are closed in bounded time, connections over the limit are refused,
 * and meanwhile other clients and {@code /healthz} keep being answered.
 */
class ConnectionLimitsTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(20);

    private static ServerFixture server(Duration idle, Duration header, Duration body, int maxConnections) {
        Limits limits = Limits.defaults().withConnectionLimits(idle, header, body, maxConnections);
        return new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(limits));
    }

    private static Socket connect(ServerFixture f) throws IOException {
        Socket s = new Socket("127.0.0.1", f.server.port());
        // a safety net only: every read below ends when the server answers or closes well before this
        s.setSoTimeout((int) LONG.toMillis());
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Everything the server sends until it closes the connection. */
    private static String readToClose(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** One response with a Content-Length body, leaving the connection open. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("closed mid-response: " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static double closed(ServerFixture f, String reason) {
        var c = f.server
                .meterRegistry()
                .find("kith.connections.closed")
                .tag("reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static double open(ServerFixture f) {
        return f.server.meterRegistry().get("kith.http.connections").gauge().value();
    }

    private static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    /** {@code /healthz} on a fresh connection that sends its request at once (under any header timeout). */
    private static String healthz(ServerFixture f) throws IOException {
        try (Socket s = connect(f)) {
            send(s, HEALTHZ);
            return readResponse(s);
        }
    }

    @Test
    void aNewConnectionThatNeverCompletesItsHeadersIsClosedAfterTheHeaderTimeout() throws Exception {
        try (ServerFixture f = server(LONG, SHORT, LONG, 100);
                Socket slow = connect(f)) {
            long start = System.nanoTime();
            send(slow, "POST /v1/permissions/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
            assertThat(readToClose(slow)).isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(SHORT.minusMillis(50)).isLessThan(LONG);
            assertThat(closed(f, Metrics.HEADERS)).isEqualTo(1);
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void theHeadersOfALaterRequestOnAKeptAliveConnectionAreBoundByTheHeaderTimeout() throws Exception {
        try (ServerFixture f = server(LONG, SHORT, LONG, 100);
                Socket slow = connect(f)) {
            send(slow, HEALTHZ);
            assertThat(readResponse(slow)).startsWith("HTTP/1.1 200");
            // the second request's headers start, then stop coming: the idle timer (long) would leave it open
            long start = System.nanoTime();
            send(slow, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
            assertThat(readToClose(slow)).isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(SHORT.minusMillis(50)).isLessThan(LONG);
            assertThat(closed(f, Metrics.HEADERS)).isEqualTo(1);
            assertThat(closed(f, Metrics.IDLE)).isZero();
        }
    }

    @Test
    void theHeadersOfARequestPipelinedBehindAnotherAreBoundByTheHeaderTimeout() throws Exception {
        try (ServerFixture f = server(LONG, SHORT, LONG, 100);
                Socket slow = connect(f)) {
            // one write: a whole request, then the beginning of the next one's headers, which never end
            long start = System.nanoTime();
            send(slow, HEALTHZ + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            assertThat(readResponse(slow)).startsWith("HTTP/1.1 200");
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
            assertThat(readToClose(slow)).isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(SHORT.minusMillis(50)).isLessThan(LONG);
            assertThat(closed(f, Metrics.HEADERS)).isEqualTo(1);
            assertThat(closed(f, Metrics.IDLE)).isZero();
        }
    }

    @Test
    void aSlowTrickleOfHeadersRightAfterAFastRequestIsClosedAfterTheHeaderTimeout() throws Exception {
        try (ServerFixture f = server(LONG, SHORT, LONG, 100);
                Socket slow = connect(f)) {
            long start = System.nanoTime();
            send(slow, HEALTHZ + "GET /healthz HTTP/1.1\r\nX-Trickle: ");
            assertThat(readResponse(slow)).startsWith("HTTP/1.1 200");
            // a header byte every 50 ms, for ever: each byte is progress, none completes the headers
            String closedBy = null;
            while (closedBy == null) {
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("the trickling connection is closed")
                        .isLessThan(LONG);
                try {
                    send(slow, "a");
                    slow.setSoTimeout(50);
                    if (slow.getInputStream().read() < 0) closedBy = "end of stream";
                } catch (java.net.SocketTimeoutException e) {
                    // still open: trickle on
                } catch (IOException e) {
                    closedBy = e.getMessage();
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(SHORT.minusMillis(50)).isLessThan(SHORT.multipliedBy(10));
            assertThat(closed(f, Metrics.HEADERS)).isEqualTo(1);
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void pipelinedRequestsSentTogetherAreAllAnsweredAndTheConnectionStaysOpen() throws Exception {
        try (ServerFixture f = server(LONG, SHORT, LONG, 100);
                Socket s = connect(f)) {
            send(s, HEALTHZ + HEALTHZ + HEALTHZ + "\r\n");
            for (int i = 0; i < 3; i++) assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
            long answered = System.nanoTime();
            Await.until(
                    "a pause longer than the header timeout",
                    () -> System.nanoTime() - answered > SHORT.multipliedBy(2).toNanos(),
                    LONG);
            send(s, HEALTHZ);
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
            assertThat(closed(f, Metrics.HEADERS)).isZero();
        }
    }

    @Test
    void aKeptAliveConnectionServesRequestsSlowerThanTheHeaderTimeoutApart() throws Exception {
        // header timeout short, idle timeout long: a pause between whole requests is idle time, not header time
        try (ServerFixture f = server(LONG, SHORT, LONG, 100);
                Socket s = connect(f)) {
            for (int i = 0; i < 3; i++) {
                send(s, HEALTHZ);
                assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
                long paused = System.nanoTime();
                Await.until(
                        "a pause longer than the header timeout",
                        () -> System.nanoTime() - paused > SHORT.multipliedBy(2).toNanos(),
                        LONG);
            }
            send(s, HEALTHZ);
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
            assertThat(closed(f, Metrics.HEADERS)).isZero();
        }
    }

    @Test
    void aConnectionWithNoRequestInFlightIsClosedAfterTheIdleTimeout() throws Exception {
        try (ServerFixture f = server(SHORT, LONG, LONG, 100);
                Socket idle = connect(f)) {
            send(idle, HEALTHZ);
            assertThat(readResponse(idle)).startsWith("HTTP/1.1 200");
            long answered = System.nanoTime();
            assertThat(readToClose(idle)).isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - answered);
            // closed by the idle timer, not the (long) header timer
            assertThat(took).isLessThan(LONG);
            assertThat(closed(f, Metrics.IDLE)).isEqualTo(1);
            assertThat(closed(f, Metrics.HEADERS)).isZero();
        }
    }

    @Test
    void aRequestBeingServedIsNotCutByTheIdleTimer() throws Exception {
        try (ServerFixture f = server(SHORT, LONG, LONG, 100)) {
            f.writeSchema();
            try (Socket watcher = connect(f)) {
                send(
                        watcher,
                        "POST /v1/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ServerFixture.KEY
                                + "\r\nContent-Length: 2\r\n\r\n{}");
                InputStream in = watcher.getInputStream();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 200");
                // a pause several idle timeouts long: the open stream is a request in flight, so it stays open
                Thread.sleep(SHORT.multipliedBy(4).toMillis());
                f.touch("document:d1#viewer@user:ann");
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                while (!got.toString(StandardCharsets.UTF_8).contains("document")) {
                    int b = in.read();
                    assertThat(b).as("the watch stream was closed: " + got).isNotNegative();
                    got.write(b);
                }
                assertThat(got.toString(StandardCharsets.UTF_8)).contains("\"result\"");
            }
        }
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIs408AndTheConnectionIsClosed() throws Exception {
        try (ServerFixture f = server(LONG, LONG, SHORT, 100);
                Socket slow = connect(f)) {
            send(
                    slow,
                    "POST /v1/permissions/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + ServerFixture.KEY + "\r\nContent-Length: 100\r\n\r\n{\"resource\"");
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
            String answer = readToClose(slow);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("did not arrive within 300 ms");
            assertThat(answer).contains("\"field\":\"body\"");
            assertThat(closed(f, Metrics.BODY)).isEqualTo(1);
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndCounted() throws Exception {
        try (ServerFixture f = server(LONG, LONG, LONG, 2);
                Socket first = connect(f);
                Socket second = connect(f)) {
            for (Socket s : List.of(first, second)) {
                send(s, HEALTHZ);
                assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
            }
            try (Socket third = connect(f)) {
                assertThat(readToClose(third)).isEmpty();
            }
            assertThat(closed(f, Metrics.REFUSED)).isEqualTo(1);
            // the open connections keep being served
            send(first, HEALTHZ);
            assertThat(readResponse(first)).startsWith("HTTP/1.1 200");
            second.close();
            Await.until("the closed connection is no longer counted", () -> open(f) <= 1, LONG);
            try (Socket again = connect(f)) {
                send(again, HEALTHZ);
                assertThat(readResponse(again)).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void malformedChunkedEncodingIsA400AndOneLogLineWithoutAStackTrace() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (ServerFixture f = server(LONG, LONG, LONG, 100)) {
            try (Socket s = connect(f)) {
                send(
                        s,
                        "POST /v1/permissions/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                + ServerFixture.KEY
                                + "\r\nTransfer-Encoding: chunked\r\n\r\nzz-not-a-size\r\n{}\r\n0\r\n\r\n");
                String answer = readToClose(s);
                assertThat(answer).startsWith("HTTP/1.1 400").contains("Connection: close");
                JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("INVALID_ARGUMENT");
                assertThat(error.getString("message"))
                        .isEqualTo("the request could not be read: malformed chunked transfer encoding");
                assertThat(ServerFixture.meta(error).getString("field")).isEqualTo("body");
                assertThat(answer).doesNotContain("Exception").doesNotContain("java.");
            }
            assertThat(f.get("/healthz").status).isEqualTo(200);
        } finally {
            root.removeHandler(capture);
        }
        synchronized (capture) {
            assertThat(logged.stream().filter(r -> r.getThrown() != null).map(LogRecord::getMessage))
                    .isEmpty();
            assertThat(logged.stream()
                            .filter(r -> r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                            .map(LogRecord::getMessage))
                    .isEmpty();
            assertThat(logged.stream()
                            .filter(r -> String.valueOf(r.getMessage()).startsWith("unreadable request")))
                    .hasSize(1);
        }
    }

    /** The answer to a request head that cannot be read: its status line, headers and JSON error, then a close. */
    private static JsonObject unreadableHead(ServerFixture f, String request, String status) throws IOException {
        try (Socket s = connect(f)) {
            send(s, request);
            String answer = readToClose(s);
            assertThat(answer)
                    .startsWith("HTTP/1.")
                    .contains(" " + status + " ")
                    .contains("Connection: close");
            assertThat(answer)
                    .containsIgnoringCase("x-request-id: ")
                    .containsIgnoringCase("content-type: application/json");
            assertThat(answer).doesNotContain("Exception").doesNotContain("java.");
            JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            ServerFixture.assertStatusShape(error);
            return error;
        }
    }

    @Test
    void anUnreadableRequestHeadGetsAJsonErrorNamingWhatIsWrongAndOneLogLine() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (ServerFixture f = server(LONG, LONG, LONG, 100)) {
            JsonObject line =
                    unreadableHead(f, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "414");
            assertThat(ServerFixture.meta(line).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(line.getString("message")).isEqualTo("the request line is longer than 4096 bytes");

            JsonObject headers = unreadableHead(
                    f, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", "431");
            assertThat(ServerFixture.meta(headers).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(headers.getString("message")).isEqualTo("the request headers are larger than 8192 bytes");

            JsonObject version = unreadableHead(f, "GET /healthz HTTP/9.x\r\nHost: 127.0.0.1\r\n\r\n", "400");
            assertThat(ServerFixture.meta(version).getString("code")).isEqualTo("INVALID_ARGUMENT");
            assertThat(version.getString("message")).startsWith("malformed request line or headers: ");

            JsonObject header = unreadableHead(f, "GET /healthz HTTP/1.1\r\nHo st : x\r\n\r\n", "400");
            assertThat(header.getString("message")).startsWith("malformed request line or headers: ");

            JsonObject protocol = unreadableHead(f, "GET /healthz XHTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "400");
            assertThat(protocol.getString("message"))
                    .isEqualTo("malformed request line or headers: the request line does not end with HTTP/1.0 or"
                            + " HTTP/1.1");

            // the same after a request answered on the connection: the first answer, then the error, then a close
            try (Socket s = connect(f)) {
                send(s, HEALTHZ + "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n");
                String answers = readToClose(s);
                assertThat(answers).startsWith("HTTP/1.1 200").contains(" 414 Request-URI Too Long");
            }
            assertThat(closed(f, Metrics.MALFORMED)).isEqualTo(6);
            assertThat(healthz(f)).startsWith("HTTP/1.1 200");
        } finally {
            root.removeHandler(capture);
        }
        synchronized (capture) {
            assertThat(logged.stream().filter(r -> r.getThrown() != null).map(LogRecord::getMessage))
                    .isEmpty();
            assertThat(logged.stream()
                            .filter(r -> String.valueOf(r.getMessage()).startsWith("unreadable request head")))
                    .hasSize(6);
        }
    }

    /**
     * Slow and idle connections held open while /healthz is probed on its own connection: 60 that sent part of
     * their headers and went silent, 20 that trickle a header byte every 10 ms, 60 that sent their headers and part
     * of a body, and 60 idle keep-alive connections. Every probe answers within 100 ms, another caller's check is
     * answered, and all 200 connections are still open afterwards (the attack lasted through the probing).
     */
    @Test
    void healthzAnswersWithin100MsWhileManySlowAndIdleConnectionsAreHeld() throws Exception {
        List<Socket> held = new ArrayList<>();
        java.util.concurrent.ScheduledExecutorService trickle =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (ServerFixture f = server(LONG, LONG, LONG, 1_000)) {
            f.writeSchema();
            f.touch("document:i#viewer@user:v");
            for (int i = 0; i < 60; i++) {
                Socket s = connect(f);
                held.add(s);
                send(s, "POST /v1/permissions/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            }
            List<Socket> trickling = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Socket s = connect(f);
                held.add(s);
                trickling.add(s);
                send(s, "POST /v1/permissions/check HTTP/1.1\r\nX-Trickle: ");
            }
            trickle.scheduleAtFixedRate(
                    () -> {
                        for (Socket s : trickling) {
                            try {
                                send(s, "a");
                            } catch (IOException e) {
                                // closed at the end of the test
                            }
                        }
                    },
                    0,
                    10,
                    TimeUnit.MILLISECONDS);
            for (int i = 0; i < 60; i++) {
                Socket s = connect(f);
                held.add(s);
                send(
                        s,
                        "POST /v1/permissions/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                + ServerFixture.KEY + "\r\nContent-Length: 100000\r\n\r\n{\"resource\"");
            }
            for (int i = 0; i < 60; i++) {
                Socket s = connect(f);
                held.add(s);
                send(s, HEALTHZ);
                assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
            }
            Await.until("the server to count every held connection", () -> open(f) >= 200, LONG);
            UnderAttack.assertHealthyNow(
                    f.server.port(),
                    100,
                    () -> UnderAttack.innocentCheck(
                            f.server.port(),
                            ServerFixture.checkJson("document", "i", "view", "user", "v"),
                            "PERMISSIONSHIP_HAS_PERMISSION"));
            assertThat(open(f)).as("the held connections are all still open").isGreaterThanOrEqualTo(200);
            assertThat(closed(f, Metrics.HEADERS) + closed(f, Metrics.BODY) + closed(f, Metrics.IDLE))
                    .isZero();
        } finally {
            trickle.shutdownNow();
            for (Socket s : held) s.close();
        }
    }

    /**
     * Bodies over 16 KiB are parsed on a worker: three callers keep ~4 MiB writes in flight (each parsed, then
     * refused as over 1,000 updates), while /healthz answers within 100 ms every time and another caller's check is
     * answered. Parsed inline, each body would hold the event loop (and every request on it) for hundreds of
     * milliseconds.
     */
    @Test
    void aLargeBodyIsParsedOffTheEventLoop() throws Exception {
        Limits limits = new Limits.Builder().maxBodyBytes(16L << 20).build();
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(limits))) {
            f.writeSchema();
            f.touch("document:i#viewer@user:v");
            // ~4 MiB of valid JSON: a write whose updates the server parses, then refuses (over 1,000)
            StringBuilder b = new StringBuilder("{\"updates\":[");
            String update = "{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                    + ServerFixture.relationshipJson("document:d1#viewer@user:ann") + "}";
            int n = (4_000_000 / update.length());
            for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(update);
            String big = b.append("]}").toString();
            java.util.Map<Integer, Integer> statuses = UnderAttack.assertHealthyDuring(
                    f.server.port(),
                    3,
                    50,
                    () -> {
                        ServerFixture.Answer a = f.post("/v1/relationships/write", big);
                        assertThat(a.error(400).getString("message")).contains("at most 1000");
                        return a.status;
                    },
                    () -> UnderAttack.innocentCheck(
                            f.server.port(),
                            ServerFixture.checkJson("document", "i", "view", "user", "v"),
                            "PERMISSIONSHIP_HAS_PERMISSION"));
            assertThat(statuses).containsOnlyKeys(400);
        }
    }
}

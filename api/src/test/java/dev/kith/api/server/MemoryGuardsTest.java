package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Await;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The memory guards, each attack reproduced against a real server with small limits: a watcher that reads nothing,
 * too many watches, too many request bodies in flight, a live heap over its watermark (driven through the heap
 * measurement seam) and an {@link OutOfMemoryError} while serving. While each attack runs, {@code /healthz} answers
 * within 100 ms and another caller's check succeeds.
 */
class MemoryGuardsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CHECK = ServerFixture.checkJson("document", "readme", "view", "user", "ann");

    private static ServerFixture server(Limits limits) {
        return new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(limits));
    }

    private static Limits memory(long inFlightBytes, int watches, long watchBuffer) {
        return Limits.defaults().withMemoryLimits(inFlightBytes, watches, watchBuffer, 0.85);
    }

    /** {@code /healthz} answers 200 within 100 ms (the best of three tries, so one hiccup of a busy test machine
     * does not fail it). */
    private static void healthzFast(ServerFixture f) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3 && best > 100; i++) {
            long start = System.nanoTime();
            ServerFixture.Answer a = f.get("/healthz");
            assertThat(a.status).as(a.text).isEqualTo(200);
            best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
        }
        assertThat(best).as("milliseconds /healthz took").isLessThan(100);
    }

    private static void checkSucceeds(ServerFixture f) {
        ServerFixture.Answer a = f.post("/v1/permissions/check", CHECK);
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    private static double counter(ServerFixture f, String name, String reason) {
        var c = f.server.meterRegistry().find(name).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static double gauge(ServerFixture f, String name) {
        var g = f.server.meterRegistry().find(name).gauge();
        assertThat(g).as(name).isNotNull();
        return g.value();
    }

    private static Socket connect(ServerFixture f, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), f.server.port()));
        s.setSoTimeout((int) WAIT.toMillis()); // a safety net: every read ends well before
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String head(String path, int contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: kith\r\nAuthorization: Bearer " + ServerFixture.KEY
                + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    private static String request(String path, String body) {
        return head(path, body.getBytes(StandardCharsets.UTF_8).length) + body;
    }

    private static String watchBody(String start) {
        return "{\"optionalStartCursor\":{\"token\":\"" + start + "\"}}";
    }

    /** The response head (status line and headers), read byte by byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("closed mid-head: " + head);
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new AssertionError("closed mid-line: " + line);
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).strip();
    }

    /** The NDJSON lines of a chunked response, up to its last chunk. */
    private static List<JsonObject> readChunkedLines(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(readLine(in), 16);
            if (size == 0) break;
            body.write(in.readNBytes(size));
            readLine(in);
        }
        List<JsonObject> lines = new ArrayList<>();
        body.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.isBlank())
                .forEach(line -> lines.add(new JsonObject(line)));
        return lines;
    }

    /**
     * The NDJSON lines of a chunked response as they arrive: a line may span chunks (the server writes a long line in
     * pieces).
     */
    private static final class ChunkedLines {
        private final InputStream in;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        ChunkedLines(InputStream in) {
            this.in = in;
        }

        /** The next line; fails if the stream ends first. */
        JsonObject next() throws IOException {
            while (true) {
                byte[] bytes = partial.toByteArray();
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        partial.reset();
                        partial.write(bytes, i + 1, bytes.length - i - 1);
                        return new JsonObject(new String(bytes, 0, i, StandardCharsets.UTF_8));
                    }
                }
                int size = Integer.parseInt(readLine(in), 16);
                assertThat(size).as("the stream ended early").isPositive();
                partial.write(in.readNBytes(size));
                readLine(in);
            }
        }

        /** The token of the next line, a change set. */
        String nextToken() throws IOException {
            JsonObject line = next();
            assertThat(line.containsKey("result")).as(line.encode()).isTrue();
            return line.getJsonObject("result").getJsonObject("changesThrough").getString("token");
        }
    }

    /** 100 relationships with 500-character ids: a change set of about 100 KB. */
    private static String[] bigBatch(int n) {
        String[] rels = new String[100];
        String pad = "x".repeat(500);
        for (int i = 0; i < rels.length; i++) rels[i] = "document:" + pad + "_" + n + "_" + i + "#viewer@user:ann";
        return rels;
    }

    @Test
    void aWatcherThatReadsNothingIsClosedWithItsLastTokenAndResumesFromItExactlyOnce() throws Exception {
        try (ServerFixture f = server(memory(256L << 20, 1000, 256 << 10))) {
            f.writeSchema();
            f.touch("document:readme#viewer@user:ann");
            String afterReadme = f.touch("document:other#viewer@user:bob");
            // a client that never reads, with a small receive window so the socket takes little
            Socket watcher = connect(f, 4096);
            send(watcher, request("/v1/watch", watchBody(afterReadme)));
            Await.until("the watch is open", () -> gauge(f, "kith.watches.open") == 1, WAIT);

            List<String> written = new ArrayList<>();
            for (int i = 0; counter(f, "kith.watches.closed", Metrics.BEHIND) == 0; i++) {
                assertThat(i).as("writes before the watcher is closed").isLessThan(300);
                written.add(f.touch(bigBatch(i)));
                if (i % 10 == 0) {
                    healthzFast(f);
                    checkSucceeds(f);
                }
            }
            Await.until("the watch count goes back down", () -> gauge(f, "kith.watches.open") == 0, WAIT);
            healthzFast(f);
            checkSucceeds(f);
            for (int i = 0; i < 3; i++) written.add(f.touch(bigBatch(1000 + i))); // after the watcher was closed

            InputStream in = watcher.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            List<JsonObject> lines = readChunkedLines(in);
            watcher.close();
            JsonObject last = lines.getLast();
            assertThat(last.containsKey("error")).as(last.encode()).isTrue();
            assertThat(last.fieldNames()).as("grpc-gateway's stream error line").containsExactly("error");
            JsonObject error = last.getJsonObject("error");
            ServerFixture.assertStatusShape(error);
            assertThat(error.getJsonArray("details")).hasSize(1);
            assertThat(error.getInteger("code")).isEqualTo(8);
            assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(error.getString("message"))
                    .contains("the watcher fell behind")
                    .contains("262144 bytes")
                    .contains("optionalStartCursor");
            List<String> received = lines.subList(0, lines.size() - 1).stream()
                    .map(l -> l.getJsonObject("result")
                            .getJsonObject("changesThrough")
                            .getString("token"))
                    .toList();
            assertThat(received)
                    .as("the stream ended before the writes made after it was closed")
                    .hasSizeLessThanOrEqualTo(written.size() - 3);
            assertThat(written.subList(0, received.size()))
                    .as("the stream carried the first writes in order")
                    .isEqualTo(received);
            String resumeFrom = ServerFixture.meta(error).getString(WatchStream.WATCH_RESUME_KEY);
            assertThat(resumeFrom)
                    .as("the error carries the last token delivered (or the start token)")
                    .isEqualTo(received.isEmpty() ? afterReadme : received.getLast());

            // resuming from that token delivers the rest, each change set once, then the next write
            List<String> rest = new ArrayList<>(written.subList(received.size(), written.size()));
            try (Socket resumed = connect(f, 0)) {
                send(resumed, request("/v1/watch", watchBody(resumeFrom)));
                InputStream rin = resumed.getInputStream();
                assertThat(readHead(rin)).startsWith("HTTP/1.1 200");
                String marker = f.touch("document:marker#viewer@user:ann");
                rest.add(marker);
                List<String> got = new ArrayList<>();
                ChunkedLines resumedLines = new ChunkedLines(rin);
                while (got.size() < rest.size()) got.add(resumedLines.nextToken());
                assertThat(got)
                        .as("the rest exactly once, in order, ending with the next write")
                        .isEqualTo(rest);
            }
        }
    }

    /**
     * A watcher that reads nothing while one change set far larger than its buffer (and than what the sockets take)
     * waits for it is not behind (its buffer held a single change set) but stalled: its stream is closed after the
     * stall timeout with the token of that change set, and resuming from it carries on exactly after it.
     */
    @Test
    void aWatcherThatReadsNothingOfOneHugeChangeSetIsClosedAfterTheStallTimeoutAndResumes() throws Exception {
        Duration stall = Duration.ofMillis(500);
        try (ServerFixture f = server(memory(256L << 20, 1000, 1024).withWatchStallTimeout(stall))) {
            f.writeSchema();
            String afterReadme = f.touch("document:readme#viewer@user:ann");
            Socket watcher = connect(f, 4096);
            send(watcher, request("/v1/watch", watchBody(afterReadme)));
            Await.until("the watch is open", () -> gauge(f, "kith.watches.open") == 1, WAIT);

            // one change set of about 12 MB: 12,000 relationships with 900-character ids
            String pad = "h".repeat(900);
            List<dev.kith.engine.Relationship> huge = new ArrayList<>();
            for (int i = 0; i < 12_000; i++) {
                huge.add(dev.kith.engine.Relationship.parse("document:" + pad + i + "#viewer@user:ann"));
            }
            String hugeToken = f.server.token(f.engine.importBulk(huge.iterator()));
            long written = System.nanoTime();
            Await.until(
                    "the stalled watcher is closed",
                    () -> counter(f, "kith.watches.closed", Metrics.STALLED) == 1,
                    WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - written);
            assertThat(took)
                    .as("closed after the stall timeout, not much later")
                    .isLessThan(Duration.ofSeconds(10));
            Await.until("the watch count goes back down", () -> gauge(f, "kith.watches.open") == 0, WAIT);
            assertThat(counter(f, "kith.watches.closed", Metrics.BEHIND)).isZero();
            healthzFast(f);
            checkSucceeds(f);
            String after = f.touch("document:after#viewer@user:ann"); // after the watcher was closed

            InputStream in = watcher.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            List<JsonObject> lines = readChunkedLines(in);
            watcher.close();
            assertThat(lines).hasSize(2);
            assertThat(lines.getFirst()
                            .getJsonObject("result")
                            .getJsonObject("changesThrough")
                            .getString("token"))
                    .isEqualTo(hugeToken);
            JsonObject error = lines.getLast().getJsonObject("error");
            assertThat(error).as(lines.getLast().encode()).isNotNull();
            assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(error.getString("message"))
                    .contains("the watcher stalled")
                    .contains("for 500 ms")
                    .contains("optionalStartCursor");
            String resumeFrom = ServerFixture.meta(error).getString(WatchStream.WATCH_RESUME_KEY);
            assertThat(resumeFrom).isEqualTo(hugeToken);

            try (Socket resumed = connect(f, 0)) {
                send(resumed, request("/v1/watch", watchBody(resumeFrom)));
                InputStream rin = resumed.getInputStream();
                assertThat(readHead(rin)).startsWith("HTTP/1.1 200");
                assertThat(new ChunkedLines(rin).nextToken())
                        .as("the change after the huge one, once")
                        .isEqualTo(after);
            }
        }
    }

    @Test
    void aReadingWatcherGetsAChangeSetLargerThanItsBufferWhole() throws Exception {
        try (ServerFixture f = server(memory(256L << 20, 1000, 1024))) {
            String start = f.writeSchema();
            try (Socket watcher = connect(f, 0)) {
                send(watcher, request("/v1/watch", watchBody(start)));
                InputStream in = watcher.getInputStream();
                assertThat(readHead(in)).startsWith("HTTP/1.1 200");
                List<String> written = new ArrayList<>();
                for (int i = 0; i < 3; i++) written.add(f.touch(bigBatch(i)));
                List<String> got = new ArrayList<>();
                ChunkedLines lines = new ChunkedLines(in);
                while (got.size() < written.size()) got.add(lines.nextToken());
                assertThat(got).isEqualTo(written);
                assertThat(counter(f, "kith.watches.closed", Metrics.BEHIND)).isZero();
                assertThat(gauge(f, "kith.watches.open")).isEqualTo(1);
            }
        }
    }

    @Test
    void theWatchOverTheLimitIsRefusedAndAClosedOneFreesItsPlace() throws Exception {
        try (ServerFixture f = server(memory(256L << 20, 2, 1 << 20))) {
            String start = f.writeSchema();
            f.touch("document:readme#viewer@user:ann");
            Socket first = connect(f, 0);
            Socket second = connect(f, 0);
            for (Socket s : List.of(first, second)) {
                send(s, request("/v1/watch", watchBody(start)));
                assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
            }
            assertThat(gauge(f, "kith.watches.open")).isEqualTo(2);

            ServerFixture.Answer third = f.post("/v1/watch", watchBody(start));
            assertThat(third.status).as(third.text).isEqualTo(429);
            JsonObject refused = third.error(429);
            assertThat(ServerFixture.meta(refused).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(refused.getString("message")).contains("too many open watches (limit 2)");
            healthzFast(f);
            checkSucceeds(f);

            first.close();
            Await.until("a closed watch frees its place", () -> gauge(f, "kith.watches.open") == 1, WAIT);
            try (Socket again = connect(f, 0)) {
                send(again, request("/v1/watch", watchBody(start)));
                assertThat(readHead(again.getInputStream())).startsWith("HTTP/1.1 200");
            }
            second.close();
            Await.until("every watch closed", () -> gauge(f, "kith.watches.open") == 0, WAIT);
        }
    }

    /** A write of {@code size} bytes exactly (padded with spaces). */
    private static String writeOfSize(String id, int size) {
        String json = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                + ServerFixture.relationshipJson("document:" + id + "#viewer@user:ann") + "}]}";
        assertThat(json.length()).isLessThan(size);
        return json + " ".repeat(size - json.length());
    }

    @Test
    void slowBodiesHoldingTheInFlightBytesMakeTheNextRequest429BeforeItsBodyIsRead() throws Exception {
        try (ServerFixture f = server(memory(10_000, 1000, 1 << 20))) {
            f.writeSchema();
            f.touch("document:readme#viewer@user:ann");
            // two clients announce 4,000-byte bodies and send only their first bytes
            List<Socket> slow = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String body = writeOfSize("slow" + i, 4000);
                Socket s = connect(f, 0);
                send(s, head("/v1/relationships/write", 4000) + body.substring(0, 10));
                slow.add(s);
                bodies.add(body);
            }
            Await.until("both slow bodies are in flight", () -> gauge(f, "kith.http.requests.in.flight") >= 2, WAIT);

            String big = writeOfSize("big", 3000);
            ServerFixture.Answer refused = f.post("/v1/relationships/write", big);
            assertThat(refused.status).as(refused.text).isEqualTo(429);
            assertThat(ServerFixture.meta(refused.json()).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(refused.json().getString("message"))
                    .contains("too many request bodies at once")
                    .contains("limit 10000");
            assertThat(counter(f, "kith.writes.refused", Metrics.IN_FLIGHT_BYTES))
                    .isEqualTo(1);
            healthzFast(f);
            checkSucceeds(f); // a small body still fits

            // the slow bodies arrive and are answered: their bytes leave the count
            for (int i = 0; i < 2; i++) {
                send(slow.get(i), bodies.get(i).substring(10));
                InputStream in = slow.get(i).getInputStream();
                assertThat(readHead(in)).startsWith("HTTP/1.1 200");
                slow.get(i).close();
            }
            Await.until(
                    "the big write is taken again", () -> f.post("/v1/relationships/write", big).status == 200, WAIT);
            assertThat(counter(f, "kith.writes.refused", Metrics.HEAP)).isZero();
        }
    }

    @Test
    void aLiveHeapOverTheWatermarkShedsWritesButNotReadsUntilItFallsBelowWithHysteresis() throws Exception {
        AtomicReference<HeapGuard.Measurement> heap = new AtomicReference<>();
        HeapGuard.Source source = m -> {
            heap.set(m);
            return () -> {};
        };
        long mib = 1 << 20;
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)), EngineOptions.defaults(), source)) {
            String token = f.writeSchema();
            f.touch("document:readme#viewer@user:ann");
            heap.get().measured(70 * mib, 100 * mib);
            assertThat(gauge(f, "kith.heap.live.ratio")).isEqualTo(0.70);
            assertThat(gauge(f, "kith.shedding.writes")).isZero();

            heap.get().measured(90 * mib, 100 * mib);
            assertThat(gauge(f, "kith.shedding.writes")).isEqualTo(1);
            assertThat(gauge(f, "kith.heap.live.ratio")).isEqualTo(0.90);
            String write = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                    + ServerFixture.relationshipJson("document:new#viewer@user:bob") + "}]}";
            String delete =
                    "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"readme\"}}";
            List<String[]> writes = List.of(
                    new String[] {"/v1/relationships/write", write},
                    new String[] {"/v1/relationships/delete", delete},
                    new String[] {
                        "/v1/relationships/importbulk", ServerFixture.relationshipJson("document:i#viewer@user:c")
                    },
                    new String[] {
                        "/v1/schema/write",
                        new JsonObject().put("schema", ServerFixture.SCHEMA).encode()
                    });
            for (String[] w : writes) {
                ServerFixture.Answer a = f.post(w[0], w[1]);
                assertThat(a.status).as(w[0] + ": " + a.text).isEqualTo(429);
                assertThat(ServerFixture.meta(a.json()).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
                assertThat(a.json().getString("message"))
                        .isEqualTo("the server's memory is above its watermark (live heap 90 MiB of 100 MiB); writes"
                                + " are refused until it falls; reads continue");
            }
            assertThat(counter(f, "kith.writes.refused", Metrics.HEAP)).isEqualTo(4);
            checkSucceeds(f);
            ServerFixture.Answer read = f.post(
                    "/v1/relationships/read",
                    "{\"relationshipFilter\":{\"resourceType\":\"document\"},\"consistency\":{\"atLeastAsFresh\":"
                            + "{\"token\":\"" + token + "\"}}}");
            assertThat(read.status).as(read.text).isEqualTo(200);
            assertThat(read.text).contains("readme");
            healthzFast(f);

            heap.get().measured(82 * mib, 100 * mib);
            assertThat(gauge(f, "kith.shedding.writes"))
                    .as("within the hysteresis")
                    .isEqualTo(1);
            assertThat(f.post("/v1/relationships/write", write).status).isEqualTo(429);

            heap.get().measured(79 * mib, 100 * mib);
            assertThat(gauge(f, "kith.shedding.writes"))
                    .as("5 points below the watermark")
                    .isZero();
            ServerFixture.Answer taken = f.post("/v1/relationships/write", write);
            assertThat(taken.status).as(taken.text).isEqualTo(200);
            assertThat(counter(f, "kith.writes.refused", Metrics.HEAP)).isEqualTo(5);
            assertThat(f.get("/metrics").text)
                    .contains("kith_shedding_writes 0.0")
                    .contains("kith_heap_live_ratio 0.79")
                    .contains("kith_writes_refused_total{reason=\"heap\"} 5.0");
        }
    }

    @Test
    void anOutOfMemoryErrorWhileServingIsA503WithAPlainMessage() throws Exception {
        Engine real = Engines.inMemory(EngineOptions.defaults());
        Engine failing = (Engine) Proxy.newProxyInstance(
                Engine.class.getClassLoader(), new Class<?>[] {Engine.class}, (proxy, method, args) -> {
                    if (method.getName().equals("check") || method.getName().equals("write")) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        KithServer server = KithServer.start(failing, ServerConfig.loopback(List.of(ServerFixture.KEY)))
                .await(30, TimeUnit.SECONDS);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout((int) WAIT.toMillis());
            real.writeSchema(ServerFixture.SCHEMA);
            String write = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                    + ServerFixture.relationshipJson("document:a#viewer@user:ann") + "}]}";
            for (String[] r : List.of(
                    new String[] {"/v1/permissions/check", CHECK}, new String[] {"/v1/relationships/write", write})) {
                send(s, request(r[0], r[1]));
                InputStream in = s.getInputStream();
                String head = readHead(in);
                int length = 0;
                for (String line : head.lines().toList()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                JsonObject body = new JsonObject(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                assertThat(head).as(r[0] + " " + body).startsWith("HTTP/1.1 503");
                assertThat(ServerFixture.meta(body).getString("code")).isEqualTo("UNAVAILABLE");
                assertThat(body.getString("message"))
                        .isEqualTo("the server ran out of memory serving this request; retry later")
                        .doesNotContain("heap space");
            }
        } finally {
            server.close();
            real.close();
        }
    }
}

package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Hiccups;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A denial-of-service attack in progress, and the proof that the server stays responsive meanwhile: several attacking
 * requests are kept in flight (each attacker sends its next one as soon as the last is answered), and {@code
 * /healthz} is probed repeatedly on its own keep-alive connection, each probe timed from writing the request to
 * reading the whole response and asserted under {@link #HEALTHZ_BOUND}; an innocent request from another connection
 * must succeed during the attack too. The probe connection is warmed first (so JIT compilation of the probe path is
 * not measured), and probing goes on until every attacker has had at least two requests answered, so the probes
 * overlap the attack from its start to well past its first answers.
 *
 * <p>On a shared, overloaded machine every thread of this JVM waits for a core now and then, for reasons the server
 * cannot help. A {@link Hiccups} meter (a thread that asks to wake every millisecond) measures those waits, and what
 * is asserted under {@link #HEALTHZ_BOUND} is each probe's latency less the time during it that the meter could not
 * run: a blocked event loop is not discounted (the meter runs on its own thread), a starved machine is.
 */
final class UnderAttack implements AutoCloseable {
    /** Every {@code /healthz} during an attack answers within this. */
    static final Duration HEALTHZ_BOUND = Duration.ofMillis(100);

    private static final Duration GIVE_UP = Duration.ofSeconds(120);

    private final List<Thread> attackers = new ArrayList<>();
    private final CountDownLatch started;
    private final AtomicInteger answered = new AtomicInteger();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stop;

    /** Starts {@code n} attackers, each sending {@code attack} (which returns the HTTP status) in a loop. */
    private UnderAttack(int n, Callable<Integer> attack) {
        started = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(
                    () -> {
                        started.countDown();
                        while (!stop) {
                            try {
                                int status = attack.call();
                                statuses.computeIfAbsent(status, s -> new AtomicInteger())
                                        .incrementAndGet();
                                answered.incrementAndGet();
                            } catch (Exception | AssertionError e) {
                                if (!stop) failures.add(e);
                                return;
                            }
                        }
                    },
                    "attacker-" + i);
            t.setDaemon(true);
            attackers.add(t);
        }
    }

    /**
     * Runs {@code attackers} copies of {@code attack} in a loop, and probes {@code /healthz} on {@code port} while
     * they run, at least {@code minProbes} times and until each attacker has had two answers; in the middle, {@code
     * innocent} (another caller's request, asserting its own answer) runs. Returns the attack's statuses (status →
     * count) for the caller to check; asserts every probe answered 200 within {@link #HEALTHZ_BOUND}.
     */
    static Map<Integer, Integer> assertHealthyDuring(
            int port, int attackers, int minProbes, Callable<Integer> attack, Callable<?> innocent) throws Exception {
        try (Probe probe = new Probe(port);
                Hiccups hiccups = new Hiccups("hiccup-meter");
                UnderAttack a = new UnderAttack(attackers, attack)) {
            probe.warm();
            for (Thread t : a.attackers) t.start();
            assertThat(a.started.await(30, TimeUnit.SECONDS)).isTrue();
            long giveUp = System.nanoTime() + GIVE_UP.toNanos();
            List<Duration> probes = new ArrayList<>();
            Duration worstRaw = Duration.ZERO;
            boolean innocentDone = false;
            while (probes.size() < minProbes || a.answered.get() < 2 * attackers) {
                assertThat(a.failures).as("attack failures").isEmpty();
                assertThat(System.nanoTime())
                        .as("the attack to be answered within %s (answered %d)", GIVE_UP, a.answered.get())
                        .isLessThan(giveUp);
                long start = System.nanoTime();
                Duration took = probe.healthz();
                if (took.compareTo(worstRaw) > 0) worstRaw = took;
                probes.add(took.minusNanos(hiccups.stalledBetween(start, System.nanoTime())));
                if (!innocentDone && probes.size() >= minProbes / 2) {
                    innocent.call();
                    innocentDone = true;
                }
            }
            a.stop = true;
            assertThat(innocentDone).isTrue();
            Duration worst = probes.stream().max(Duration::compareTo).orElseThrow();
            assertThat(worst)
                    .as(
                            "the slowest of %d /healthz probes during the attack, less machine stalls (%d attacking"
                                    + " requests answered; slowest raw %s)",
                            probes.size(), a.answered.get(), worstRaw)
                    .isLessThan(HEALTHZ_BOUND);
            for (Thread t : a.attackers) t.join(60_000);
            assertThat(a.failures).as("attack failures").isEmpty();
            Map<Integer, Integer> result = new java.util.TreeMap<>();
            a.statuses.forEach((status, count) -> result.put(status, count.get()));
            return result;
        }
    }

    /**
     * Probes {@code /healthz} as in {@link #assertHealthyDuring} while an attack that needs no loop (held
     * connections, say) is in progress: {@code count} probes, {@code innocent} in the middle.
     */
    static void assertHealthyNow(int port, int count, Callable<?> innocent) throws Exception {
        try (Probe probe = new Probe(port);
                Hiccups hiccups = new Hiccups("hiccup-meter")) {
            probe.warm();
            Duration worst = Duration.ZERO;
            Duration worstRaw = Duration.ZERO;
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                Duration took = probe.healthz();
                if (took.compareTo(worstRaw) > 0) worstRaw = took;
                took = took.minusNanos(hiccups.stalledBetween(start, System.nanoTime()));
                if (took.compareTo(worst) > 0) worst = took;
                if (i == count / 2) innocent.call();
            }
            assertThat(worst)
                    .as(
                            "the slowest of %d /healthz probes during the attack, less machine stalls (slowest raw %s)",
                            count, worstRaw)
                    .isLessThan(HEALTHZ_BOUND);
        }
    }

    /**
     * An innocent caller's check on its own connection (a fresh client): asserts a 200 with {@code permissionship}
     * (such as {@code PERMISSIONSHIP_HAS_PERMISSION}).
     */
    static Void innocentCheck(int port, String checkJson, String permissionship) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        java.net.http.HttpResponse<String> r = client.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + "/v1/permissions/check"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + ServerFixture.KEY)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(checkJson))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("the innocent check: %s", r.body()).isEqualTo(200);
        assertThat(r.body()).as("the innocent check").contains("\"" + permissionship + "\"");
        return null;
    }

    @Override
    public void close() {
        stop = true;
        for (Thread t : attackers) t.interrupt();
    }

    /** One keep-alive HTTP/1.1 connection that sends {@code GET /healthz} and reads the whole answer. */
    static final class Probe implements AutoCloseable {
        private static final byte[] REQUEST =
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Probe(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** Probes until the path from this socket through the server's healthz route is compiled. */
        void warm() throws IOException {
            for (int i = 0; i < 200; i++) healthz();
        }

        /** One probe: asserts a 200 and returns the time from writing the request to reading the last byte. */
        Duration healthz() throws IOException {
            long start = System.nanoTime();
            out.write(REQUEST);
            out.flush();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) throw new IOException("the server closed the probe connection");
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String headers = head.toString(StandardCharsets.US_ASCII);
            int length = 0;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(
                            line.substring("content-length:".length()).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(headers).startsWith("HTTP/1.1 200");
            assertThat(body).hasSize(length);
            return took;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

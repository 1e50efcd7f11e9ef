package dev.kith.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Await;
import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Hiccups;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.runtime.Engines;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;
import dev.kith.storage.postgres.TcpProxy;
import dev.kith.storage.postgres.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The soak test: a real kith server over a real PostgreSQL (reached through a {@link TcpProxy} that the test cuts
 * in the middle of the run) under mixed load from many connections for {@code -Dsoak.minutes} (default 10): 8
 * check connections, 2 lookup connections, 4 write connections, 4 watchers and 1 connection sending bad requests,
 * while {@code /healthz} is probed every 100 ms and the heap is sampled after a collection. The server runs in a JVM
 * of its own ({@link SoakServer#main}) unless {@code -Dsoak.separateServer=false} puts it in the test's. Only in the
 * {@code soak} Maven profile ({@code ./mvnw -B -Psoak verify -pl bench -am}); see bench/README.md, "Soak test".
 */
@Tag("soak")
class SoakTest {
    private static final String KEY = SoakServer.KEY;
    private static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user
            }
            definition document {
                relation viewer: user | group#member
                relation owner: user
                permission view = viewer + owner
            }
            """;
    private static final int USERS = 2_000;
    private static final int GROUPS = 500;
    private static final int MEMBERS_PER_GROUP = 20;
    private static final int DOCUMENTS = 10_000;
    private static final int CHECKERS = 8;
    private static final int LOOKERS = 2;
    private static final int WRITERS = 4;
    private static final int WATCHERS = 4;
    private static final Duration REQUEST_TIMEOUT = SoakServer.REQUEST_TIMEOUT;
    /** A watcher waits this long before its first reconnection after a failure, doubling up to {@link #BACKOFF_MAX}. */
    private static final Duration BACKOFF_MIN = Duration.ofMillis(50);

    private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);
    /** /healthz probes in the first seconds (JIT warm-up of server and probe client) are reported, not asserted. */
    private static final Duration HEALTH_WARMUP = Duration.ofSeconds(5);

    private static final Duration HEALTH_BOUND = Duration.ofMillis(100);

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Histogram checks = new ConcurrentHistogram(3);
    private final Histogram writes = new ConcurrentHistogram(3);
    private final Histogram lookups = new ConcurrentHistogram(3);
    private final Histogram health = new ConcurrentHistogram(3);
    private final AtomicLong healthAfterWarmupMaxMicros = new AtomicLong();
    /** The same, less the time in each probe in which this JVM could not run a ready thread ({@link Hiccups}). */
    private final AtomicLong healthAfterWarmupMaxLessStallsMicros = new AtomicLong();

    private final Hiccups hiccups = new Hiccups("soak-hiccup-meter");
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Queue acked = new Queue();
    private final AtomicLong problemCount = new AtomicLong();
    private final AtomicLong writes503 = new AtomicLong();
    private final AtomicLong writes504 = new AtomicLong();
    private final AtomicLong badRequests = new AtomicLong();
    private final AtomicLong watchEvents = new AtomicLong();
    /** Watch reconnections before, during and after the outage (by when the watcher reconnected). */
    private final AtomicLong[] watchReconnects = {new AtomicLong(), new AtomicLong(), new AtomicLong()};

    private final AtomicLong outageWrites = new AtomicLong();
    private final AtomicLong outageWriteMaxMicros = new AtomicLong();
    private final List<Long> heapSamples = new CopyOnWriteArrayList<>();
    private final List<Long> heapAllowances = new CopyOnWriteArrayList<>();
    private volatile boolean stop;
    /** When the load began ({@link System#nanoTime}): problems are stamped with the seconds since. */
    private volatile long runStarted = Long.MIN_VALUE;

    private volatile boolean stopWatching;
    private volatile long cutAt = Long.MAX_VALUE;
    private volatile long restoredAt = Long.MAX_VALUE;
    private int port;

    /** Acknowledged writes: the object id of each, in order of acknowledgement. */
    private static final class Queue {
        final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        final AtomicLong size = new AtomicLong();

        void add(String id) {
            ids.add(id);
            size.incrementAndGet();
        }
    }

    @Test
    void mixedLoadWithADatabaseOutageLosesNoAcknowledgedWriteAndStaysHealthy() throws Exception {
        Duration run =
                Duration.ofMillis((long) (Double.parseDouble(System.getProperty("soak.minutes", "10")) * 60_000));
        assertThat(run).as("-Dsoak.minutes").isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        Duration outage = min(Duration.ofSeconds(20), run.dividedBy(3));
        Duration outageStart = run.multipliedBy(2).dividedBy(5);
        boolean assertCheckP99 = Boolean.getBoolean("soak.assertCheckP99");
        boolean separate = Boolean.parseBoolean(System.getProperty("soak.separateServer", "true"));

        PostgresOptions direct = DB.options();
        // Loaded by another engine first (as by an earlier node), with time to apply the import on a busy machine:
        // the node under test then starts over a database that holds the data.
        try (Engine loader = Engines.create(
                PostgresDatastore.open(direct), EngineOptions.defaults().withFreshnessTimeout(Duration.ofMinutes(5)))) {
            loader.writeSchema(SCHEMA);
            loader.importBulk(dataset());
        }
        try (TcpProxy proxy = new TcpProxy(direct.host(), direct.port())) {
            proxy.start();
            PostgresOptions viaProxy =
                    direct.toBuilder().address("127.0.0.1", proxy.port()).build();
            Node node = separate ? new Forked(viaProxy) : new InProcess(viaProxy);
            port = node.port();
            ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "soak-timer");
                t.setPriority(Thread.MAX_PRIORITY);
                t.setDaemon(true);
                return t;
            });
            List<Thread> threads = new ArrayList<>();
            List<Watcher> watchers = new ArrayList<>();
            List<Thread> watcherThreads = new ArrayList<>();
            try {
                long preloaded = (long) GROUPS * MEMBERS_PER_GROUP + 2L * DOCUMENTS;
                String startToken = startToken();
                heapSamples.add(node.liveHeapAfterGc());
                heapAllowances.add(0L);

                long started = System.nanoTime();
                runStarted = started;
                for (int i = 0; i < CHECKERS; i++) threads.add(loop("check-" + i, this::checkLoop));
                for (int i = 0; i < LOOKERS; i++) threads.add(loop("lookup-" + i, this::lookupLoop));
                for (int i = 0; i < WRITERS; i++) {
                    int writer = i;
                    threads.add(loop("write-" + i, () -> writeLoop(writer)));
                }
                for (int i = 0; i < WATCHERS; i++) {
                    Watcher w = new Watcher(startToken);
                    watchers.add(w);
                    watcherThreads.add(loop("watch-" + i, w::run));
                }
                threads.add(loop("bad-requests", this::badRequestLoop));
                HealthProbe probe = new HealthProbe();
                var unusedProbe = timers.scheduleAtFixedRate(() -> probe.probe(started), 0, 100, TimeUnit.MILLISECONDS);
                Duration heapEvery = max(Duration.ofSeconds(2), run.dividedBy(12));
                var unusedSampler = timers.scheduleAtFixedRate(
                        () -> {
                            try {
                                long sample = node.liveHeapAfterGc();
                                heapAllowances.add(acked.size.get() * 1024);
                                heapSamples.add(sample);
                            } catch (IOException e) {
                                problem("heap sample: " + e);
                            }
                        },
                        heapEvery.toMillis(),
                        heapEvery.toMillis(),
                        TimeUnit.MILLISECONDS);

                Await.until(
                        "the outage to begin",
                        () -> System.nanoTime() - started >= outageStart.toNanos(),
                        outageStart.plusMinutes(1));
                long ackedBeforeCut = acked.size.get();
                proxy.stop();
                cutAt = System.nanoTime();
                Await.until(
                        "a write to answer 503 during the outage", () -> writes503.get() > 0, Duration.ofSeconds(30));
                Await.until(
                        "the outage to end",
                        () -> System.nanoTime() - cutAt >= outage.toNanos(),
                        outage.plusMinutes(1));
                long ackedDuringOutage = acked.size.get();
                proxy.start();
                restoredAt = System.nanoTime();
                Await.until(
                        "a write to be acknowledged again after the outage",
                        () -> acked.size.get() > ackedDuringOutage,
                        Duration.ofSeconds(60));
                double recoverySeconds = (System.nanoTime() - restoredAt) / 1e9;
                Await.until("the run to end", () -> System.nanoTime() - started >= run.toNanos(), run.plusMinutes(1));
                stop = true;
                for (Thread t : threads) t.interrupt();
                for (Thread t : threads) t.join(30_000);
                timers.shutdownNow();
                assertThat(timers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                heapAllowances.add(acked.size.get() * 1024);
                heapSamples.add(node.liveHeapAfterGc());
                double seconds = (System.nanoTime() - started) / 1e9;

                // Every acknowledged write reached every watcher (a watcher whose stream ended resumed from its
                // last token), and is in the database: read back by a fresh store and engine, not this node.
                Set<String> ackedIds = new HashSet<>(acked.ids);
                for (Watcher w : watchers) {
                    Await.until(
                            "a watcher to have seen every acknowledged write",
                            () -> w.seen.keySet().containsAll(ackedIds),
                            Duration.ofSeconds(60));
                }
                stopWatching = true;
                for (Watcher w : watchers) w.close();
                for (Thread t : watcherThreads) t.join(30_000);
                Set<String> stored = new HashSet<>();
                try (Engine reader = Engines.create(PostgresDatastore.open(direct), EngineOptions.defaults())) {
                    String cursor = null;
                    do {
                        Results.Page<Results.ReadRelationship> page =
                                reader.readRelationships(new Requests.ReadRelationships(
                                        new RelationshipFilter("document", null, "s", "viewer", null),
                                        new Consistency.FullyConsistent(),
                                        cursor,
                                        1_000));
                        for (Results.ReadRelationship r : page.items())
                            stored.add(r.relationship().resource().id());
                        cursor = page.items().isEmpty() ? null : page.nextCursor();
                    } while (cursor != null);
                }
                Set<String> lost = new HashSet<>(ackedIds);
                lost.removeAll(stored);

                ObjectNode report = report(
                        seconds,
                        preloaded,
                        ackedBeforeCut,
                        ackedDuringOutage,
                        recoverySeconds,
                        outage,
                        lost.size(),
                        separate);
                report.set("connections_closed", connectionsClosed());
                String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
                System.out.println("kith soak report:\n" + text);
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "soak-report.json"), text + "\n");

                assertThat(problems).as("unexpected answers").isEmpty();
                assertThat(lost)
                        .as("acknowledged writes missing from the database")
                        .isEmpty();
                assertThat(acked.size.get()).isPositive();
                assertThat(checks.getTotalCount()).isPositive();
                assertThat(lookups.getTotalCount()).isPositive();
                assertThat(badRequests.get()).isPositive();
                assertThat(watchEvents.get()).isPositive();
                assertThat(outageWrites.get())
                        .as("writes answered during the outage")
                        .isPositive();
                assertThat(Duration.ofNanos(outageWriteMaxMicros.get() * 1000))
                        .as("the slowest write during the outage answered before its deadline")
                        .isLessThan(REQUEST_TIMEOUT);
                assertThat(Duration.ofNanos(healthAfterWarmupMaxLessStallsMicros.get() * 1000))
                        .as(
                                "the slowest /healthz after the first %s, less machine stalls (raw %d µs)",
                                HEALTH_WARMUP, healthAfterWarmupMaxMicros.get())
                        .isLessThan(HEALTH_BOUND);
                assertThat(health.getTotalCount())
                        .as("/healthz probes, one every 100 ms")
                        .isGreaterThan((long) (seconds * 10 * 0.8));
                // Under load a sample also holds requests in flight, queued answers and, with a concurrent
                // collector, what was allocated during its cycle (kept until the next): a loose bound of eight times
                // the loaded data. Once the load has stopped, what is left is the data and what was written: the
                // tight bound, where a leak would show.
                long baseline = heapSamples.get(0);
                for (int i = 0; i < heapSamples.size(); i++) {
                    assertThat(heapSamples.get(i))
                            .as("live heap sample %d of %s (baseline %d bytes after loading)", i, heapSamples, baseline)
                            .isLessThanOrEqualTo(8 * baseline + (64L << 20) + heapAllowances.get(i));
                }
                int last = heapSamples.size() - 1;
                assertThat(heapSamples.get(last))
                        .as("live heap after the load (samples %s)", heapSamples)
                        .isLessThanOrEqualTo(baseline + (64L << 20) + heapAllowances.get(last));
                if (assertCheckP99) {
                    assertThat(checks.getValueAtPercentile(99) / 1000.0)
                            .as("check p99 in ms")
                            .isLessThan(10.0);
                }
            } finally {
                hiccups.close();
                stop = true;
                stopWatching = true;
                for (Watcher w : watchers) w.close();
                for (Thread t : threads) t.interrupt();
                timers.shutdownNow();
                node.close();
            }
        }
    }

    private ObjectNode report(
            double seconds,
            long preloaded,
            long ackedBeforeCut,
            long ackedDuringOutage,
            double recoverySeconds,
            Duration outage,
            int lost,
            boolean separate) {
        ObjectNode r = JSON.createObjectNode();
        r.put("seconds", Math.round(seconds * 10) / 10.0);
        r.put("server_process", separate ? "separate JVM" : "the test's JVM");
        r.put("preloaded_relationships", preloaded);
        r.set("checks", latencies(checks));
        r.set("writes", latencies(writes));
        r.set("lookups", latencies(lookups));
        r.set("healthz", latencies(health));
        r.put("healthz_max_ms_after_warmup", healthAfterWarmupMaxMicros.get() / 1000.0);
        r.put("healthz_max_ms_after_warmup_less_stalls", healthAfterWarmupMaxLessStallsMicros.get() / 1000.0);
        r.put("jvm_stalled_ms", hiccups.stalledBetween(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2) / 1_000_000);
        r.put("writes_acknowledged", acked.size.get());
        r.put("writes_acknowledged_before_outage", ackedBeforeCut);
        r.put("writes_acknowledged_by_outage_end", ackedDuringOutage);
        r.put("writes_lost", lost);
        r.put("writes_503", writes503.get());
        r.put("writes_504_outside_outage", writes504.get());
        r.put("outage_seconds", outage.toSeconds());
        r.put("outage_writes_answered", outageWrites.get());
        r.put("outage_write_max_ms", outageWriteMaxMicros.get() / 1000.0);
        r.put("recovery_seconds", Math.round(recoverySeconds * 1000) / 1000.0);
        r.put("bad_requests", badRequests.get());
        r.put("watch_events", watchEvents.get());
        r.put("watch_reconnects", watchReconnects[0].get() + watchReconnects[1].get() + watchReconnects[2].get());
        r.put("watch_reconnects_before_outage", watchReconnects[0].get());
        r.put("watch_reconnects_during_outage", watchReconnects[1].get());
        r.put("watch_reconnects_after_outage", watchReconnects[2].get());
        r.put("unexpected_answers", problemCount.get());
        var first = r.putArray("first_problems");
        problems.stream().limit(20).forEach(first::add);
        var heap = r.putArray("live_heap_mb");
        for (long s : heapSamples) heap.add(Math.round(s / 1048576.0 * 10) / 10.0);
        return r;
    }

    private static ObjectNode latencies(Histogram h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", h.getTotalCount());
        n.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
        n.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
        n.put("max_ms", h.getMaxValue() / 1000.0);
        return n;
    }

    // ---- load ----

    private interface Body {
        void run() throws Exception;
    }

    private Thread loop(String name, Body body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (InterruptedException e) {
                        // the run is over
                    } catch (Exception e) {
                        if (!stop || (name.startsWith("watch") && !stopWatching)) problem(name + ": " + e);
                    }
                },
                "soak-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY);
    }

    private HttpResponse<String> post(HttpClient client, String path, String body)
            throws IOException, InterruptedException {
        return client.send(
                request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void checkLoop() throws Exception {
        HttpClient client = client();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop) {
            String body = "{\"consistency\":{\"minimizeLatency\":true},"
                    + "\"resource\":{\"objectType\":\"document\",\"objectId\":\"d" + random.nextInt(DOCUMENTS) + "\"},"
                    + "\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"u"
                    + random.nextInt(USERS) + "\"}}}";
            long t = System.nanoTime();
            HttpResponse<String> r;
            try {
                r = post(client, "/v1/permissions/check", body);
            } catch (IOException e) {
                // a transport failure is a problem of the run, but this loop goes on, on a new connection, so that
                // one failure neither ends a loop's load nor hides what the rest of the run would show
                if (stop) return;
                problem("check connection failed after " + (System.nanoTime() - t) / 1_000_000 + " ms: " + e);
                client = client();
                continue;
            }
            long micros = (System.nanoTime() - t) / 1000;
            if (r.statusCode() != 200 || !r.body().contains("PERMISSIONSHIP_")) {
                problem("check answered " + r.statusCode() + ": " + r.body());
            } else {
                checks.recordValue(micros);
            }
        }
    }

    private void lookupLoop() throws Exception {
        HttpClient client = client();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop) {
            String body = "{\"resourceObjectType\":\"document\",\"permission\":\"view\","
                    + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"u" + random.nextInt(USERS)
                    + "\"}}}";
            long t = System.nanoTime();
            HttpResponse<String> r;
            try {
                r = post(client, "/v1/permissions/resources", body);
            } catch (IOException e) {
                // a transport failure is a problem of the run, but this loop goes on, on a new connection, so that
                // one failure neither ends a loop's load nor hides what the rest of the run would show
                if (stop) return;
                problem("lookup connection failed after " + (System.nanoTime() - t) / 1_000_000 + " ms: " + e);
                client = client();
                continue;
            }
            long micros = (System.nanoTime() - t) / 1000;
            if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
                problem("lookup answered " + r.statusCode() + ": " + head(r.body()));
            } else {
                lookups.recordValue(micros);
            }
        }
    }

    private void writeLoop(int writer) throws Exception {
        HttpClient client = client();
        for (long n = 0; !stop; n++) {
            String id = "s" + writer + "-" + n;
            String body = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":{"
                    + "\"resource\":{\"objectType\":\"document\",\"objectId\":\"" + id + "\"},\"relation\":\"viewer\","
                    + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"u" + (n % USERS) + "\"}}}}]}";
            long t = System.nanoTime();
            HttpResponse<String> r = post(client, "/v1/relationships/write", body);
            long end = System.nanoTime();
            long micros = (end - t) / 1000;
            // a write sent a second after the cut and answered before the restore met the outage only
            long cut = cutAt;
            boolean inOutage = cut != Long.MAX_VALUE && t > cut + 1_000_000_000L && end < restoredAt;
            if (r.statusCode() == 200) {
                if (!r.body().contains("\"writtenAt\"")) problem("write 200 without a token: " + r.body());
                acked.add(id);
                writes.recordValue(micros);
                if (inOutage) problem("write " + id + " acknowledged while the database was cut off");
            } else if (r.statusCode() == 503 && r.body().contains("\"UNAVAILABLE\"")) {
                writes503.incrementAndGet();
                if (end < cutAt) problem("write 503 before the outage: " + r.body());
            } else if (r.statusCode() == 504 && !inOutage && r.body().contains("\"DEADLINE_EXCEEDED\"")) {
                // a write that could not commit within its deadline on a busy machine commits nothing: counted
                writes504.incrementAndGet();
            } else {
                problem("write answered " + r.statusCode() + ": " + r.body());
            }
            if (inOutage) {
                outageWrites.incrementAndGet();
                outageWriteMaxMicros.accumulateAndGet(micros, Math::max);
            }
        }
    }

    /** Requests that are wrong in one way each; every one must get a 4xx with a JSON error, never a 5xx. */
    private void badRequestLoop() throws Exception {
        HttpClient client = client();
        List<Supplier<HttpRequest>> bad = List.of(
                () -> request("/v1/permissions/check")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"resource\":"))
                        .build(),
                () -> request("/v1/permissions/check")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"resource\":{\"objectType\":\"nope\","
                                + "\"objectId\":\"1\"},\"permission\":\"view\",\"subject\":{\"object\":"
                                + "{\"objectType\":\"user\",\"objectId\":\"u1\"}}}"))
                        .build(),
                () -> request("/v1/relationships/write")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"updates\":[{\"operation\":\"OPERATION_TOUCH\","
                                + "\"relationship\":{\"resource\":{\"objectType\":\"document\",\"objectId\":\""
                                + "x".repeat(2_000) + "\"},\"relation\":\"viewer\",\"subject\":{\"object\":"
                                + "{\"objectType\":\"user\",\"objectId\":\"u1\"}}}}]}"))
                        .build(),
                () -> request("/v1/permissions/check")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"consistency\":{\"atLeastAsFresh\":"
                                + "{\"token\":\"not-a-token\"}},\"resource\":{\"objectType\":\"document\","
                                + "\"objectId\":\"d1\"},\"permission\":\"view\",\"subject\":{\"object\":"
                                + "{\"objectType\":\"user\",\"objectId\":\"u1\"}}}"))
                        .build(),
                () -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/permissions/check"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer wrong-key")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                () -> request("/v1/nothing-here")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build());
        for (int i = 0; !stop; i++) {
            HttpResponse<String> r = client.send(bad.get(i % bad.size()).get(), HttpResponse.BodyHandlers.ofString());
            badRequests.incrementAndGet();
            if (r.statusCode() < 400 || r.statusCode() >= 500 || !r.body().contains("\"code\"")) {
                problem("bad request " + (i % bad.size()) + " answered " + r.statusCode() + ": " + r.body());
            }
        }
    }

    /** A watch of documents that resumes from its last token whenever its stream ends. */
    private final class Watcher {
        final Map<String, Boolean> seen = new ConcurrentHashMap<>();
        final AtomicReference<String> token;
        volatile InputStream stream;

        Watcher(String start) {
            token = new AtomicReference<>(start);
        }

        void run() throws Exception {
            HttpClient client = client();
            Duration backoff = BACKOFF_MIN;
            for (boolean first = true; !stopWatching; first = false) {
                if (!first) {
                    // a stream that carried a change was a success: the next reconnection waits the least again
                    Thread.sleep(backoff.toMillis());
                    backoff = min(BACKOFF_MAX, backoff.multipliedBy(2));
                    if (stopWatching) return;
                    reconnected();
                }
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/watch"))
                        .header("Authorization", "Bearer " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"optionalObjectTypes\":[\"document\"],"
                                + "\"optionalStartCursor\":{\"token\":\"" + token.get() + "\"}}"))
                        .build();
                HttpResponse<InputStream> r;
                try {
                    r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                } catch (IOException e) {
                    continue;
                }
                stream = r.body();
                if (stopWatching) close();
                try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    if (r.statusCode() != 200) {
                        problem("watch answered " + r.statusCode());
                        return;
                    }
                    String line;
                    while (!stopWatching && (line = lines.readLine()) != null) {
                        JsonNode result = JSON.readTree(line).path("result");
                        if (result.isMissingNode()) continue; // an error line ends the stream: resume
                        for (JsonNode u : result.path("updates")) {
                            seen.put(
                                    u.path("relationship")
                                            .path("resource")
                                            .path("objectId")
                                            .asText(),
                                    true);
                            watchEvents.incrementAndGet();
                        }
                        token.set(result.path("changesThrough").path("token").asText());
                        backoff = BACKOFF_MIN;
                    }
                } catch (IOException e) {
                    // the stream broke: resume from the last token
                }
            }
        }

        /** Counts a reconnection in the phase of the run it happens in. */
        private void reconnected() {
            long now = System.nanoTime();
            int phase = now < cutAt ? 0 : now < restoredAt ? 1 : 2;
            watchReconnects[phase].incrementAndGet();
        }

        /** Ends the open stream (a blocked read does not answer to an interrupt). */
        void close() {
            InputStream s = stream;
            if (s == null) return;
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /**
     * {@code GET /healthz} on one keep-alive connection of its own (a plain socket: no client library threads
     * between the clock and the server), timed from writing the request to reading the whole answer.
     */
    private final class HealthProbe {
        private static final byte[] REQUEST =
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private Socket socket;

        void probe(long started) {
            if (stop) return;
            try {
                if (socket == null) {
                    socket = new Socket("127.0.0.1", port);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(10_000);
                }
                long t = System.nanoTime();
                OutputStream out = socket.getOutputStream();
                out.write(REQUEST);
                out.flush();
                String status = readResponse(socket.getInputStream());
                long end = System.nanoTime();
                long micros = (end - t) / 1000;
                if (!status.startsWith("HTTP/1.1 200")) problem("/healthz answered " + status);
                health.recordValue(micros);
                if (t - started > HEALTH_WARMUP.toNanos()) {
                    healthAfterWarmupMaxMicros.accumulateAndGet(micros, Math::max);
                    long lessStalls = (end - t - hiccups.stalledBetween(t, end)) / 1000;
                    healthAfterWarmupMaxLessStallsMicros.accumulateAndGet(lessStalls, Math::max);
                }
            } catch (IOException e) {
                if (!stop) problem("/healthz: " + e);
                socket = null;
            }
        }

        /** Reads one answer with a Content-Length body; returns its status line. */
        private static String readResponse(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new IOException("the server closed the probe connection");
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n", -1)) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(
                            line.substring("content-length:".length()).trim());
                }
            }
            if (in.readNBytes(length).length != length) throw new IOException("the /healthz answer was cut short");
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    // ---- the node under test ----

    /** The kith node the load is driven against. */
    private interface Node extends AutoCloseable {
        int port();

        /** The node's live heap after a collection ({@link SoakServer#liveHeapAfterGc}). */
        long liveHeapAfterGc() throws IOException;

        @Override
        void close() throws Exception;
    }

    /** The node in the test's own JVM. */
    private static final class InProcess implements Node {
        private final SoakServer server;

        InProcess(PostgresOptions store) throws Exception {
            server = new SoakServer(store);
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public long liveHeapAfterGc() {
            return SoakServer.liveHeapAfterGc();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * The node in a JVM of its own ({@link SoakServer#main}, on ZGC with a 1 GiB heap, the test's class path), asked
     * for its heap over its standard input and output; its log goes to {@code target/soak-server.log}.
     */
    private static final class Forked implements Node {
        private final Process process;
        private final BufferedReader out;
        private final java.io.Writer in;
        private final int port;

        Forked(PostgresOptions store) throws IOException {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(
                    java.toString(),
                    "-XX:+UseZGC",
                    "-Xmx1g",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SoakServer.class.getName(),
                    store.host(),
                    String.valueOf(store.port()),
                    store.database(),
                    store.user());
            if (store.password() != null) builder.environment().put("KITH_SOAK_PG_PASSWORD", store.password());
            Files.createDirectories(Path.of("target"));
            builder.redirectError(Path.of("target", "soak-server.log").toFile());
            process = builder.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String first = out.readLine();
            if (first == null || !first.startsWith("port ")) {
                process.destroyForcibly();
                throw new IOException("the soak server did not start (said " + first + "; see target/soak-server.log)");
            }
            port = Integer.parseInt(first.substring(5));
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized long liveHeapAfterGc() throws IOException {
            in.write("heap\n");
            in.flush();
            String line = out.readLine();
            if (line == null || !line.startsWith("heap ")) throw new IOException("the soak server answered " + line);
            return Long.parseLong(line.substring(5));
        }

        @Override
        public synchronized void close() throws Exception {
            try {
                in.write("stop\n");
                in.flush();
                in.close();
            } catch (IOException e) {
                // it has gone already
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    // ---- data ----

    private static Iterator<Relationship> dataset() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Relationship> all = new ArrayList<>();
        IntStream.range(0, GROUPS)
                .forEach(g -> IntStream.range(0, MEMBERS_PER_GROUP)
                        .forEach(m ->
                                all.add(Relationship.parse("group:g" + g + "#member@user:u" + random.nextInt(USERS)))));
        for (int d = 0; d < DOCUMENTS; d++) {
            all.add(Relationship.parse("document:d" + d + "#viewer@group:g" + random.nextInt(GROUPS) + "#member"));
            all.add(Relationship.parse("document:d" + d + "#owner@user:u" + random.nextInt(USERS)));
        }
        // the random members may repeat: keep one of each
        return new ArrayList<>(new java.util.LinkedHashSet<>(all)).iterator();
    }

    /** A token for the current revision, where the watchers start. */
    private String startToken() throws Exception {
        HttpResponse<String> r = post(
                client(),
                "/v1/relationships/write",
                "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":{\"resource\":{\"objectType\":"
                        + "\"document\",\"objectId\":\"start\"},\"relation\":\"owner\",\"subject\":{\"object\":"
                        + "{\"objectType\":\"user\",\"objectId\":\"u0\"}}}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("writtenAt").path("token").asText();
    }

    /** Records an unexpected answer (the first 1,000 in full; a systematic failure must not fill the heap). */
    private void problem(String what) {
        problemCount.incrementAndGet();
        long at = runStarted;
        String when = at == Long.MIN_VALUE ? "" : String.format("[%.1f s] ", (System.nanoTime() - at) / 1e9);
        if (problems.size() < 1_000) problems.add(when + head(what));
    }

    /**
     * The server's {@code kith_connections_closed_total} by reason (idle, headers, malformed, …), from its
     * {@code /metrics}: which of its own rules closed connections during the run.
     */
    private ObjectNode connectionsClosed() throws IOException, InterruptedException {
        ObjectNode closed = JSON.createObjectNode();
        HttpResponse<String> r = client().send(request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString());
        String prefix = "kith_connections_closed_total{reason=\"";
        r.body().lines().filter(l -> l.startsWith(prefix)).forEach(l -> {
            String reason = l.substring(prefix.length(), l.indexOf('"', prefix.length()));
            closed.put(reason, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
        });
        return closed;
    }

    private static String head(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}

package dev.kith.api.server;

import dev.kith.engine.ConnectionPool;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineStats;
import dev.kith.engine.Permissionship;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * kith's own meters, next to the Vert.x ones in the same Prometheus registry: request count and latency per
 * endpoint and status, check outcomes, authentication failures, cancelled requests, the applied revision, the
 * index size, the closure index's size and decisions per relation, open connections and requests in flight, open watches and the memory guards (writes refused, the
 * live heap), dropped audit lines, and the datastore's connection pool when the program that starts the server
 * hands it one ({@link #connectionPool}).
 */
final class Metrics {
    /**
     * The gauges Vert.x 5.0's Micrometer metrics register again on every connection or request
     * (vertx-micrometer-metrics#259): Micrometer ignores each re-registration and warns about the first, so they
     * are left out, and kith keeps open connections and requests in flight in its own gauges, registered once.
     */
    private static final Set<String> REREGISTERED_VERTX_GAUGES = Set.of(
            "vertx.http.server.active.connections",
            "vertx.http.server.active.requests",
            "vertx.http.server.active.ws.connections");

    /** Latency buckets from 50 µs (an in-memory check) to 10 s (a large export page). */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry;
    private final Engine engine;
    /** The closure index's decisions per relation as last read ({@link #closures}), by {@code type#relation}. */
    private volatile Map<String, EngineStats.Closure> closureRows = Map.of();
    /** The relations whose closure gauges are registered. */
    private final Set<String> closureGauges = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Map<Permissionship, Counter> checks = new EnumMap<>(Permissionship.class);
    private final Counter authFailures;
    private final Counter auditDropped;
    private final AtomicLong connections = new AtomicLong();
    private final Map<String, Counter> connectionsClosed;

    /** {@link #connectionClosed} reason: the connection limit was reached when it was accepted. */
    static final String REFUSED = "refused";
    /** {@link #connectionClosed} reason: no request arrived within the idle timeout. */
    static final String IDLE = "idle";
    /** {@link #connectionClosed} reason: the first request's headers did not arrive within the header timeout. */
    static final String HEADERS = "headers";
    /** {@link #connectionClosed} reason: a request body did not arrive within the body timeout. */
    static final String BODY = "body";
    /**
     * {@link #connectionClosed} reason: a request line or headers that could not be read (malformed, or longer than
     * their limit); the connection cannot carry another request.
     */
    static final String MALFORMED = "malformed";

    /** {@link #cancelled} reason: the request's deadline passed. */
    static final String DEADLINE = "deadline";
    /** {@link #cancelled} reason: a streaming client went away before its stream ended. */
    static final String DISCONNECT = "disconnect";

    /** {@link #writeRefused} reason: the live heap is above its watermark. */
    static final String HEAP = "heap";
    /** {@link #writeRefused} reason: the request bodies in flight are at their limit. */
    static final String IN_FLIGHT_BYTES = "in_flight_bytes";
    /** {@link #watchClosed} reason: the watcher fell behind by more than its buffer. */
    static final String BEHIND = "behind";
    /** {@link #watchClosed} reason: the watcher's connection took no bytes for the watch stall timeout. */
    static final String STALLED = "stalled";

    private final Map<String, Counter> cancelled;
    private final Map<String, Counter> writesRefused;
    private final Map<String, Counter> watchesClosed;
    private final AtomicInteger watchesOpen = new AtomicInteger();
    /** The timers of each endpoint label, resolved once per label so a request costs no string building. */
    private final Map<String, Endpoint> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

    Metrics(PrometheusMeterRegistry registry, Engine engine) {
        this.registry = registry;
        this.engine = engine;
        for (Permissionship p : Permissionship.values()) {
            checks.put(
                    p,
                    Counter.builder("kith.check.results")
                            .description("check answers by outcome (check and each item of a bulk check)")
                            .tag("permissionship", p.name())
                            .register(registry));
        }
        this.authFailures = Counter.builder("kith.auth.failures")
                .description("requests refused for a missing or wrong bearer key")
                .register(registry);
        this.auditDropped = Counter.builder("kith.audit.dropped")
                .description("sampled-class audit lines (successful checks, lookups, reads) dropped because the"
                        + " audit log's queue was full; writes and failures are never dropped")
                .register(registry);
        this.cancelled = Map.of(
                DEADLINE, cancelledCounter(registry, DEADLINE), DISCONNECT, cancelledCounter(registry, DISCONNECT));
        Gauge.builder("kith.applied.revision", engine, e -> e.appliedRevision().value())
                .description("the newest revision this node has applied")
                .register(registry);
        // index size (issue 4): counters the index keeps, so a scrape costs no scan
        Gauge.builder("kith.index.relationships", engine, e -> e.stats().relationships())
                .description("relationships held in this node's in-memory index")
                .register(registry);
        Gauge.builder("kith.index.objects", engine, e -> e.stats().objects())
                .description("object ids interned in this node's in-memory index")
                .register(registry);
        Gauge.builder("kith.closure.bytes", engine, e -> e.stats().closureBytes())
                .description("heap held by the transitive-closure index at the applied revision")
                .register(registry);
        Map<String, Counter> closed = new java.util.HashMap<>();
        for (String reason : List.of(REFUSED, IDLE, HEADERS, BODY, MALFORMED)) {
            closed.put(
                    reason,
                    Counter.builder("kith.connections.closed")
                            .description("connections the server closed or refused to bound its resources")
                            .tag("reason", reason)
                            .register(registry));
        }
        this.connectionsClosed = Map.copyOf(closed);
        Gauge.builder("kith.http.connections", connections, AtomicLong::get)
                .description("open HTTP connections")
                .register(registry);
        Map<String, Counter> refused = new java.util.HashMap<>();
        for (String reason : List.of(HEAP, IN_FLIGHT_BYTES)) {
            refused.put(
                    reason,
                    Counter.builder("kith.writes.refused")
                            .description("requests refused with 429 to bound memory: writes while the live heap is"
                                    + " above its watermark (reason heap), requests over the limit of bodies in"
                                    + " flight (reason in_flight_bytes)")
                            .tag("reason", reason)
                            .register(registry));
        }
        this.writesRefused = Map.copyOf(refused);
        Map<String, Counter> watches = new java.util.HashMap<>();
        for (String reason : List.of(BEHIND, STALLED)) {
            watches.put(
                    reason,
                    Counter.builder("kith.watches.closed")
                            .description("watch streams the server closed: the watcher fell behind by more than its"
                                    + " buffer (reason behind), or its connection took nothing for the stall timeout"
                                    + " (reason stalled)")
                            .tag("reason", reason)
                            .register(registry));
        }
        this.watchesClosed = Map.copyOf(watches);
        Gauge.builder("kith.watches.open", watchesOpen, AtomicInteger::get)
                .description("open watch streams")
                .register(registry);
    }

    /**
     * Reads the closure index's decision per self-recursive relation ({@code Engine.stats().closures()}) once, for
     * the gauges of this scrape, and registers the gauges of a relation seen for the first time. Called before each
     * scrape: relations appear as their data does. A relation no longer reported (its schema replaced) reads NaN.
     */
    void closures() {
        Map<String, EngineStats.Closure> rows = new java.util.HashMap<>();
        for (EngineStats.Closure c : engine.stats().closures()) rows.put(c.relation(), c);
        closureRows = rows;
        for (String relation : rows.keySet()) {
            if (!closureGauges.add(relation)) continue;
            closureGauge(
                    "kith.closure.kept",
                    relation,
                    c -> c.kept() ? 1 : 0,
                    "1 while checks and lookups answer this self-recursive relation from the closure index, 0 once"
                            + " it outgrew the cost model and is walked");
            closureGauge(
                    "kith.closure.relation.bytes",
                    relation,
                    EngineStats.Closure::bytes,
                    "heap held by this relation's closure (0 when not kept)");
            closureGauge(
                    "kith.closure.links",
                    relation,
                    EngineStats.Closure::links,
                    "unconditional links of this relation to itself");
            closureGauge(
                    "kith.closure.entries",
                    relation,
                    EngineStats.Closure::entries,
                    "sum over objects of the objects each reaches (0 when not kept)");
            closureGauge(
                    "kith.closure.max.height",
                    relation,
                    EngineStats.Closure::maxHeight,
                    "the most hops a walk of this relation's unconditional links can try from any object");
        }
    }

    private void closureGauge(
            String name,
            String relation,
            java.util.function.ToDoubleFunction<EngineStats.Closure> value,
            String description) {
        Gauge.builder(name, this, m -> {
                    EngineStats.Closure c = m.closureRows.get(relation);
                    return c == null ? Double.NaN : value.applyAsDouble(c);
                })
                .tag("relation", relation)
                .description(description)
                .register(registry);
    }

    /** Counts a request refused for {@code reason} ({@link #HEAP} or {@link #IN_FLIGHT_BYTES}). */
    void writeRefused(String reason) {
        writesRefused.get(reason).increment();
    }

    /** The open watch streams (the watch limit counts these). */
    AtomicInteger watchesOpen() {
        return watchesOpen;
    }

    /** Counts a watch stream the server closed for {@code reason} ({@link #BEHIND} or {@link #STALLED}). */
    void watchClosed(String reason) {
        watchesClosed.get(reason).increment();
    }

    /** Reports the live-heap ratio and the shedding state of {@code guard} as gauges. */
    void heap(HeapGuard guard) {
        Gauge.builder("kith.heap.live.ratio", guard, HeapGuard::liveRatio)
                .description("the share of the maximum heap still live after the last garbage collection")
                .register(registry);
        Gauge.builder("kith.shedding.writes", guard, g -> g.shedding() ? 1 : 0)
                .description("1 while writes are refused because the live heap is above its watermark")
                .register(registry);
    }

    /** A registry for kith's and Vert.x's meters, without the Vert.x gauges it would re-register all the time. */
    static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(MeterFilter.deny(id -> REREGISTERED_VERTX_GAUGES.contains(id.getName())));
        return registry;
    }

    /** Counts {@code inFlight}, the API requests being served, as a gauge. */
    void inFlight(AtomicInteger inFlight) {
        Gauge.builder("kith.http.requests.in.flight", inFlight, AtomicInteger::get)
                .description("API requests being served (the overload limit counts these)")
                .register(registry);
    }

    /** Counts {@code connection} among the open ones until it closes. */
    /** Counts an open connection until it closes; returns how many are open with it. */
    long connected() {
        return connections.incrementAndGet();
    }

    void disconnected() {
        connections.decrementAndGet();
    }

    /** Counts a connection the server closed for {@code reason} ({@link #REFUSED}, {@link #IDLE}, …). */
    void connectionClosed(String reason) {
        connectionsClosed.get(reason).increment();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The timers of the endpoint labelled {@code label} (one of a bounded set of labels). */
    Endpoint endpoint(String label) {
        return endpoints.computeIfAbsent(label, l -> new Endpoint(registry, l));
    }

    /**
     * The latency timers of one endpoint, one per HTTP status, each registered on the first request that ends
     * with its status and then reused without a map lookup or a new tag string.
     */
    static final class Endpoint {
        private static final int FIRST_STATUS = 100;
        private static final int LAST_STATUS = 599;

        private final PrometheusMeterRegistry registry;
        private final String label;
        private final java.util.concurrent.atomic.AtomicReferenceArray<Timer> byStatus =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(LAST_STATUS - FIRST_STATUS + 1);

        private Endpoint(PrometheusMeterRegistry registry, String label) {
            this.registry = registry;
            this.label = label;
        }

        void record(int status, long nanos) {
            timer(status).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        private Timer timer(int status) {
            if (status < FIRST_STATUS || status > LAST_STATUS) return register(status);
            Timer t = byStatus.get(status - FIRST_STATUS);
            if (t == null) {
                // the registry returns the same timer to every thread that registers this id
                t = register(status);
                byStatus.set(status - FIRST_STATUS, t);
            }
            return t;
        }

        private Timer register(int status) {
            return Timer.builder("kith.http.requests")
                    .description("HTTP requests by endpoint and status")
                    .tags("endpoint", label, "status", Integer.toString(status))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }
    }

    /** Counts an audit line dropped because the audit queue held too many sampled-class lines. */
    void auditDropped() {
        auditDropped.increment();
    }

    /** Shows the audit lines not yet written as a gauge. */
    void auditQueue(IntSupplier pending) {
        Gauge.builder("kith.audit.pending", pending, IntSupplier::getAsInt)
                .description("audit lines waiting to be written")
                .register(registry);
    }

    /**
     * Meters {@code pool}, a datastore's connection pool: {@code kith_pg_pool_connections} by {@code state} ({@code
     * in_use}, {@code idle}) and {@code kith_pg_pool_waiting}, read from the pool at each scrape, and the histogram
     * {@code kith_pg_pool_acquire_seconds} of the time each connection acquisition took, which the pool reports.
     */
    void connectionPool(ConnectionPool pool) {
        // one reading serves the three gauges of a scrape, so in_use + idle never counts a connection twice
        // (it moved between the two reads) and never exceeds the pool's size
        PoolReading reading = new PoolReading(pool);
        Gauge.builder("kith.pg.pool.connections", reading, r -> r.get().inUse())
                .strongReference(true)
                .description("PostgreSQL connections of the pool, by state")
                .tag("state", "in_use")
                .register(registry);
        Gauge.builder("kith.pg.pool.connections", reading, r -> r.get().idle())
                .strongReference(true)
                .description("PostgreSQL connections of the pool, by state")
                .tag("state", "idle")
                .register(registry);
        Gauge.builder("kith.pg.pool.waiting", reading, r -> r.get().waiting())
                .strongReference(true)
                .description("callers waiting for a PostgreSQL connection from the pool")
                .register(registry);
        Timer acquire = Timer.builder("kith.pg.pool.acquire")
                .description("time to acquire a PostgreSQL connection from the pool")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        pool.onAcquire(nanos -> acquire.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    void check(Permissionship p) {
        checks.get(p).increment();
    }

    void authFailure() {
        authFailures.increment();
    }

    /** Counts a request whose engine work was stopped before it finished, for {@code reason}. */
    void cancelled(String reason) {
        cancelled.get(reason).increment();
    }

    private static Counter cancelledCounter(PrometheusMeterRegistry registry, String reason) {
        return Counter.builder("kith.requests.cancelled")
                .description("requests whose engine work was stopped: their deadline passed (reason deadline) or"
                        + " a streaming client went away (reason disconnect)")
                .tag("reason", reason)
                .register(registry);
    }

    /** The pool's statistics, read at most once per {@link #FRESH_NANOS}: the gauges of one scrape share a reading. */
    private static final class PoolReading {
        private static final long FRESH_NANOS = 500_000_000L;
        private final ConnectionPool pool;
        private ConnectionPool.Statistics last;
        private long readAt;

        PoolReading(ConnectionPool pool) {
            this.pool = pool;
        }

        synchronized ConnectionPool.Statistics get() {
            long now = System.nanoTime();
            if (last == null || now - readAt > FRESH_NANOS) {
                last = pool.statistics();
                readAt = now;
            }
            return last;
        }
    }
}

package dev.kith.api.server;

import dev.kith.engine.Engine;
import dev.kith.engine.Permissionship;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * kith's own meters, next to the Vert.x ones in the same Prometheus registry: request count and latency per
 * endpoint and status, check outcomes, authentication failures, and the applied revision.
 */
final class Metrics {
    /** Latency buckets from 50 µs (an in-memory check) to 10 s (a large export page). */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry;
    private final Map<Permissionship, Counter> checks = new EnumMap<>(Permissionship.class);
    private final Counter authFailures;
    /** One timer per (endpoint, status), both bounded sets: built once, not per request. */
    private final Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    Metrics(PrometheusMeterRegistry registry, Engine engine) {
        this.registry = registry;
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
        Gauge.builder("kith.applied.revision", engine, e -> e.appliedRevision().value())
                .description("the newest revision this node has applied")
                .register(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    void request(String endpoint, int status, long nanos) {
        timers.computeIfAbsent(
                        endpoint + ' ' + status,
                        k -> Timer.builder("kith.http.requests")
                                .description("HTTP requests by endpoint and status")
                                .tags("endpoint", endpoint, "status", Integer.toString(status))
                                .serviceLevelObjectives(BUCKETS)
                                .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void check(Permissionship p) {
        checks.get(p).increment();
    }

    void authFailure() {
        authFailures.increment();
    }
}

package dev.kith.bench.http;

import dev.kith.bench.data.Query;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to load and how hard.
 *
 * @param endpoint the server's base URL, {@code http://} on a loopback or local address
 * @param bearerKey the API key sent as {@code Authorization: Bearer …}, or {@code null} for none
 * @param queries the checks to send, in order, cycling when the run outlasts them
 * @param connections the fixed concurrency: connections, each with exactly one request in flight
 * @param duration how long the measured run lasts
 * @param warmup how long to send before measuring (not counted)
 * @param baseline whether to run the same load against {@code GET /v1/bench/noop} afterwards
 */
public record LoadOptions(
        URI endpoint,
        String bearerKey,
        List<Query> queries,
        int connections,
        Duration duration,
        Duration warmup,
        boolean baseline) {

    /** Checks the bounds; the endpoint's locality is checked when the run starts. */
    public LoadOptions {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        queries = List.copyOf(queries);
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("there are no queries to send");
        }
        if (connections < 1 || connections > 1024) {
            throw new IllegalArgumentException("connections must be between 1 and 1024, got " + connections);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("the duration must be more than 0 and at most an hour, got " + duration);
        }
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("the warm-up must be between 0 and 10 minutes, got " + warmup);
        }
    }
}

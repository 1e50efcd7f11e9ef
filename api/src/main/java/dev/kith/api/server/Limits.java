package dev.kith.api.server;

import java.time.Duration;

/**
 * The request limits the service enforces, each answered with a clear 400 or 413 when exceeded.
 *
 * @param maxBodyBytes largest request body (default 4 MiB)
 * @param maxImportBodyBytes largest import-bulk body (default 512 MiB)
 * @param maxUpdatesPerWrite updates per relationship write (default 1,000)
 * @param maxPreconditionsPerWrite preconditions per write or delete (default 1,000)
 * @param maxCheckBulkItems items per check-bulk (default 1,000)
 * @param maxIdLength longest object id (default 1,024)
 * @param maxNameLength longest type, relation, permission or caveat name (default 128)
 * @param maxJsonDepth deepest nesting of a JSON body (default 32)
 * @param maxContextBytes largest caveat context, as JSON text (default 64 KiB)
 * @param maxInFlight requests served at once before answering 429 (default 10,000)
 * @param requestTimeout deadline of a request on a worker and of each page of a stream: past it the work is
 *     stopped and the answer is 504 (default 30 s)
 * @param importTimeout deadline of an import-bulk request, whose body may hold millions of relationships
 *     (default 10 min)
 * @param idleTimeout how long a connection with no request in flight stays open (default 60 s)
 * @param headerTimeout how long a request may take to send its request line and headers (default 10 s): on a new
 *     connection from its accept, on a kept-alive one from the first byte after the previous answer
 * @param bodyTimeout how long a request body may take to arrive once its headers have, before a 408 that closes
 *     the connection (default 30 s; an import body has the longer of this and {@code importTimeout})
 * @param maxConnections open connections the server keeps; a connection over it is closed as soon as it is
 *     accepted, and counted in {@code kith_connections_refused_total} (default 10,000)
 */
public record Limits(
        long maxBodyBytes,
        long maxImportBodyBytes,
        int maxUpdatesPerWrite,
        int maxPreconditionsPerWrite,
        int maxCheckBulkItems,
        int maxIdLength,
        int maxNameLength,
        int maxJsonDepth,
        int maxContextBytes,
        int maxInFlight,
        Duration requestTimeout,
        Duration importTimeout,
        Duration idleTimeout,
        Duration headerTimeout,
        Duration bodyTimeout,
        int maxConnections) {
    /** The default connection limits: idle 60 s, headers 10 s, body 30 s, 10,000 connections. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_CONNECTIONS = 10_000;

    public Limits {
        positive(maxBodyBytes, "maxBodyBytes");
        positive(maxImportBodyBytes, "maxImportBodyBytes");
        positive(maxUpdatesPerWrite, "maxUpdatesPerWrite");
        positive(maxPreconditionsPerWrite, "maxPreconditionsPerWrite");
        positive(maxCheckBulkItems, "maxCheckBulkItems");
        positive(maxIdLength, "maxIdLength");
        positive(maxNameLength, "maxNameLength");
        positive(maxJsonDepth, "maxJsonDepth");
        positive(maxContextBytes, "maxContextBytes");
        positive(maxInFlight, "maxInFlight");
        positive(requestTimeout, "requestTimeout");
        positive(importTimeout, "importTimeout");
        positive(idleTimeout, "idleTimeout");
        positive(headerTimeout, "headerTimeout");
        positive(bodyTimeout, "bodyTimeout");
        positive(maxConnections, "maxConnections");
    }

    /** Request limits with the default connection limits. */
    public Limits(
            long maxBodyBytes,
            long maxImportBodyBytes,
            int maxUpdatesPerWrite,
            int maxPreconditionsPerWrite,
            int maxCheckBulkItems,
            int maxIdLength,
            int maxNameLength,
            int maxJsonDepth,
            int maxContextBytes,
            int maxInFlight,
            Duration requestTimeout,
            Duration importTimeout) {
        this(
                maxBodyBytes,
                maxImportBodyBytes,
                maxUpdatesPerWrite,
                maxPreconditionsPerWrite,
                maxCheckBulkItems,
                maxIdLength,
                maxNameLength,
                maxJsonDepth,
                maxContextBytes,
                maxInFlight,
                requestTimeout,
                importTimeout,
                IDLE_TIMEOUT,
                HEADER_TIMEOUT,
                BODY_TIMEOUT,
                MAX_CONNECTIONS);
    }

    public static Limits defaults() {
        return new Limits(
                4L << 20,
                512L << 20,
                1000,
                1000,
                1000,
                1024,
                128,
                32,
                64 << 10,
                10_000,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10));
    }

    /** This limits with {@code requestTimeout} and {@code importTimeout} replaced. */
    public Limits withTimeouts(Duration requestTimeout, Duration importTimeout) {
        return new Limits(
                maxBodyBytes,
                maxImportBodyBytes,
                maxUpdatesPerWrite,
                maxPreconditionsPerWrite,
                maxCheckBulkItems,
                maxIdLength,
                maxNameLength,
                maxJsonDepth,
                maxContextBytes,
                maxInFlight,
                requestTimeout,
                importTimeout,
                idleTimeout,
                headerTimeout,
                bodyTimeout,
                maxConnections);
    }

    /** This limits with the connection limits replaced. */
    public Limits withConnectionLimits(
            Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, int maxConnections) {
        return new Limits(
                maxBodyBytes,
                maxImportBodyBytes,
                maxUpdatesPerWrite,
                maxPreconditionsPerWrite,
                maxCheckBulkItems,
                maxIdLength,
                maxNameLength,
                maxJsonDepth,
                maxContextBytes,
                maxInFlight,
                requestTimeout,
                importTimeout,
                idleTimeout,
                headerTimeout,
                bodyTimeout,
                maxConnections);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }

    private static void positive(long v, String name) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1");
    }
}

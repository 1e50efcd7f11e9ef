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
 * @param maxInFlightBytes request bodies being read or served at once, in bytes (a body counts its Content-Length,
 *     or without one the largest body its endpoint takes); a request that would go over it is answered 429 before
 *     its body is read (default 256 MiB)
 * @param maxWatches watch streams open at once; one more is answered 429 (default 1,000)
 * @param watchBufferBytes bytes of changes one watch stream may hold that its client has not yet taken; a watcher
 *     whose unread changes reach it is closed with an error line carrying its last token (default 1 MiB)
 * @param heapWatermark the share of the maximum heap that, when still live after a garbage collection, makes the
 *     server refuse writes with 429 until a later collection measures the live heap 5 points below it (default
 *     0.85; 1 never sheds)
 * @param maxContextualRelationships contextual relationships per check, bulk check, expand or lookup (default
 *     1,000); more is a 400
 * @param watchStallTimeout how long a watch stream's connection may accept no byte of what the stream has written to
 *     it before the stream is closed with an error line carrying its last token (default 30 s)
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
        int maxConnections,
        long maxInFlightBytes,
        int maxWatches,
        long watchBufferBytes,
        double heapWatermark,
        int maxContextualRelationships,
        Duration watchStallTimeout) {
    /** The default connection limits: idle 60 s, headers 10 s, body 30 s, 10,000 connections. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_CONNECTIONS = 10_000;

    /** The default memory limits: 256 MiB of bodies in flight, 1,000 watches of 1 MiB each, watermark 0.85. */
    static final long MAX_IN_FLIGHT_BYTES = 256L << 20;

    static final int MAX_WATCHES = 1000;
    static final long WATCH_BUFFER_BYTES = 1L << 20;
    static final double HEAP_WATERMARK = 0.85;

    /** The default number of contextual relationships one request may carry. */
    static final int MAX_CONTEXTUAL_RELATIONSHIPS = 1000;
    /** The default watch stall timeout: 30 s. */
    static final Duration WATCH_STALL_TIMEOUT = Duration.ofSeconds(30);

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
        positive(maxInFlightBytes, "maxInFlightBytes");
        positive(maxWatches, "maxWatches");
        positive(watchBufferBytes, "watchBufferBytes");
        positive(maxContextualRelationships, "maxContextualRelationships");
        positive(watchStallTimeout, "watchStallTimeout");
        if (!(heapWatermark > 0 && heapWatermark <= 1)) {
            throw new IllegalArgumentException("heapWatermark must be above 0 and at most 1: " + heapWatermark);
        }
    }

    /** Every limit but the contextual relationships per request and the watch stall timeout, which are the defaults. */
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
            Duration importTimeout,
            Duration idleTimeout,
            Duration headerTimeout,
            Duration bodyTimeout,
            int maxConnections,
            long maxInFlightBytes,
            int maxWatches,
            long watchBufferBytes,
            double heapWatermark) {
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
                idleTimeout,
                headerTimeout,
                bodyTimeout,
                maxConnections,
                maxInFlightBytes,
                maxWatches,
                watchBufferBytes,
                heapWatermark,
                MAX_CONTEXTUAL_RELATIONSHIPS,
                WATCH_STALL_TIMEOUT);
    }

    /** Request and connection limits with the default memory limits. */
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
            Duration importTimeout,
            Duration idleTimeout,
            Duration headerTimeout,
            Duration bodyTimeout,
            int maxConnections) {
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
                idleTimeout,
                headerTimeout,
                bodyTimeout,
                maxConnections,
                MAX_IN_FLIGHT_BYTES,
                MAX_WATCHES,
                WATCH_BUFFER_BYTES,
                HEAP_WATERMARK);
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
                maxConnections,
                maxInFlightBytes,
                maxWatches,
                watchBufferBytes,
                heapWatermark,
                maxContextualRelationships,
                watchStallTimeout);
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
                maxConnections,
                maxInFlightBytes,
                maxWatches,
                watchBufferBytes,
                heapWatermark,
                maxContextualRelationships,
                watchStallTimeout);
    }

    /** This limits with the memory limits (bodies in flight, watches, heap watermark) replaced. */
    public Limits withMemoryLimits(long maxInFlightBytes, int maxWatches, long watchBufferBytes, double heapWatermark) {
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
                maxConnections,
                maxInFlightBytes,
                maxWatches,
                watchBufferBytes,
                heapWatermark,
                maxContextualRelationships,
                watchStallTimeout);
    }

    /** This limits with {@code maxContextualRelationships} replaced. */
    public Limits withMaxContextualRelationships(int maxContextualRelationships) {
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
                maxConnections,
                maxInFlightBytes,
                maxWatches,
                watchBufferBytes,
                heapWatermark,
                maxContextualRelationships,
                watchStallTimeout);
    }

    /** This limits with {@code watchStallTimeout} replaced. */
    public Limits withWatchStallTimeout(Duration watchStallTimeout) {
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
                maxConnections,
                maxInFlightBytes,
                maxWatches,
                watchBufferBytes,
                heapWatermark,
                maxContextualRelationships,
                watchStallTimeout);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }

    private static void positive(long v, String name) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1");
    }
}

package dev.kith.api.server;

import java.time.Duration;

/**
 * The request limits the service enforces, each answered with a clear 400 (413 for a body over its byte limit) when exceeded.
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

    /** Every limit at its default (the table under Limits in the server's README). */
    public static Limits defaults() {
        return new Builder().build();
    }

    /** A builder that starts from this limits: set the ones to change, keep the rest. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This limits with {@code requestTimeout} and {@code importTimeout} replaced. */
    public Limits withTimeouts(Duration requestTimeout, Duration importTimeout) {
        return toBuilder()
                .requestTimeout(requestTimeout)
                .importTimeout(importTimeout)
                .build();
    }

    /** This limits with the connection limits replaced. */
    public Limits withConnectionLimits(
            Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, int maxConnections) {
        return toBuilder()
                .idleTimeout(idleTimeout)
                .headerTimeout(headerTimeout)
                .bodyTimeout(bodyTimeout)
                .maxConnections(maxConnections)
                .build();
    }

    /** This limits with the memory limits (bodies in flight, watches, heap watermark) replaced. */
    public Limits withMemoryLimits(long maxInFlightBytes, int maxWatches, long watchBufferBytes, double heapWatermark) {
        return toBuilder()
                .maxInFlightBytes(maxInFlightBytes)
                .maxWatches(maxWatches)
                .watchBufferBytes(watchBufferBytes)
                .heapWatermark(heapWatermark)
                .build();
    }

    /** This limits with {@code maxContextualRelationships} replaced. */
    public Limits withMaxContextualRelationships(int maxContextualRelationships) {
        return toBuilder()
                .maxContextualRelationships(maxContextualRelationships)
                .build();
    }

    /** This limits with {@code watchStallTimeout} replaced. */
    public Limits withWatchStallTimeout(Duration watchStallTimeout) {
        return toBuilder().watchStallTimeout(watchStallTimeout).build();
    }

    /** Limits built one at a time from the defaults; {@link #build} checks them all. */
    public static final class Builder {
        private long maxBodyBytes = 4L << 20;
        private long maxImportBodyBytes = 512L << 20;
        private int maxUpdatesPerWrite = 1000;
        private int maxPreconditionsPerWrite = 1000;
        private int maxCheckBulkItems = 1000;
        private int maxIdLength = 1024;
        private int maxNameLength = 128;
        private int maxJsonDepth = 32;
        private int maxContextBytes = 64 << 10;
        private int maxInFlight = 10_000;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration importTimeout = Duration.ofMinutes(10);
        private Duration idleTimeout = IDLE_TIMEOUT;
        private Duration headerTimeout = HEADER_TIMEOUT;
        private Duration bodyTimeout = BODY_TIMEOUT;
        private int maxConnections = MAX_CONNECTIONS;
        private long maxInFlightBytes = MAX_IN_FLIGHT_BYTES;
        private int maxWatches = MAX_WATCHES;
        private long watchBufferBytes = WATCH_BUFFER_BYTES;
        private double heapWatermark = HEAP_WATERMARK;
        private int maxContextualRelationships = MAX_CONTEXTUAL_RELATIONSHIPS;
        private Duration watchStallTimeout = WATCH_STALL_TIMEOUT;

        /** A builder holding every default. */
        public Builder() {}

        private Builder(Limits from) {
            this.maxBodyBytes = from.maxBodyBytes;
            this.maxImportBodyBytes = from.maxImportBodyBytes;
            this.maxUpdatesPerWrite = from.maxUpdatesPerWrite;
            this.maxPreconditionsPerWrite = from.maxPreconditionsPerWrite;
            this.maxCheckBulkItems = from.maxCheckBulkItems;
            this.maxIdLength = from.maxIdLength;
            this.maxNameLength = from.maxNameLength;
            this.maxJsonDepth = from.maxJsonDepth;
            this.maxContextBytes = from.maxContextBytes;
            this.maxInFlight = from.maxInFlight;
            this.requestTimeout = from.requestTimeout;
            this.importTimeout = from.importTimeout;
            this.idleTimeout = from.idleTimeout;
            this.headerTimeout = from.headerTimeout;
            this.bodyTimeout = from.bodyTimeout;
            this.maxConnections = from.maxConnections;
            this.maxInFlightBytes = from.maxInFlightBytes;
            this.maxWatches = from.maxWatches;
            this.watchBufferBytes = from.watchBufferBytes;
            this.heapWatermark = from.heapWatermark;
            this.maxContextualRelationships = from.maxContextualRelationships;
            this.watchStallTimeout = from.watchStallTimeout;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder maxImportBodyBytes(long maxImportBodyBytes) {
            this.maxImportBodyBytes = maxImportBodyBytes;
            return this;
        }

        public Builder maxUpdatesPerWrite(int maxUpdatesPerWrite) {
            this.maxUpdatesPerWrite = maxUpdatesPerWrite;
            return this;
        }

        public Builder maxPreconditionsPerWrite(int maxPreconditionsPerWrite) {
            this.maxPreconditionsPerWrite = maxPreconditionsPerWrite;
            return this;
        }

        public Builder maxCheckBulkItems(int maxCheckBulkItems) {
            this.maxCheckBulkItems = maxCheckBulkItems;
            return this;
        }

        public Builder maxIdLength(int maxIdLength) {
            this.maxIdLength = maxIdLength;
            return this;
        }

        public Builder maxNameLength(int maxNameLength) {
            this.maxNameLength = maxNameLength;
            return this;
        }

        public Builder maxJsonDepth(int maxJsonDepth) {
            this.maxJsonDepth = maxJsonDepth;
            return this;
        }

        public Builder maxContextBytes(int maxContextBytes) {
            this.maxContextBytes = maxContextBytes;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder importTimeout(Duration importTimeout) {
            this.importTimeout = importTimeout;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = headerTimeout;
            return this;
        }

        public Builder bodyTimeout(Duration bodyTimeout) {
            this.bodyTimeout = bodyTimeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder maxInFlightBytes(long maxInFlightBytes) {
            this.maxInFlightBytes = maxInFlightBytes;
            return this;
        }

        public Builder maxWatches(int maxWatches) {
            this.maxWatches = maxWatches;
            return this;
        }

        public Builder watchBufferBytes(long watchBufferBytes) {
            this.watchBufferBytes = watchBufferBytes;
            return this;
        }

        public Builder heapWatermark(double heapWatermark) {
            this.heapWatermark = heapWatermark;
            return this;
        }

        public Builder maxContextualRelationships(int maxContextualRelationships) {
            this.maxContextualRelationships = maxContextualRelationships;
            return this;
        }

        public Builder watchStallTimeout(Duration watchStallTimeout) {
            this.watchStallTimeout = watchStallTimeout;
            return this;
        }

        /** The limits set so far; an out-of-range one is an {@link IllegalArgumentException} naming it. */
        public Limits build() {
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
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }

    private static void positive(long v, String name) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1");
    }
}

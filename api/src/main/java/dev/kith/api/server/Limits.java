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
        Duration importTimeout) {
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
                importTimeout);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }

    private static void positive(long v, String name) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1");
    }
}

package dev.kith.api.server;

/**
 * How the audit log is rotated and sampled (see {@code AuditLog} and the "Audit" section of the api README).
 *
 * @param maxBytes the size a log file may reach before it is renamed {@code FILE.1} (older ones shift to {@code
 *     FILE.2} …) and a new one begun; a line is never split, so a file ends at most one line past it (default 100
 *     MiB). Not used for standard output.
 * @param keep how many rotated files are kept besides the current one; the oldest is deleted (default 5)
 * @param sampleRate the share, 0 to 1, of successful checks, bulk checks, expands, lookups and reads that are
 *     written (default 1: all); the choice is made from the request id, so it is the same for the same id. Writes,
 *     deletes, imports, schema writes, watches and every failure are always written.
 */
public record AuditOptions(long maxBytes, int keep, double sampleRate) {
    /** 100 MiB per file. */
    public static final long DEFAULT_MAX_BYTES = 100L << 20;
    /** Five rotated files. */
    public static final int DEFAULT_KEEP = 5;

    public AuditOptions {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("--audit-log-max-bytes must be at least 1, not " + maxBytes);
        }
        if (keep < 1) throw new IllegalArgumentException("--audit-log-keep must be at least 1, not " + keep);
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("--audit-sample-rate must be between 0 and 1, not " + sampleRate);
        }
    }

    public static AuditOptions defaults() {
        return new AuditOptions(DEFAULT_MAX_BYTES, DEFAULT_KEEP, 1.0);
    }
}

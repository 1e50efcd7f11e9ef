package dev.kith.bench.http;

/**
 * The outcome of a load run. Latencies are in milliseconds and corrected for coordinated omission (see
 * {@link LoadGenerator}); {@code p99UncorrectedMs} is the raw figure for comparison.
 *
 * @param requests requests completed in the measured run (errors included)
 * @param seconds the measured run's length
 * @param requestsPerSecond {@code requests / seconds}
 * @param p50Ms median latency
 * @param p90Ms 90th percentile latency
 * @param p99Ms 99th percentile latency
 * @param p999Ms 99.9th percentile latency
 * @param maxMs the largest latency
 * @param p99UncorrectedMs 99th percentile of the raw latencies
 * @param errors requests that failed (transport failure, a non-2xx status where no error was expected, or an
 *     answer without a known permissionship)
 * @param mismatches answers that differ from the query's expectation
 * @param baseline the same load against the no-op endpoint, or {@code null} when not asked for
 */
public record LoadReport(
        long requests,
        double seconds,
        double requestsPerSecond,
        double p50Ms,
        double p90Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        double p99UncorrectedMs,
        long errors,
        long mismatches,
        LoadReport baseline) {

    /** Check throughput over no-op throughput, or NaN without a baseline. */
    public double ratio() {
        return baseline == null || baseline.requestsPerSecond == 0
                ? Double.NaN
                : requestsPerSecond / baseline.requestsPerSecond;
    }
}

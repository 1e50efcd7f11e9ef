package dev.kith.bench.http;

import org.HdrHistogram.Histogram;

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

    /**
     * The figures of one closed-loop phase (HTTP or gRPC): the raw latency histogram (microseconds) is corrected
     * for coordinated omission with its mean as the expected interval between one loop's requests.
     *
     * @param histogram the raw latencies, in microseconds
     * @param requests requests completed (errors included)
     * @param seconds the measured time
     * @param errors requests that failed
     * @param mismatches answers that differ from their expectation
     */
    public static LoadReport of(Histogram histogram, long requests, double seconds, long errors, long mismatches) {
        Histogram corrected = histogram.getTotalCount() == 0
                ? histogram
                : histogram.copyCorrectedForCoordinatedOmission(Math.max(1, Math.round(histogram.getMean())));
        return new LoadReport(
                requests,
                round(seconds),
                round(requests / seconds),
                millis(corrected.getValueAtPercentile(50)),
                millis(corrected.getValueAtPercentile(90)),
                millis(corrected.getValueAtPercentile(99)),
                millis(corrected.getValueAtPercentile(99.9)),
                millis(corrected.getMaxValue()),
                millis(histogram.getValueAtPercentile(99)),
                errors,
                mismatches,
                null);
    }

    /** The same report with {@code baseline} beside it. */
    public LoadReport withBaseline(LoadReport baseline) {
        return new LoadReport(
                requests,
                seconds,
                requestsPerSecond,
                p50Ms,
                p90Ms,
                p99Ms,
                p999Ms,
                maxMs,
                p99UncorrectedMs,
                errors,
                mismatches,
                baseline);
    }

    static double millis(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** Check throughput over no-op throughput, or NaN without a baseline. */
    public double ratio() {
        return baseline == null || baseline.requestsPerSecond == 0
                ? Double.NaN
                : requestsPerSecond / baseline.requestsPerSecond;
    }
}

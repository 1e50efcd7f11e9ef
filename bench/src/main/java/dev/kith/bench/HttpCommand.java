package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.http.LoadGenerator;
import dev.kith.bench.http.LoadOptions;
import dev.kith.bench.http.LoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code http}: replays a queries file against a local server's check endpoint and reports throughput. */
@Command(name = "http", description = "Load a local kith server's POST /v1/permissions/check with a queries file")
final class HttpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerTarget server;

    @Option(names = "--queries", required = true, description = "queries file (queries.txt format)")
    private Path queries;

    @Option(names = "--connections", defaultValue = "16", description = "concurrent connections (default 16)")
    private int connections;

    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds (default 10)")
    private double seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "unmeasured warm-up seconds (default 2)")
    private double warmup;

    @Option(names = "--baseline", description = "also load GET /v1/bench/noop and report the ratio")
    private boolean baseline;

    @Override
    public Integer call() throws IOException {
        LoadOptions options;
        try {
            options = new LoadOptions(
                    server.uri(),
                    server.key(),
                    CommandInputs.queries(queries),
                    connections,
                    Duration.ofMillis(Math.round(seconds * 1000)),
                    Duration.ofMillis(Math.round(warmup * 1000)),
                    baseline);
        } catch (IllegalArgumentException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
        LoadReport report;
        try {
            report = LoadGenerator.run(options);
        } catch (IllegalArgumentException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
        Map<String, Object> json = figures(report, connections);
        baseline(json, report);
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }

    /** A load report's figures as the commands print them, up to {@code connections}, in this order. */
    static Map<String, Object> figures(LoadReport report, int connections) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requests", report.requests());
        json.put("seconds", report.seconds());
        json.put("requests_per_second", report.requestsPerSecond());
        json.put("p50_ms", report.p50Ms());
        json.put("p90_ms", report.p90Ms());
        json.put("p99_ms", report.p99Ms());
        json.put("p999_ms", report.p999Ms());
        json.put("max_ms", report.maxMs());
        json.put("p99_uncorrected_ms", report.p99UncorrectedMs());
        json.put("errors", report.errors());
        json.put("mismatches", report.mismatches());
        json.put("connections", connections);
        return json;
    }

    /** Adds the baseline's figures and the ratio to {@code json}, when the report has a baseline. */
    static void baseline(Map<String, Object> json, LoadReport report) {
        if (report.baseline() == null) return;
        json.put("baseline_requests_per_second", report.baseline().requestsPerSecond());
        json.put("baseline_p99_ms", report.baseline().p99Ms());
        json.put("baseline_errors", report.baseline().errors());
        double ratio = report.ratio();
        json.put("ratio", Double.isNaN(ratio) ? null : Math.round(ratio * 1000) / 1000.0);
    }
}

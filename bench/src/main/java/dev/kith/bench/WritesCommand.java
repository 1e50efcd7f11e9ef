package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.http.WriteLoad;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code writes}: sustained relationship writes in batches against a local server, and their throughput. */
@Command(
        name = "writes",
        description = "Load a local kith server's POST /v1/relationships/write with batches of fresh TOUCH updates")
final class WritesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerTarget server;

    @Option(names = "--batch", defaultValue = "100", description = "updates per request (default 100)")
    private int batch;

    @Option(names = "--connections", defaultValue = "16", description = "concurrent connections (default 16)")
    private int connections;

    @Option(
            names = "--first-repo",
            defaultValue = "100000000",
            description = "first repository number written (default 100000000, past any generated dataset's)")
    private long firstRepo;

    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds (default 10)")
    private double seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "unmeasured warm-up seconds (default 2)")
    private double warmup;

    @Override
    public Integer call() throws IOException {
        WriteLoad.Report report;
        try {
            report = WriteLoad.run(new WriteLoad.Options(
                    server.uri(),
                    server.key(),
                    connections,
                    batch,
                    firstRepo,
                    Duration.ofMillis(Math.round(seconds * 1000)),
                    Duration.ofMillis(Math.round(warmup * 1000))));
        } catch (IllegalArgumentException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requests", report.requests());
        json.put("relationships", report.relationships());
        json.put("seconds", report.seconds());
        json.put("batch", batch);
        json.put("connections", connections);
        json.put("next_repo", report.nextRepo());
        json.put("max_ms", report.maxMs());
        json.put("requests_per_second", report.requestsPerSecond());
        json.put("p50_ms", report.p50Ms());
        json.put("p99_ms", report.p99Ms());
        json.put("errors", report.errors());
        json.put("relationships_per_second", report.relationshipsPerSecond());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }
}

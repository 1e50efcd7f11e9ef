package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.grpc.GrpcLoad;
import dev.kith.bench.http.LoadOptions;
import dev.kith.bench.http.LoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code grpc}: the {@code http} command's load over gRPC, {@code PermissionsService/CheckPermission}. */
@Command(
        name = "grpc",
        description = "Load a local kith server's gRPC authzed.api.v1.PermissionsService/CheckPermission with a"
                + " queries file")
class GrpcCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerTarget server;

    @Option(names = "--queries", required = true, description = "queries file (queries.txt format)")
    private Path queries;

    @Option(
            names = "--connections",
            defaultValue = "16",
            description = "concurrent calls, each with one call in flight (default 16)")
    private int connections;

    @Option(
            names = "--channels",
            defaultValue = "1",
            description = "HTTP/2 connections the calls are spread over (default 1, as SpiceDB's clients)")
    private int channels;

    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds (default 10)")
    private double seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "unmeasured warm-up seconds (default 2)")
    private double warmup;

    @Option(names = "--baseline", description = "also load grpc.health.v1.Health/Check and report the ratio")
    private boolean baseline;

    /** Runs the load: raw grpc-java calls here, the typed client in {@link ClientCommand}. */
    LoadReport load(LoadOptions options, int channels) throws IOException {
        return GrpcLoad.run(options, channels);
    }

    /** What made the calls, as the report names it. */
    String driver() {
        return "grpc";
    }

    @Override
    public Integer call() throws IOException {
        LoadReport report;
        try {
            LoadOptions options = new LoadOptions(
                    server.uri(),
                    server.key(),
                    CommandInputs.queries(queries),
                    connections,
                    Duration.ofMillis(Math.round(seconds * 1000)),
                    Duration.ofMillis(Math.round(warmup * 1000)),
                    baseline);
            report = load(options, channels);
        } catch (IllegalArgumentException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
        Map<String, Object> json = HttpCommand.figures(report, connections);
        json.put("channels", channels);
        json.put("driver", driver());
        HttpCommand.baseline(json, report);
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }
}

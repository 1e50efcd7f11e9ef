package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.gen.Dataset;
import dev.kith.bench.gen.Datasets;
import dev.kith.bench.gen.GenerationSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate}: writes one dataset's four files and reports the counts. */
@Command(name = "generate", description = "Write a dataset: schema.zed, relationships.txt, queries.txt, lookups.txt")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--dataset",
            required = true,
            description = "github, drive, deep, caveats, groups, drive-deep, wide or docs")
    private String dataset;

    @Option(names = "--out", required = true, description = "directory to write the files into")
    private Path out;

    @Option(names = "--scale", defaultValue = "1.0", description = "multiplies every population (default 1.0)")
    private double scale;

    @Option(names = "--seed", description = "random seed (default " + Datasets.DEFAULT_SEED + ")")
    private Long seed;

    @Override
    public Integer call() throws IOException {
        Dataset chosen;
        try {
            chosen = Dataset.named(dataset);
        } catch (IllegalArgumentException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
        if (!(scale > 0) || scale > 100) {
            throw new BenchMain.UsageException("--scale must be greater than 0 and at most 100, got " + scale);
        }
        long started = System.nanoTime();
        GenerationSummary summary =
                Datasets.generate(chosen, new DatasetFiles(out), scale, seed == null ? Datasets.DEFAULT_SEED : seed);
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("dataset", chosen.cliName());
        report.put("relationships", summary.relationships());
        report.put("queries", summary.queries());
        report.put("lookups", summary.lookups());
        report.put("seconds", Math.round(seconds * 1000) / 1000.0);
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(report));
        return 0;
    }
}

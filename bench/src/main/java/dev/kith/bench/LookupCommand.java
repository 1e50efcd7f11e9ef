package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.inprocess.LoadedDataset;
import dev.kith.bench.inprocess.LookupPass;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lookup}: loads a dataset into an in-process engine and runs every lookup-resources line of a lookups
 * file, all pages, checking the expected counts. Warm-up passes over the whole set come first (the JIT compiles
 * the lookup paths during them); the figures are those of the last, measured pass. Exit status 1 when any count
 * differs.
 */
@Command(name = "lookup", description = "Load a dataset in process and time its lookup-resources lines (no HTTP)")
final class LookupCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DatasetFiles dataset;

    @Option(names = "--lookups", required = true, description = "lookups file (lookups.txt)")
    private Path lookups;

    @Option(names = "--warmup-passes", defaultValue = "3", description = "unmeasured passes first (default 3)")
    private int warmupPasses;

    @Option(names = "--page-size", defaultValue = "0", description = "results per page; 0: all in one (default)")
    private int pageSize;

    @Override
    public Integer call() throws IOException {
        if (warmupPasses < 0) {
            throw new BenchMain.UsageException("--warmup-passes must not be negative, got " + warmupPasses);
        }
        if (pageSize < 0) throw new BenchMain.UsageException("--page-size must not be negative, got " + pageSize);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedDataset loaded = dataset.load()) {
            List<Lookup> all = CommandInputs.lookups(lookups);
            out.printf(
                    "loaded %d relationships in %.3f s; %d lookups%n",
                    loaded.relationships(), loaded.loadSeconds(), all.size());
            for (int pass = 1; pass <= warmupPasses; pass++) {
                LookupPass warm = LookupPass.run(loaded.engine(), all, pageSize);
                out.printf(
                        "warm-up pass %d of %d (JIT): avg %.3f ms, %d mismatches%n",
                        pass, warmupPasses, warm.averageMillis(), warm.mismatches());
            }
            LookupPass measured = LookupPass.run(loaded.engine(), all, pageSize);
            out.printf("measured pass after %d warm-up pass(es)%n", warmupPasses);
            measured.examples().forEach(line -> err.println("mismatch: " + line));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("relationships", loaded.relationships());
            json.put("lookups", measured.lookups());
            json.put("mismatches", measured.mismatches());
            json.put("warmup_passes", warmupPasses);
            json.put("avg_ms", CommandInputs.round(measured.averageMillis(), 4));
            json.put("p50_ms", CommandInputs.round(measured.medianMillis(), 4));
            json.put("max_ms", CommandInputs.round(measured.maxMillis(), 4));
            json.put("avg_results", CommandInputs.round(measured.averageResults(), 1));
            out.println(new ObjectMapper().writeValueAsString(json));
            return measured.mismatches() == 0 ? 0 : 1;
        }
    }
}

package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.handwritten.HandEvaluator;
import dev.kith.bench.inprocess.LoadedDataset;
import dev.kith.bench.inprocess.LookupPass;
import dev.kith.bench.inprocess.WriteEffects;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lookup}: loads a dataset into an in-process engine and runs every lookup-resources line of a lookups
 * file, all pages, checking the expected counts. Warm-up passes over the whole set come first (the JIT compiles
 * the lookup paths during them); the figures are those of the last, measured pass. The dataset's hand-written
 * evaluator (when the schema is a generated dataset's) runs the same passes. Then what a write costs: the first
 * lookup after a one-relationship write against the same lookup repeated, and one-relationship writes per second
 * ({@link WriteEffects}). Exit status 1 when any count differs, kith's or the hand-written evaluator's.
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

    @Option(
            names = "--after-write",
            defaultValue = "20",
            description = "rounds of: write one relationship, time the first lookup, then the same again (default 20)")
    private int afterWrite;

    @Option(
            names = "--write-seconds",
            defaultValue = "2",
            description = "seconds of one-relationship writes, timed last (default 2; 0 skips)")
    private double writeSeconds;

    @Override
    public Integer call() throws IOException {
        if (warmupPasses < 0) {
            throw new BenchMain.UsageException("--warmup-passes must not be negative, got " + warmupPasses);
        }
        if (pageSize < 0) throw new BenchMain.UsageException("--page-size must not be negative, got " + pageSize);
        if (afterWrite < 0) throw new BenchMain.UsageException("--after-write must not be negative, got " + afterWrite);
        if (!(writeSeconds >= 0)) {
            throw new BenchMain.UsageException("--write-seconds must not be negative, got " + writeSeconds);
        }
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
            Optional<HandEvaluator> hand = dataset.handwritten();
            LookupPass handMeasured = null;
            if (hand.isPresent()) {
                try {
                    for (int pass = 1; pass <= warmupPasses; pass++) {
                        LookupPass.runHandwritten(hand.get(), all);
                    }
                    handMeasured = LookupPass.runHandwritten(hand.get(), all);
                } catch (IllegalArgumentException e) {
                    throw new BenchMain.UsageException(e.getMessage());
                }
                out.printf(
                        "hand-written %s evaluator: avg %.3f ms, %d mismatches%n",
                        hand.get().name(), handMeasured.averageMillis(), handMeasured.mismatches());
                handMeasured.examples().forEach(line -> err.println("hand-written mismatch: " + line));
            }
            WriteEffects writes;
            try {
                writes = WriteEffects.measure(
                        loaded.engine(), dataset.firstRelationship(), all, afterWrite, writeSeconds);
            } catch (IllegalArgumentException e) {
                throw new BenchMain.UsageException(e.getMessage());
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("relationships", loaded.relationships());
            json.put("lookups", measured.lookups());
            json.put("mismatches", measured.mismatches());
            json.put("warmup_passes", warmupPasses);
            json.put("avg_ms", CommandInputs.round(measured.averageMillis(), 4));
            json.put("p50_ms", CommandInputs.round(measured.medianMillis(), 4));
            json.put("max_ms", CommandInputs.round(measured.maxMillis(), 4));
            json.put("avg_results", CommandInputs.round(measured.averageResults(), 1));
            if (handMeasured != null) {
                json.put("handwritten", hand.get().name());
                json.put("handwritten_mismatches", handMeasured.mismatches());
                json.put("handwritten_avg_ms", CommandInputs.round(handMeasured.averageMillis(), 4));
                json.put("handwritten_p50_ms", CommandInputs.round(handMeasured.medianMillis(), 4));
                json.put("handwritten_max_ms", CommandInputs.round(handMeasured.maxMillis(), 4));
                json.put("ratio", CommandInputs.round(handMeasured.averageMillis() / measured.averageMillis(), 4));
            }
            json.put("after_write_lookups", writes.samples());
            json.put("first_lookup_after_write_ms", CommandInputs.round(writes.firstLookupNanos() / 1e6, 4));
            json.put("steady_lookup_ms", CommandInputs.round(writes.steadyLookupNanos() / 1e6, 4));
            json.put("first_lookup_after_write_failures", writes.firstFailures());
            json.put("steady_lookup_failures", writes.steadyFailures());
            json.put("writes", writes.writes());
            json.put("writes_per_second", Math.round(writes.writesPerSecond()));
            out.println(new ObjectMapper().writeValueAsString(json));
            boolean handRight = handMeasured == null || handMeasured.mismatches() == 0;
            return measured.mismatches() == 0 && handRight ? 0 : 1;
        }
    }
}

package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.Query;
import dev.kith.bench.handwritten.HandEvaluator;
import dev.kith.bench.inprocess.CheckThroughput;
import dev.kith.bench.inprocess.EngineRequests;
import dev.kith.bench.inprocess.HeapMeter;
import dev.kith.bench.inprocess.LoadedDataset;
import dev.kith.bench.inprocess.Verification;
import dev.kith.engine.Requests;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.ref.Reference;
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
 * {@code check}: loads a dataset into an in-process engine, verifies every query with an expectation, then
 * measures checks per second and their latency; then the same for the dataset's hand-written evaluator (when the
 * schema is a generated dataset's), on the same queries and threads, and the ratio of the two. Exit status 1
 * when any query got the wrong answer from either.
 */
@Command(name = "check", description = "Load a dataset in process, verify its queries, then time checks (no HTTP)")
final class CheckCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DatasetFiles dataset;

    @Option(names = "--queries", required = true, description = "queries file (queries.txt)")
    private Path queries;

    @Option(names = "--threads", defaultValue = "1", description = "checking threads (default 1)")
    private int threads;

    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds (default 10)")
    private double seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "unmeasured warm-up seconds (default 3)")
    private double warmup;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (threads < 1) throw new BenchMain.UsageException("--threads must be at least 1, got " + threads);
        if (!(seconds > 0)) throw new BenchMain.UsageException("--seconds must be greater than 0, got " + seconds);
        if (!(warmup >= 0)) throw new BenchMain.UsageException("--warmup must not be negative, got " + warmup);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long heapBefore = HeapMeter.usedAfterGc();
        try (LoadedDataset loaded = dataset.load()) {
            long heapLoaded = HeapMeter.usedAfterGc();
            out.printf(
                    "loaded %d relationships in %.3f s; heap %d -> %d bytes%n",
                    loaded.relationships(), loaded.loadSeconds(), heapBefore, heapLoaded);
            long handStarted = System.nanoTime();
            Optional<HandEvaluator> hand = dataset.handwritten();
            double handLoadSeconds = (System.nanoTime() - handStarted) / 1e9;
            long heapHand = hand.isPresent() ? HeapMeter.usedAfterGc() : heapLoaded;
            if (hand.isPresent()) {
                out.printf(
                        "hand-written %s evaluator built in %.3f s; heap %d -> %d bytes%n",
                        hand.get().name(), handLoadSeconds, heapLoaded, heapHand);
            } else {
                out.println("no hand-written evaluator for this schema");
            }
            List<Query> all = CommandInputs.queries(queries);
            Verification verification = Verification.run(loaded.engine(), all);
            out.printf(
                    "verified %d of %d queries: %d mismatches%n",
                    verification.verified(), all.size(), verification.mismatches());
            verification.examples().forEach(line -> err.println("mismatch: " + line));
            Verification handVerification = null;
            List<HandEvaluator.Prepared> prepared = List.of();
            if (hand.isPresent()) {
                try {
                    handVerification = Verification.runHandwritten(hand.get(), all);
                    prepared = all.stream().map(hand.get()::prepare).toList();
                } catch (IllegalArgumentException e) {
                    throw new BenchMain.UsageException(e.getMessage());
                }
                out.printf(
                        "hand-written: verified %d of %d queries: %d mismatches%n",
                        handVerification.verified(), all.size(), handVerification.mismatches());
                handVerification.examples().forEach(line -> err.println("hand-written mismatch: " + line));
            }
            List<Requests.Check> checks =
                    all.stream().map(EngineRequests::check).toList();
            out.printf("measuring %s s on %d thread(s) after %s s of warm-up%n", seconds, threads, warmup);
            CheckThroughput measured;
            CheckThroughput handMeasured = null;
            try {
                measured = CheckThroughput.measure(loaded.engine(), checks, threads, seconds, warmup);
                if (hand.isPresent()) {
                    out.printf("measuring the hand-written evaluator the same way%n");
                    handMeasured = CheckThroughput.measureHandwritten(prepared, threads, seconds, warmup);
                }
            } catch (IllegalArgumentException e) {
                throw new BenchMain.UsageException(e.getMessage());
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("relationships", loaded.relationships());
            json.put("load_seconds", CommandInputs.round(loaded.loadSeconds(), 3));
            json.put("heap_bytes_per_relationship", heapPerRelationship(heapBefore, heapLoaded, loaded));
            json.put("verified", verification.verified());
            json.put("mismatches", verification.mismatches());
            json.put("threads", threads);
            json.put("checks", measured.checks());
            json.put("seconds", CommandInputs.round(measured.seconds(), 3));
            json.put("checks_per_second", Math.round(measured.checksPerSecond()));
            json.put("p50_us", CommandInputs.round(measured.percentileMicros(50), 2));
            json.put("p90_us", CommandInputs.round(measured.percentileMicros(90), 2));
            json.put("p99_us", CommandInputs.round(measured.percentileMicros(99), 2));
            json.put("p999_us", CommandInputs.round(measured.percentileMicros(99.9), 2));
            json.put("max_us", CommandInputs.round(measured.latencyNanos().getMaxValue() / 1000.0, 2));
            if (handMeasured != null) {
                json.put("handwritten", hand.get().name());
                json.put("handwritten_load_seconds", CommandInputs.round(handLoadSeconds, 3));
                json.put("handwritten_heap_bytes_per_relationship", heapPerRelationship(heapLoaded, heapHand, loaded));
                json.put("handwritten_mismatches", handVerification.mismatches());
                json.put("handwritten_checks", handMeasured.checks());
                json.put("handwritten_checks_per_second", Math.round(handMeasured.checksPerSecond()));
                json.put("handwritten_p50_us", CommandInputs.round(handMeasured.percentileMicros(50), 2));
                json.put("handwritten_p99_us", CommandInputs.round(handMeasured.percentileMicros(99), 2));
                json.put("ratio", CommandInputs.round(measured.checksPerSecond() / handMeasured.checksPerSecond(), 4));
            }
            out.println(new ObjectMapper().writeValueAsString(json));
            Reference.reachabilityFence(loaded);
            Reference.reachabilityFence(hand);
            boolean handRight = handVerification == null || handVerification.mismatches() == 0;
            return verification.mismatches() == 0 && handRight ? 0 : 1;
        }
    }

    private static Double heapPerRelationship(long before, long after, LoadedDataset loaded) {
        if (loaded.relationships() == 0) return null;
        return CommandInputs.round((double) (after - before) / loaded.relationships(), 1);
    }
}

package dev.kith.bench.inprocess;

import dev.kith.bench.data.Lookup;
import dev.kith.bench.handwritten.HandEvaluator;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One pass over a lookups file: each line's lookup-resources call, every page followed to the end, timed as a
 * whole (all pages), its result count compared with the line's expected count when it states one.
 *
 * @param lookups how many lookups ran
 * @param mismatches how many returned another count than expected, or failed
 * @param nanos each lookup's time, in file order
 * @param results each lookup's result count, in file order (-1 for a failed one)
 * @param examples the first few mismatches, one line each
 */
public record LookupPass(long lookups, long mismatches, long[] nanos, long[] results, List<String> examples) {
    private static final int MAX_EXAMPLES = 10;

    public LookupPass {
        examples = List.copyOf(examples);
    }

    /** Runs every lookup once, in order, with pages of {@code pageSize} (0: the engine returns all in one). */
    public static LookupPass run(Engine engine, List<Lookup> lookups, int pageSize) {
        return run(lookups, lookup -> countAll(engine, EngineRequests.lookup(lookup, pageSize)));
    }

    /** Runs every lookup once, in order, on a hand-written evaluator. */
    public static LookupPass runHandwritten(HandEvaluator evaluator, List<Lookup> lookups) {
        return run(lookups, evaluator::lookupCount);
    }

    private static LookupPass run(List<Lookup> lookups, ToLongFunction<Lookup> counter) {
        int n = lookups.size();
        long[] nanos = new long[n];
        long[] results = new long[n];
        long mismatches = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Lookup lookup = lookups.get(i);
            long start = System.nanoTime();
            String failure = null;
            long count;
            try {
                count = counter.applyAsLong(lookup);
            } catch (KithException e) {
                count = -1;
                failure = e.getMessage();
            }
            nanos[i] = System.nanoTime() - start;
            results[i] = count;
            boolean wrong = failure != null
                    || (lookup.expectedCount().isPresent()
                            && lookup.expectedCount().getAsLong() != count);
            if (wrong) {
                mismatches++;
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add(lookup.toLine() + " -> " + (failure != null ? "failure (" + failure + ")" : count));
                }
            }
        }
        return new LookupPass(n, mismatches, nanos, results, examples);
    }

    /** Every page of a lookup, counted. */
    static long countAll(Engine engine, Requests.LookupResources first) {
        long count = 0;
        Requests.LookupResources request = first;
        while (true) {
            Results.Page<Results.LookupResource> page = engine.lookupResources(request);
            count += page.items().size();
            if (page.nextCursor() == null || page.items().isEmpty()) return count;
            request = EngineRequests.next(first, page.nextCursor());
        }
    }

    /** The mean time of a lookup in milliseconds. */
    public double averageMillis() {
        return Arrays.stream(nanos).average().orElse(0) / 1e6;
    }

    /** The median time of a lookup in milliseconds. */
    public double medianMillis() {
        if (nanos.length == 0) return 0;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
        return median / 1e6;
    }

    /** The slowest lookup in milliseconds. */
    public double maxMillis() {
        return Arrays.stream(nanos).max().orElse(0) / 1e6;
    }

    /** The mean number of results over the lookups that answered. */
    public double averageResults() {
        return Arrays.stream(results).filter(r -> r >= 0).average().orElse(0);
    }
}

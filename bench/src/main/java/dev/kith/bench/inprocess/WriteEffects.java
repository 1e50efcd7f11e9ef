package dev.kith.bench.inprocess;

import dev.kith.bench.data.Lookup;
import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Revision;
import java.util.List;
import java.util.Map;

/**
 * What a write costs the reads after it, and how many single-relationship writes the store takes per second.
 *
 * <p>Each of {@code samples} rounds writes one new relationship (a copy of a template relationship on a new
 * resource id, {@code kith_bench_w<n>}, so that it is valid under the dataset's schema), then times the first
 * lookup-resources call that must see it ({@link Consistency.AtLeastAsFresh} the write's revision, as a client
 * reading its own write does), then the same call again at once (the steady state of that revision). The lookups
 * are those of the lookups file in order, cycling. Then, for {@code writeSeconds}, one-relationship
 * {@code TOUCH} batches of further new relationships, one after the other on this thread. A lookup that fails
 * (the engine's error, such as depth exceeded) is timed like an answer and counted.
 *
 * @param samples the write-then-lookup rounds
 * @param firstLookupNanos the mean time of the first lookup after a write
 * @param steadyLookupNanos the mean time of the same lookup repeated at the same revision
 * @param firstFailures how many first lookups after a write failed
 * @param steadyFailures how many repeated lookups failed
 * @param writes the single-relationship batches written in the timed interval
 * @param writeSeconds the timed interval
 */
public record WriteEffects(
        int samples,
        double firstLookupNanos,
        double steadyLookupNanos,
        int firstFailures,
        int steadyFailures,
        long writes,
        double writeSeconds) {
    /** The resource ids of written relationships start with this. */
    public static final String ID_PREFIX = "kith_bench_w";

    /** Single-relationship write batches per second. */
    public double writesPerSecond() {
        return writes / writeSeconds;
    }

    /** Runs the rounds, then the timed writes; {@code template} gives the type, relation and subject written. */
    public static WriteEffects measure(
            Engine engine, Relationship template, List<Lookup> lookups, int samples, double writeSeconds) {
        if (lookups.isEmpty() && samples > 0) throw new IllegalArgumentException("there are no lookups to time");
        long next = 0;
        long firstTotal = 0;
        long steadyTotal = 0;
        int firstFailures = 0;
        int steadyFailures = 0;
        for (int i = 0; i < samples; i++) {
            Revision revision = write(engine, template, next++);
            Requests.LookupResources plain = EngineRequests.lookup(lookups.get(i % lookups.size()), 0);
            Requests.LookupResources fresh = new Requests.LookupResources(
                    plain.resourceType(),
                    plain.permission(),
                    plain.subject(),
                    Map.of(),
                    new Consistency.AtLeastAsFresh(revision),
                    null,
                    0);
            long start = System.nanoTime();
            firstFailures += failed(engine, fresh);
            long first = System.nanoTime();
            steadyFailures += failed(engine, fresh);
            long steady = System.nanoTime();
            firstTotal += first - start;
            steadyTotal += steady - first;
        }
        long writes = 0;
        long start = System.nanoTime();
        long deadline = start + Math.round(writeSeconds * 1e9);
        long now = start;
        while (now < deadline) {
            write(engine, template, next++);
            writes++;
            now = System.nanoTime();
        }
        double seconds = (now - start) / 1e9;
        return new WriteEffects(
                samples,
                samples == 0 ? 0 : (double) firstTotal / samples,
                samples == 0 ? 0 : (double) steadyTotal / samples,
                firstFailures,
                steadyFailures,
                writes,
                seconds);
    }

    /** Runs the lookup to its last page: 0 when it answers, 1 when the engine fails it. */
    private static int failed(Engine engine, Requests.LookupResources lookup) {
        try {
            LookupPass.countAll(engine, lookup);
            return 0;
        } catch (KithException e) {
            return 1;
        }
    }

    private static Revision write(Engine engine, Relationship template, long n) {
        Relationship fresh = new Relationship(
                new ObjectRef(template.resource().type(), ID_PREFIX + n),
                template.relation(),
                template.subject(),
                template.caveat(),
                template.expiresAt());
        return engine.write(new Requests.Write(List.of(RelationshipUpdate.touch(fresh)), List.of()));
    }
}

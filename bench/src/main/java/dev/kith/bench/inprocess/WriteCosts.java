package dev.kith.bench.inprocess;

import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * What writes cost an in-memory engine that holds a dataset: sustained single-relationship writes, the latency of
 * writes that move the largest nested group, the heap the revision log keeps per write, and whether checks on
 * another thread slow down while writes run. Every written relationship is a copy of a template relationship on a
 * new resource id ({@link WriteEffects#ID_PREFIX}), so it is valid under the dataset's schema.
 */
public final class WriteCosts {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(30);

    private WriteCosts() {}

    /** Latencies of a series of writes: count, and p50/p99/max in microseconds. */
    public record Latencies(long count, double seconds, double p50Micros, double p99Micros, double maxMicros) {
        static Latencies of(Histogram h, double seconds) {
            return new Latencies(
                    h.getTotalCount(),
                    seconds,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0);
        }

        /** Writes per second over the series. */
        public double perSecond() {
            return count / seconds;
        }
    }

    /**
     * One-relationship {@code TOUCH} batches of new relationships, one after another on this thread, for
     * {@code seconds}; {@code next} numbers the written ids and is advanced.
     */
    public static Latencies sustainedWrites(Engine engine, Relationship template, long[] next, double seconds) {
        Histogram h = new Histogram(HIGHEST_NANOS, 3);
        long start = System.nanoTime();
        long deadline = start + Math.round(seconds * 1e9);
        long now = start;
        while (now < deadline) {
            long before = now;
            write(engine, RelationshipUpdate.touch(copy(template, next[0]++)));
            now = System.nanoTime();
            h.recordValue(Math.min(now - before, HIGHEST_NANOS));
        }
        return Latencies.of(h, (now - start) / 1e9);
    }

    /**
     * A move of a nested group: which link is moved, how many objects the moved object reaches below it over the
     * relation (its subtree), and how many objects reach the old and the new parent (whose closures change).
     */
    public record Move(
            String relation,
            String moved,
            String from,
            String to,
            int movedDescendants,
            int fromAncestors,
            int toAncestors,
            Latencies latencies) {}

    /**
     * Moves the object of the dataset's most populous self-recursive subject-set relation (a link
     * {@code T:p#r@T:c#r}) that has the most objects below it, back and forth between its parent and the object
     * with the most ancestors that is not below it: each move one write batch (delete the old link, touch the new
     * one), {@code moves} of them, timed. Null when the relationships hold no such link.
     */
    public static Move moves(Engine engine, List<Relationship> relationships, int moves) {
        Map<String, Map<String, List<String>>> children = new HashMap<>();
        Map<String, Map<String, List<String>>> parents = new HashMap<>();
        Map<String, Relationship> sample = new HashMap<>();
        for (Relationship r : relationships) {
            if (r.caveat() != null || r.expiresAt() != null) continue;
            if (!r.resource().type().equals(r.subject().type())
                    || !r.relation().equals(r.subject().relation())) {
                continue;
            }
            String key = r.resource().type() + "#" + r.relation();
            children.computeIfAbsent(key, k -> new HashMap<>())
                    .computeIfAbsent(r.resource().id(), k -> new ArrayList<>())
                    .add(r.subject().id());
            parents.computeIfAbsent(key, k -> new HashMap<>())
                    .computeIfAbsent(r.subject().id(), k -> new ArrayList<>())
                    .add(r.resource().id());
            sample.putIfAbsent(key, r);
        }
        String relation = null;
        for (String key : parents.keySet()) {
            if (relation == null
                    || parents.get(key).size() > parents.get(relation).size()) relation = key;
        }
        if (relation == null) return null;
        Map<String, List<String>> down = children.get(relation);
        Map<String, List<String>> up = parents.get(relation);
        String moved = null;
        int movedSize = -1;
        for (String candidate : up.keySet()) {
            int size = reach(down, candidate).size() - 1;
            if (size > movedSize) {
                moved = candidate;
                movedSize = size;
            }
        }
        Set<String> below = reach(down, moved);
        String from = up.get(moved).get(0);
        String to = null;
        int toAncestors = -1;
        for (String candidate : down.keySet()) {
            if (below.contains(candidate) || up.get(moved).contains(candidate)) continue;
            int ancestors = reach(up, candidate).size() - 1;
            if (ancestors > toAncestors) {
                to = candidate;
                toAncestors = ancestors;
            }
        }
        if (to == null) return null;
        Relationship template = sample.get(relation);
        Relationship fromLink = link(template, from, moved);
        Relationship toLink = link(template, to, moved);
        Histogram h = new Histogram(HIGHEST_NANOS, 3);
        long start = System.nanoTime();
        for (int i = 0; i < moves; i++) {
            boolean away = i % 2 == 0;
            Relationship gone = away ? fromLink : toLink;
            Relationship added = away ? toLink : fromLink;
            long before = System.nanoTime();
            engine.write(new Requests.Write(
                    List.of(RelationshipUpdate.delete(gone), RelationshipUpdate.touch(added)), List.of()));
            h.recordValue(Math.min(System.nanoTime() - before, HIGHEST_NANOS));
        }
        if (moves % 2 == 1) {
            engine.write(new Requests.Write(
                    List.of(RelationshipUpdate.delete(toLink), RelationshipUpdate.touch(fromLink)), List.of()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Move(
                relation,
                moved,
                from,
                to,
                movedSize,
                reach(up, from).size() - 1,
                toAncestors,
                Latencies.of(h, seconds));
    }

    /** The heap the engine keeps per write: while the written relationships live, and after they were deleted. */
    public record LogCost(int writes, double bytesPerLiveRelationship, double bytesPerWriteAfterDelete) {}

    /**
     * Writes {@code writes} new relationships in single-relationship batches, then deletes them the same way; the
     * used heap after full collections before, between and after gives the bytes per written relationship that
     * stays, and what the revision log keeps per write once the relationships are deleted (the versions a read
     * in the GC window may still need).
     */
    public static LogCost revisionLog(Engine engine, Relationship template, long[] next, int writes) {
        long first = next[0];
        long before = HeapMeter.usedAfterGc();
        for (int i = 0; i < writes; i++) write(engine, RelationshipUpdate.touch(copy(template, next[0]++)));
        long written = HeapMeter.usedAfterGc();
        for (int i = 0; i < writes; i++) write(engine, RelationshipUpdate.delete(copy(template, first + i)));
        long deleted = HeapMeter.usedAfterGc();
        return new LogCost(writes, (double) (written - before) / writes, (double) (deleted - before) / (2.0 * writes));
    }

    /** Checks on this thread for {@code seconds}, alone or while another thread writes without pause. */
    public record ChecksBesideWrites(CheckLatency alone, CheckLatency besideWrites, long writesMeanwhile) {}

    /** Check latency on one thread: checks/s, p50/p99/max in microseconds. */
    public record CheckLatency(double perSecond, double p50Micros, double p99Micros, double maxMicros) {
        static CheckLatency of(CheckThroughput t) {
            return new CheckLatency(
                    t.checksPerSecond(),
                    t.percentileMicros(50),
                    t.percentileMicros(99),
                    t.latencyNanos().getMaxValue() / 1000.0);
        }
    }

    /**
     * One thread of checks for {@code seconds} alone, then the same with a second thread writing single
     * relationships all the time: a check that waited for a write would show in the second p99 and maximum.
     */
    public static ChecksBesideWrites checksBesideWrites(
            Engine engine, List<Requests.Check> checks, Relationship template, long[] next, double seconds)
            throws InterruptedException {
        CheckLatency alone = CheckLatency.of(CheckThroughput.measure(engine, checks, 1, seconds, 0));
        AtomicBoolean stop = new AtomicBoolean();
        long[] written = new long[1];
        RuntimeException[] failure = new RuntimeException[1];
        Thread writer = Thread.ofPlatform().name("writer").start(() -> {
            try {
                while (!stop.get()) {
                    write(engine, RelationshipUpdate.touch(copy(template, next[0]++)));
                    written[0]++;
                }
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        });
        CheckThroughput beside;
        try {
            beside = CheckThroughput.measure(engine, checks, 1, seconds, 0);
        } finally {
            stop.set(true);
            writer.join();
        }
        if (failure[0] != null) throw failure[0];
        return new ChecksBesideWrites(alone, CheckLatency.of(beside), written[0]);
    }

    private static Set<String> reach(Map<String, List<String>> edges, String from) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        seen.add(from);
        todo.add(from);
        while (!todo.isEmpty()) {
            for (String next : edges.getOrDefault(todo.poll(), List.of())) {
                if (seen.add(next)) todo.add(next);
            }
        }
        return seen;
    }

    private static Relationship link(Relationship template, String parent, String child) {
        return new Relationship(
                new ObjectRef(template.resource().type(), parent),
                template.relation(),
                new dev.kith.engine.SubjectRef(
                        template.subject().type(), child, template.subject().relation()),
                null,
                null);
    }

    private static Relationship copy(Relationship template, long n) {
        return new Relationship(
                new ObjectRef(template.resource().type(), WriteEffects.ID_PREFIX + n),
                template.relation(),
                template.subject(),
                template.caveat(),
                template.expiresAt());
    }

    private static void write(Engine engine, RelationshipUpdate update) {
        try {
            engine.write(new Requests.Write(List.of(update), List.of()));
        } catch (KithException e) {
            throw new IllegalStateException(
                    "the engine refused a benchmark write " + update + ": " + e.getMessage(), e);
        }
    }
}

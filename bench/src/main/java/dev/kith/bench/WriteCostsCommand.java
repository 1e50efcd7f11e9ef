package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.inprocess.EngineRequests;
import dev.kith.bench.inprocess.HeapMeter;
import dev.kith.bench.inprocess.LoadedDataset;
import dev.kith.bench.inprocess.WriteCosts;
import dev.kith.engine.EngineStats;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
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
 * {@code write-costs}: loads a dataset into an in-process engine and measures what writes cost, with the closure
 * index maintained (or off with {@code --no-closure}): checks on one thread alone and beside a thread that writes
 * all the time; sustained single-relationship writes; moves of the nested group with the most objects below it;
 * and the heap kept per written relationship, and per write by the revision log once the relationships are
 * deleted again.
 */
@Command(
        name = "write-costs",
        description = "Load a dataset in process and time writes: sustained, group moves, checks beside writes, "
                + "the revision log's heap (no HTTP)")
final class WriteCostsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DatasetFiles dataset;

    @Option(names = "--queries", description = "queries file (queries.txt): checks alone and beside writes")
    private Path queries;

    @Option(names = "--seconds", defaultValue = "5", description = "seconds of each timed series (default 5)")
    private double seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "unmeasured seconds of checks and writes (default 3)")
    private double warmup;

    @Option(names = "--moves", defaultValue = "200", description = "group moves to time (default 200; 0 skips)")
    private int moves;

    @Option(
            names = "--log-writes",
            defaultValue = "100000",
            description = "relationships written then deleted to weigh the revision log (default 100000; 0 skips)")
    private int logWrites;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!(seconds > 0)) throw new BenchMain.UsageException("--seconds must be greater than 0, got " + seconds);
        if (!(warmup >= 0)) throw new BenchMain.UsageException("--warmup must not be negative, got " + warmup);
        if (moves < 0) throw new BenchMain.UsageException("--moves must not be negative, got " + moves);
        if (logWrites < 0) throw new BenchMain.UsageException("--log-writes must not be negative, got " + logWrites);
        PrintWriter out = spec.commandLine().getOut();
        Relationship template = dataset.firstRelationship();
        List<Relationship> links = moves > 0 ? dataset.selfRecursiveLinks() : List.of();
        List<Requests.Check> checks = queries == null
                ? List.of()
                : CommandInputs.queries(queries).stream()
                        .map(EngineRequests::check)
                        .toList();
        Map<String, Object> json = new LinkedHashMap<>();
        long heapBefore = HeapMeter.usedAfterGc();
        try (LoadedDataset loaded = dataset.load()) {
            long heapLoaded = HeapMeter.usedAfterGc();
            out.printf("loaded %d relationships in %.3f s%n", loaded.relationships(), loaded.loadSeconds());
            json.put("relationships", loaded.relationships());
            json.put("load_seconds", CommandInputs.round(loaded.loadSeconds(), 3));
            json.put(
                    "heap_bytes_per_relationship",
                    CommandInputs.round((double) (heapLoaded - heapBefore) / loaded.relationships(), 1));
            EngineStats stats = loaded.engine().stats();
            json.put("closure_bytes", stats.closureBytes());
            long[] next = {0};
            if (warmup > 0) {
                WriteCosts.sustainedWrites(loaded.engine(), template, next, warmup);
                if (!checks.isEmpty()) WriteCosts.checksBesideWrites(loaded.engine(), checks, template, next, warmup);
            }
            if (!checks.isEmpty()) {
                WriteCosts.ChecksBesideWrites c =
                        WriteCosts.checksBesideWrites(loaded.engine(), checks, template, next, seconds);
                out.printf(
                        "checks alone: %.0f/s p99 %.2f us max %.1f us; beside writes (%d written): %.0f/s p99 %.2f us"
                                + " max %.1f us%n",
                        c.alone().perSecond(),
                        c.alone().p99Micros(),
                        c.alone().maxMicros(),
                        c.writesMeanwhile(),
                        c.besideWrites().perSecond(),
                        c.besideWrites().p99Micros(),
                        c.besideWrites().maxMicros());
                json.put("checks_alone_per_second", Math.round(c.alone().perSecond()));
                json.put("checks_alone_p99_us", CommandInputs.round(c.alone().p99Micros(), 2));
                json.put("checks_alone_max_us", CommandInputs.round(c.alone().maxMicros(), 1));
                json.put(
                        "checks_beside_writes_per_second",
                        Math.round(c.besideWrites().perSecond()));
                json.put(
                        "checks_beside_writes_p99_us",
                        CommandInputs.round(c.besideWrites().p99Micros(), 2));
                json.put(
                        "checks_beside_writes_max_us",
                        CommandInputs.round(c.besideWrites().maxMicros(), 1));
                json.put("writes_beside_checks", c.writesMeanwhile());
            }
            WriteCosts.Latencies w = WriteCosts.sustainedWrites(loaded.engine(), template, next, seconds);
            out.printf(
                    "single-relationship writes: %.0f/s p50 %.1f us p99 %.1f us max %.1f us%n",
                    w.perSecond(), w.p50Micros(), w.p99Micros(), w.maxMicros());
            json.put("writes_per_second", Math.round(w.perSecond()));
            json.put("write_p50_us", CommandInputs.round(w.p50Micros(), 1));
            json.put("write_p99_us", CommandInputs.round(w.p99Micros(), 1));
            json.put("write_max_us", CommandInputs.round(w.maxMicros(), 1));
            if (moves > 0) {
                WriteCosts.Move m = WriteCosts.moves(loaded.engine(), links, moves);
                if (m == null) {
                    out.println("group moves: the dataset has no nested links of a relation to itself");
                } else {
                    out.printf(
                            "moves of %s:%s (%d below it) between %s (%d above) and %s (%d above): p50 %.1f us"
                                    + " p99 %.1f us max %.1f us%n",
                            m.relation(),
                            m.moved(),
                            m.movedDescendants(),
                            m.from(),
                            m.fromAncestors(),
                            m.to(),
                            m.toAncestors(),
                            m.latencies().p50Micros(),
                            m.latencies().p99Micros(),
                            m.latencies().maxMicros());
                    json.put("move_relation", m.relation());
                    json.put("move_object", m.moved());
                    json.put("move_objects_below", m.movedDescendants());
                    json.put("move_from_ancestors", m.fromAncestors());
                    json.put("move_to_ancestors", m.toAncestors());
                    json.put("moves", m.latencies().count());
                    json.put("move_p50_us", CommandInputs.round(m.latencies().p50Micros(), 1));
                    json.put("move_p99_us", CommandInputs.round(m.latencies().p99Micros(), 1));
                    json.put("move_max_us", CommandInputs.round(m.latencies().maxMicros(), 1));
                }
            }
            if (logWrites > 0) {
                WriteCosts.LogCost log = WriteCosts.revisionLog(loaded.engine(), template, next, logWrites);
                out.printf(
                        "revision log: %d relationships written then deleted: %.1f bytes per live relationship,"
                                + " %.1f bytes per write kept after the deletes%n",
                        log.writes(), log.bytesPerLiveRelationship(), log.bytesPerWriteAfterDelete());
                json.put("log_writes", log.writes());
                json.put("bytes_per_written_relationship", CommandInputs.round(log.bytesPerLiveRelationship(), 1));
                json.put("log_bytes_per_write_after_delete", CommandInputs.round(log.bytesPerWriteAfterDelete(), 1));
            }
            json.put("closure_bytes_after", loaded.engine().stats().closureBytes());
            out.println(new ObjectMapper().writeValueAsString(json));
            return 0;
        }
    }
}

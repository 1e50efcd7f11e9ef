package dev.kith.bench.jmh;

import dev.kith.bench.data.Lookup;
import dev.kith.bench.gen.Dataset;
import dev.kith.bench.inprocess.EngineRequests;
import dev.kith.engine.Requests;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * lookup-resources ({@code repo#can_read@user:N}, all results in one page) by fan-out: of the {@code github}
 * dataset's {@code can_read} lookups at {@code scale} (default seed), the one with the fewest results ({@code
 * smallest}), the median one ({@code median}) and the one with the most ({@code largest}); setup fails unless the
 * engine returns the count the generator computed. The figure is per whole lookup.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -jar bench/target/kith-bench.jar jmh
 * LookupBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LookupBenchmark {
    @Param({"smallest", "median", "largest"})
    public String fanout;

    @Param({"1.0"})
    public double scale;

    private BenchmarkData data;
    private Requests.LookupResources lookup;

    @Setup(Level.Trial)
    public void setUp() {
        data = BenchmarkData.load(Dataset.GITHUB, scale);
        List<Lookup> readable = data.lookups().stream()
                .filter(l ->
                        l.permission().equals("can_read") && l.expectedCount().isPresent())
                .sorted(Comparator.comparingLong(l -> l.expectedCount().getAsLong()))
                .toList();
        if (readable.isEmpty()) throw new IllegalStateException("the dataset has no can_read lookups");
        Lookup chosen = switch (fanout) {
            case "smallest" -> readable.getFirst();
            case "median" -> readable.get(readable.size() / 2);
            case "largest" -> readable.getLast();
            default -> throw new IllegalArgumentException("fanout must be smallest, median or largest");
        };
        lookup = EngineRequests.lookup(chosen, 0);
        int found = count();
        if (found != chosen.expectedCount().getAsLong()) {
            throw new IllegalStateException(chosen.toLine() + ": the engine found " + found);
        }
        System.out.println("lookup " + chosen.toLine());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.close();
    }

    @Benchmark
    public int count() {
        return data.engine().lookupResources(lookup).items().size();
    }
}

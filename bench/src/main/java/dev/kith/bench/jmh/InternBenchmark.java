package dev.kith.bench.jmh;

import dev.kith.bench.gen.Dataset;
import dev.kith.engine.Relationship;
import dev.kith.engine.index.Index;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Interning at the edge of the engine, where every request's strings become ints: the id of an existing
 * repository ({@code findObjectHit}, among 100,000 at scale 1), of an id never stored ({@code findObjectMiss}),
 * and the six lookups of a whole stored relationship ({@code toOp}: resource type, relation, pair, object,
 * subject type and subject). The ids are fresh {@code String} copies made at setup, so their hash codes are
 * computed on first use and then cached, as a long-lived request string's would be; a request parsed from JSON
 * pays for the hash once more. Data: the {@code github} dataset at {@code scale} (default seed).
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -jar bench/target/kith-bench.jar jmh
 * InternBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InternBenchmark {
    private static final int PROBES = 4096;

    @Param({"1.0"})
    public double scale;

    private BenchmarkData data;
    private Index index;
    private int repoType;
    private String[] hits;
    private String[] misses;
    private Relationship[] relationships;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        data = BenchmarkData.load(Dataset.GITHUB, scale);
        index = data.index();
        repoType = index.findType("repo");
        SplittableRandom random = new SplittableRandom(20_261_126L);
        int repos = index.objectCount(repoType) - 1;
        hits = new String[PROBES];
        misses = new String[PROBES];
        for (int i = 0; i < PROBES; i++) {
            hits[i] = new String(index.objectName(repoType, 1 + random.nextInt(repos)));
            misses[i] = "absent" + random.nextInt(1_000_000);
        }
        List<Relationship> sample = new ArrayList<>(PROBES);
        List<String> lines = data.relationships();
        for (int i = 0; i < PROBES; i++) {
            sample.add(Relationship.parse(lines.get(random.nextInt(lines.size()))));
        }
        relationships = sample.toArray(new Relationship[0]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.close();
    }

    private int advance() {
        int i = next;
        next = (i + 1) & (PROBES - 1);
        return i;
    }

    @Benchmark
    public int findObjectHit() {
        return index.findObject(repoType, hits[advance()]);
    }

    @Benchmark
    public int findObjectMiss() {
        return index.findObject(repoType, misses[advance()]);
    }

    /** All six names of a stored relationship; each is already interned, so nothing is added. */
    @Benchmark
    public Index.Op toOp() {
        return index.toOp(relationships[advance()], false);
    }
}

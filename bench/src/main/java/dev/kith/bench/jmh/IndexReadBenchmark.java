package dev.kith.bench.jmh;

import dev.kith.bench.gen.Dataset;
import dev.kith.engine.Relationship;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.ReverseVersion;
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
import org.roaringbitmap.RoaringBitmap;

/**
 * The index reads a check and a lookup are made of, on interned ints (no strings): the forward postings of
 * {@code repo#reader} on one repository and a binary search for a user in them ({@code forwardFind}); the reverse
 * bitmap of the repositories naming a user as reader and a {@code contains} ({@code reverseContains}); and the
 * union of a user's reader, writer and admin bitmaps with its cardinality ({@code reverseUnionCardinality}, the
 * core of lookup-resources). Probes are 4,096 (repository, user) pairs of the {@code github} dataset at {@code
 * scale} (default seed): half a stored direct grant, half a random user, cycled in order.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -jar bench/target/kith-bench.jar jmh
 * IndexReadBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IndexReadBenchmark {
    private static final int PROBES = 4096;

    @Param({"1.0"})
    public double scale;

    private BenchmarkData data;
    private Index index;
    private long revision;
    private int reader;
    private int writer;
    private int admin;
    private int userPair;
    private int[] repos;
    private int[] users;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        data = BenchmarkData.load(Dataset.GITHUB, scale);
        index = data.index();
        revision = index.appliedRevision();
        int repo = index.findType("repo");
        reader = index.findPair(repo, index.findRelation("reader"));
        writer = index.findPair(repo, index.findRelation("writer"));
        admin = index.findPair(repo, index.findRelation("admin"));
        int user = index.findType("user");
        userPair = index.findPair(user, Index.NO_RELATION);
        List<int[]> grants = new ArrayList<>();
        for (String line : data.relationships()) {
            if (grants.size() == PROBES / 2) break;
            if (line.startsWith("repo:") && line.contains("#reader@user:")) {
                Relationship r = Relationship.parse(line);
                grants.add(new int[] {
                    index.findObject(repo, r.resource().id()),
                    index.findObject(user, r.subject().id())
                });
            }
        }
        SplittableRandom random = new SplittableRandom(20_261_126L);
        int userCount = index.objectCount(user);
        repos = new int[PROBES];
        users = new int[PROBES];
        for (int i = 0; i < PROBES; i++) {
            int[] g = grants.get(random.nextInt(grants.size()));
            repos[i] = g[0];
            // ids start at 1: 0 is the wildcard
            users[i] = i % 2 == 0 ? g[1] : 1 + random.nextInt(userCount - 1);
        }
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
    public boolean forwardFind() {
        int i = advance();
        Postings p = index.forward(reader, repos[i], revision);
        return p != null && p.find(Index.key(userPair, users[i])) >= 0;
    }

    @Benchmark
    public boolean reverseContains() {
        int i = advance();
        ReverseVersion v = index.reverse(reader, userPair, users[i], revision);
        return v != null && v.objects().contains(repos[i]);
    }

    @Benchmark
    public int reverseUnionCardinality() {
        int u = users[advance()];
        RoaringBitmap all = new RoaringBitmap();
        for (int pair : new int[] {reader, writer, admin}) {
            ReverseVersion v = index.reverse(pair, userPair, u, revision);
            if (v != null) all.or(v.objects());
        }
        return all.getCardinality();
    }
}

package dev.kith.bench.jmh;

import dev.kith.bench.data.Query;
import dev.kith.bench.gen.Dataset;
import dev.kith.engine.Consistency;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * One check through the engine's public entry point ({@code Engine.check}: names interned at the edge, the
 * rewrite walked on the bitmap index), by the shape of the permission's rewrite.
 *
 * <p>Data: the {@code github} dataset at {@code scale} (default seed), whose schema gets five extra permissions
 * on {@code repo}: {@code shape_direct = reader}, {@code shape_union = reader + writer + admin}, {@code
 * shape_arrow = org->member}, {@code shape_intersection = reader & org->member}, {@code shape_exclusion =
 * can_read - writer}. The checks are the (repo, user) pairs of the dataset's {@code can_read} queries (half of
 * them aimed at a subject the repository names, so about half are allowed), cycled in order. {@code caveated}
 * loads the {@code caveats} dataset instead and checks, on grants that carry a caveat, the granted relation with
 * the request context of the queries ({@code client_ip}, {@code now}), so every check evaluates a CEL caveat.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -jar bench/target/kith-bench.jar jmh
 * CheckShapeBenchmark -f 1 -wi 3 -i 5} (add {@code -p scale=0.1} for a quicker setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CheckShapeBenchmark {
    private static final int MAX_CHECKS = 4096;
    private static final Map<String, Object> CONTEXT = Map.of("client_ip", "10.3.7.200", "now", "2026-05-01T13:00:00Z");

    @Param({"direct", "union", "arrow", "intersection", "exclusion", "caveated"})
    public String shape;

    @Param({"1.0"})
    public double scale;

    private BenchmarkData data;
    private Requests.Check[] checks;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        if (shape.equals("caveated")) {
            data = BenchmarkData.load(Dataset.CAVEATS, scale);
            checks = caveatedChecks(data.relationships());
        } else {
            data = BenchmarkData.load(Dataset.GITHUB, scale, CheckShapeBenchmark::withShapes);
            checks = shapeChecks(data.queries(), "shape_" + shape);
        }
        // every check answers (an unknown permission or a bad context would fail here, not in the measurement)
        for (Requests.Check c : checks) data.engine().check(c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.close();
    }

    @Benchmark
    public Permissionship check() {
        Requests.Check c = checks[next];
        next = (next + 1) & (checks.length - 1);
        return data.engine().check(c).permissionship();
    }

    /** The github schema with one permission of each rewrite shape added to {@code repo}. */
    static String withShapes(String schema) {
        String repo = "definition repo {";
        if (!schema.contains(repo)) throw new IllegalStateException("the github schema has no " + repo);
        return schema.replace(
                repo,
                repo + "\n    permission shape_direct = reader"
                        + "\n    permission shape_union = reader + writer + admin"
                        + "\n    permission shape_arrow = org->member"
                        + "\n    permission shape_intersection = reader & org->member"
                        + "\n    permission shape_exclusion = can_read - writer");
    }

    private static Requests.Check[] shapeChecks(List<Query> queries, String permission) {
        List<Requests.Check> out = new ArrayList<>();
        for (Query q : queries) {
            if (out.size() == MAX_CHECKS) break;
            if (q.permission().equals("can_read") && q.subjectRelation().isEmpty()) {
                out.add(Requests.Check.of(
                        new ObjectRef(q.resourceType(), q.resourceId()),
                        permission,
                        SubjectRef.object(q.subjectType(), q.subjectId())));
            }
        }
        return powerOfTwo(out);
    }

    private static Requests.Check[] caveatedChecks(List<String> relationships) {
        List<Requests.Check> out = new ArrayList<>();
        for (String line : relationships) {
            if (out.size() == MAX_CHECKS) break;
            if (!line.contains("[")) continue;
            Relationship r = Relationship.parse(line);
            if (r.caveat() == null || r.subject().isSubjectSet()) continue;
            out.add(new Requests.Check(
                    r.resource(), r.relation(), r.subject(), CONTEXT, Consistency.MINIMIZE_LATENCY, false));
        }
        return powerOfTwo(out);
    }

    /** The largest power-of-two prefix, so the index wraps with a mask. */
    static Requests.Check[] powerOfTwo(List<Requests.Check> checks) {
        if (checks.isEmpty()) throw new IllegalStateException("the dataset gave no checks for this benchmark");
        int n = Integer.highestOneBit(checks.size());
        return checks.subList(0, n).toArray(new Requests.Check[0]);
    }
}

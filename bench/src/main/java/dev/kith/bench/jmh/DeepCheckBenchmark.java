package dev.kith.bench.jmh;

import dev.kith.bench.gen.Dataset;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
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
 * Checks down delegation chains of nested groups ({@code deep} dataset, scale 1): {@code farEnd} asks whether a
 * user of the chain's last group is a member of its first group ({@code group:cD_0#member@user:uD_(D-1)_0},
 * allowed after D subject-set hops); {@code nonMember} asks it for a user in no group, which walks the whole
 * chain to answer no; {@code resourceView} is {@code farEnd} through {@code resource:cD#view}. On the 60-level
 * chain every one of them runs out of the depth budget (50): the figure is the time to the depth error, which
 * must come back as quickly as a 45-level answer, never hang.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -jar bench/target/kith-bench.jar jmh
 * DeepCheckBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeepCheckBenchmark {
    @Param({"10", "25", "45", "60"})
    public int depth;

    private BenchmarkData data;
    private Requests.Check farEnd;
    private Requests.Check nonMember;
    private Requests.Check resourceView;

    @Setup(Level.Trial)
    public void setUp() {
        data = BenchmarkData.load(Dataset.DEEP, 1.0);
        SubjectRef last = SubjectRef.object("user", "u" + depth + "_" + (depth - 1) + "_0");
        ObjectRef head = new ObjectRef("group", "c" + depth + "_0");
        farEnd = Requests.Check.of(head, "member", last);
        nonMember = Requests.Check.of(head, "member", SubjectRef.object("user", "nobody"));
        resourceView = Requests.Check.of(new ObjectRef("resource", "c" + depth), "view", last);
        boolean exceeds = depth > 45;
        expect(farEnd, exceeds ? null : Permissionship.HAS_PERMISSION);
        expect(nonMember, exceeds ? null : Permissionship.NO_PERMISSION);
        expect(resourceView, exceeds ? null : Permissionship.HAS_PERMISSION);
    }

    /** Fails the trial unless {@code check} answers {@code expected} (null: a depth error). */
    private void expect(Requests.Check check, Permissionship expected) {
        Permissionship answer = answer(check);
        if (answer != expected) {
            throw new IllegalStateException(check + ": expected " + (expected == null ? "a depth error" : expected)
                    + ", got " + (answer == null ? "a depth error" : answer));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.close();
    }

    @Benchmark
    public Permissionship farEnd() {
        return answer(farEnd);
    }

    @Benchmark
    public Permissionship nonMember() {
        return answer(nonMember);
    }

    @Benchmark
    public Permissionship resourceView() {
        return answer(resourceView);
    }

    /** The answer, or null for a depth error. */
    private Permissionship answer(Requests.Check check) {
        try {
            return data.engine().check(check).permissionship();
        } catch (KithException.MaxDepthExceeded e) {
            return null;
        }
    }
}

package dev.kith.engine.caveat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.CaveatLimits;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Permissionship;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bounds of caveat evaluation: the cost limit, the context limits, the deadline, and error positions. */
class CaveatBoundsTest {
    /** The nested comprehension that once held a server for minutes: 6,500 x 6,500 comparisons. */
    private static final String QUADRATIC = "xs.exists(x, ys.exists(y, x == y))";

    private static CaveatEvaluator caveat(String schema, CaveatLimits limits) {
        try {
            return new CaveatEvaluator(Schemas.compile("test.zed", schema), limits);
        } catch (SchemaException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static CaveatEvaluator quadratic(CaveatLimits limits) {
        return caveat("definition user {}\ncaveat cav(xs list<int>, ys list<int>) {\n" + QUADRATIC + "\n}\n", limits);
    }

    /** Two lists that never share an element, so that every pair is compared. */
    private static Map<String, Object> attack() {
        return Map.of("xs", Collections.nCopies(6_500, 1L), "ys", Collections.nCopies(6_500, 2L));
    }

    @Test
    void theQuadraticAttackStopsAtTheCostLimitQuickly() {
        CaveatEvaluator e = quadratic(CaveatLimits.defaults());
        long start = System.nanoTime();
        assertThatThrownBy(() -> e.evaluate("cav", Map.of(), attack()))
                .isInstanceOfSatisfying(KithException.CaveatCostExceeded.class, x -> {
                    assertThat(x.caveat()).isEqualTo("cav");
                    assertThat(x.costLimit()).isEqualTo(CaveatLimits.DEFAULT_MAX_COST);
                })
                .hasMessageContaining("caveat cav")
                .hasMessageContaining("100000");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void smallListsStayWithinTheDefaultCostAndALowerLimitRefusesThem() {
        Map<String, Object> small = Map.of(
                "xs",
                List.of(1L, 2L, 3L),
                "ys",
                IntStream.range(10, 60).mapToObj(i -> (Object) (long) i).toList());
        assertThat(quadratic(CaveatLimits.defaults())
                        .evaluate("cav", Map.of(), small)
                        .result())
                .isEqualTo(Permissionship.NO_PERMISSION);
        CaveatEvaluator tight = quadratic(CaveatLimits.defaults().withMaxCost(100));
        assertThatThrownBy(() -> tight.evaluate("cav", Map.of(), small))
                .isInstanceOf(KithException.CaveatCostExceeded.class)
                .hasMessageContaining("cost limit of 100");
    }

    @Test
    void aTimedOutDeadlineStopsALongEvaluation() throws Exception {
        CaveatEvaluator e = quadratic(CaveatLimits.defaults().withMaxCost(Integer.MAX_VALUE));
        Deadline deadline = Deadline.after(Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThatThrownBy(() -> deadline.call(() -> e.evaluate("cav", Map.of(), attack())))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("caveat evaluation");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aCancelledRequestStopsItsEvaluation() {
        CaveatEvaluator e = quadratic(CaveatLimits.defaults().withMaxCost(Integer.MAX_VALUE));
        Deadline deadline = Deadline.untilCancelled();
        assertThat(deadline.cancel()).isTrue();
        assertThatThrownBy(() -> deadline.call(() -> e.evaluate("cav", Map.of(), attack())))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("cancelled");
    }

    @Test
    void contextListsStringsMapsAndNestingAreBounded() {
        CaveatLimits limits = new CaveatLimits(100_000, 10, 3, 8, 2);
        CaveatEvaluator e = caveat(
                "definition user {}\ncaveat cav(xs list<int>, s string, m map<any>) {\nsize(xs) > 0 || s == \"\" ||"
                        + " size(m) > 0\n}\n",
                limits);
        assertThat(e.evaluate("cav", Map.of(), Map.of("xs", List.of(1L), "s", "ok", "m", Map.of()))
                        .result())
                .isEqualTo(Permissionship.HAS_PERMISSION);
        assertThatThrownBy(() -> e.evaluate("cav", Map.of(), Map.of("xs", Collections.nCopies(11, 1L))))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("parameter 'xs'")
                .hasMessageContaining("list of 11 elements")
                .hasMessageContaining("at most 10");
        assertThatThrownBy(() -> e.evaluate("cav", Map.of(), Map.of("s", "nine byte")))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("parameter 's'")
                .hasMessageContaining("9 bytes")
                .hasMessageContaining("at most 8");
        assertThatThrownBy(() -> e.evaluate("cav", Map.of(), Map.of("m", Map.of("a", 1L, "b", 2L, "c", 3L, "d", 4L))))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("map of 4 entries")
                .hasMessageContaining("at most 3");
        assertThatThrownBy(() -> e.evaluate("cav", Map.of(), Map.of("m", Map.of("a", List.of(List.of(1L))))))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("parameter 'm[\"a\"][0]'")
                .hasMessageContaining("deeper than 2");
        // The same bounds hold for the context stored on a relationship, when it is written.
        assertThatThrownBy(() -> e.validateContext("cav", Map.of("xs", Collections.nCopies(11, 1L))))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("at most 10");
        assertThatThrownBy(() -> e.evaluate("cav", Map.of("s", "nine byte"), Map.of()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("at most 8");
    }

    @Test
    void runtimeErrorsGiveTheLineAndColumnInTheSchemaFile() {
        CaveatEvaluator e = caveat("""
                definition user {}

                caveat cav(x int) {
                  x > -100 &&
                    10 / x == 1
                }
                """, CaveatLimits.defaults());
        assertThatThrownBy(() -> e.evaluate("cav", Map.of(), Map.of("x", 0L)))
                .isInstanceOf(KithException.CaveatEvaluation.class)
                .hasMessageContaining("caveat cav")
                .hasMessageContaining("line 5, column 8")
                .hasMessageContaining("by zero");
    }
}

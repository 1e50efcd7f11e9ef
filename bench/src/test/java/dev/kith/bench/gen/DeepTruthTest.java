package dev.kith.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.bench.data.Expectation;
import org.junit.jupiter.api.Test;

/** Depth and cycles in the deep dataset, checked against counts done by hand. */
class DeepTruthTest {

    /** A chain {@code g0 ⊃ g1 ⊃ … ⊃ g(n-1)} with user {@code u<i>} in {@code g<i>}, viewed by resource {@code r}. */
    private static DeepWorld chain(int n) {
        DeepWorld world = new DeepWorld();
        for (int i = 0; i < n; i++) {
            world.addUser("g" + i, "u" + i);
            if (i + 1 < n) {
                world.nest("g" + i, "g" + (i + 1));
            }
        }
        world.setViewer("r", "g0");
        return world;
    }

    @Test
    void chainsWithinTheLimitAnswerAndDeeperOnesAreErrors() {
        DeepTruth truth = new DeepTruth(chain(60));
        assertThat(truth.checkUser("g0", "u0")).isEqualTo(Expectation.TRUE); // direct: 0 hops
        assertThat(truth.checkUser("g0", "u10")).isEqualTo(Expectation.TRUE); // 10 hops
        assertThat(truth.checkUser("g0", "u47")).isEqualTo(Expectation.TRUE); // 47 hops
        assertThat(truth.checkUser("g0", "u50")).isEqualTo(DeepTruth.AMBIGUOUS); // too near the limit to say
        assertThat(truth.checkUser("g0", "u59")).isEqualTo(Expectation.ERROR); // 59 hops
        // a non-member is only known after walking all 59 links
        assertThat(truth.checkUser("g0", "nobody")).isEqualTo(Expectation.ERROR);
        assertThat(truth.checkUser("g20", "nobody")).isEqualTo(Expectation.FALSE); // 39 links below g20
        assertThat(truth.checkUser("g30", "u0")).isEqualTo(Expectation.FALSE); // members above do not count
        // the resource adds two steps: view -> viewer -> g0
        assertThat(truth.checkResource("r", "u45")).isEqualTo(Expectation.TRUE);
        assertThat(truth.checkResource("r", "u48")).isEqualTo(DeepTruth.AMBIGUOUS);
        assertThat(truth.checkResource("r", "u51")).isEqualTo(Expectation.ERROR);
        // a subject set is found where it is stored: g44#member is stored in g43, 43 hops from g0
        assertThat(truth.checkGroupSet("g0", "g44")).isEqualTo(Expectation.TRUE);
        assertThat(truth.checkGroupSet("g0", "g0")).isEqualTo(Expectation.TRUE);
        assertThat(truth.checkGroupSet("g0", "g59")).isEqualTo(Expectation.ERROR);
        assertThat(truth.checkGroupSet("g30", "g1")).isEqualTo(Expectation.FALSE); // 29 links below g30, none holds g1
    }

    @Test
    void cyclesTerminateWithFalseForNonMembers() {
        DeepWorld world = new DeepWorld();
        world.nest("a", "b");
        world.nest("b", "c");
        world.nest("c", "a");
        world.addUser("c", "carol");
        world.setViewer("r", "a");
        DeepTruth truth = new DeepTruth(world);
        assertThat(truth.checkUser("a", "carol")).isEqualTo(Expectation.TRUE);
        assertThat(truth.checkUser("b", "carol")).isEqualTo(Expectation.TRUE);
        assertThat(truth.checkUser("a", "nobody")).isEqualTo(Expectation.FALSE);
        assertThat(truth.checkGroupSet("c", "c")).isEqualTo(Expectation.TRUE);
        assertThat(truth.checkGroupSet("b", "b")).isEqualTo(Expectation.TRUE);
        assertThat(truth.lookupGroups("carol")).isEqualTo(3);
        assertThat(truth.lookupResources("carol")).isEqualTo(1);
        assertThat(truth.lookupGroups("nobody")).isZero();
    }

    @Test
    void lookupsNearOrPastTheLimitAreLeftOut() {
        DeepTruth truth = new DeepTruth(chain(60));
        assertThat(truth.lookupGroups("u10")).isEqualTo(11); // g0..g10
        assertThat(truth.lookupGroups("u47")).isEqualTo(48);
        assertThat(truth.lookupGroups("u48")).isEqualTo(-1);
        assertThat(truth.lookupResources("u45")).isEqualTo(1);
        assertThat(truth.lookupResources("u46")).isEqualTo(-1);
    }
}

package dev.kith.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.EngineStats;
import dev.kith.engine.Relationship;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The closure index's versions and cost model: each revision reads its own closure, and a relation that outgrows
 * its budget is dropped from that revision on, older revisions still reading theirs until collected.
 */
class ClosuresTest {
    private static void apply(Index index, String... rels) {
        List<Index.Op> ops = new ArrayList<>();
        for (String r : rels) ops.add(index.toOp(Relationship.parse(r), false));
        index.apply(index.appliedRevision() + 1, ops);
    }

    private static void delete(Index index, String... rels) {
        List<Index.Op> ops = new ArrayList<>();
        for (String r : rels) ops.add(index.toOp(Relationship.parse(r), true));
        index.apply(index.appliedRevision() + 1, ops);
    }

    @Test
    void eachRevisionReadsItsOwnClosure() {
        Index index = new Index();
        index.maintainClosures();
        apply(index, "group:a#member@group:b#member", "group:b#member@group:c#member");
        long two = index.appliedRevision();
        apply(index, "group:c#member@group:a#member");
        long cycle = index.appliedRevision();
        delete(index, "group:b#member@group:c#member");
        long cut = index.appliedRevision();
        int type = index.findType("group");
        int pair = index.findPair(type, index.findRelation("member"));
        int a = index.findObject(type, "a");
        int c = index.findObject(type, "c");
        assertThat(index.closureEntry(pair, a, two).reach().toArray()).hasSize(3);
        assertThat(index.closureEntry(pair, a, two).height()).isEqualTo(2);
        assertThat(index.closureEntry(pair, c, two)).isNull();
        // a, b and c in one cycle: one component, counted at its size
        assertThat(index.closureEntry(pair, c, cycle).reach().getCardinality()).isEqualTo(3);
        assertThat(index.closureEntry(pair, c, cycle).height()).isEqualTo(3);
        assertThat(index.closureEntry(pair, a, cut).reach().getCardinality()).isEqualTo(2);
        assertThat(index.closureEntry(pair, c, cut).reach().getCardinality()).isEqualTo(3);
        assertThat(index.closureState(pair, cut).maxHeight()).isEqualTo(2);
    }

    @Test
    void aCaveatedLinkIsLeftOutAndItsSourceRecorded() {
        Index index = new Index();
        index.maintainClosures();
        apply(index, "group:a#member@group:b#member[on_flag]", "group:b#member@group:c#member");
        int type = index.findType("group");
        int pair = index.findPair(type, index.findRelation("member"));
        long rev = index.appliedRevision();
        assertThat(index.closureEntry(pair, index.findObject(type, "a"), rev)).isNull();
        assertThat(index.closureState(pair, rev).conditionalSources().toArray())
                .containsExactly(index.findObject(type, "a"));
        apply(index, "group:a#member@group:b#member");
        assertThat(index.closureState(pair, index.appliedRevision()).conditionalSources())
                .isNull();
        assertThat(index.closureEntry(pair, index.findObject(type, "a"), index.appliedRevision())
                        .reach()
                        .getCardinality())
                .isEqualTo(3);
    }

    @Test
    void aRelationOverItsBudgetIsDroppedFromThatRevisionOn() {
        Index index = new Index();
        index.maintainClosures(6, 1);
        apply(index, "group:g0#member@group:g1#member", "group:g1#member@group:g2#member");
        long small = index.appliedRevision();
        int type = index.findType("group");
        int pair = index.findPair(type, index.findRelation("member"));
        // 3 + 2 entries for 2 links: within 6 + 2
        assertThat(index.closureState(pair, small).kept()).isTrue();
        apply(index, "group:g2#member@group:g3#member", "group:g3#member@group:g4#member");
        long large = index.appliedRevision();
        // 5 + 4 + 3 + 2 = 14 entries for 4 links: over 6 + 4
        assertThat(index.closureState(pair, large).kept()).isFalse();
        assertThat(index.closureState(pair, small).kept()).isTrue();
        assertThat(index.closureEntry(pair, index.findObject(type, "g0"), small)
                        .reach()
                        .getCardinality())
                .isEqualTo(3);
        EngineStats.Closure stats = index.closureStats().getFirst();
        assertThat(stats.relation()).isEqualTo("group#member");
        assertThat(stats.kept()).isFalse();
        assertThat(stats.reason()).contains("dropped at revision " + large).contains("over the budget of 6 + 1");
        assertThat(index.closureBytes()).isZero();
        // once no readable revision needs them, the entries go
        index.collectGarbage(large);
        assertThat(index.closureEntry(pair, index.findObject(type, "g0"), large))
                .isNull();
    }
}

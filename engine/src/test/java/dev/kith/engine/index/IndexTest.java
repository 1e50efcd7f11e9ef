package dev.kith.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Relationship;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexTest {
    private static Index.Op put(Index index, String rel) {
        return index.toOp(Relationship.parse(rel), false);
    }

    private static Index.Op delete(Index index, String rel) {
        return index.toOp(Relationship.parse(rel), true);
    }

    private static int chainLength(Version v) {
        int n = 0;
        for (; v != null; v = v.previous) n++;
        return n;
    }

    @Test
    void eachBatchAddsOneVersionPerSlotAndGarbageCollectionCutsTheChain() {
        Index index = new Index();
        index.apply(1, List.of(put(index, "doc:a#viewer@user:ann"), put(index, "doc:a#viewer@user:bob")));
        index.apply(2, List.of(delete(index, "doc:a#viewer@user:ann")));
        index.apply(3, List.of(put(index, "doc:a#viewer@user:cid")));
        Index.Op probe = put(index, "doc:a#viewer@user:ann");
        Postings head = index.forward(probe.pair(), probe.object(), 3);
        assertThat(chainLength(head)).isEqualTo(3);
        assertThat(index.forward(probe.pair(), probe.object(), 1).subjects()).hasSize(2);
        assertThat(index.forward(probe.pair(), probe.object(), 2).subjects()).hasSize(1);

        index.collectGarbage(2);
        assertThat(index.oldestRevision()).isEqualTo(2);
        assertThat(chainLength(head)).isEqualTo(2);
        assertThat(index.forward(probe.pair(), probe.object(), 2).subjects()).hasSize(1);
        assertThat(index.forward(probe.pair(), probe.object(), 3).subjects()).hasSize(2);
    }

    @Test
    void aSlotEmptiedBeforeTheOldestRevisionIsDropped() {
        Index index = new Index();
        Index.Op ann = put(index, "doc:a#viewer@user:ann");
        index.apply(1, List.of(ann));
        index.apply(2, List.of(delete(index, "doc:a#viewer@user:ann")));
        index.collectGarbage(2);
        assertThat(index.forward(ann.pair(), ann.object(), 2)).isNull();
        int userPair = Index.keyPair(ann.subject());
        assertThat(index.reverse(ann.pair(), userPair, Index.keyId(ann.subject()), 2))
                .isNull();
    }

    @Test
    void conditionsAreKeptOnlyWhereThereAreSome() {
        Index index = new Index();
        Index.Op plain = put(index, "doc:a#viewer@user:ann");
        Index.Op caveated = put(index, "doc:b#viewer@user:ann[open]");
        index.apply(1, List.of(plain, caveated));
        assertThat(index.forward(plain.pair(), plain.object(), 1).conditions()).isNull();
        assertThat(index.forward(caveated.pair(), caveated.object(), 1).condition(0))
                .isNotNull();
        ReverseVersion rv =
                index.reverse(plain.pair(), Index.keyPair(plain.subject()), Index.keyId(plain.subject()), 1);
        assertThat(rv.objects().getCardinality()).isEqualTo(2);
        assertThat(rv.conditional().contains(caveated.object())).isTrue();
        assertThat(rv.conditional().contains(plain.object())).isFalse();
    }

    @Test
    void reverseOrderIsPairThenSubjectThenObject() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(300);
            Index.Op[] ops = new Index.Op[n];
            for (int i = 0; i < n; i++) {
                // distinct (pair, object, subject): the object carries i, so no relationship appears twice
                ops[i] = new Index.Op(
                        random.nextInt(3),
                        i * 7 + random.nextInt(7),
                        Index.key(random.nextInt(3), random.nextInt(5)),
                        null,
                        random.nextBoolean());
            }
            Arrays.sort(ops, Index.FORWARD_ORDER);
            Index.Op[] expected = ops.clone();
            Arrays.sort(
                    expected,
                    Comparator.comparingInt(Index.Op::pair)
                            .thenComparingLong(Index.Op::subject)
                            .thenComparingInt(Index.Op::object));
            int[] order = Index.reverseOrder(ops);
            Index.Op[] actual = new Index.Op[n];
            for (int i = 0; i < n; i++) actual[i] = ops[order[i]];
            assertThat(actual).containsExactly(expected);
        }
    }
}

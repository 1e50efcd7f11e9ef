package dev.kith.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.Schemas;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Check over the closure index on nested groups: a few index reads whatever the nesting, the walk's answers, and
 * the walk (with its depth error) where the closure cannot answer: too deep for the depth left, or a caveated link
 * reachable.
 */
class CheckEvaluatorClosureTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    static final String SCHEMA = """
            caveat on_flag(flag bool) {
                flag
            }
            definition user {}
            definition group {
                relation member: user | group#member | group#member with on_flag
            }
            definition document {
                relation viewer: user | group#member
                permission view = viewer
            }
            """;

    private final CheckEvaluator closed = new CheckEvaluator(Clock.fixed(NOW, ZoneOffset.UTC), true);
    private final CheckEvaluator walked = new CheckEvaluator(Clock.fixed(NOW, ZoneOffset.UTC), false);
    private Index index;
    private CompiledSchema schema;

    /** document:doc viewed by group:g0, which holds g1, ..., which holds g{levels-1}, which holds user:deep. */
    private void load(int levels, String... more) throws Exception {
        index = new Index();
        index.maintainClosures();
        schema = CompiledSchema.compile(Schemas.compile("test", SCHEMA), index);
        List<String> rels = new ArrayList<>(List.of(more));
        rels.add("document:doc#viewer@group:g0#member");
        for (int i = 1; i < levels; i++) rels.add("group:g" + (i - 1) + "#member@group:g" + i + "#member");
        rels.add("group:g" + (levels - 1) + "#member@user:deep");
        List<Index.Op> ops = new ArrayList<>();
        for (String r : rels) ops.add(index.toOp(Relationship.parse(r), false));
        index.apply(index.appliedRevision() + 1, ops);
    }

    /** The answer of document:doc#view for {@code user}, and the index reads it took. */
    private long[] check(CheckEvaluator evaluator, String user, int depthLimit) {
        int userType = index.findType("user");
        int document = index.findType("document");
        evaluator.reset(
                Snapshot.of(index, index.appliedRevision()),
                schema,
                new Hops(depthLimit),
                NOW,
                Map.of(),
                index.findPair(userType, Index.NO_RELATION),
                index.findObject(userType, user),
                true,
                false);
        long before = evaluator.indexReads;
        int answer = evaluator.check(
                index.findPair(document, index.findRelation("view")), index.findObject(document, "doc"));
        return new long[] {answer, evaluator.indexReads - before};
    }

    @Test
    void nestedGroupsAnswerInAFewReadsWhateverTheNesting() throws Exception {
        load(30, "group:g3#member@user:near");
        for (String user : new String[] {"deep", "near", "stranger"}) {
            long[] fromClosure = check(closed, user, 50);
            long[] fromWalk = check(walked, user, 50);
            assertThat(fromClosure[0]).as(user).isEqualTo(fromWalk[0]);
            assertThat(fromClosure[1]).as(user).isLessThanOrEqualTo(2);
            if (!user.equals("near")) assertThat(fromWalk[1]).as(user).isGreaterThanOrEqualTo(30);
        }
        assertThat(check(closed, "deep", 50)[0]).isEqualTo(Tri.HAS);
        assertThat(check(closed, "stranger", 50)[0]).isEqualTo(Tri.NO);
    }

    @Test
    void tooDeepForTheDepthLeftIsWalkedAndRunsOutAsTheWalkDoes() throws Exception {
        load(40);
        // document -> g0 is one hop, g0 .. g39 thirty-nine more: 40 answers, 39 is the depth error
        assertThat(check(closed, "deep", 40)[0]).isEqualTo(Tri.HAS);
        assertThat(check(closed, "stranger", 40)[0]).isEqualTo(Tri.NO);
        for (CheckEvaluator evaluator : new CheckEvaluator[] {closed, walked}) {
            assertThatThrownBy(() -> check(evaluator, "stranger", 39))
                    .isInstanceOf(KithException.MaxDepthExceeded.class);
        }
    }

    @Test
    void aCaveatedLinkReachableIsWalked() throws Exception {
        load(5, "group:g2#member@group:side#member[on_flag]", "group:side#member@user:side");
        long[] fromClosure = check(closed, "side", 50);
        assertThat(fromClosure[0]).isEqualTo(Tri.CONDITIONAL).isEqualTo(check(walked, "side", 50)[0]);
        assertThat(fromClosure[1]).isGreaterThan(2);
        // a subject reached without a caveat is still certain through the closure
        assertThat(check(closed, "deep", 50)[0]).isEqualTo(Tri.HAS);
    }
}

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
 * The per-check memo on deep folder trees: the same answers as the walk without it (a traced check keeps no
 * memo), and index reads that grow with the depth, not its square.
 */
class CheckEvaluatorMemoTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    static final String SCHEMA = """
            definition user {}
            definition folder {
                relation parent: folder
                relation owner: user
                relation viewer: user
                permission edit = owner + parent->edit
                permission view = viewer + edit + parent->view
            }
            definition document {
                relation parent: folder
                relation viewer: user
                relation banned: user
                permission view = (viewer + parent->view) - banned
            }
            """;

    private final CheckEvaluator evaluator = new CheckEvaluator(Clock.fixed(NOW, ZoneOffset.UTC));
    private Index index;
    private CompiledSchema schema;

    /** document:doc in folder:f{levels-1}, in ..., in folder:f0 owned by user:owner. */
    private void load(int levels) throws Exception {
        index = new Index();
        schema = CompiledSchema.compile(Schemas.compile("test", SCHEMA), index);
        List<String> rels = new ArrayList<>();
        rels.add("folder:f0#owner@user:owner");
        for (int i = 1; i < levels; i++) rels.add("folder:f" + i + "#parent@folder:f" + (i - 1));
        rels.add("document:doc#parent@folder:f" + (levels - 1));
        rels.add("document:doc#banned@user:banned");
        List<Index.Op> ops = new ArrayList<>();
        for (String r : rels) ops.add(index.toOp(Relationship.parse(r), false));
        index.apply(1, ops);
    }

    /** The answer of document:doc#view for {@code user}, and the index reads it took. */
    private long[] check(String user, int depthLimit, boolean traced) {
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
                traced);
        long before = evaluator.indexReads;
        int answer = evaluator.check(
                index.findPair(document, index.findRelation("view")), index.findObject(document, "doc"));
        return new long[] {answer, evaluator.indexReads - before};
    }

    @Test
    void aDeepFolderChainAnswersAsWithoutTheMemoInIndexReadsLinearInTheDepth() throws Exception {
        long[] reads = new long[3];
        long[] walked = new long[3];
        int[] levels = {10, 20, 40};
        for (int i = 0; i < levels.length; i++) {
            load(levels[i]);
            long[] stranger = check("stranger", 50, false);
            long[] strangerWalked = check("stranger", 50, true);
            assertThat(stranger[0]).isEqualTo(Tri.NO).isEqualTo(strangerWalked[0]);
            assertThat(check("owner", 50, false)[0]).isEqualTo(Tri.HAS).isEqualTo(check("owner", 50, true)[0]);
            assertThat(check("banned", 50, false)[0]).isEqualTo(Tri.NO).isEqualTo(check("banned", 50, true)[0]);
            reads[i] = stranger[1];
            walked[i] = strangerWalked[1];
        }
        // doubling the depth at most doubles the reads (plus a constant) with the memo, and quadruples them without
        assertThat(reads[2]).isLessThanOrEqualTo(2 * reads[1] + 8);
        assertThat(reads[1]).isLessThanOrEqualTo(2 * reads[0] + 8);
        // each folder costs its viewer, owner, parent->edit and parent->view reads, each once
        assertThat(reads[2]).isLessThanOrEqualTo(5L * levels[2]);
        assertThat(walked[2]).isGreaterThan(3 * walked[1]);
    }

    @Test
    void aRememberedAnswerIsNotReusedWhereItsHopsWouldRunOutOfDepth() throws Exception {
        load(40);
        // the chain spends 40 hops: a limit of 40 answers, 39 is the depth error, with or without the memo
        assertThat(check("stranger", 40, false)[0]).isEqualTo(Tri.NO);
        assertThat(check("owner", 40, false)[0]).isEqualTo(Tri.HAS);
        for (boolean traced : new boolean[] {false, true}) {
            assertThatThrownBy(() -> check("stranger", 39, traced)).isInstanceOf(KithException.MaxDepthExceeded.class);
        }
    }
}

package dev.kith.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Relationship;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.Schemas;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which objects lookup-resources leaves to check, on the index's snapshot directly. */
class LookupResourcesCandidatesTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
                relation excluded: group
                permission active = member - excluded->active
            }
            """;

    private final Index index = new Index();
    private CompiledSchema schema;

    private LookupResourcesEvaluator.Sets candidates(String type, String permission, String user, int depthLimit) {
        int t = index.findType(type);
        int pair = index.findPair(t, index.findRelation(permission));
        int userType = index.findType("user");
        Queries.Subject subject = new Queries.Subject(
                index.findPair(userType, Index.NO_RELATION), index.findObject(userType, user), true);
        Snapshot snapshot = Snapshot.of(index, index.appliedRevision());
        return new LookupResourcesEvaluator(
                        snapshot,
                        schema,
                        NOW,
                        new Hops(depthLimit),
                        new CheckEvaluator(Clock.fixed(NOW, ZoneOffset.UTC)),
                        new DepthBounds(snapshot, schema))
                .candidates(pair, subject);
    }

    private void load(List<String> relationships) throws Exception {
        schema = CompiledSchema.compile(Schemas.compile("test", SCHEMA), index);
        List<Index.Op> ops = new ArrayList<>();
        for (String r : relationships) ops.add(index.toOp(Relationship.parse(r), false));
        index.apply(1, ops);
    }

    private List<String> ids(org.roaringbitmap.RoaringBitmap objects) {
        int group = index.findType("group");
        List<String> out = new ArrayList<>();
        objects.forEach((int id) -> out.add(index.objectName(group, id)));
        return out;
    }

    @Test
    void recursionUnderAnExclusionLeavesToCheckOnlyWhatTheBaseSideReaches() throws Exception {
        List<String> rels = new ArrayList<>(
                List.of("group:g1#member@user:ann", "group:g2#member@user:ann", "group:g1#excluded@group:g2"));
        for (int i = 3; i <= 20; i++) rels.add("group:g" + i + "#member@user:bob");
        load(rels);
        LookupResourcesEvaluator.Sets ann = candidates("group", "active", "ann", 50);
        assertThat(ids(ann.d())).isEmpty();
        assertThat(ids(ann.m())).containsExactly("g1", "g2");
        assertThat(ids(candidates("group", "active", "bob", 50).m())).hasSize(18);
    }

    @Test
    void aChainAsLongAsTheDepthLimitKeepsTheAlgebraOneHopMoreLeavesEveryObjectToCheck() throws Exception {
        List<String> rels = new ArrayList<>();
        for (int i = 1; i < 5; i++) rels.add("group:g" + i + "#member@group:g" + (i + 1) + "#member");
        rels.add("group:g5#member@user:ann");
        load(rels);
        // group:g1#member reaches group:g5#member in 4 hops
        assertThat(ids(candidates("group", "member", "ann", 4).d())).containsExactly("g1", "g2", "g3", "g4", "g5");
        LookupResourcesEvaluator.Sets tooDeep = candidates("group", "member", "ann", 3);
        assertThat(ids(tooDeep.d())).isEmpty();
        assertThat(ids(tooDeep.m())).containsExactly("g1", "g2", "g3", "g4", "g5");
    }
}

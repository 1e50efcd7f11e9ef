package dev.kith.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Relationship;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Depth bounds of folder trees, from the data and from the closure of the parent links. */
class DepthBoundsTest {
    static final String SCHEMA = """
            use expiration
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition folder {
                relation parent: folder | folder with expiration
                relation owner: user
                relation viewer: user | group#member
                permission edit = owner + parent->edit
                permission view = viewer + edit + parent->view
            }
            definition doc {
                relation parent: folder
                permission view = parent->view
            }
            """;

    private long revision;

    private Index index(boolean closures, List<String> relationships) throws Exception {
        Index index = new Index();
        if (closures) index.maintainClosures();
        apply(index, relationships);
        return index;
    }

    private void apply(Index index, List<String> relationships) {
        List<Index.Op> ops = new ArrayList<>();
        for (String r : relationships) ops.add(index.toOp(Relationship.parse(r), false));
        index.apply(++revision, ops);
    }

    private static int bound(Index index, String type, String permission) throws Exception {
        CompiledSchema schema = CompiledSchema.compile(Schemas.compile("test", SCHEMA), index);
        Snapshot snapshot = Snapshot.of(index, index.appliedRevision());
        int t = index.findType(type);
        return new DepthBounds(snapshot, schema).bound(index.findPair(t, index.findRelation(permission)));
    }

    /** A chain of {@code n} parent links: folder f0 is the deepest, f{n} the root. */
    private static List<String> chain(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add("folder:f" + i + "#parent@folder:f" + (i + 1));
        out.add("folder:f" + n + "#viewer@group:g#member");
        out.add("folder:f" + n + "#owner@user:u");
        out.add("doc:d#parent@folder:f0");
        return out;
    }

    @Test
    void aFolderChainIsBoundedByItsLengthPlusOneExitNotTwoChains() throws Exception {
        // view walks up at most 30 links, switching to edit on the way does not start another 30
        for (boolean closures : new boolean[] {true, false}) {
            Index index = index(closures, chain(30));
            assertThat(bound(index, "folder", "view"))
                    .as("closures " + closures)
                    .isEqualTo(31);
            assertThat(bound(index, "folder", "edit"))
                    .as("closures " + closures)
                    .isEqualTo(30);
            assertThat(bound(index, "doc", "view")).as("closures " + closures).isEqualTo(32);
        }
    }

    @Test
    void theClosureBoundFollowsEveryWriteToTheTree() throws Exception {
        Index index = index(true, chain(10));
        assertThat(bound(index, "folder", "view")).isEqualTo(11);
        apply(index, List.of("folder:f10#parent@folder:f11", "folder:f11#parent@folder:f12"));
        assertThat(bound(index, "folder", "view")).isEqualTo(13);
        assertThat(index.closureStats()).anySatisfy(c -> {
            assertThat(c.relation()).isEqualTo("folder#parent");
            assertThat(c.kept()).isTrue();
            assertThat(c.links()).isEqualTo(12);
            assertThat(c.maxHeight()).isEqualTo(12);
        });
    }

    @Test
    void cyclesAndConditionalLinksAreBoundedFromTheDataAsWithoutTheClosure() throws Exception {
        List<String> cyclic = new ArrayList<>(chain(5));
        cyclic.add("folder:f5#parent@folder:f0");
        List<String> expiring = new ArrayList<>(chain(5));
        expiring.add("folder:f5#parent@folder:f6[expiration:2031-01-01T00:00:00Z]");
        for (List<String> rels : List.of(cyclic, expiring)) {
            assertThat(bound(index(true, rels), "folder", "view"))
                    .isEqualTo(bound(index(false, rels), "folder", "view"))
                    .isGreaterThanOrEqualTo(6);
        }
    }
}

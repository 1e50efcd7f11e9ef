package dev.kith.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.engine.index.Index;
import dev.kith.schema.SchemaLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/**
 * A schema write costs memory linear in the schema, and a replaced schema's memory is released once no readable
 * revision needs it: only the interned names stay, and writing the same names again interns nothing new.
 */
class SchemaMemoryTest {

    private static final String SMALL = """
            definition user {}
            definition doc {
                relation viewer: user
                permission view = viewer
            }
            """;

    /** At the definitions limit, each definition with its own relation names: n × 5 distinct names. */
    private static String large(int definitions) {
        StringBuilder text = new StringBuilder("definition user {}\n");
        for (int i = 0; i < definitions; i++) {
            String d = "type" + i;
            text.append("definition ").append(d).append(" {\n");
            text.append("  relation ")
                    .append(d)
                    .append("_parent: user | ")
                    .append(d)
                    .append('\n');
            text.append("  relation ").append(d).append("_owner: user\n");
            text.append("  relation ").append(d).append("_viewer: user | user:*\n");
            text.append("  permission ")
                    .append(d)
                    .append("_edit = ")
                    .append(d)
                    .append("_owner + ")
                    .append(d);
            text.append("_parent->").append(d).append("_edit\n");
            text.append("  permission ")
                    .append(d)
                    .append("_view = ")
                    .append(d)
                    .append("_viewer + ")
                    .append(d);
            text.append("_edit\n}\n");
        }
        return text.toString();
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void replacingTheLargestSchemaOverAndOverKeepsMemoryBounded() {
        Index index = new Index();
        SchemaHistory history = new SchemaHistory(index);
        String large = large(SchemaLimits.DEFAULTS.maxDefinitions() - 1);
        long rev = 1;
        history.install(rev, history.compile(large, SchemaLimits.DEFAULTS));
        history.install(++rev, history.compile(SMALL, SchemaLimits.DEFAULTS));
        int pairs = index.pairCount();
        // 1,999 types of 6 pairs each (5 relations and the plain object), and user's
        assertThat(pairs).isLessThan(2_000 * 6 + 10);
        history.pruneBelow(rev);
        long baseline = usedHeapAfterGc();
        for (int round = 0; round < 6; round++) {
            history.install(++rev, history.compile(large, SchemaLimits.DEFAULTS));
            history.install(++rev, history.compile(SMALL, SchemaLimits.DEFAULTS));
            history.pruneBelow(rev);
            assertThat(history.size()).isEqualTo(1);
            assertThat(index.pairCount()).isEqualTo(pairs);
        }
        long after = usedHeapAfterGc();
        // one compiled large schema is a few MB; a leak of one per round would pass this bound within a few rounds
        assertThat(after - baseline).isLessThan(64L << 20);
        assertThat(history.require(rev).schema().source()).isEqualTo(SMALL);
    }

    @Test
    void internedNamesCostMemoryLinearInTheSchema() {
        Index index = new Index();
        SchemaHistory history = new SchemaHistory(index);
        long before = usedHeapAfterGc();
        history.install(1, history.compile(large(SchemaLimits.DEFAULTS.maxDefinitions() - 1), SchemaLimits.DEFAULTS));
        long used = usedHeapAfterGc() - before;
        // about 13 MB; with a per-type row indexed by every relation id before it, it was 51 MB
        assertThat(used).isLessThan(30L << 20);
        assertThat(index.findPair(index.findType("type7"), index.findRelation("type7_view")))
                .isNotNegative();
        assertThat(index.findPair(index.findType("type7"), index.findRelation("type8_view")))
                .isEqualTo(-1);
    }

    @Test
    void aSchemaOverALimitIsRefusedNamingIt() {
        SchemaHistory history = new SchemaHistory(new Index());
        assertThatThrownBy(() -> history.compile(large(30), SchemaLimits.DEFAULTS.with("max-definitions=20")))
                .isInstanceOf(KithException.InvalidSchema.class)
                .hasMessageContaining("(schema limit max-definitions = 20)");
        // a schema already stored is loaded again whatever the limits are now
        assertThat(history.compile(large(30)).schema().definitions()).hasSize(31);
    }
}

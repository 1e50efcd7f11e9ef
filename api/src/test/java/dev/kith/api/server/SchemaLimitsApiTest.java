package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Relationship;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schema attacks over HTTP: huge schemas (many definitions, many relations, large expressions) and a very long
 * permission chain are answered (refused with the schema limit they break, or accepted when within the limits) on a
 * worker, while {@code /healthz} answers within 100 ms and another caller's check is answered.
 */
class SchemaLimitsApiTest {
    private static final String INNOCENT = """
            definition user {}
            definition document {
                relation viewer: user
                permission view = viewer
            }
            """;

    private static ServerFixture server(String schema) {
        ServerFixture f = ServerFixture.withKey();
        f.engine.writeSchema(schema);
        f.engine.importBulk(
                List.of(Relationship.parse("document:i#viewer@user:v")).iterator());
        return f;
    }

    private static String schemaWrite(String schema) {
        return new JsonObject().put("schema", schema).encode();
    }

    private static Void innocent(ServerFixture f) throws Exception {
        return UnderAttack.innocentCheck(
                f.server.port(),
                ServerFixture.checkJson("document", "i", "view", "user", "v"),
                "PERMISSIONSHIP_HAS_PERMISSION");
    }

    /** The innocent schema and {@code definitions} more, each with {@code relations} relations. */
    private static String wide(int definitions, int relations) {
        StringBuilder s = new StringBuilder(INNOCENT);
        for (int d = 0; d < definitions; d++) {
            s.append("definition type_").append(d).append(" {\n");
            for (int r = 0; r < relations; r++)
                s.append("    relation rel_").append(r).append(": user\n");
            s.append("}\n");
        }
        return s.toString();
    }

    /** The innocent schema and a permission of {@code terms} names joined by {@code +}. */
    private static String longExpression(int terms) {
        StringBuilder s = new StringBuilder(INNOCENT).append("definition big {\n    relation a: user\n");
        s.append("    permission p = a");
        for (int i = 1; i < terms; i++) s.append(" + a");
        return s.append("\n}\n").toString();
    }

    /** The innocent schema and {@code doc#perm_{n-1} -> … -> perm_0 -> reader}. */
    private static String chain(int n) {
        StringBuilder s = new StringBuilder(INNOCENT)
                .append("definition doc {\n    relation reader: user\n    permission perm_0 = reader\n");
        for (int i = 1; i < n; i++) {
            s.append("    permission perm_")
                    .append(i)
                    .append(" = perm_")
                    .append(i - 1)
                    .append('\n');
        }
        return s.append("}\n").toString();
    }

    /** Writes a schema: refused (400) naming {@code limit}, or accepted (200) when {@code limit} is null. */
    private static int written(ServerFixture f, String body, String limit) {
        ServerFixture.Answer a = f.post("/v1/schema/write", body);
        String head = a.text.length() > 500 ? a.text.substring(0, 500) + "…" : a.text;
        if (limit == null) {
            assertThat(a.status).as(head).isEqualTo(200);
        } else {
            assertThat(a.status).as(head).isEqualTo(400);
            assertThat(a.text).as(head).contains("schema limit " + limit);
        }
        return a.status;
    }

    /**
     * Three callers keep huge schema writes in flight: 2,500 definitions (over max-definitions), a permission of
     * 1,500 names (over max-expression-nodes), and 1,500 definitions of 20 relations each (about 700 KB, within
     * the limits: compiled and applied).
     */
    @Test
    void healthzAnswersWithin100MsWhileHugeSchemasAreWritten() throws Exception {
        try (ServerFixture f = server(INNOCENT)) {
            String manyDefinitions = schemaWrite(wide(2_500, 1));
            String bigExpression = schemaWrite(longExpression(1_500));
            String largeButAllowed = schemaWrite(wide(1_500, 20));
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Map<Integer, Integer> statuses = UnderAttack.assertHealthyDuring(
                    f.server.port(),
                    3,
                    50,
                    () -> switch (next.getAndIncrement() % 3) {
                        case 0 -> written(f, manyDefinitions, "max-definitions");
                        case 1 -> written(f, bigExpression, "max-expression-nodes");
                        default -> written(f, largeButAllowed, null);
                    },
                    () -> innocent(f));
            assertThat(statuses).containsOnlyKeys(200, 400);
        }
    }

    /**
     * Three callers keep long chains in flight: schema writes of a 400-permission chain (refused, over
     * max-permission-depth) and checks through a 150-permission chain (answered: the check runs inline on the
     * event loop, bounded by the depth limit).
     */
    @Test
    void healthzAnswersWithin100MsWhileLongPermissionChainsAreWrittenAndChecked() throws Exception {
        try (ServerFixture f = server(chain(150))) {
            f.engine.importBulk(
                    List.of(Relationship.parse("doc:d#reader@user:ann")).iterator());
            String tooDeep = schemaWrite(chain(400));
            String deepCheck = ServerFixture.checkJson("doc", "d", "perm_149", "user", "ann");
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Map<Integer, Integer> statuses = UnderAttack.assertHealthyDuring(
                    f.server.port(),
                    3,
                    50,
                    () -> {
                        if (next.getAndIncrement() % 2 == 0) {
                            ServerFixture.Answer a = f.post("/v1/schema/write", tooDeep);
                            assertThat(a.status).as(a.text).isEqualTo(400);
                            assertThat(a.text)
                                    .contains("starts a chain of 400 references")
                                    .contains("schema limit max-permission-depth = 200");
                            return a.status;
                        }
                        ServerFixture.Answer a = f.post("/v1/permissions/check", deepCheck);
                        assertThat(a.status).as(a.text).isEqualTo(200);
                        assertThat(a.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
                        return a.status;
                    },
                    () -> innocent(f));
            assertThat(statuses).containsOnlyKeys(200, 400);
        }
    }
}

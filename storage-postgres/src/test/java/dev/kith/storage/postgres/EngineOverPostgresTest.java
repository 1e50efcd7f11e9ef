package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two engines, each over its own store on one database: what one writes, the other answers with. */
final class EngineOverPostgresTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition document {
                relation viewer: user | group#member
                permission view = viewer
            }
            """;

    private static Requests.Check check(String document, String user, Consistency consistency) {
        return new Requests.Check(
                new ObjectRef("document", document),
                "view",
                SubjectRef.object("user", user),
                Map.of(),
                consistency,
                false);
    }

    @Test
    void twoNodesOverOneDatabaseServeTheSameAnswers() {
        PostgresOptions options = DB.newDatabase("engines");
        EngineOptions engineOptions = EngineOptions.defaults().withFreshnessTimeout(Duration.ofSeconds(10));
        try (PostgresDatastore seed = PostgresDatastore.open(options)) {
            seed.writeSchema(SCHEMA);
            seed.importBulk(IntStream.range(0, 2000)
                    .mapToObj(i -> Relationship.parse("document:d" + i + "#viewer@group:g" + (i % 10) + "#member"))
                    .iterator());
        }
        try (Engine node1 = Engines.create(PostgresDatastore.open(options), engineOptions);
                Engine node2 = Engines.create(PostgresDatastore.open(options), engineOptions)) {
            assertThat(node2.appliedRevision()).isEqualTo(new Revision(2));
            Revision written = node1.write(new Requests.Write(
                    List.of(RelationshipUpdate.create(Relationship.parse("group:g3#member@user:ann"))), List.of()));
            assertThat(node1.check(check("d13", "ann", new Consistency.MinimizeLatency()))
                            .permissionship())
                    .as("a node reads its own writes")
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(node2.check(check("d13", "ann", new Consistency.AtLeastAsFresh(written)))
                            .permissionship())
                    .as("the other node follows the change feed")
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(node2.check(check("d14", "ann", new Consistency.FullyConsistent()))
                            .permissionship())
                    .isEqualTo(Permissionship.NO_PERMISSION);
            Revision removed = node2.write(new Requests.Write(
                    List.of(RelationshipUpdate.delete(Relationship.parse("group:g3#member@user:ann"))), List.of()));
            assertThat(node1.check(check("d13", "ann", new Consistency.AtLeastAsFresh(removed)))
                            .permissionship())
                    .isEqualTo(Permissionship.NO_PERMISSION);
        }
    }
}

package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.MutableClock;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consistency tokens over PostgreSQL survive a restart and reach nodes that start later: a node that starts loads
 * the history the store keeps inside the GC window, and each revision stays readable a window after the store
 * committed the next one, as on a node that had been running all along.
 */
final class RestartOverPostgresTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String SCHEMA = """
            definition user {}
            definition document {
                relation viewer: user
                permission view = viewer
            }
            """;

    /** The second schema: viewers no longer see, and a new relation appears. */
    private static final String SCHEMA_OWNERS = """
            definition user {}
            definition document {
                relation viewer: user
                relation owner: user
                permission view = owner
            }
            """;

    private static Permissionship check(Engine engine, String document, String user, Consistency consistency) {
        return engine.check(new Requests.Check(
                        new ObjectRef("document", document),
                        "view",
                        SubjectRef.object("user", user),
                        Map.of(),
                        consistency,
                        false))
                .permissionship();
    }

    private static Permissionship at(Engine engine, String document, String user, Revision revision) {
        return check(engine, document, user, new Consistency.AtExactSnapshot(revision));
    }

    private static Revision write(Engine engine, RelationshipUpdate... updates) {
        return engine.write(new Requests.Write(List.of(updates), List.of()));
    }

    private static RelationshipUpdate touch(String relationship) {
        return RelationshipUpdate.touch(Relationship.parse(relationship));
    }

    private static RelationshipUpdate delete(String relationship) {
        return RelationshipUpdate.delete(Relationship.parse(relationship));
    }

    private static List<String> readAt(Engine engine, Revision revision) {
        return engine
                .readRelationships(new Requests.ReadRelationships(
                        RelationshipFilter.ofType("document"), new Consistency.AtExactSnapshot(revision), null, 0))
                .items()
                .stream()
                .map(Results.ReadRelationship::relationship)
                .map(Relationship::toString)
                .toList();
    }

    /** What every node must answer at the revisions of {@link #tokensTakenBeforeARestartWorkAfterIt}. */
    private static void answersAsOfOld(Engine node, Revision r1, Revision r2, Revision r4) {
        assertThat(at(node, "readme", "ann", r1))
                .as("at r1: the relationship deleted since, under the schema of then")
                .isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(readAt(node, r1)).containsExactly("document:readme#viewer@user:ann");
        assertThat(at(node, "readme", "ann", r2)).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(at(node, "readme", "bob", r2)).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(at(node, "readme", "bob", r4))
                .as("a viewer no longer grants view under the new schema")
                .isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(at(node, "readme", "cid", r4)).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThatThrownBy(() -> node.check(new Requests.Check(
                        new ObjectRef("document", "readme"),
                        "owner",
                        SubjectRef.object("user", "cid"),
                        Map.of(),
                        new Consistency.AtExactSnapshot(r2),
                        false)))
                .as("the relation did not exist before the schema change")
                .isInstanceOf(KithException.NotFound.class);
        assertThat(check(node, "readme", "ann", new Consistency.AtLeastAsFresh(r1)))
                .isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void tokensTakenBeforeARestartWorkAfterIt() {
        PostgresOptions options = DB.newDatabase("restart");
        MutableClock clock = new MutableClock(Instant.now());
        EngineOptions engineOptions = EngineOptions.defaults()
                .withClock(clock)
                .withGcWindow(Duration.ofHours(1))
                .withFreshnessTimeout(Duration.ofSeconds(10));
        Revision r1;
        Revision r2;
        Revision r4;
        try (Engine a = Engines.create(PostgresDatastore.open(options), engineOptions)) {
            a.writeSchema(SCHEMA);
            r1 = write(a, touch("document:readme#viewer@user:ann"));
            r2 = write(a, delete("document:readme#viewer@user:ann"), touch("document:readme#viewer@user:bob"));
            a.writeSchema(SCHEMA_OWNERS);
            r4 = write(a, touch("document:readme#owner@user:cid"));
            answersAsOfOld(a, r1, r2, r4);
            try (Engine b = Engines.create(PostgresDatastore.open(options), engineOptions)) {
                assertThat(b.appliedRevision()).isEqualTo(r4);
                // a token node a handed out works on node b, which started after a wrote
                answersAsOfOld(b, r1, r2, r4);
            }
        }

        try (Engine restarted = Engines.create(PostgresDatastore.open(options), engineOptions)) {
            assertThat(restarted.appliedRevision()).isEqualTo(r4);
            answersAsOfOld(restarted, r1, r2, r4);
            clock.advance(Duration.ofMinutes(59));
            assertThat(at(restarted, "readme", "ann", r1)).isEqualTo(Permissionship.HAS_PERMISSION);
            clock.advance(Duration.ofHours(1));
            assertThatThrownBy(() -> at(restarted, "readme", "ann", r1))
                    .as("superseded longer than the window ago")
                    .isInstanceOf(KithException.RevisionExpired.class);
            assertThat(at(restarted, "readme", "cid", r4)).isEqualTo(Permissionship.HAS_PERMISSION);
        }
        try (Engine late = Engines.create(PostgresDatastore.open(options), engineOptions)) {
            assertThatThrownBy(() -> at(late, "readme", "ann", r1))
                    .as("a node starting after the window passed does not bring r1 back")
                    .isInstanceOf(KithException.RevisionExpired.class);
            assertThat(at(late, "readme", "cid", r4)).isEqualTo(Permissionship.HAS_PERMISSION);
        }
    }

    /**
     * The window counts from the store's commit times: revisions whose successor committed before now minus the
     * window are not readable after a start, the others are, and they expire on time afterwards.
     */
    @Test
    void theWindowCountsFromTheStoresCommitTimes() {
        PostgresOptions options = DB.newDatabase("restart_times");
        Revision schema;
        Revision r1;
        Revision r2;
        Revision r3;
        try (PostgresDatastore seed = PostgresDatastore.open(options)) {
            schema = seed.writeSchema(SCHEMA);
            r1 = seed.write(List.of(touch("document:readme#viewer@user:ann")), List.of());
            r2 = seed.write(List.of(delete("document:readme#viewer@user:ann")), List.of());
            r3 = seed.write(List.of(touch("document:readme#viewer@user:bob")), List.of());
        }
        Instant start = Instant.now();
        try (PgClient sql = new PgClient(options)) {
            // as if r1 and everything before it committed 70 minutes ago, r2 50 minutes ago, r3 5 minutes ago
            commitTime(sql, "revision <= $2", r1, start.minus(Duration.ofMinutes(70)));
            commitTime(sql, "revision = $2", r2, start.minus(Duration.ofMinutes(50)));
            commitTime(sql, "revision = $2", r3, start.minus(Duration.ofMinutes(5)));
        }
        MutableClock clock = new MutableClock(start);
        EngineOptions engineOptions = EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofHours(1));
        try (Engine node = Engines.create(PostgresDatastore.open(options), engineOptions)) {
            assertThatThrownBy(() -> at(node, "readme", "ann", schema))
                    .as("superseded by r1 70 minutes ago")
                    .isInstanceOf(KithException.RevisionExpired.class);
            assertThat(at(node, "readme", "ann", r1))
                    .as("superseded by r2 50 minutes ago: still inside the hour")
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(at(node, "readme", "ann", r2)).isEqualTo(Permissionship.NO_PERMISSION);
            assertThat(at(node, "readme", "bob", r3)).isEqualTo(Permissionship.HAS_PERMISSION);

            clock.advance(Duration.ofMinutes(11));
            assertThatThrownBy(() -> at(node, "readme", "ann", r1))
                    .as("r2 committed 61 minutes ago by the store's clock, whenever this node started")
                    .isInstanceOf(KithException.RevisionExpired.class);
            assertThat(at(node, "readme", "ann", r2)).isEqualTo(Permissionship.NO_PERMISSION);
        }
    }

    private static void commitTime(PgClient sql, String which, Revision revision, Instant at) {
        sql.query(
                "UPDATE kith_revision SET committed_at = $1 WHERE " + which,
                Tuple.of(at.atOffset(ZoneOffset.UTC), revision.value()));
    }
}

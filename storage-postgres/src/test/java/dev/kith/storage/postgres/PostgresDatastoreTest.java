package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Caveat;
import dev.kith.engine.Datastore;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Results.RelationshipChange.Operation;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectFilter;
import dev.kith.engine.SubjectRef;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL store's own behaviour, each test on a fresh database. */
final class PostgresDatastoreTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private PostgresOptions options;
    private PostgresDatastore store;

    @BeforeEach
    void open() {
        options = DB.newDatabase("store");
        store = PostgresDatastore.open(options);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static Relationship rel(String text) {
        return Relationship.parse(text);
    }

    static List<Relationship> all(Datastore store) {
        return store.read(new RelationshipFilter(null, null, null, null, null), store.headRevision(), null, 0);
    }

    @Test
    void transactionMetadataIsAJsonObjectInTheRevisionTable() {
        Revision r = store.write(
                List.of(RelationshipUpdate.create(rel("doc:a#viewer@user:ann"))),
                List.of(),
                java.util.Map.of("ticket", "OPS-17", "attempt", 2));
        Revision plain = store.write(List.of(RelationshipUpdate.create(rel("doc:b#viewer@user:ann"))), List.of());
        try (PgClient client = new PgClient(options)) {
            var row = client.query(
                            "SELECT jsonb_typeof(metadata), metadata->>'ticket', (metadata->>'attempt')::int"
                                    + " FROM kith_revision WHERE revision = $1",
                            io.vertx.sqlclient.Tuple.of(r.value()))
                    .iterator()
                    .next();
            assertThat(row.getString(0)).isEqualTo("object");
            assertThat(row.getString(1)).isEqualTo("OPS-17");
            assertThat(row.getInteger(2)).isEqualTo(2);
            assertThat(client.query(
                                    "SELECT metadata IS NULL FROM kith_revision WHERE revision = $1",
                                    io.vertx.sqlclient.Tuple.of(plain.value()))
                            .iterator()
                            .next()
                            .getBoolean(0))
                    .isTrue();
        }
    }

    @Test
    void aFreshStoreIsAtRevisionZeroWithNoSchema() {
        assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
        assertThat(store.oldestRevision()).isEqualTo(Revision.ZERO);
        assertThat(store.schemaAt(Revision.ZERO)).isNull();
        List<String> schemas = new ArrayList<>();
        List<Relationship> loaded = new ArrayList<>();
        assertThat(store.load(schemas::add, loaded::add)).isEqualTo(Revision.ZERO);
        assertThat(schemas).containsExactly((String) null);
        assertThat(loaded).isEmpty();
    }

    @Test
    void writesCreateTouchAndDeleteEachAtTheNextRevision() {
        Revision r1 = store.write(
                List.of(
                        RelationshipUpdate.create(rel("document:readme#viewer@user:alice")),
                        RelationshipUpdate.touch(rel("document:readme#viewer@group:eng#member"))),
                List.of());
        assertThat(r1).isEqualTo(new Revision(1));
        Relationship caveated =
                rel("document:readme#viewer@user:alice[on_weekdays:{\"day\":\"monday\",\"n\":[1,2.5,{\"x\":true}]}]"
                        + "[expiration:2030-01-02T03:04:05.123456Z]");
        Revision r2 = store.write(
                List.of(
                        RelationshipUpdate.touch(caveated),
                        RelationshipUpdate.delete(rel("document:readme#viewer@user:nobody"))),
                List.of());
        assertThat(r2).isEqualTo(new Revision(2));
        assertThat(all(store)).containsExactly(rel("document:readme#viewer@group:eng#member"), caveated);
        Revision r3 =
                store.write(List.of(RelationshipUpdate.delete(rel("document:readme#viewer@group:eng#member"))), null);
        assertThat(all(store)).containsExactly(caveated);
        assertThat(store.read(RelationshipFilter.ofType("document"), r1, null, 0))
                .containsExactly(
                        rel("document:readme#viewer@group:eng#member"), rel("document:readme#viewer@user:alice"));
        assertThat(store.read(RelationshipFilter.ofType("document"), r2, null, 0))
                .containsExactly(rel("document:readme#viewer@group:eng#member"), caveated);
        assertThat(r3).isEqualTo(store.headRevision());
    }

    @Test
    void createOfALiveRelationshipConflictsAndWritesNothing() {
        store.write(List.of(RelationshipUpdate.create(rel("document:a#viewer@user:ann"))), List.of());
        assertThatThrownBy(() -> store.write(
                        List.of(
                                RelationshipUpdate.create(rel("document:b#viewer@user:ann")),
                                RelationshipUpdate.create(rel("document:a#viewer@user:ann[cav]"))),
                        List.of()))
                .isInstanceOf(KithException.Conflict.class)
                .hasMessageContaining("document:a#viewer@user:ann already exists");
        assertThat(store.headRevision()).isEqualTo(new Revision(1));
        assertThat(all(store)).containsExactly(rel("document:a#viewer@user:ann"));
    }

    @Test
    void createReplacesARelationshipThatHasExpired() {
        store.write(
                List.of(RelationshipUpdate.create(rel("document:a#viewer@user:ann[expiration:2001-01-01T00:00:00Z]"))),
                List.of());
        store.write(List.of(RelationshipUpdate.create(rel("document:a#viewer@user:ann"))), List.of());
        assertThat(all(store)).containsExactly(rel("document:a#viewer@user:ann"));
    }

    @Test
    void theSameRelationshipTwiceInOneWriteIsInvalid() {
        assertThatThrownBy(() -> store.write(
                        List.of(
                                RelationshipUpdate.touch(rel("document:a#viewer@user:ann")),
                                RelationshipUpdate.delete(rel("document:a#viewer@user:ann[cav]"))),
                        List.of()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("document:a#viewer@user:ann appears more than once");
        assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
    }

    @Test
    void preconditionsAreCheckedInTheWritesTransaction() {
        store.write(List.of(RelationshipUpdate.create(rel("document:a#owner@user:ann"))), List.of());
        RelationshipFilter owners =
                new RelationshipFilter("document", "a", null, "owner", new SubjectFilter("user", null, null));
        RelationshipFilter bobs =
                new RelationshipFilter("document", null, "a", null, new SubjectFilter("user", "bob", ""));
        Revision ok = store.write(
                List.of(RelationshipUpdate.touch(rel("document:a#viewer@user:bob"))),
                List.of(
                        new Precondition(Precondition.Kind.MUST_MATCH, owners),
                        new Precondition(Precondition.Kind.MUST_NOT_MATCH, bobs)));
        assertThat(ok).isEqualTo(new Revision(2));
        assertThatThrownBy(() -> store.write(
                        List.of(RelationshipUpdate.touch(rel("document:a#viewer@user:carl"))),
                        List.of(new Precondition(Precondition.Kind.MUST_NOT_MATCH, bobs))))
                .isInstanceOf(KithException.PreconditionFailed.class)
                .hasMessageContaining("a relationship matches resource type document, resource id prefix a");
        assertThatThrownBy(() -> store.write(
                        List.of(RelationshipUpdate.touch(rel("document:a#viewer@user:carl"))),
                        List.of(new Precondition(Precondition.Kind.MUST_MATCH, RelationshipFilter.ofType("folder")))))
                .isInstanceOf(KithException.PreconditionFailed.class)
                .hasMessageContaining("no relationship matches resource type folder");
        assertThat(store.headRevision()).isEqualTo(ok);
    }

    @Test
    void readFiltersPagesInKeyOrderAndTreatsLikeCharactersLiterally() {
        List<RelationshipUpdate> updates = new ArrayList<>();
        for (String id : List.of("a_1", "ab1", "a=1", "b", "a_2")) {
            updates.add(RelationshipUpdate.create(rel("document:" + id + "#viewer@user:u" + id.length())));
        }
        updates.add(RelationshipUpdate.create(rel("document:a_1#editor@team:x#member")));
        Revision r = store.write(updates, List.of());
        assertThat(store.read(new RelationshipFilter("document", null, "a_", null, null), r, null, 0))
                .extracting(Relationship::toString)
                .containsExactly(
                        "document:a_1#editor@team:x#member",
                        "document:a_1#viewer@user:u3",
                        "document:a_2#viewer@user:u3");
        List<Relationship> page1 = store.read(RelationshipFilter.ofType("document"), r, null, 2);
        List<Relationship> page2 = store.read(RelationshipFilter.ofType("document"), r, page1.get(1), 2);
        List<Relationship> page3 = store.read(RelationshipFilter.ofType("document"), r, page2.get(1), 10);
        List<String> ids = new ArrayList<>();
        for (List<Relationship> p : List.of(page1, page2, page3))
            p.forEach(x -> ids.add(x.resource().id()));
        assertThat(ids).containsExactly("a=1", "a_1", "a_1", "a_2", "ab1", "b");
        assertThat(store.read(
                        new RelationshipFilter(null, null, null, null, new SubjectFilter("team", "x", "member")),
                        r,
                        null,
                        0))
                .containsExactly(rel("document:a_1#editor@team:x#member"));
    }

    @Test
    void readsOutsideTheHistoryFailClearly() {
        assertThatThrownBy(() -> store.read(RelationshipFilter.ofType("document"), new Revision(5), null, 0))
                .isInstanceOf(KithException.RevisionUnavailable.class)
                .hasMessageContaining("revision 5 does not exist yet");
        store.write(List.of(RelationshipUpdate.create(rel("document:a#viewer@user:ann"))), List.of());
        store.write(List.of(RelationshipUpdate.delete(rel("document:a#viewer@user:ann"))), List.of());
        store.collectGarbage(Instant.now().plusSeconds(60));
        assertThat(store.oldestRevision()).isEqualTo(new Revision(2));
        assertThatThrownBy(() -> store.read(RelationshipFilter.ofType("document"), new Revision(1), null, 0))
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThatThrownBy(() -> store.changesSince(Revision.ZERO, 10))
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThatThrownBy(() -> store.schemaAt(new Revision(1))).isInstanceOf(KithException.RevisionExpired.class);
    }

    @Test
    void theChangeFeedListsEveryRevisionInOrder() {
        Revision s = store.writeSchema("definition user {}");
        Revision w = store.write(
                List.of(
                        RelationshipUpdate.create(rel("document:a#viewer@user:ann")),
                        RelationshipUpdate.create(rel("document:a#viewer@user:bob"))),
                List.of());
        Relationship annCaveated = rel("document:a#viewer@user:ann[cav:{\"k\":1}]");
        Revision t = store.write(
                List.of(
                        RelationshipUpdate.touch(annCaveated),
                        RelationshipUpdate.delete(rel("document:a#viewer@user:bob"))),
                List.of());
        Revision s2 = store.writeSchema("definition user {}\ndefinition document {}");
        assertThat(store.changesSince(Revision.ZERO, 100))
                .containsExactly(
                        new Results.ChangeSet(s, List.of()),
                        new Results.ChangeSet(
                                w,
                                List.of(
                                        new Results.RelationshipChange(
                                                Operation.TOUCH, rel("document:a#viewer@user:ann")),
                                        new Results.RelationshipChange(
                                                Operation.TOUCH, rel("document:a#viewer@user:bob")))),
                        new Results.ChangeSet(
                                t,
                                List.of(
                                        new Results.RelationshipChange(Operation.TOUCH, annCaveated),
                                        new Results.RelationshipChange(
                                                Operation.DELETE, rel("document:a#viewer@user:bob")))),
                        new Results.ChangeSet(s2, List.of()));
        assertThat(store.changesSince(s, 2))
                .extracting(Results.ChangeSet::revision)
                .containsExactly(w, t);
        assertThat(store.changesSince(s2, 10)).isEmpty();
        assertThat(store.schemaAt(w)).isEqualTo("definition user {}");
        assertThat(store.schemaAt(s2)).isEqualTo("definition user {}\ndefinition document {}");
    }

    @Test
    void loadStreamsTheLiveStateAtTheHead() {
        store.writeSchema("definition user {}");
        store.importBulk(IntStream.range(0, 25_000)
                .mapToObj(i -> rel("document:d" + i + "#viewer@user:u" + (i % 100)))
                .iterator());
        store.write(List.of(RelationshipUpdate.delete(rel("document:d7#viewer@user:u7"))), List.of());
        List<String> schema = new ArrayList<>();
        int[] count = {0};
        boolean[] sawDeleted = {false};
        Revision at = store.load(schema::add, r -> {
            count[0]++;
            if (r.resource().id().equals("d7")) sawDeleted[0] = true;
        });
        assertThat(at).isEqualTo(new Revision(3));
        assertThat(schema).containsExactly("definition user {}");
        assertThat(count[0]).isEqualTo(24_999);
        assertThat(sawDeleted[0]).isFalse();
        try (PgClient sql = new PgClient(options)) {
            long analyzed = sql.query(
                            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'kith_relationship'"
                                    + " AND last_analyze IS NOT NULL",
                            Tuple.tuple())
                    .iterator()
                    .next()
                    .getLong(0);
            assertThat(analyzed)
                    .as("a bulk import leaves the planner statistics of the table")
                    .isEqualTo(1);
        }
    }

    @Test
    void bulkImportIsAtomic() {
        store.write(List.of(RelationshipUpdate.create(rel("document:d15000#viewer@user:x"))), List.of());
        assertThatThrownBy(() -> store.importBulk(IntStream.range(0, 20_000)
                        .mapToObj(i -> rel("document:d" + i + "#viewer@user:x"))
                        .iterator()))
                .isInstanceOf(KithException.Conflict.class)
                .hasMessageContaining("relationship document:d15000#viewer@user:x already exists");
        assertThat(store.headRevision()).isEqualTo(new Revision(1));
        assertThat(all(store)).hasSize(1);
    }

    @Test
    void deleteByFilterDeletesAllOrRefusesToDeletePart() {
        List<RelationshipUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 5; i++) updates.add(RelationshipUpdate.create(rel("document:d" + i + "#viewer@user:ann")));
        updates.add(RelationshipUpdate.create(rel("folder:f#viewer@user:ann")));
        store.write(updates, List.of());
        RelationshipFilter docs = RelationshipFilter.ofType("document");
        assertThatThrownBy(() -> store.deleteByFilter(new Requests.Delete(docs, List.of(), 3, false)))
                .isInstanceOf(KithException.LimitExceeded.class)
                .hasMessageContaining("more than its limit of 3");
        assertThat(store.headRevision()).isEqualTo(new Revision(1));
        Datastore.DeleteOutcome partial = store.deleteByFilter(new Requests.Delete(docs, List.of(), 3, true));
        assertThat(partial.partial()).isTrue();
        assertThat(partial.deleted()).extracting(r -> r.resource().id()).containsExactlyInAnyOrder("d0", "d1", "d2");
        Datastore.DeleteOutcome rest = store.deleteByFilter(new Requests.Delete(docs, List.of(), 0, false));
        assertThat(rest.partial()).isFalse();
        assertThat(rest.deleted()).hasSize(2);
        assertThat(rest.revision()).isEqualTo(new Revision(3));
        assertThat(all(store)).containsExactly(rel("folder:f#viewer@user:ann"));
        assertThat(store.changesSince(new Revision(2), 10).getFirst().changes())
                .extracting(Results.RelationshipChange::operation)
                .containsOnly(Operation.DELETE)
                .hasSize(2);
    }

    @Test
    void garbageCollectionKeepsTheStateAtTheHorizon() throws Exception {
        store.write(List.of(RelationshipUpdate.create(rel("document:a#viewer@user:ann"))), List.of());
        store.write(List.of(RelationshipUpdate.create(rel("document:b#viewer@user:ann"))), List.of());
        store.write(List.of(RelationshipUpdate.delete(rel("document:a#viewer@user:ann"))), List.of());
        store.writeSchema("definition user {}");
        try (PgClient sql = new PgClient(options)) {
            // the horizon is the moment revision 4 committed, as the database recorded it: 5 commits after it
            Instant horizon = sql.query("SELECT committed_at FROM kith_revision WHERE revision = 4", Tuple.tuple())
                    .iterator()
                    .next()
                    .getOffsetDateTime(0)
                    .toInstant();
            Revision after = store.write(
                    List.of(
                            RelationshipUpdate.delete(rel("document:b#viewer@user:ann")),
                            RelationshipUpdate.create(
                                    rel("document:c#viewer@user:ann[expiration:2001-01-01T00:00:00Z]"))),
                    List.of());
            store.collectGarbage(horizon);
            assertThat(store.oldestRevision()).isEqualTo(new Revision(4));
            assertThat(store.read(RelationshipFilter.ofType("document"), new Revision(4), null, 0))
                    .containsExactly(rel("document:b#viewer@user:ann"));
            assertThat(store.schemaAt(new Revision(4))).isEqualTo("definition user {}");
            assertThat(store.changesSince(new Revision(4), 10))
                    .extracting(Results.ChangeSet::revision)
                    .containsExactly(after);
            long rows = sql.query("SELECT count(*) FROM kith_relationship", Tuple.tuple())
                    .iterator()
                    .next()
                    .getLong(0);
            assertThat(rows)
                    .as("a deleted at 3 and c expired are gone; b (deleted at 5) stays")
                    .isEqualTo(1);
        }
    }

    @Test
    void aTouchIdenticalToTheLiveCopyChangesNothing() {
        Relationship r = rel("document:a#viewer@user:ann[cav:{\"k\":[1,2]}][expiration:2031-01-01T00:00:00Z]");
        store.write(List.of(RelationshipUpdate.touch(r)), List.of());
        Revision again = store.write(List.of(RelationshipUpdate.touch(r)), List.of());
        assertThat(store.changesSince(new Revision(1), 10)).containsExactly(new Results.ChangeSet(again, List.of()));
        Relationship changed = rel("document:a#viewer@user:ann[cav:{\"k\":[1,3]}][expiration:2031-01-01T00:00:00Z]");
        Revision replaced = store.write(List.of(RelationshipUpdate.touch(changed)), List.of());
        assertThat(store.changesSince(again, 10))
                .containsExactly(new Results.ChangeSet(
                        replaced, List.of(new Results.RelationshipChange(Operation.TOUCH, changed))));
        assertThat(all(store)).containsExactly(changed);
    }

    @Test
    void expiredRelationshipsAreNotReadButCanBeReplaced() {
        store.write(
                List.of(
                        RelationshipUpdate.create(rel("document:a#viewer@user:ann[expiration:2001-01-01T00:00:00Z]")),
                        RelationshipUpdate.create(rel("document:a#viewer@user:bob"))),
                List.of());
        assertThat(all(store)).containsExactly(rel("document:a#viewer@user:bob"));
        assertThat(store.importBulk(List.of(rel("document:a#viewer@user:ann")).iterator()))
                .isEqualTo(new Revision(2));
        assertThat(all(store)).containsExactly(rel("document:a#viewer@user:ann"), rel("document:a#viewer@user:bob"));
    }

    @Test
    void aRelationshipTooLargeForTheIndexIsInvalidAndWritesNothing() {
        Random random = new Random(7);
        StringBuilder type = new StringBuilder();
        for (int segment = 0; segment < 8; segment++) {
            if (segment > 0) type.append('/');
            type.append('t');
            for (int i = 0; i < 62; i++) type.append((char) ('a' + random.nextInt(26)));
        }
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 1024; i++) id.append((char) ('a' + random.nextInt(26)));
        Relationship huge = new Relationship(
                new ObjectRef(type.toString(), id.toString()),
                "viewer",
                SubjectRef.object(type.toString(), id.toString()),
                null,
                null);
        assertThatThrownBy(() -> store.write(List.of(RelationshipUpdate.create(huge)), List.of()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("too large");
        assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
    }

    @Test
    void aValuePostgresCannotStoreIsInvalidAndWritesNothing() {
        Relationship nul = new Relationship(
                new ObjectRef("document", "a"),
                "viewer",
                SubjectRef.object("user", "ann"),
                new Caveat("cav", Map.of("k", "a\u0000b")),
                null);
        assertThatThrownBy(() -> store.write(List.of(RelationshipUpdate.create(nul)), List.of()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("cannot be stored in PostgreSQL");
        assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
    }

    @Test
    void caveatContextAndExpirationSurviveTheRoundTrip() {
        Relationship r = new Relationship(
                rel("document:a#viewer@user:ann").resource(),
                "viewer",
                rel("document:a#viewer@user:ann").subject(),
                new Caveat("cav", Map.of("s", "x", "n", 3L, "d", 1.5, "l", List.of(1L, "two"), "m", Map.of("b", true))),
                Instant.parse("2031-05-06T07:08:09.123456Z"));
        store.write(List.of(RelationshipUpdate.create(r)), List.of());
        assertThat(all(store)).containsExactly(r);
        assertThat(store.changesSince(Revision.ZERO, 1)
                        .getFirst()
                        .changes()
                        .getFirst()
                        .relationship())
                .isEqualTo(r);
    }
}

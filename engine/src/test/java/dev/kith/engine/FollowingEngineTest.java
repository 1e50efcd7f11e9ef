package dev.kith.engine;

import static dev.kith.engine.Fixture.can;
import static dev.kith.engine.Fixture.touch;
import static dev.kith.engine.Permissionship.HAS_PERMISSION;
import static dev.kith.engine.Permissionship.NO_PERMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.index.MemoryDatastore;
import dev.kith.engine.runtime.Engines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An engine over a store that is not the embedded one (as with PostgreSQL): it loads the head state into its
 * own index and follows the change feed. The store here is a MemoryDatastore seen only through the SPI.
 */
class FollowingEngineTest {
    /** Hides the concrete class so the engine treats it as an external store. */
    static class External implements Datastore {
        private final Datastore inner;

        External(Datastore inner) {
            this.inner = inner;
        }

        @Override
        public Revision headRevision() {
            return inner.headRevision();
        }

        @Override
        public Revision load(Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
            return inner.load(schemaSink, relationshipSink);
        }

        @Override
        public Revision loadAt(
                Revision revision, Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
            return inner.loadAt(revision, schemaSink, relationshipSink);
        }

        @Override
        public Revision revisionAt(Instant instant) {
            return inner.revisionAt(instant);
        }

        @Override
        public List<CommittedRevision> commitTimes(Revision from, int max) {
            return inner.commitTimes(from, max);
        }

        @Override
        public Revision writeSchema(String schemaText) {
            return inner.writeSchema(schemaText);
        }

        @Override
        public Revision write(
                List<RelationshipUpdate> updates, List<Precondition> preconditions, Map<String, Object> metadata) {
            return inner.write(updates, preconditions, metadata);
        }

        @Override
        public DeleteOutcome deleteByFilter(Requests.Delete delete) {
            return inner.deleteByFilter(delete);
        }

        @Override
        public Revision importBulk(Iterator<Relationship> relationships) {
            return inner.importBulk(relationships);
        }

        @Override
        public List<Relationship> read(RelationshipFilter filter, Revision revision, Relationship after, int limit) {
            return inner.read(filter, revision, after, limit);
        }

        @Override
        public List<Results.ChangeSet> changesSince(Revision after, int max) {
            return inner.changesSince(after, max);
        }

        @Override
        public String schemaAt(Revision revision) {
            return inner.schemaAt(revision);
        }

        @Override
        public void onNewRevisions(Runnable callback) {
            inner.onNewRevisions(callback);
        }

        @Override
        public void collectGarbage(Instant horizon) {
            inner.collectGarbage(horizon);
        }

        @Override
        public Revision oldestRevision() {
            return inner.oldestRevision();
        }

        @Override
        public DeploymentIdentity deployment() {
            return inner.deployment();
        }

        @Override
        public java.time.Duration defaultGcWindow() {
            return inner.defaultGcWindow();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static final String SCHEMA = """
            definition user {}
            definition doc {
                relation viewer: user
                permission view = viewer
            }
            """;

    @Test
    void loadsTheHeadStateThenFollowsTheFeed() {
        MemoryDatastore store = new MemoryDatastore(Clock.systemUTC());
        store.writeSchema(SCHEMA);
        store.write(List.of(RelationshipUpdate.create(Relationship.parse("doc:a#viewer@user:ann"))), List.of());
        Engine first = Engines.create(new External(store), EngineOptions.defaults());
        Engine second = Engines.create(new External(store), EngineOptions.defaults());
        assertThat(can(first, "doc:a#view", "user:ann")).isEqualTo(HAS_PERMISSION);

        Revision written = touch(first, "doc:b#viewer@user:bob");
        assertThat(can(first, "doc:b#view", "user:bob")).isEqualTo(HAS_PERMISSION);
        Consistency fresh = new Consistency.AtLeastAsFresh(written);
        assertThat(Fixture.check(second, "doc:b#view", "user:bob", Map.of(), fresh)
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);

        Fixture.delete(second, "doc:a#viewer@user:ann");
        assertThat(Fixture.check(first, "doc:a#view", "user:ann", Map.of(), Consistency.FULLY_CONSISTENT)
                        .permissionship())
                .isEqualTo(NO_PERMISSION);

        second.writeSchema(
                SCHEMA.replace("permission view = viewer", "permission view = viewer\n    relation owner: user"));
        touch(second, "doc:c#owner@user:cid");
        assertThat(Fixture.check(first, "doc:c#owner", "user:cid", Map.of(), Consistency.FULLY_CONSISTENT)
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
        assertThat(first.readSchema().text()).contains("relation owner");

        // a following engine counts what it applied (ids of deleted relationships stay interned), and shares the
        // store's deployment identity
        assertThat(first.appliedRevision()).isEqualTo(second.appliedRevision());
        assertThat(first.stats()).isEqualTo(new EngineStats(2, 6, first.appliedRevision()));
        assertThat(first.deployment()).isEqualTo(store.deployment()).isEqualTo(second.deployment());
    }

    @Test
    void twoEnginesWritingAtOnceOverOneStoreNeitherDeadlockNorDiverge() throws Exception {
        MemoryDatastore store = new MemoryDatastore(Clock.systemUTC());
        store.writeSchema(SCHEMA);
        Engine a = Engines.create(new External(store), EngineOptions.defaults());
        Engine b = Engines.create(new External(store), EngineOptions.defaults());
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> writers = new java.util.ArrayList<>();
        for (Engine e : List.of(a, b)) {
            String who = e == a ? "a" : "b";
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) touch(e, "doc:" + who + i + "#viewer@user:u" + i);
                } catch (Throwable x) {
                    failures.add(x);
                }
            });
            writers.add(t);
            t.start();
        }
        for (Thread t : writers) t.join(60_000);
        assertThat(writers).noneMatch(Thread::isAlive);
        assertThat(failures).isEmpty();
        Revision head = store.headRevision();
        for (Engine e : List.of(a, b)) {
            Consistency fresh = new Consistency.AtLeastAsFresh(head);
            assertThat(Fixture.check(e, "doc:a199#view", "user:u199", Map.of(), fresh)
                            .permissionship())
                    .isEqualTo(HAS_PERMISSION);
            assertThat(Fixture.check(e, "doc:b0#view", "user:u0", Map.of(), fresh)
                            .permissionship())
                    .isEqualTo(HAS_PERMISSION);
            assertThat(e.readRelationships(
                                    new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), fresh, null, 0))
                            .items())
                    .hasSize(400);
        }
    }

    @Test
    void anEngineThatFellBehindTheChangeLogReloads() {
        MemoryDatastore store = new MemoryDatastore(Clock.systemUTC());
        store.writeSchema(SCHEMA);
        store.write(
                List.of(
                        RelationshipUpdate.create(Relationship.parse("doc:a#viewer@user:ann")),
                        RelationshipUpdate.create(Relationship.parse("doc:b#viewer@user:bob"))),
                List.of());
        Datastore silent = new External(store) {
            @Override
            public void onNewRevisions(Runnable callback) {}
        };
        Engine e = Engines.create(silent, EngineOptions.defaults());
        assertThat(can(e, "doc:a#view", "user:ann")).isEqualTo(HAS_PERMISSION);
        store.write(
                List.of(
                        RelationshipUpdate.delete(Relationship.parse("doc:a#viewer@user:ann")),
                        RelationshipUpdate.create(Relationship.parse("doc:c#viewer@user:cid"))),
                List.of());
        store.write(List.of(RelationshipUpdate.create(Relationship.parse("doc:d#viewer@user:dan"))), List.of());
        store.collectGarbage(Instant.now().plusSeconds(3600));
        assertThat(Fixture.check(e, "doc:a#view", "user:ann", Map.of(), Consistency.FULLY_CONSISTENT)
                        .permissionship())
                .isEqualTo(NO_PERMISSION);
        assertThat(can(e, "doc:b#view", "user:bob")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "doc:c#view", "user:cid")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "doc:d#view", "user:dan")).isEqualTo(HAS_PERMISSION);
        assertThat(Fixture.lookupResources(e, "doc", "view", "user:ann")).isEmpty();
    }

    @Test
    void theFollowerRetriesWhileTheStoreIsUnavailableAndCatchesUpAlone() throws Exception {
        MemoryDatastore store = new MemoryDatastore(Clock.systemUTC());
        store.writeSchema(SCHEMA);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Runnable> announce =
                new java.util.concurrent.atomic.AtomicReference<>();
        Datastore flaky = new External(store) {
            @Override
            public List<Results.ChangeSet> changesSince(Revision after, int max) {
                if (down.get()) {
                    refused.incrementAndGet();
                    throw new KithException.StoreUnavailable("the test store is down");
                }
                return super.changesSince(after, max);
            }

            @Override
            public void onNewRevisions(Runnable callback) {
                announce.set(callback);
            }
        };
        Engine e = Engines.create(flaky, EngineOptions.defaults());
        down.set(true);
        store.write(List.of(RelationshipUpdate.create(Relationship.parse("doc:a#viewer@user:ann"))), List.of());
        announce.get().run();
        Await.until("the follower to retry while the store is down", () -> refused.get() >= 2, Duration.ofSeconds(10));
        assertThat(can(e, "doc:a#view", "user:ann")).isEqualTo(NO_PERMISSION);

        down.set(false);
        Await.until(
                "the follower to catch up with the store alone",
                () -> e.appliedRevision().compareTo(store.headRevision()) >= 0,
                Duration.ofSeconds(10));
        assertThat(e.appliedRevision()).isEqualTo(store.headRevision());
        assertThat(can(e, "doc:a#view", "user:ann")).isEqualTo(HAS_PERMISSION);
        e.close();
    }

    @Test
    void revisionsSupersededBeforeTheWindowAreNotReadableExactlyOnAFreshNode() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
        MemoryDatastore store = new MemoryDatastore(clock);
        store.writeSchema(SCHEMA);
        Revision before =
                store.write(List.of(RelationshipUpdate.create(Relationship.parse("doc:a#viewer@user:ann"))), List.of());
        clock.advance(Duration.ofMinutes(1));
        Revision loaded =
                store.write(List.of(RelationshipUpdate.create(Relationship.parse("doc:b#viewer@user:bob"))), List.of());
        clock.advance(Duration.ofMinutes(61));
        Engine e = Engines.create(
                new External(store), EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofHours(1)));
        assertThat(Fixture.check(e, "doc:b#view", "user:bob", Map.of(), new Consistency.AtExactSnapshot(loaded))
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        Fixture.check(e, "doc:a#view", "user:ann", Map.of(), new Consistency.AtExactSnapshot(before)))
                .as("superseded 61 minutes ago, past the window: a clear expiry, not an answer from nothing")
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThat(Fixture.check(e, "doc:a#view", "user:ann", Map.of(), new Consistency.AtLeastAsFresh(before))
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
        e.close();
    }

    static final String SCHEMA_OWNERS = """
            definition user {}
            definition doc {
                relation viewer: user
                relation owner: user
                permission view = owner
            }
            """;

    private static Permissionship at(Engine e, String resourceAndPermission, String subject, Revision revision) {
        return Fixture.check(e, resourceAndPermission, subject, Map.of(), new Consistency.AtExactSnapshot(revision))
                .permissionship();
    }

    /**
     * A node that starts (a restart, or a second node starting late) answers at every revision still inside the
     * GC window as a node running all along would: the relationships and the schema of that revision, each
     * revision readable until a window after the store committed the next one, not after this node started.
     */
    @Test
    void aRestartedNodeAnswersAtEveryRevisionInsideTheWindow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
        MemoryDatastore store = new MemoryDatastore(clock);
        EngineOptions options = EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofHours(1));
        Engine first = Engines.create(new External(store), options);
        Revision schema1 = first.writeSchema(SCHEMA);
        Revision r1 = touch(first, "doc:a#viewer@user:ann");
        clock.advance(Duration.ofMinutes(10));
        Revision r2 = Fixture.delete(first, "doc:a#viewer@user:ann");
        clock.advance(Duration.ofMinutes(10));
        Revision schema2 = first.writeSchema(SCHEMA_OWNERS);
        Revision r4 = touch(first, "doc:b#owner@user:bob", "doc:a#viewer@user:ann");
        clock.advance(Duration.ofMinutes(10));
        assertThat(at(first, "doc:a#view", "user:ann", r1)).isEqualTo(HAS_PERMISSION);
        first.close();

        Engine restarted = Engines.create(new External(store), options);
        assertThat(restarted.appliedRevision()).isEqualTo(r4);
        assertThat(at(restarted, "doc:a#view", "user:ann", r1))
                .as("the relationship deleted since, under the schema of then")
                .isEqualTo(HAS_PERMISSION);
        assertThat(at(restarted, "doc:a#view", "user:ann", r2)).isEqualTo(NO_PERMISSION);
        assertThat(at(restarted, "doc:b#view", "user:bob", r4)).isEqualTo(HAS_PERMISSION);
        assertThat(at(restarted, "doc:a#view", "user:ann", r4))
                .as("a viewer no longer grants view under the new schema")
                .isEqualTo(NO_PERMISSION);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> at(restarted, "doc:b#owner", "user:bob", r2))
                .as("the relation did not exist before the schema change")
                .isInstanceOf(KithException.NotFound.class);
        assertThat(Fixture.check(restarted, "doc:a#view", "user:ann", Map.of(), new Consistency.AtLeastAsFresh(r1))
                        .permissionship())
                .isEqualTo(NO_PERMISSION);
        assertThat(restarted
                        .readRelationships(new Requests.ReadRelationships(
                                RelationshipFilter.ofType("doc"), new Consistency.AtExactSnapshot(r1), null, 0))
                        .items())
                .extracting(item -> item.relationship().toString())
                .containsExactly("doc:a#viewer@user:ann");

        // each revision expires a window after the next one was committed
        clock.advance(Duration.ofMinutes(39)); // 69 minutes after r1 was written, 59 after r2 superseded it
        assertThat(at(restarted, "doc:a#view", "user:ann", r1)).isEqualTo(HAS_PERMISSION);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> at(restarted, "doc:a#view", "user:ann", schema1))
                .as("superseded by r1 69 minutes ago")
                .isInstanceOf(KithException.RevisionExpired.class);
        clock.advance(Duration.ofMinutes(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> at(restarted, "doc:a#view", "user:ann", r1))
                .as("r2 committed 61 minutes ago, not when this node started")
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThat(at(restarted, "doc:a#view", "user:ann", r2)).isEqualTo(NO_PERMISSION);

        Engine late = Engines.create(new External(store), options);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> at(late, "doc:a#view", "user:ann", r1))
                .as("a node starting after r1 left the window does not bring it back")
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThat(at(late, "doc:a#view", "user:ann", r2)).isEqualTo(NO_PERMISSION);
        assertThat(at(late, "doc:b#view", "user:bob", schema2)).isEqualTo(NO_PERMISSION);
        assertThat(at(late, "doc:b#view", "user:bob", r4)).isEqualTo(HAS_PERMISSION);
        restarted.close();
        late.close();
    }
}

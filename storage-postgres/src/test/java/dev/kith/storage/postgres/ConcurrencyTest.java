package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Await;
import dev.kith.engine.KithException;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many writers on two "nodes" (two stores over one database) at once, with followers reading the feed. */
final class ConcurrencyTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final int WRITERS = 8;
    private static final int WRITES_PER_WRITER = 40;

    /**
     * Every acknowledged write has a distinct revision, the revisions are exactly 1..N, the change set of each
     * holds exactly that write, and a follower that polls the feed while the writes run sees every revision
     * once, in order, with no gap: a transaction that took its revision early and committed late is never
     * skipped.
     */
    @Test
    void revisionOrderIsCommitOrderUnderConcurrentWriters() throws Exception {
        PostgresOptions options = DB.newDatabase("concurrent");
        try (PostgresDatastore node1 = PostgresDatastore.open(options);
                PostgresDatastore node2 = PostgresDatastore.open(options)) {
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
            Map<Long, String> written = new ConcurrentHashMap<>();
            AtomicBoolean done = new AtomicBoolean();
            List<Long> followed = new ArrayList<>();
            Map<Long, List<Results.RelationshipChange>> followedChanges = new HashMap<>();
            CountDownLatch woken = new CountDownLatch(1);
            node2.onNewRevisions(woken::countDown);
            // the follower reads the feed again as soon as a commit (or the end of the writes) is announced
            Semaphore announced = new Semaphore(0);
            node2.onNewRevisions(announced::release);
            Future<?> follower = pool.submit(() -> {
                Revision at = Revision.ZERO;
                while (true) {
                    boolean finished = done.get();
                    List<Results.ChangeSet> sets = node2.changesSince(at, 7);
                    for (Results.ChangeSet set : sets) {
                        assertThat(set.revision().value())
                                .as("the feed continues right after %s", at)
                                .isEqualTo(at.value() + 1);
                        followed.add(set.revision().value());
                        followedChanges.put(set.revision().value(), set.changes());
                        at = set.revision();
                    }
                    if (finished && sets.isEmpty()) return null;
                    if (sets.isEmpty() && announced.tryAcquire(1, TimeUnit.SECONDS)) announced.drainPermits();
                }
            });
            CyclicBarrier start = new CyclicBarrier(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                PostgresDatastore node = w % 2 == 0 ? node1 : node2;
                int writer = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < WRITES_PER_WRITER; i++) {
                        String id = "w" + writer + "_" + i;
                        Revision r = node.write(
                                List.of(RelationshipUpdate.create(
                                        Relationship.parse("document:" + id + "#viewer@user:ann"))),
                                List.of());
                        assertThat(written.put(r.value(), id))
                                .as("revision %s given twice", r)
                                .isNull();
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) f.get(120, TimeUnit.SECONDS);
            done.set(true);
            announced.release();
            follower.get(120, TimeUnit.SECONDS);
            pool.shutdown();

            int n = WRITERS * WRITES_PER_WRITER;
            assertThat(written.keySet()).hasSize(n);
            assertThat(followed).hasSize(n);
            for (int i = 0; i < n; i++) assertThat(followed.get(i)).isEqualTo(i + 1L);
            for (Map.Entry<Long, String> e : written.entrySet()) {
                assertThat(followedChanges.get(e.getKey()))
                        .extracting(c -> c.relationship().resource().id())
                        .containsExactly(e.getValue());
            }
            assertThat(node1.headRevision()).isEqualTo(new Revision(n));
            assertThat(woken.await(10, TimeUnit.SECONDS))
                    .as("LISTEN/NOTIFY woke the other node")
                    .isTrue();
        }
    }

    /**
     * A transaction that has taken revision R but not committed holds back every later write: the next write
     * waits, then gets R+1 once R commits, so no reader can see R+1 without R.
     */
    @Test
    void aLaterWriteWaitsUntilTheEarlierRevisionCommits() throws Exception {
        PostgresOptions options = DB.newDatabase("late");
        try (PostgresDatastore store = PostgresDatastore.open(options);
                PgClient slow = new PgClient(options)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch taken = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            Future<Long> early = pool.submit(() -> slow.inTransaction(c -> {
                long r = slow.await(c.query("UPDATE kith_revision_counter SET head = head + 1 RETURNING head")
                                .execute())
                        .iterator()
                        .next()
                        .getLong(0);
                slow.await(c.preparedQuery("INSERT INTO kith_revision (revision, committed_at) VALUES ($1, now())")
                        .execute(Tuple.of(r)));
                slow.await(c.preparedQuery("INSERT INTO kith_relationship (" + Sql.KEY
                                + ", created_revision) VALUES ('document', 'early', 'viewer', 'user', 'ann', '', $1)")
                        .execute(Tuple.of(r)));
                taken.countDown();
                try {
                    commit.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return r;
            }));
            assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Revision> late = pool.submit(() -> store.write(
                    List.of(RelationshipUpdate.create(Relationship.parse("document:late#viewer@user:ann"))),
                    List.of()));
            Await.until(
                    "the later write to wait on the revision counter's lock",
                    () -> TestDatabase.sessionsWaitingOnLocks(slow) >= 1,
                    Duration.ofSeconds(10));
            assertThat(late.isDone())
                    .as("the later write waits for the earlier revision")
                    .isFalse();
            assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
            assertThat(store.changesSince(Revision.ZERO, 10)).isEmpty();
            commit.countDown();
            assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(new Revision(2));
            pool.shutdown();
            assertThat(store.changesSince(Revision.ZERO, 10))
                    .extracting(set ->
                            set.changes().getFirst().relationship().resource().id())
                    .containsExactly("early", "late");
        }
    }

    /**
     * Two nodes race to create the same relationship guarded by MUST_NOT_MATCH: exactly one wins each round,
     * because the precondition is decided inside the database under the write lock, not in a node's memory.
     */
    @Test
    void twoNodesCannotBothWinAMustNotMatchRace() throws Exception {
        PostgresOptions options = DB.newDatabase("race");
        try (PostgresDatastore node1 = PostgresDatastore.open(options);
                PostgresDatastore node2 = PostgresDatastore.open(options)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            int rounds = 30;
            AtomicInteger wins = new AtomicInteger();
            AtomicInteger refusals = new AtomicInteger();
            for (int round = 0; round < rounds; round++) {
                String doc = "doc" + round;
                CyclicBarrier start = new CyclicBarrier(4);
                List<Future<?>> racers = new ArrayList<>();
                for (int racer = 0; racer < 4; racer++) {
                    PostgresDatastore node = racer % 2 == 0 ? node1 : node2;
                    String subject = "user:racer" + racer;
                    racers.add(pool.submit(() -> {
                        start.await();
                        try {
                            node.write(
                                    List.of(RelationshipUpdate.touch(
                                            Relationship.parse("document:" + doc + "#owner@" + subject))),
                                    List.of(new Precondition(
                                            Precondition.Kind.MUST_NOT_MATCH,
                                            new RelationshipFilter("document", doc, null, "owner", null))));
                            wins.incrementAndGet();
                        } catch (KithException.PreconditionFailed e) {
                            refusals.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : racers) f.get(60, TimeUnit.SECONDS);
                assertThat(node1.read(
                                new RelationshipFilter("document", doc, null, "owner", null),
                                node1.headRevision(),
                                null,
                                0))
                        .hasSize(1);
            }
            pool.shutdown();
            assertThat(wins.get()).isEqualTo(rounds);
            assertThat(refusals.get()).isEqualTo(rounds * 3);
        }
    }
}

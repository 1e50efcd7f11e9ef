package dev.kith.storage.postgres;

import static dev.kith.storage.postgres.ImportRows.atRow;
import static dev.kith.storage.postgres.ImportRows.numbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Await;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bulk import's initial load: into a table without rows it drops the indexes, COPYs and re-creates them. Which
 * path an import took shows in the catalog: re-created indexes have new OIDs, kept ones the same.
 */
final class EmptyTableImportTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String INDEXES = "SELECT indexrelid::regclass::text, indexrelid::bigint,"
            + " pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'kith_relationship'::regclass";

    private PostgresOptions options;
    private PostgresDatastore store;
    private PgClient sql;

    @BeforeEach
    void open() {
        options = DB.newDatabase("empty");
        store = PostgresDatastore.open(options);
        sql = new PgClient(options);
    }

    @AfterEach
    void close() {
        sql.close();
        store.close();
    }

    /** The table's indexes by name: OID and definition. */
    private Map<String, Index> indexes() {
        Map<String, Index> found = new TreeMap<>();
        for (Row r : sql.query(INDEXES, Tuple.tuple()))
            found.put(r.getString(0), new Index(r.getLong(1), r.getString(2)));
        return found;
    }

    private record Index(long oid, String definition) {}

    private static Map<String, String> definitions(Map<String, Index> indexes) {
        Map<String, String> d = new TreeMap<>();
        indexes.forEach((name, index) -> d.put(name, index.definition()));
        return d;
    }

    private static List<Long> oids(Map<String, Index> indexes) {
        return indexes.values().stream().map(Index::oid).toList();
    }

    private List<Relationship> all() {
        return store.read(new RelationshipFilter(null, null, null, null, null), store.headRevision(), null, 0);
    }

    /** Inserts a live row directly, bypassing the store's own conflict check, so that only the index can refuse it. */
    private void insertDirectly(String resourceId) {
        sql.query(
                "INSERT INTO kith_relationship (resource_type, resource_id, relation, subject_type, subject_id,"
                        + " subject_relation, created_revision) VALUES ('document', $1, 'viewer', 'user', 'u', '', 1)",
                Tuple.of(resourceId));
    }

    /** After a failed import: every index as before (same OIDs), writes accepted, duplicates refused by the index. */
    private void assertIndexesIntactAndWorking(Map<String, Index> before) {
        assertThat(indexes()).isEqualTo(before);
        assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
        Relationship written = Relationship.parse("document:after#viewer@user:u");
        store.write(List.of(RelationshipUpdate.create(written)), List.of());
        assertThat(all()).containsExactly(written);
        assertThatThrownBy(() -> insertDirectly("after"))
                .isInstanceOf(PgClient.UniqueViolation.class)
                .hasMessageContaining("kith_relationship_live");
    }

    @Test
    void anImportIntoAnEmptyTableReCreatesEveryIndexFromItsDefinition() {
        Map<String, Index> before = indexes();
        assertThat(before)
                .containsOnlyKeys(
                        "kith_relationship_live",
                        "kith_relationship_created",
                        "kith_relationship_deleted",
                        "kith_relationship_expiring");
        Revision at = store.importBulk(numbered(CopyImport.ROWS_PER_COPY + 7, "user:u"));
        assertThat(at).isEqualTo(new Revision(1));
        Map<String, Index> after = indexes();
        assertThat(definitions(after)).isEqualTo(definitions(before));
        assertThat(oids(after)).doesNotContainAnyElementsOf(oids(before));
        assertThat(all()).hasSize(CopyImport.ROWS_PER_COPY + 7);
        assertThat(store.changesSince(Revision.ZERO, 10)).hasSize(1);
        assertThatThrownBy(() -> insertDirectly("d5"))
                .as("the re-created unique index refuses a second live copy")
                .isInstanceOf(PgClient.UniqueViolation.class);
        assertThatThrownBy(() -> store.write(
                        List.of(RelationshipUpdate.create(Relationship.parse("document:d3#viewer@user:u"))), List.of()))
                .isInstanceOf(KithException.Conflict.class);
    }

    @Test
    void anIndexAddedByALaterMigrationIsReCreatedToo() {
        sql.statement("CREATE INDEX kith_relationship_by_subject ON kith_relationship (subject_type, subject_id)");
        Map<String, Index> before = indexes();
        store.importBulk(numbered(50, "user:u"));
        Map<String, Index> after = indexes();
        assertThat(definitions(after)).isEqualTo(definitions(before)).containsKey("kith_relationship_by_subject");
        assertThat(oids(after)).doesNotContainAnyElementsOf(oids(before));
    }

    @Test
    void aTableWithOnlyDeletedRowsIsNotEmptyAndKeepsItsIndexes() {
        Relationship gone = Relationship.parse("document:gone#viewer@user:u");
        store.write(List.of(RelationshipUpdate.create(gone)), List.of());
        store.write(List.of(RelationshipUpdate.delete(gone)), List.of());
        Map<String, Index> before = indexes();
        Revision at = store.importBulk(numbered(20, "user:u"));
        assertThat(at).isEqualTo(new Revision(3));
        assertThat(indexes())
                .as("the incremental path leaves the indexes in place")
                .isEqualTo(before);
        assertThat(all()).hasSize(20);
    }

    @Test
    void aRelationshipTwiceInTheInitialLoadIsInvalidAndLeavesTheIndexesIntact() {
        Map<String, Index> before = indexes();
        Relationship twice = new Relationship(
                new ObjectRef("document", "a|b=c"), "viewer", new SubjectRef("group", "g1", "member"), null, null);
        List<Relationship> rows = new ArrayList<>();
        numbered(CopyImport.ROWS_PER_COPY + 10, "user:u").forEachRemaining(rows::add);
        rows.add(10, twice);
        rows.add(twice);
        assertThatThrownBy(() -> store.importBulk(rows.iterator()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("relationship " + twice + " appears more than once in the import");
        assertThat(all()).isEmpty();
        assertIndexesIntactAndWorking(before);
    }

    @Test
    void aFailureDuringTheCopyRollsBackToTheIndexedEmptyTable() {
        Map<String, Index> before = indexes();
        Iterator<Relationship> rows = numbered(CopyImport.ROWS_PER_COPY + 10, "user:u");
        assertThatThrownBy(() -> store.importBulk(atRow(CopyImport.ROWS_PER_COPY + 5, rows, () -> {
                    throw new KithException.InvalidArgument("relationships", "line 9 is not JSON");
                })))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("line 9 is not JSON");
        assertIndexesIntactAndWorking(before);
    }

    @Test
    void aDeadlineThatPassesDuringTheCopyStopsTheImportBeforeTheBuilds() {
        Map<String, Index> before = indexes();
        Deadline deadline = Deadline.untilCancelled();
        Iterator<Relationship> rows = atRow(500, numbered(1_000, "user:u"), deadline::cancel);
        assertThatThrownBy(() -> deadline.call(() -> store.importBulk(rows)))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("nothing was written");
        assertIndexesIntactAndWorking(before);
    }

    @Test
    void aRelationshipTooLargeForTheIndexFailsItsBuildAsInvalid() {
        Map<String, Index> before = indexes();
        // Incompressible, so that the index entry cannot be shrunk below the btree limit (~2.7 kB).
        StringBuilder id = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        while (id.length() < 9000) id.append(Long.toString(random.nextLong(), 36));
        Relationship huge =
                Relationship.of(new ObjectRef("document", id.toString()), "viewer", new SubjectRef("user", "u", null));
        assertThatThrownBy(() -> store.importBulk(List.of(huge).iterator()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("too large to store");
        assertIndexesIntactAndWorking(before);
    }

    @Test
    void theBuildsDetailNamesTheDuplicatedRelationship() {
        assertThat(PgClient.duplicateKey("Key (resource_type, resource_id, relation, subject_type, subject_id,"
                        + " subject_relation)=(document, n, viewer, group, g, member) is duplicated."))
                .isEqualTo(Relationship.parse("document:n#viewer@group:g#member"));
        assertThat(PgClient.duplicateKey("Key (resource_type, resource_id, relation, subject_type, subject_id,"
                        + " subject_relation)=(document, n, viewer, user, x, ) already exists."))
                .isEqualTo(Relationship.parse("document:n#viewer@user:x"));
        assertThat(PgClient.duplicateKey("could not create unique index")).isNull();
    }

    /**
     * While an initial load holds the table (its indexes dropped, its COPY half sent), a writer, a second import, a
     * reader of the feed, a full load and garbage collection all wait for it; once it commits every one of them
     * finishes (no deadlock, which PostgreSQL would report as an error) and none saw part of the import.
     */
    @Test
    void concurrentWritersReadersAndGarbageCollectionWaitForTheInitialLoadAndNeverSeeHalfOfIt() throws Exception {
        int size = CopyImport.ROWS_PER_COPY + 500;
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Iterator<Relationship> paused = atRow(CopyImport.ROWS_PER_COPY + 100, numbered(size, "user:u"), () -> {
            halfSent.countDown();
            await(release);
        });
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (PostgresDatastore other = PostgresDatastore.open(options)) {
            Future<Revision> initial = pool.submit(() -> store.importBulk(paused));
            assertThat(halfSent.await(60, TimeUnit.SECONDS)).isTrue();
            Future<Revision> writer = pool.submit(() -> other.write(
                    List.of(RelationshipUpdate.create(Relationship.parse("document:w#viewer@user:w"))), List.of()));
            Future<Revision> secondImport = pool.submit(() -> other.importBulk(numbered(30, "user:second")));
            Future<List<Results.ChangeSet>> feed = pool.submit(() -> other.changesSince(Revision.ZERO, 10));
            List<Relationship> loaded = new ArrayList<>();
            Future<Revision> load = pool.submit(() -> other.load(schema -> {}, loaded::add));
            Future<?> gc = pool.submit(() -> other.collectGarbage(Instant.now()));
            // The writer and the second import wait for the counter row, the load and garbage collection for the
            // table (the feed only once it finds a revision to read).
            Await.until(
                    "four sessions waiting on the import's locks",
                    () -> {
                        assertThat(initial.isDone())
                                .as("the import still holds its locks")
                                .isFalse();
                        return TestDatabase.sessionsWaitingOnLocks(sql) >= 4;
                    },
                    Duration.ofSeconds(60));
            assertThat(initial.isDone()).isFalse();
            release.countDown();

            Revision first = initial.get(60, TimeUnit.SECONDS);
            assertThat(first).isEqualTo(new Revision(1));
            assertThat(List.of(writer.get(60, TimeUnit.SECONDS), secondImport.get(60, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder(new Revision(2), new Revision(3));
            gc.get(60, TimeUnit.SECONDS);
            for (Results.ChangeSet set : feed.get(60, TimeUnit.SECONDS)) {
                if (set.revision().equals(first)) assertThat(set.changes()).hasSize(size);
            }
            Revision loadedAt = load.get(60, TimeUnit.SECONDS);
            assertThat(loaded).hasSize(loadedAt.equals(Revision.ZERO) ? 0 : size);
            assertThat(all()).hasSize(size + 31);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

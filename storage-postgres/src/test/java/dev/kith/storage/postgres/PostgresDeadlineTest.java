package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Deadline;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Revision;
import dev.kith.engine.runtime.Engines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A write past its caller's deadline commits nothing in PostgreSQL; its statements get only the time left. */
final class PostgresDeadlineTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String SCHEMA = """
            definition user {}
            definition document {
                relation viewer: user
            }
            """;

    private PostgresOptions options;
    private PostgresDatastore store;

    @BeforeEach
    void open() {
        options = DB.newDatabase("deadline");
        store = PostgresDatastore.open(options);
        store.writeSchema(SCHEMA);
        store.write(List.of(RelationshipUpdate.create(Relationship.parse("document:kept#viewer@user:ann"))), List.of());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Deadline cancelled() {
        Deadline d = Deadline.untilCancelled();
        d.cancel();
        return d;
    }

    private static <T> T under(Deadline d, Callable<T> work) throws Exception {
        return d.call(work);
    }

    private List<Relationship> stored() {
        return store.read(RelationshipFilter.ofType("document"), store.headRevision(), null, 0);
    }

    private void unchanged(Revision head) {
        assertThat(store.headRevision()).isEqualTo(head);
        assertThat(stored()).containsExactly(Relationship.parse("document:kept#viewer@user:ann"));
    }

    @Test
    void writeDeleteImportAndSchemaWritePastTheirDeadlineCommitNothing() {
        Revision head = store.headRevision();
        List<Callable<?>> writes = List.of(
                () -> store.write(
                        List.of(RelationshipUpdate.touch(Relationship.parse("document:new#viewer@user:bob"))),
                        List.of()),
                () -> store.deleteByFilter(
                        new Requests.Delete(RelationshipFilter.ofType("document"), List.of(), 0, false)),
                () -> store.importBulk(IntStream.range(0, 100)
                        .mapToObj(i -> Relationship.parse("document:i" + i + "#viewer@user:bob"))
                        .iterator()),
                () -> store.writeSchema(SCHEMA + "definition extra {}\n"));
        for (Callable<?> write : writes) {
            assertThatThrownBy(() -> under(cancelled(), write))
                    .isInstanceOf(KithException.DeadlineExceeded.class)
                    .hasMessageContaining("nothing was written");
            unchanged(head);
        }
        assertThat(store.schemaAt(store.headRevision())).isEqualTo(SCHEMA);
    }

    @Test
    void anEngineWritePastItsDeadlineLeavesTheStoreAndTheIndexUnchanged() throws Exception {
        try (Engine engine = Engines.create(PostgresDatastore.open(options), EngineOptions.defaults())) {
            Revision head = engine.appliedRevision();
            assertThatThrownBy(() -> under(
                            cancelled(),
                            () -> engine.write(new Requests.Write(
                                    List.of(RelationshipUpdate.touch(
                                            Relationship.parse("document:new#viewer@user:bob"))),
                                    List.of()))))
                    .isInstanceOf(KithException.DeadlineExceeded.class);
            assertThat(engine.appliedRevision()).isEqualTo(head);
            unchanged(head);
        }
    }

    @Test
    void aTransactionsStatementsGetOnlyTheTimeLeft() throws Exception {
        try (PgClient client = new PgClient(options)) {
            // the configured statement_timeout (30 s by default) is longer than the deadline
            String unbounded = client.inTransaction(c -> showStatementTimeout(client, c));
            String bounded = under(
                    Deadline.after(Duration.ofSeconds(20)),
                    () -> client.inTransaction(c -> showStatementTimeout(client, c)));
            assertThat(bounded).isNotEqualTo(unbounded).endsWith("ms");
            long millis = Long.parseLong(bounded.substring(0, bounded.length() - 2));
            assertThat(millis).isBetween(1L, 20_000L);
        }
    }

    @Test
    void aStatementStillRunningAtTheDeadlineIsCancelledAsTheDeadlinesError() {
        try (PgClient client = new PgClient(options)) {
            // pg_sleep is the long statement under test (the deadline, timed by PostgreSQL, must cancel it), not a
            // wait for an event
            assertThatThrownBy(() -> under(
                            Deadline.after(Duration.ofMillis(200)),
                            () -> client.inTransaction(c ->
                                    client.await(c.query("SELECT pg_sleep(60)").execute()))))
                    .isInstanceOf(KithException.DeadlineExceeded.class)
                    .hasMessageContaining("rolled back");
        }
    }

    private static String showStatementTimeout(PgClient client, io.vertx.sqlclient.SqlConnection c) {
        return client.await(c.query("SHOW statement_timeout").execute())
                .iterator()
                .next()
                .getString(0);
    }
}

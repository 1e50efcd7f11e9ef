package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.DeploymentIdentity;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deployment identity kept in {@code kith_deployment}, and the GC window the store suggests. */
final class DeploymentTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void nodesStartingTogetherOverOneDatabaseAgreeOnOneIdentity() throws Exception {
        PostgresOptions options = DB.newDatabase("identity_race");
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        CyclicBarrier start = new CyclicBarrier(nodes);
        List<Future<DeploymentIdentity>> results = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            results.add(pool.submit(() -> {
                start.await();
                try (PostgresDatastore store = PostgresDatastore.open(options)) {
                    return store.deployment();
                }
            }));
        }
        Set<DeploymentIdentity> seen = new HashSet<>();
        for (Future<DeploymentIdentity> f : results) seen.add(f.get(60, TimeUnit.SECONDS));
        pool.shutdown();
        assertThat(seen).hasSize(1);
        try (PgClient client = new PgClient(options)) {
            assertThat(client.query("SELECT count(*) FROM kith_deployment", Tuple.tuple())
                            .iterator()
                            .next()
                            .getLong(0))
                    .isEqualTo(1);
        }
        try (PostgresDatastore again = PostgresDatastore.open(options)) {
            assertThat(again.deployment())
                    .as("the same after a restart")
                    .isEqualTo(seen.iterator().next());
        }
    }

    @Test
    void anotherDatabaseIsAnotherDeployment() {
        try (PostgresDatastore a = PostgresDatastore.open(DB.newDatabase("identity_a"));
                PostgresDatastore b = PostgresDatastore.open(DB.newDatabase("identity_b"))) {
            assertThat(a.deployment().id()).isNotEqualTo(b.deployment().id());
            assertThat(a.deployment().tokenSecret()).isNotEqualTo(b.deployment().tokenSecret());
        }
    }

    @Test
    void aDatabaseMigratedBeforeIdentitiesExistedGetsOneWhenOpened() {
        PostgresOptions options = DB.newDatabase("identity_upgrade");
        try (PgClient client = new PgClient(options)) {
            client.query(
                    "CREATE TABLE kith_migration (version integer PRIMARY KEY, description text NOT NULL,"
                            + " applied_at timestamptz NOT NULL DEFAULT now())",
                    Tuple.tuple());
        }
        // version 1 only, as an older kith left it
        try (PgClient client = new PgClient(options)) {
            client.inTransaction(c -> {
                client.await(c.query(Migrations.ALL.getFirst().sql()).execute());
                client.await(c.query("INSERT INTO kith_migration (version, description) VALUES (1, 'old')")
                        .execute());
                return null;
            });
        }
        try (PostgresDatastore store = PostgresDatastore.open(options)) {
            assertThat(store.deployment().id()).isNotBlank();
            assertThat(store.headRevision().value()).isZero();
        }
    }

    @Test
    void theSuggestedGcWindowIsTheUrlsOr24Hours() {
        try (PostgresDatastore store = PostgresDatastore.open(DB.newDatabase("gc_default"))) {
            assertThat(store.defaultGcWindow()).isEqualTo(Duration.ofHours(24));
        }
        try (PostgresDatastore store =
                PostgresDatastore.open(DB.newDatabase("gc_set").withGc(Duration.ofMinutes(90), Duration.ZERO))) {
            assertThat(store.defaultGcWindow()).isEqualTo(Duration.ofMinutes(90));
        }
    }
}

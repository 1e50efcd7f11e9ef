package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class MigrationsTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static long count(PostgresOptions options, String sql) {
        try (PgClient client = new PgClient(options)) {
            return client.query(sql, Tuple.tuple()).iterator().next().getLong(0);
        }
    }

    @Test
    void migratingTwiceAppliesEachVersionOnce() {
        PostgresOptions options = DB.newDatabase("migrate");
        int latest = PostgresDatastore.latestSchemaVersion();
        assertThat(latest).isGreaterThanOrEqualTo(1);
        assertThat(PostgresDatastore.migrate(options)).isEqualTo(new PostgresDatastore.MigrationResult(0, latest));
        assertThat(PostgresDatastore.migrate(options)).isEqualTo(new PostgresDatastore.MigrationResult(latest, latest));
        assertThat(count(options, "SELECT count(*) FROM kith_migration")).isEqualTo(latest);
        assertThat(count(options, "SELECT head FROM kith_revision_counter")).isZero();
    }

    @Test
    void nodesStartingTogetherTakeTurns() throws Exception {
        PostgresOptions options = DB.newDatabase("together");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CyclicBarrier start = new CyclicBarrier(4);
        List<Future<PostgresDatastore.MigrationResult>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return PostgresDatastore.migrate(options);
            }));
        }
        int fresh = 0;
        for (Future<PostgresDatastore.MigrationResult> f : results) {
            if (f.get(60, TimeUnit.SECONDS).fromVersion() == 0) fresh++;
        }
        pool.shutdown();
        assertThat(fresh).as("exactly one node migrated from version 0").isEqualTo(1);
        assertThat(count(options, "SELECT count(*) FROM kith_migration"))
                .isEqualTo(PostgresDatastore.latestSchemaVersion());
    }

    @Test
    void aDatabaseMigratedByANewerKithIsRefused() {
        PostgresOptions options = DB.newDatabase("newer");
        PostgresDatastore.migrate(options);
        int newer = PostgresDatastore.latestSchemaVersion() + 1;
        try (PgClient client = new PgClient(options)) {
            client.query(
                    "INSERT INTO kith_migration (version, description) VALUES ($1, 'from the future')",
                    Tuple.of(newer));
        }
        assertThatThrownBy(() -> PostgresDatastore.open(options))
                .isInstanceOf(KithException.StoreUnavailable.class)
                .hasMessageContaining("migrated to schema version " + newer + " by a newer kith")
                .hasMessageContaining("upgrade kith");
        assertThatThrownBy(() -> PostgresDatastore.migrate(options)).isInstanceOf(KithException.StoreUnavailable.class);
        assertThatThrownBy(() -> PostgresDatastore.open(options.withAutoMigrate(false)))
                .isInstanceOf(KithException.StoreUnavailable.class)
                .hasMessageContaining("newer kith");
    }

    @Test
    void withoutAutoMigrateAnOutdatedDatabaseIsRefusedUntilMigrated() {
        PostgresOptions options = DB.newDatabase("manual").withAutoMigrate(false);
        assertThatThrownBy(() -> PostgresDatastore.open(options))
                .isInstanceOf(KithException.StoreUnavailable.class)
                .hasMessageContaining("schema version 0")
                .hasMessageContaining("run `kith migrate`");
        PostgresDatastore.migrate(options);
        try (PostgresDatastore store = PostgresDatastore.open(options)) {
            assertThat(store.headRevision().value()).isZero();
        }
    }
}

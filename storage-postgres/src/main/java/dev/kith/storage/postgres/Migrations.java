package dev.kith.storage.postgres;

import dev.kith.engine.BugException;
import dev.kith.engine.KithException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The database schema's versions: numbered SQL files ({@code migrations/0001.sql}, {@code 0002.sql}, …, each
 * starting with a one-line {@code --} description) applied in order inside one transaction and recorded in
 * {@code kith_migration}. A transaction-scoped advisory lock makes nodes that start together take turns: the
 * first migrates, the others then find nothing to do.
 */
final class Migrations {
    /** The advisory lock key of migrations (any constant; "kith" in ASCII). */
    private static final long LOCK_KEY = 0x6B697468L;

    /** One migration file. */
    record Migration(int version, String description, String sql) {}

    /** Every migration this kith knows, in version order. */
    static final List<Migration> ALL = loadAll();

    private Migrations() {}

    static int latestVersion() {
        return ALL.size();
    }

    /** Applies the pending migrations; returns the versions before and after. */
    static PostgresDatastore.MigrationResult migrate(PgClient client) {
        return client.inTransaction(c -> {
            client.await(c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_KEY)));
            // No "already exists, skipping" notice in the logs of every start after the first.
            client.await(c.query("SET LOCAL client_min_messages = warning").execute());
            client.await(c.query("CREATE TABLE IF NOT EXISTS kith_migration (version integer PRIMARY KEY,"
                            + " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
                    .execute());
            int from = currentVersion(client, c);
            refuseNewer(from);
            for (Migration m : ALL.subList(from, ALL.size())) {
                client.await(c.query(m.sql()).execute());
                client.await(c.preparedQuery("INSERT INTO kith_migration (version, description) VALUES ($1, $2)")
                        .execute(Tuple.of(m.version(), m.description())));
            }
            return new PostgresDatastore.MigrationResult(from, ALL.size());
        });
    }

    /** Fails unless the database is at exactly the latest version (for stores opened without migrating). */
    static void requireCurrent(PgClient client) {
        int version = client.inSnapshot(c -> {
            Row row = client.await(c.query("SELECT to_regclass('kith_migration') IS NOT NULL")
                            .execute())
                    .iterator()
                    .next();
            return row.getBoolean(0) ? currentVersion(client, c) : 0;
        });
        refuseNewer(version);
        if (version < ALL.size()) {
            throw new KithException.StoreUnavailable("the database is at schema version " + version + " but this kith"
                    + " needs version " + ALL.size() + ": run `kith migrate` (or open it with auto_migrate=true)");
        }
    }

    private static int currentVersion(PgClient client, SqlConnection c) {
        Row row = client.await(c.query("SELECT coalesce(max(version), 0) FROM kith_migration")
                        .execute())
                .iterator()
                .next();
        return row.getInteger(0);
    }

    private static void refuseNewer(int version) {
        if (version > ALL.size()) {
            throw new KithException.StoreUnavailable("the database was migrated to schema version " + version
                    + " by a newer kith; this kith knows versions up to " + ALL.size()
                    + " and will not use it: upgrade kith");
        }
    }

    private static List<Migration> loadAll() {
        List<Migration> all = new ArrayList<>();
        for (int version = 1; ; version++) {
            String name = String.format("migrations/%04d.sql", version);
            try (InputStream in = Migrations.class.getResourceAsStream(name)) {
                if (in == null) break;
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                String first = sql.lines().findFirst().orElse("");
                if (!first.startsWith("--")) {
                    throw new BugException("migration " + name + " does not start with a -- description line");
                }
                all.add(new Migration(version, first.substring(2).strip(), sql));
            } catch (IOException e) {
                throw new BugException("cannot read migration " + name, e);
            }
        }
        if (all.isEmpty()) throw new BugException("no migrations found next to " + Migrations.class.getName());
        return List.copyOf(all);
    }
}

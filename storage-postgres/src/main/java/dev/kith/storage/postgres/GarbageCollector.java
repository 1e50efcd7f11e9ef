package dev.kith.storage.postgres;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Removes history older than a horizon, in small batches (each its own short transaction, so neither writers
 * nor readers wait long). The newest revision committed before the horizon, H, stays readable and becomes
 * the oldest: revision rows before H go first, then relationships deleted at or before H (invisible at H and
 * later), then schema texts superseded by H. Removing revision rows first keeps readers honest: a read that
 * still sees revision R's row runs on a snapshot that still has R's relationships. Live relationships that
 * expired before the horizon are removed too.
 */
final class GarbageCollector {
    /** Rows deleted per statement. */
    static final int BATCH = 1_000;

    private final PgClient client;

    GarbageCollector(PgClient client) {
        this.client = client;
    }

    void collect(Instant horizon) {
        Tuple at = Tuple.of(horizon.atOffset(ZoneOffset.UTC));
        Row row = client.query("SELECT max(revision) FROM kith_revision WHERE committed_at <= $1", at)
                .iterator()
                .next();
        Long kept = row.getLong(0);
        if (kept != null) {
            Tuple revision = Tuple.of(kept);
            deleteInBatches(
                    "DELETE FROM kith_revision WHERE revision = ANY(ARRAY(SELECT revision FROM kith_revision"
                            + " WHERE revision < $1 ORDER BY revision LIMIT " + BATCH + "))",
                    revision);
            deleteInBatches(
                    "DELETE FROM kith_relationship WHERE ctid = ANY(ARRAY(SELECT ctid FROM kith_relationship"
                            + " WHERE deleted_revision <= $1 LIMIT " + BATCH + "))",
                    revision);
            client.query(
                    "DELETE FROM kith_schema WHERE revision <"
                            + " (SELECT max(revision) FROM kith_schema WHERE revision <= $1)",
                    revision);
        }
        deleteInBatches(
                "DELETE FROM kith_relationship WHERE ctid = ANY(ARRAY(SELECT ctid FROM kith_relationship" + " WHERE "
                        + Sql.LIVE + " AND expires_at < $1 LIMIT " + BATCH + "))",
                at);
    }

    private void deleteInBatches(String sql, Tuple params) {
        int deleted;
        do {
            deleted = client.query(sql, params).rowCount();
        } while (deleted == BATCH);
    }
}

package dev.kith.storage.postgres;

import dev.kith.engine.Datastore;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads: the head, loading the live state, reads pinned to a revision, and the change feed. A relationship
 * row is visible at revision R when {@code created_revision <= R} and it was not deleted at or before R.
 * Reads that take several statements run on one snapshot, so a concurrent garbage collection or write cannot
 * show them half of a change.
 */
final class Reads {
    /** Rows fetched per round trip while loading. */
    static final int LOAD_FETCH = 10_000;

    private static final String BOUNDS =
            "SELECT (SELECT min(revision) FROM kith_revision), (SELECT head FROM kith_revision_counter)";

    private static final String CHANGES = "SELECT created_revision AS rev, 0 AS op, " + Sql.COLUMNS
            + " FROM kith_relationship WHERE created_revision > $1 AND created_revision <= $2"
            + " UNION ALL SELECT deleted_revision AS rev, 1 AS op, " + Sql.COLUMNS
            + " FROM kith_relationship WHERE deleted_revision > $1 AND deleted_revision <= $2"
            + " ORDER BY rev, " + Sql.KEY + ", op";

    /** The transaction metadata of the revisions in ($1, $2] that have any. */
    private static final String METADATA = "SELECT revision, metadata::text FROM kith_revision"
            + " WHERE revision > $1 AND revision <= $2 AND metadata IS NOT NULL";

    private final PgClient client;

    Reads(PgClient client) {
        this.client = client;
    }

    Revision headRevision() {
        return new Revision(client.query("SELECT head FROM kith_revision_counter", Tuple.tuple())
                .iterator()
                .next()
                .getLong(0));
    }

    Revision oldestRevision() {
        return new Revision(client.query("SELECT min(revision) FROM kith_revision", Tuple.tuple())
                .iterator()
                .next()
                .getLong(0));
    }

    /**
     * The schema and then every live relationship at the head (leaving out those expired by the database's
     * clock), through a cursor: memory stays bounded.
     */
    Revision load(Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
        return client.inSnapshot(c -> {
            Row head = client.await(c.query("SELECT (SELECT head FROM kith_revision_counter),"
                                    + " (SELECT schema_text FROM kith_schema ORDER BY revision DESC LIMIT 1)")
                            .execute())
                    .iterator()
                    .next();
            schemaSink.accept(head.getString(1));
            PreparedStatement statement =
                    client.await(c.prepare("SELECT " + Sql.COLUMNS + " FROM kith_relationship WHERE " + Sql.LIVE));
            Cursor cursor = statement.cursor();
            try {
                do {
                    RowSet<Row> rows = client.await(cursor.read(LOAD_FETCH));
                    for (Row row : rows) relationshipSink.accept(Sql.relationship(row, 0));
                } while (cursor.hasMore());
            } finally {
                cursor.close();
                statement.close();
            }
            return new Revision(head.getLong(0));
        });
    }

    /**
     * The schema in force at {@code revision} and then every relationship live at it (as {@link #load}: expiration
     * aside), through a cursor on one snapshot that also checks the store still keeps {@code revision}.
     */
    Revision loadAt(Revision revision, Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
        return client.inSnapshot(c -> {
            Row row = client.await(
                            c.preparedQuery(BOUNDS + ", (SELECT schema_text FROM kith_schema WHERE revision <= $1"
                                            + " ORDER BY revision DESC LIMIT 1)")
                                    .execute(Tuple.of(revision.value())))
                    .iterator()
                    .next();
            requireReadable(revision, row);
            schemaSink.accept(row.getString(2));
            PreparedStatement statement = client.await(c.prepare("SELECT " + Sql.COLUMNS
                    + " FROM kith_relationship WHERE created_revision <= $1"
                    + " AND (deleted_revision IS NULL OR deleted_revision > $1)"));
            Cursor cursor = statement.cursor(Tuple.of(revision.value()));
            try {
                do {
                    RowSet<Row> rows = client.await(cursor.read(LOAD_FETCH));
                    for (Row r : rows) relationshipSink.accept(Sql.relationship(r, 0));
                } while (cursor.hasMore());
            } finally {
                cursor.close();
                statement.close();
            }
            return revision;
        });
    }

    /**
     * The newest revision kept that committed at or before {@code instant}; the oldest kept one when none did.
     * Commit times follow revision order, so this is one backward scan of the revisions' primary key.
     */
    Revision revisionAt(Instant instant) {
        Row row = client.query(
                        "SELECT coalesce((SELECT revision FROM kith_revision WHERE committed_at <= $1"
                                + " ORDER BY revision DESC LIMIT 1), (SELECT min(revision) FROM kith_revision))",
                        Tuple.of(instant.atOffset(ZoneOffset.UTC)))
                .iterator()
                .next();
        return new Revision(row.getLong(0));
    }

    /** The revisions from {@code from} on with their commit times, at most {@code max}. */
    List<Datastore.CommittedRevision> commitTimes(Revision from, int max) {
        return client.inSnapshot(c -> {
            Row bounds = client.await(c.query(BOUNDS).execute()).iterator().next();
            long oldest = bounds.getLong(0);
            if (from.value() < oldest) throw new KithException.RevisionExpired(from, new Revision(oldest));
            List<Datastore.CommittedRevision> out = new ArrayList<>();
            if (max <= 0) return out;
            for (Row row : client.await(c.preparedQuery("SELECT revision, committed_at FROM kith_revision"
                            + " WHERE revision >= $1 ORDER BY revision LIMIT $2")
                    .execute(Tuple.of(from.value(), max)))) {
                out.add(new Datastore.CommittedRevision(
                        new Revision(row.getLong(0)), row.getOffsetDateTime(1).toInstant()));
            }
            return out;
        });
    }

    /**
     * Relationships live at {@code revision} and not expired by the database's clock that match {@code filter},
     * in key order, after {@code after}. The
     * live part and the part deleted since {@code revision} are two index scans (the partial index of live rows
     * serves the first).
     */
    List<Relationship> read(RelationshipFilter filter, Revision revision, Relationship after, int limit) {
        Tuple params = Tuple.of(revision.value());
        StringBuilder conditions = new StringBuilder();
        Sql.appendFilter(conditions, params, filter, "");
        if (after != null) {
            int first = params.size() + 1;
            params.addString(after.resource().type())
                    .addString(after.resource().id())
                    .addString(after.relation())
                    .addString(after.subject().type())
                    .addString(after.subject().id())
                    .addString(Sql.subjectRelation(after.subject()));
            conditions.append(" AND (").append(Sql.KEY).append(") > (");
            for (int i = 0; i < 6; i++) conditions.append(i > 0 ? ", $" : "$").append(first + i);
            conditions.append(')');
        }
        conditions.append(" AND (expires_at IS NULL OR expires_at > now())");
        String select = "SELECT " + Sql.COLUMNS + " FROM kith_relationship WHERE created_revision <= $1 AND ";
        String sql = "SELECT * FROM (" + select + Sql.LIVE + conditions + " UNION ALL " + select
                + "deleted_revision > $1" + conditions + ") v"
                + " WHERE EXISTS (SELECT 1 FROM kith_revision WHERE revision = $1)"
                + " ORDER BY " + Sql.KEY + (limit > 0 ? " LIMIT " + limit : "");
        List<Relationship> result = new ArrayList<>();
        for (Row row : client.query(sql, params)) result.add(Sql.relationship(row, 0));
        if (result.isEmpty()) {
            Row bounds = client.query(BOUNDS, Tuple.tuple()).iterator().next();
            requireReadable(revision, bounds);
        }
        return result;
    }

    /**
     * The change sets of the revisions after {@code after}, at most {@code max}. Revisions have no
     * gaps, so every revision in the range gets a change set, empty for a schema write. A TOUCH that replaced a
     * relationship shows as the TOUCH alone.
     */
    List<Results.ChangeSet> changesSince(Revision after, int max) {
        return client.inSnapshot(c -> {
            Row bounds = client.await(c.query(BOUNDS).execute()).iterator().next();
            long oldest = bounds.getLong(0);
            long head = bounds.getLong(1);
            if (after.value() < oldest) {
                throw new KithException.RevisionExpired(after, new Revision(oldest));
            }
            if (after.value() >= head || max <= 0) return List.of();
            long last = Math.min(head, after.value() + max);
            RowSet<Row> rows = client.await(c.preparedQuery(CHANGES).execute(Tuple.of(after.value(), last)));
            Map<Long, Map<String, Object>> metadata = new HashMap<>();
            for (Row row : client.await(c.preparedQuery(METADATA).execute(Tuple.of(after.value(), last)))) {
                metadata.put(
                        row.getLong(0),
                        RelationshipParser.parseContext(row.getString(1), "stored transaction metadata"));
            }
            List<Results.ChangeSet> sets = new ArrayList<>((int) (last - after.value()));
            List<Results.RelationshipChange> changes = new ArrayList<>();
            long current = after.value() + 1;
            Relationship lastTouched = null;
            for (Row row : rows) {
                long revision = row.getLong(0);
                while (current < revision) {
                    sets.add(changeSet(current++, changes, metadata));
                    changes.clear();
                    lastTouched = null;
                }
                Relationship r = Sql.relationship(row, 2);
                if (row.getInteger(1) == 0) {
                    changes.add(new Results.RelationshipChange(Results.RelationshipChange.Operation.TOUCH, r));
                    lastTouched = r.key();
                } else if (!r.key().equals(lastTouched)) {
                    changes.add(new Results.RelationshipChange(Results.RelationshipChange.Operation.DELETE, r));
                }
            }
            while (current <= last) {
                sets.add(changeSet(current++, changes, metadata));
                changes.clear();
            }
            return sets;
        });
    }

    private static Results.ChangeSet changeSet(
            long revision, List<Results.RelationshipChange> changes, Map<Long, Map<String, Object>> metadata) {
        return new Results.ChangeSet(new Revision(revision), changes, metadata.getOrDefault(revision, Map.of()));
    }

    /** The newest schema text at or before {@code revision}, or null if none was written by then. */
    String schemaAt(Revision revision) {
        Row row = client.query(
                        BOUNDS + ", (SELECT schema_text FROM kith_schema WHERE revision <= $1"
                                + " ORDER BY revision DESC LIMIT 1)",
                        Tuple.of(revision.value()))
                .iterator()
                .next();
        requireReadable(revision, row);
        return row.getString(2);
    }

    private static void requireReadable(Revision revision, Row bounds) {
        long oldest = bounds.getLong(0);
        long head = bounds.getLong(1);
        if (revision.value() < oldest) throw new KithException.RevisionExpired(revision, new Revision(oldest));
        if (revision.value() > head) {
            throw new KithException.RevisionUnavailable(
                    "revision " + revision + " does not exist yet: the newest is " + head);
        }
    }
}

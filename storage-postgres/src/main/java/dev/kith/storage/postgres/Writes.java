package dev.kith.storage.postgres;

import dev.kith.engine.Datastore;
import dev.kith.engine.KithException;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Revision;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every write: one transaction that first takes the next revision by locking the counter row, then checks
 * preconditions and conflicts against the database and applies its changes.
 *
 * <p>Why the counter row: a writer holds its lock from taking revision R until it commits, so the writer of
 * R+1 cannot even start before R is committed (or rolled back, which frees R again). Revision order is
 * therefore commit order, numbers have no gaps, and a reader that sees revision R committed sees every
 * revision before it — the change feed cannot miss a transaction that commits late. The same lock
 * serializes preconditions with the writes of every node, so two nodes cannot both pass a {@code
 * MUST_NOT_MATCH} and then both write. The cost is that writes commit one at a time; each takes a few round
 * trips (all changes of a batch go in set-based statements over arrays).
 */
final class Writes {
    /**
     * Takes the next revision (locking the counter row until commit), records it, and queues the NOTIFY that
     * PostgreSQL delivers when the transaction commits. Also the first statement of a bulk import ({@link
     * CopyImport}).
     */
    static final String NEXT_REVISION = "WITH c AS (UPDATE kith_revision_counter SET head = head + 1 RETURNING head),"
            + " r AS (INSERT INTO kith_revision (revision, committed_at)"
            + " SELECT head, clock_timestamp() FROM c RETURNING revision)"
            + " SELECT revision, pg_notify('" + RevisionListener.CHANNEL + "', revision::text) FROM r";

    /** {@link #NEXT_REVISION} for a write with transaction metadata ($1, JSON text), kept with the revision. */
    private static final String NEXT_REVISION_WITH_METADATA =
            "WITH c AS (UPDATE kith_revision_counter SET head = head + 1 RETURNING head),"
                    + " r AS (INSERT INTO kith_revision (revision, committed_at, metadata)"
                    + " SELECT head, clock_timestamp(), $1::text::jsonb FROM c RETURNING revision)"
                    + " SELECT revision, pg_notify('" + RevisionListener.CHANNEL + "', revision::text) FROM r";

    private static final String FIND_LIVE = "SELECT r.resource_type, r.resource_id, r.relation, r.subject_type,"
            + " r.subject_id, r.subject_relation, r.caveat_name, r.caveat_context::text, r.expires_at"
            + " FROM kith_relationship r JOIN " + Sql.unnestKeys(1) + " ON " + Sql.KEY_MATCH
            + " WHERE r.deleted_revision IS NULL AND (r.expires_at IS NULL OR r.expires_at > now()) LIMIT 1";

    private static final String MARK_DELETED = "UPDATE kith_relationship r SET deleted_revision = $7 FROM "
            + Sql.unnestKeys(1) + " WHERE r.deleted_revision IS NULL AND " + Sql.KEY_MATCH;

    /** A TOUCH replaces the live copy only if caveat, context or expiration differ; an identical one stays. */
    private static final String MARK_REPLACED = "UPDATE kith_relationship r SET deleted_revision = $10 FROM "
            + Sql.unnestRows(1) + " WHERE r.deleted_revision IS NULL AND " + Sql.KEY_MATCH
            + " AND (r.caveat_name IS DISTINCT FROM k.cn OR r.caveat_context IS DISTINCT FROM k.cc::jsonb"
            + " OR r.expires_at IS DISTINCT FROM k.ea)";

    /** Inserts what a write creates or replaces; a TOUCH identical to the live copy inserts nothing. */
    private static final String INSERT_UNLESS_LIVE = Sql.insertRowsUnlessLive();

    private final PgClient client;

    Writes(PgClient client) {
        this.client = client;
    }

    Revision writeSchema(String schemaText) {
        Objects.requireNonNull(schemaText, "schemaText");
        return client.inTransaction(c -> {
            long revision = nextRevision(c);
            client.await(c.preparedQuery("INSERT INTO kith_schema (revision, schema_text) VALUES ($1, $2)")
                    .execute(Tuple.of(revision, schemaText)));
            return new Revision(revision);
        });
    }

    Revision write(List<RelationshipUpdate> updates, List<Precondition> preconditions, Map<String, Object> metadata) {
        List<Relationship> creates = new ArrayList<>();
        List<Relationship> removes = new ArrayList<>();
        List<Relationship> touches = new ArrayList<>();
        List<Relationship> inserts = new ArrayList<>();
        Set<Relationship> seen = new HashSet<>();
        for (RelationshipUpdate u : updates) {
            Relationship key = u.relationship().key();
            if (!seen.add(key)) {
                throw new KithException.InvalidArgument(
                        "updates", "relationship " + key + " appears more than once in one write");
            }
            switch (u.operation()) {
                case CREATE -> {
                    creates.add(key);
                    removes.add(key);
                    inserts.add(u.relationship());
                }
                case TOUCH -> {
                    touches.add(u.relationship());
                    inserts.add(u.relationship());
                }
                case DELETE -> removes.add(key);
            }
        }
        try {
            return client.inTransaction(c -> {
                long revision = nextRevision(c, metadata);
                checkPreconditions(c, preconditions);
                if (!creates.isEmpty()) {
                    Tuple params = Tuple.tuple();
                    Sql.addKeyArrays(params, creates);
                    RowSet<Row> existing =
                            client.await(c.preparedQuery(FIND_LIVE).execute(params));
                    if (existing.size() > 0) {
                        Relationship found =
                                Sql.relationship(existing.iterator().next(), 0);
                        throw new KithException.Conflict("relationship " + found.key() + " already exists");
                    }
                }
                // Deleted copies, and expired ones a CREATE replaces, stop being live at this revision.
                if (!removes.isEmpty()) {
                    Tuple params = Tuple.tuple();
                    Sql.addKeyArrays(params, removes);
                    client.await(c.preparedQuery(MARK_DELETED).execute(params.addLong(revision)));
                }
                if (!touches.isEmpty()) {
                    Tuple params = Tuple.tuple();
                    Sql.addRowArrays(params, touches);
                    client.await(c.preparedQuery(MARK_REPLACED).execute(params.addLong(revision)));
                }
                if (!inserts.isEmpty()) {
                    Tuple params = Tuple.tuple();
                    Sql.addRowArrays(params, inserts);
                    client.await(c.preparedQuery(INSERT_UNLESS_LIVE).execute(params.addLong(revision)));
                }
                return new Revision(revision);
            });
        } catch (PgClient.UniqueViolation e) {
            throw new KithException.Conflict(
                    e.key == null ? "a relationship already exists" : "relationship " + e.key + " already exists");
        }
    }

    Datastore.DeleteOutcome deleteByFilter(Requests.Delete delete) {
        return client.inTransaction(c -> {
            long revision = nextRevision(c, delete.metadata());
            checkPreconditions(c, delete.preconditions());
            boolean partial = false;
            StringBuilder where = new StringBuilder(" WHERE ").append(Sql.LIVE_NOW);
            Tuple params = Tuple.tuple();
            Sql.appendFilter(where, params, delete.filter(), "");
            String sql;
            if (delete.limit() > 0) {
                Tuple countParams = Tuple.tuple();
                for (int i = 0; i < params.size(); i++) countParams.addValue(params.getValue(i));
                countParams.addLong((long) delete.limit() + 1);
                long matching = client.await(c.preparedQuery("SELECT count(*) FROM (SELECT 1 FROM kith_relationship"
                                        + where + " LIMIT $" + countParams.size() + ") m")
                                .execute(countParams))
                        .iterator()
                        .next()
                        .getLong(0);
                if (matching > delete.limit()) {
                    if (!delete.allowPartial()) {
                        throw new KithException.LimitExceeded(
                                KithException.LimitExceeded.Limit.DELETE_LIMIT,
                                "the delete matches more than its limit of "
                                        + delete.limit() + " relationships (" + Sql.describe(delete.filter())
                                        + "); nothing was deleted: raise the limit or allow partial deletion");
                    }
                    partial = true;
                }
                params.addLong((long) delete.limit());
                sql = "UPDATE kith_relationship SET deleted_revision = $" + (params.size() + 1)
                        + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM kith_relationship" + where + " ORDER BY "
                        + Sql.KEY + " LIMIT $" + params.size() + ")) RETURNING " + Sql.COLUMNS;
            } else {
                sql = "UPDATE kith_relationship SET deleted_revision = $" + (params.size() + 1) + where + " RETURNING "
                        + Sql.COLUMNS;
            }
            params.addLong(revision);
            List<Relationship> deleted = new ArrayList<>();
            for (Row row : client.await(c.preparedQuery(sql).execute(params))) {
                deleted.add(Sql.relationship(row, 0));
            }
            return new Datastore.DeleteOutcome(new Revision(revision), deleted, partial);
        });
    }

    private long nextRevision(SqlConnection c) {
        return client.await(c.query(NEXT_REVISION).execute()).iterator().next().getLong(0);
    }

    /** Takes the next revision and keeps {@code metadata} (when there is any) with it. */
    private long nextRevision(SqlConnection c, Map<String, Object> metadata) {
        if (metadata.isEmpty()) return nextRevision(c);
        return client.await(c.preparedQuery(NEXT_REVISION_WITH_METADATA)
                        .execute(Tuple.of(RelationshipParser.toJson(metadata))))
                .iterator()
                .next()
                .getLong(0);
    }

    /** All preconditions in one statement, evaluated after the counter lock: at this write's revision. */
    private void checkPreconditions(SqlConnection c, List<Precondition> preconditions) {
        if (preconditions.isEmpty()) return;
        StringBuilder sql = new StringBuilder("SELECT ");
        Tuple params = Tuple.tuple();
        for (int i = 0; i < preconditions.size(); i++) {
            if (i > 0) sql.append(", ");
            sql.append("EXISTS (SELECT 1 FROM kith_relationship WHERE ").append(Sql.LIVE_NOW);
            Sql.appendFilter(sql, params, preconditions.get(i).filter(), "");
            sql.append(')');
        }
        Row row = client.await(c.preparedQuery(sql.toString()).execute(params))
                .iterator()
                .next();
        for (int i = 0; i < preconditions.size(); i++) {
            Precondition p = preconditions.get(i);
            boolean matches = row.getBoolean(i);
            switch (p.kind()) {
                case MUST_MATCH -> {
                    if (!matches) {
                        throw new KithException.PreconditionFailed(
                                p, "precondition failed: no relationship matches " + Sql.describe(p.filter()));
                    }
                }
                case MUST_NOT_MATCH -> {
                    if (matches) {
                        throw new KithException.PreconditionFailed(
                                p, "precondition failed: a relationship matches " + Sql.describe(p.filter()));
                    }
                }
            }
        }
    }
}

package dev.kith.storage.postgres;

import dev.kith.engine.Caveat;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectFilter;
import dev.kith.engine.SubjectRef;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.ssl.DefaultJavaSSLFactory;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A bulk import: one transaction, one revision, with the rows sent by {@code COPY ... FROM STDIN (FORMAT
 * binary)} over a JDBC connection of its own (pgjdbc's {@code CopyManager}; the Vert.x client has no COPY).
 *
 * <p>The transaction starts like every write, by taking the next revision on the counter row ({@link
 * Writes#NEXT_REVISION}: revision order is commit order, and the NOTIFY goes out on commit). The rows go straight
 * into {@code kith_relationship}, so a relationship that is already live fails the import on the unique index.
 * Only when the table holds live relationships that have expired (which an import, like a CREATE, replaces) do
 * the rows go into a temporary table first, so that the expired copies of imported relationships can be ended at
 * this revision before one {@code INSERT ... SELECT} moves them over. Measured with 1M rows of the github dataset
 * (BENCHMARKS.md, "Bulk import by COPY"): COPY straight into the table took 15 s, COPY into a staging table and
 * {@code INSERT ... SELECT} 20-25 s; almost all of it is the server maintaining the table's indexes one entry at a
 * time (1.2 s without them).
 *
 * <p>The initial load, into a table that holds no rows at all, instead drops the table's indexes, COPYs, and
 * re-creates each index from its definition in the catalog ({@code pg_get_indexdef}, so an index a later migration
 * adds is handled too), all in the same transaction: one sorted build per index instead of a million single
 * inserts (psql alone on the same rows: 5.8-8.3 s with the indexes in place, 3.6-4.7 s dropping and re-creating
 * them). A relationship named twice then fails the unique index's build instead of the COPY, with the same error.
 * Emptiness is checked after taking the revision: every writer takes the counter row before it touches {@code
 * kith_relationship}, so no row can arrive between the check and the COPY. {@code DROP INDEX} locks the table
 * (ACCESS EXCLUSIVE) until the import commits or rolls back: reads of relationships on every node, the change
 * feed, exports and garbage collection wait for it and never see a table without its indexes or half an import.
 * No deadlock follows: writers (and a second import) queue on the counter row before they lock anything of the
 * table, and readers and garbage collection hold no lock the import waits for once they wait for it.
 *
 * <p>Rows are encoded as they come from the iterator into a {@link #BUFFER_BYTES} buffer, so memory stays
 * bounded whatever the size of the import. Every {@link #ROWS_PER_COPY} rows the COPY statement ends and another
 * begins, so that each statement, like each INSERT before, stays far inside {@code statement_timeout}.
 */
final class CopyImport {
    private static final System.Logger LOG = System.getLogger(CopyImport.class.getName());

    /** Rows per COPY statement: a few seconds of work for the server at worst. */
    static final int ROWS_PER_COPY = 100_000;

    /** Bytes encoded before they are handed to the connection. */
    static final int BUFFER_BYTES = 64 * 1024;

    /** The columns of every COPY row, in order; all but the revision come from the relationship. */
    private static final String COLUMNS = Sql.KEY + ", caveat_name, caveat_context, expires_at, created_revision";

    private static final int FIELDS = 10;

    /** The signature, flags and header extension length that open binary COPY data. */
    private static final byte[] BINARY_HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };

    /** jsonb's binary format: a version byte, then the JSON text. */
    private static final byte JSONB_VERSION = 1;

    /** 2000-01-01T00:00:00Z, where PostgreSQL's binary timestamps count microseconds from. */
    private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;

    private static final String EXPIRED_LIVE =
            "SELECT EXISTS (SELECT 1 FROM kith_relationship WHERE " + Sql.LIVE + " AND expires_at <= now())";

    private static final String CREATE_STAGING =
            "CREATE TEMPORARY TABLE kith_import (LIKE kith_relationship) ON COMMIT DROP";

    /** Ends, at this revision (parameter 1), the expired live copies of the staged relationships. */
    private static final String END_EXPIRED = "UPDATE kith_relationship r SET deleted_revision = ?"
            + " FROM kith_import k(rt, ri, rel, st, si, sr) WHERE r.deleted_revision IS NULL"
            + " AND r.expires_at <= now() AND " + Sql.KEY_MATCH;

    private static final String INSERT_STAGED =
            "INSERT INTO kith_relationship (" + COLUMNS + ") SELECT " + COLUMNS + " FROM kith_import";

    private static final String NOT_COMMITTED = "the import was rolled back: nothing was written";

    /** Whether the table holds no row at all, live or not (asked under the counter-row lock). */
    private static final String EMPTY = "SELECT NOT EXISTS (SELECT 1 FROM kith_relationship)";

    /**
     * The table's indexes that no constraint owns, each with the statement that creates it; unique ones first, so
     * that a relationship named twice fails the import before the other indexes are built.
     */
    private static final String INDEXES = "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
            + " FROM pg_index i WHERE i.indrelid = 'kith_relationship'::regclass"
            + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            + " ORDER BY i.indisunique DESC, i.indexrelid";

    private final PostgresOptions options;
    private final PgClient client;

    CopyImport(PostgresOptions options, PgClient client) {
        this.options = options;
        this.client = client;
    }

    /**
     * Imports {@code relationships} at one new revision, then refreshes the table's planner statistics. A
     * relationship that is already live fails the import with {@link KithException.Conflict}, one that appears
     * twice in it with {@link KithException.InvalidArgument}; either way nothing is written.
     */
    Revision run(Iterator<Relationship> relationships) {
        try {
            return importAndAnalyze(relationships);
        } catch (PgClient.UniqueViolation e) {
            throw duplicate(e.key);
        }
    }

    private Revision importAndAnalyze(Iterator<Relationship> relationships) {
        Deadline deadline = Deadline.current();
        Connection c = connect();
        try {
            Revision imported;
            try {
                c.setAutoCommit(false);
                imported = new Revision(importInTransaction(c, relationships, deadline));
                // a caller that has given up gets nothing written, as with every other transaction (PgClient);
                // past this point neither the clock nor the 504 timer can cancel it
                deadline.commit(NOT_COMMITTED);
            } catch (SQLException e) {
                RuntimeException failure = translate(e);
                rollbackQuietly(c, failure);
                // an index build cancelled at the deadline's statement_timeout is the deadline's error
                if (failure instanceof KithException.StoreUnavailable && deadline.passed()) {
                    throw deadline.exceeded(NOT_COMMITTED);
                }
                throw failure;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                RuntimeException failure = translate(e);
                if (failure instanceof KithException.StoreUnavailable) {
                    throw new KithException.StoreUnavailable(
                            failure.getMessage() + " (while committing: the import may or may not have been written)");
                }
                throw failure;
            }
            analyze(c);
            return imported;
        } finally {
            closeQuietly(c);
        }
    }

    private long importInTransaction(Connection c, Iterator<Relationship> relationships, Deadline deadline)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            long revision = first(s.executeQuery(Writes.NEXT_REVISION)).getLong(1);
            if (first(s.executeQuery(EMPTY)).getBoolean(1)) {
                copyRebuildingIndexes(c, s, relationships, revision, deadline);
                return revision;
            }
            boolean expiredLive = first(s.executeQuery(EXPIRED_LIVE)).getBoolean(1);
            if (!expiredLive) {
                copy(c, "kith_relationship", relationships, revision);
                return revision;
            }
            s.execute(CREATE_STAGING);
            copy(c, "kith_import", relationships, revision);
            try (PreparedStatement end = c.prepareStatement(END_EXPIRED)) {
                end.setLong(1, revision);
                end.executeUpdate();
            }
            s.execute(INSERT_STAGED);
            return revision;
        }
    }

    /** An index of {@code kith_relationship}: its name as SQL (qualified and quoted as needed) and its definition. */
    private record Index(String name, String definition) {}

    /**
     * The initial load: drops the table's indexes, COPYs, and re-creates them, in this transaction (see the class
     * comment). A build's time grows with the import rather than with one COPY statement, so the builds are bounded
     * by the import's deadline (the time left, none without one) instead of {@code statement_timeout}. They use the
     * server's {@code maintenance_work_mem}: with 1M rows, 64MB, 256MB and 1GB ({@code SET LOCAL}) made no
     * difference (5.0-5.6 s for COPY and builds with psql, BENCHMARKS.md), so the import leaves it to the operator.
     */
    private void copyRebuildingIndexes(
            Connection c, Statement s, Iterator<Relationship> relationships, long revision, Deadline deadline)
            throws SQLException {
        List<Index> indexes = new ArrayList<>();
        try (ResultSet rows = s.executeQuery(INDEXES)) {
            while (rows.next()) indexes.add(new Index(rows.getString(1), rows.getString(2)));
        }
        LOG.log(
                System.Logger.Level.INFO,
                "bulk import into an empty table: re-creating its {0} indexes after the COPY",
                indexes.size());
        for (Index index : indexes) s.execute("DROP INDEX " + index.name());
        copy(c, "kith_relationship", relationships, revision);
        deadline.check(NOT_COMMITTED);
        long left = deadline.remainingNanos();
        long buildMillis = left == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
        s.execute("SET LOCAL statement_timeout = " + buildMillis);
        int socketTimeout = c.getNetworkTimeout();
        c.setNetworkTimeout(Runnable::run, buildMillis == 0 ? 0 : networkTimeout(buildMillis));
        for (Index index : indexes) s.execute(index.definition());
        c.setNetworkTimeout(Runnable::run, socketTimeout);
    }

    /** How long the connection waits for an answer to a statement allowed {@code statementMillis}. */
    private int networkTimeout(long statementMillis) {
        return (int) Math.min(
                Integer.MAX_VALUE, statementMillis + options.connectTimeout().toMillis() + 1000);
    }

    /** COPYs every relationship into {@code table}, created at {@code revision}, {@link #ROWS_PER_COPY} a statement. */
    private static void copy(Connection c, String table, Iterator<Relationship> relationships, long revision)
            throws SQLException {
        CopyManager copies = c.unwrap(PGConnection.class).getCopyAPI();
        String sql = "COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT binary)";
        CopyBuffer buffer = new CopyBuffer();
        while (relationships.hasNext()) {
            CopyIn in = copies.copyIn(sql);
            try {
                buffer.start(in);
                buffer.bytes(BINARY_HEADER);
                for (int rows = 0; rows < ROWS_PER_COPY && relationships.hasNext(); rows++) {
                    row(buffer, Objects.requireNonNull(relationships.next(), "relationship"), revision);
                }
                buffer.int16(-1);
                buffer.flush();
                in.endCopy();
            } finally {
                if (in.isActive()) cancelQuietly(in);
            }
        }
    }

    /** One row in binary COPY format: the field count, then each field as its length and bytes (-1: NULL). */
    private static void row(CopyBuffer b, Relationship r, long revision) throws SQLException {
        b.int16(FIELDS);
        b.text(r.resource().type());
        b.text(r.resource().id());
        b.text(r.relation());
        b.text(r.subject().type());
        b.text(r.subject().id());
        b.text(Sql.subjectRelation(r.subject()));
        Caveat caveat = r.caveat();
        if (caveat == null) {
            b.int32(-1);
            b.int32(-1);
        } else {
            b.text(caveat.name());
            if (caveat.context().isEmpty()) {
                b.int32(-1);
            } else {
                byte[] json = RelationshipParser.toJson(caveat.context()).getBytes(StandardCharsets.UTF_8);
                b.int32(json.length + 1);
                b.int8(JSONB_VERSION);
                b.bytes(json);
            }
        }
        if (r.expiresAt() == null) {
            b.int32(-1);
        } else {
            b.int32(8);
            b.int64(postgresMicros(r.expiresAt()));
        }
        b.int32(8);
        b.int64(revision);
    }

    /** {@code t} as PostgreSQL's binary timestamp: microseconds since 2000-01-01 UTC. */
    static long postgresMicros(Instant t) {
        try {
            return Math.addExact(
                    Math.multiplyExact(t.getEpochSecond() - POSTGRES_EPOCH_SECOND, 1_000_000L), t.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new KithException.InvalidArgument("expiration", "is outside PostgreSQL's timestamp range");
        }
    }

    /**
     * The error for a unique violation on {@code key}: a conflict if a live copy is stored, otherwise the import
     * names it twice.
     */
    private RuntimeException duplicate(Relationship key) {
        if (key == null) return new KithException.Conflict("a relationship of the import already exists");
        SubjectRef s = key.subject();
        RelationshipFilter exactly = new RelationshipFilter(
                key.resource().type(),
                key.resource().id(),
                null,
                key.relation(),
                new SubjectFilter(s.type(), s.id(), Sql.subjectRelation(s)));
        StringBuilder sql =
                new StringBuilder("SELECT EXISTS (SELECT 1 FROM kith_relationship WHERE ").append(Sql.LIVE_NOW);
        Tuple params = Tuple.tuple();
        Sql.appendFilter(sql, params, exactly, "");
        boolean stored = client.query(sql.append(')').toString(), params)
                .iterator()
                .next()
                .getBoolean(0);
        if (stored) return new KithException.Conflict("relationship " + key + " already exists");
        return new KithException.InvalidArgument(
                "relationships", "relationship " + key + " appears more than once in the import");
    }

    /**
     * Refreshes the planner's statistics once the import has committed. Until autovacuum (or nothing, where it is
     * off) analyzes the table, statements planned while it was small keep their plans: the PostgreSQL benchmark in
     * BENCHMARKS.md saw writes after an import into a new database at 560-1,000 relationships/s, and 20,000/s once
     * the table had been analyzed. The import has already committed, so a failure here is only logged.
     */
    private void analyze(Connection c) {
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("ANALYZE kith_relationship");
        } catch (SQLException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "ANALYZE after a bulk import failed: " + translate(e).getMessage());
        }
    }

    /**
     * A JDBC connection with the store's settings: address, database, credentials (the password only in the
     * connection properties, never in the URL), TLS as the URL's {@code sslmode}/{@code sslrootcert} say (the
     * JDK's trust store when verifying without {@code sslrootcert}, as the pool does), {@code connect_timeout},
     * {@code statement_timeout} and {@code application_name}.
     */
    private Connection connect() {
        Properties p = new Properties();
        p.setProperty("user", options.user());
        if (options.password() != null) p.setProperty("password", options.password());
        p.setProperty("ApplicationName", options.applicationName());
        p.setProperty("sslmode", options.sslMode().urlName());
        p.setProperty("gssEncMode", "disable");
        if (options.sslRootCert() != null) {
            p.setProperty("sslrootcert", options.sslRootCert());
        } else if (options.sslMode() == PostgresOptions.SslMode.VERIFY_CA
                || options.sslMode() == PostgresOptions.SslMode.VERIFY_FULL) {
            p.setProperty("sslfactory", DefaultJavaSSLFactory.class.getName());
        }
        String connectSeconds = Long.toString(wholeSeconds(options.connectTimeout()));
        p.setProperty("connectTimeout", connectSeconds);
        p.setProperty("loginTimeout", connectSeconds);
        p.setProperty(
                "socketTimeout", Long.toString(wholeSeconds(Duration.ofMillis(PgClient.callTimeoutMillis(options)))));
        p.setProperty(
                "options", "-c statement_timeout=" + options.statementTimeout().toMillis());
        p.setProperty("tcpKeepAlive", "true");
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        String url = "jdbc:postgresql://" + host + ":" + options.port() + "/"
                + URLEncoder.encode(options.database(), StandardCharsets.UTF_8);
        try {
            return new org.postgresql.Driver().connect(url, p);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Whole seconds, rounded up (pgjdbc's timeouts are in seconds, 0 meaning none). */
    private static long wholeSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** kith's error for a JDBC failure, translated like the pool's (see {@link PgClient#translate}). */
    private RuntimeException translate(SQLException e) {
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage m = psql.getServerErrorMessage();
            return client.translate(m.getSQLState(), m.getMessage(), m.getDetail(), e);
        }
        String message =
                e.getMessage() == null ? e.getClass().getSimpleName() : PostgresOptions.redactUrl(e.getMessage());
        return client.translate(e.getSQLState(), message, null, e);
    }

    private static ResultSet first(ResultSet rows) throws SQLException {
        if (!rows.next()) throw new SQLException("the statement returned no row", "XX000");
        return rows;
    }

    private void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(translate(rollbackFailure));
        }
    }

    private static void cancelQuietly(CopyIn in) {
        try {
            in.cancelCopy();
        } catch (SQLException e) {
            // The transaction is rolled back next, or the connection is already gone; either way nothing is written.
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // Closing is best effort: the transaction has ended either way, and the server drops the socket.
        }
    }

    /** Binary COPY data, encoded into a fixed buffer that is handed to the COPY whenever it fills. */
    private static final class CopyBuffer {
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int used;
        private CopyIn in;

        void start(CopyIn copy) {
            in = copy;
            used = 0;
        }

        void int8(int v) throws SQLException {
            room(1);
            buffer[used++] = (byte) v;
        }

        void int16(int v) throws SQLException {
            room(2);
            buffer[used++] = (byte) (v >>> 8);
            buffer[used++] = (byte) v;
        }

        void int32(int v) throws SQLException {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) buffer[used++] = (byte) (v >>> shift);
        }

        void int64(long v) throws SQLException {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) buffer[used++] = (byte) (v >>> shift);
        }

        /** A non-null text field: its UTF-8 length, then the bytes. */
        void text(String s) throws SQLException {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int32(utf8.length);
            bytes(utf8);
        }

        void bytes(byte[] b) throws SQLException {
            if (b.length > buffer.length) {
                flush();
                in.writeToCopy(b, 0, b.length);
                return;
            }
            room(b.length);
            System.arraycopy(b, 0, buffer, used, b.length);
            used += b.length;
        }

        void flush() throws SQLException {
            if (used > 0) in.writeToCopy(buffer, 0, used);
            used = 0;
        }

        private void room(int n) throws SQLException {
            if (used + n > buffer.length) flush();
        }
    }
}

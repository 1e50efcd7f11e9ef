package dev.kith.storage.postgres;

import dev.kith.engine.BugException;
import dev.kith.engine.ConnectionPool;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import javax.net.ssl.TrustManagerFactory;

/**
 * The blocking face of the Vert.x PostgreSQL pool: every call waits for its future on the caller's thread
 * (never an event-loop thread) and turns failures into kith's typed errors in one place.
 */
final class PgClient implements AutoCloseable {
    /** Work inside a transaction, given its connection. */
    interface Work<T> {
        T run(SqlConnection connection);
    }

    private final PostgresOptions options;
    private final Vertx vertx;
    private final Pool pool;
    private final long callTimeoutMillis;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile LongConsumer acquireListener = n -> {};

    PgClient(PostgresOptions options) {
        this.options = options;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
        NetClientOptions net = new NetClientOptions().setConnectTimeout(millis(options.connectTimeout()));
        this.pool = PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(options.poolSize())
                        .setConnectionTimeout(millis(options.connectTimeout()))
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                .with(net)
                .connectingTo(connectOptions(options))
                .using(vertx)
                .build();
        this.callTimeoutMillis = callTimeoutMillis(options);
    }

    /**
     * The longest a call waits for an answer: the statement timeout (10 minutes where there is none) plus the
     * connect timeout and a second.
     */
    static long callTimeoutMillis(PostgresOptions options) {
        long statement = options.statementTimeout().isZero()
                ? TimeUnit.MINUTES.toMillis(10)
                : options.statementTimeout().toMillis();
        return statement + options.connectTimeout().toMillis() + 1000;
    }

    Vertx vertx() {
        return vertx;
    }

    /** The Vert.x connect options for {@code o}: address, credentials, TLS, statement timeout. */
    static PgConnectOptions connectOptions(PostgresOptions o) {
        PgConnectOptions c = new PgConnectOptions()
                .setHost(o.host())
                .setPort(o.port())
                .setDatabase(o.database())
                .setUser(o.user())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(64);
        if (o.password() != null) c.setPassword(o.password());
        c.addProperty("application_name", o.applicationName());
        c.addProperty("statement_timeout", Long.toString(o.statementTimeout().toMillis()));
        ClientSSLOptions ssl = new ClientSSLOptions();
        switch (o.sslMode()) {
            case DISABLE -> c.setSslMode(io.vertx.pgclient.SslMode.DISABLE);
            case PREFER -> {
                c.setSslMode(io.vertx.pgclient.SslMode.PREFER);
                ssl.setTrustAll(true);
            }
            case REQUIRE -> {
                c.setSslMode(io.vertx.pgclient.SslMode.REQUIRE);
                ssl.setTrustAll(true);
            }
            case VERIFY_CA -> c.setSslMode(io.vertx.pgclient.SslMode.VERIFY_CA);
            case VERIFY_FULL -> {
                c.setSslMode(io.vertx.pgclient.SslMode.VERIFY_FULL);
                ssl.setHostnameVerificationAlgorithm("HTTPS");
            }
        }
        if (o.sslRootCert() != null) {
            ssl.setTrustOptions(new PemTrustOptions().addCertPath(o.sslRootCert()));
        } else if (o.sslMode() == PostgresOptions.SslMode.VERIFY_CA
                || o.sslMode() == PostgresOptions.SslMode.VERIFY_FULL) {
            ssl.setTrustOptions(TrustOptions.wrap(jdkTrustManagers()));
        }
        c.setSslOptions(ssl);
        return c;
    }

    /** The JDK's default trust managers (its {@code cacerts}), for verify modes without {@code sslrootcert}. */
    private static TrustManagerFactory jdkTrustManagers() {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            return f;
        } catch (GeneralSecurityException e) {
            throw new KithException.StoreUnavailable("the JDK's trust store cannot be read: " + e.getMessage());
        }
    }

    /** Runs one parameterless statement with the simple protocol (for utility statements such as ANALYZE). */
    void statement(String sql) {
        SqlConnection connection = acquire();
        try {
            await(connection.query(sql).execute());
        } finally {
            release(connection);
        }
    }

    /** Runs one statement on its own (autocommit). */
    RowSet<Row> query(String sql, Tuple params) {
        SqlConnection connection = acquire();
        try {
            return await(connection.preparedQuery(sql).execute(params));
        } finally {
            release(connection);
        }
    }

    /**
     * A connection from the pool, counted among the waiting callers until it is lent and then among those in use
     * until {@link #release}; the time the acquisition took goes to the {@link ConnectionPool} listener.
     */
    private SqlConnection acquire() {
        long start = System.nanoTime();
        waiting.incrementAndGet();
        SqlConnection connection;
        try {
            connection = await(pool.getConnection());
        } finally {
            waiting.decrementAndGet();
        }
        inUse.incrementAndGet();
        acquireListener.accept(System.nanoTime() - start);
        return connection;
    }

    private void release(SqlConnection connection) {
        inUse.decrementAndGet();
        connection.close();
    }

    /** The pool as the server's metrics see it (see {@link ConnectionPool}). */
    ConnectionPool connectionPool() {
        return new ConnectionPool() {
            @Override
            public Statistics statistics() {
                int used = Math.max(0, inUse.get());
                return new Statistics(used, Math.max(0, pool.size() - used), Math.max(0, waiting.get()));
            }

            @Override
            public void onAcquire(LongConsumer listener) {
                acquireListener = listener == null ? n -> {} : listener;
            }
        };
    }

    /** Runs {@code work} in a READ COMMITTED transaction that commits if it returns and rolls back if it throws. */
    <T> T inTransaction(Work<T> work) {
        return transaction(null, work);
    }

    /** Runs read-only {@code work} on one snapshot (REPEATABLE READ): every statement sees the same state. */
    <T> T inSnapshot(Work<T> work) {
        return transaction("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", work);
    }

    /**
     * A transaction bounded by the caller's {@link Deadline}: its statements get at most the time left ({@code
     * SET LOCAL statement_timeout}), and it is rolled back instead of committed when the deadline has passed by
     * the time the work is done. Once COMMIT is sent the change stands, however late, and a write's deadline is
     * {@linkplain Deadline#commit committed} so that the request is answered with its outcome, not a 504.
     */
    private <T> T transaction(String setup, Work<T> work) {
        Deadline deadline = Deadline.current();
        SqlConnection connection = acquire();
        try {
            Transaction tx = await(connection.begin());
            T result;
            try {
                if (setup != null) await(connection.query(setup).execute());
                boundBy(deadline, connection);
                result = work.run(connection);
                // a write's point of no return: past it, the request's timer no longer answers for it
                if (setup == null) deadline.commit(NOT_COMMITTED);
                else deadline.check(NOT_COMMITTED);
            } catch (KithException.StoreUnavailable e) {
                rollbackQuietly(tx, e);
                // a statement cancelled by the deadline's statement_timeout is the deadline's error
                if (deadline.passed()) throw deadline.exceeded(NOT_COMMITTED);
                throw e;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
            try {
                await(tx.commit());
            } catch (KithException.StoreUnavailable e) {
                throw new KithException.StoreUnavailable(
                        e.getMessage() + " (while committing: the change may or may not have been written)");
            }
            return result;
        } finally {
            release(connection);
        }
    }

    private static final String NOT_COMMITTED = "the transaction was rolled back: nothing was written";

    /** Lowers the transaction's statement timeout to the deadline's time left, when that is shorter. */
    private void boundBy(Deadline deadline, SqlConnection connection) {
        long left = deadline.remainingNanos();
        if (left == Long.MAX_VALUE) return;
        deadline.check(NOT_COMMITTED);
        // statement_timeout 0 means none: a deadline less than a millisecond away still gets 1 ms
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
        long configured = options.statementTimeout().toMillis();
        if (configured > 0 && configured <= millis) return;
        await(connection.query("SET LOCAL statement_timeout = " + millis).execute());
    }

    private void rollbackQuietly(Transaction tx, Throwable cause) {
        try {
            await(tx.rollback());
        } catch (RuntimeException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    /**
     * Waits for {@code future} on this (non-event-loop) thread, at most the statement timeout plus the connect
     * timeout, and translates its failure.
     */
    <T> T await(Future<T> future) {
        if (Context.isOnEventLoopThread()) {
            throw new BugException("a blocking PostgreSQL store call was made on a Vert.x event-loop thread");
        }
        try {
            return future.toCompletionStage().toCompletableFuture().get(callTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("no answer within " + callTimeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the database");
        }
    }

    /** kith's error for a failure of the database or of the connection to it. */
    RuntimeException translate(Throwable failure) {
        if (failure instanceof KithException k) return k;
        if (failure instanceof PgException pg) {
            return translate(pg.getSqlState(), pg.getErrorMessage(), pg.getDetail(), pg);
        }
        if (failure instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            return unavailable("no connection within connect_timeout ("
                    + options.connectTimeout().toMillis() + " ms)");
        }
        String why = failure.getMessage() == null
                ? failure.getClass().getSimpleName()
                : PostgresOptions.redactUrl(failure.getMessage());
        return unavailable(why);
    }

    /**
     * kith's error for a failure the server (or a driver, for the JDBC connection of a bulk import) reported with
     * SQLSTATE {@code sqlState}; {@code detail} is the server's detail line, or null.
     */
    RuntimeException translate(String sqlState, String message, String detail, Throwable cause) {
        String state = sqlState == null ? "" : sqlState;
        if (state.equals("23505")) return new UniqueViolation(duplicateKey(detail), message);
        if (state.equals("57014")) {
            return unavailable("a statement ran longer than statement_timeout ("
                    + options.statementTimeout().toMillis() + " ms) and was cancelled");
        }
        if (state.equals("54000")) {
            return new KithException.InvalidArgument(
                    "relationship",
                    "is too large to store: its types, relation and ids together exceed what a PostgreSQL"
                            + " index entry can hold (" + message + ")");
        }
        if (state.equals("22008")) {
            return new KithException.InvalidArgument("expiration", "is outside PostgreSQL's timestamp range");
        }
        if (state.startsWith("22")) {
            // Data exceptions come from stored values, e.g. a NUL character in a caveat context.
            return new KithException.InvalidArgument(null, "a value cannot be stored in PostgreSQL: " + message);
        }
        if (state.startsWith("08")
                || state.startsWith("53")
                || state.startsWith("57P")
                || state.startsWith("28")
                || state.startsWith("40")
                || state.equals("3D000")) {
            return unavailable(message + " (SQLSTATE " + state + ")");
        }
        return new BugException("PostgreSQL error " + state + ": " + message, cause);
    }

    KithException.StoreUnavailable unavailable(String why) {
        return new KithException.StoreUnavailable("the PostgreSQL store at " + options.host() + ":" + options.port()
                + "/" + options.database() + " is unavailable: " + why);
    }

    /**
     * A unique-index violation on the live relationships: a second live copy of {@code key} (null when the
     * server's detail could not be read). Whether that is a conflict with stored data or a duplicate in the
     * caller's own batch is for the caller to say; it never leaves this package.
     */
    static final class UniqueViolation extends RuntimeException {
        final transient Relationship key;

        UniqueViolation(Relationship key, String message) {
            super(message, null, false, false);
            this.key = key;
        }
    }

    /**
     * The relationship in a unique violation's detail: {@code Key (columns)=(values) already exists.} from an insert,
     * {@code Key (columns)=(values) is duplicated.} from building the unique index (a bulk import into an empty
     * table). Null when the detail is neither.
     */
    static Relationship duplicateKey(String detail) {
        if (detail == null) return null;
        int open = detail.indexOf(")=(");
        int close = detail.lastIndexOf(") already exists");
        if (close < 0) close = detail.lastIndexOf(") is duplicated");
        if (open < 0 || close <= open) return null;
        String[] v = detail.substring(open + 3, close).split(", ", -1);
        if (v.length != 6) return null;
        return Relationship.of(
                new ObjectRef(v[0], v[1]), v[2], new SubjectRef(v[3], v[4], v[5].isEmpty() ? null : v[5]));
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public void close() {
        try {
            pool.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Closing is best effort: the process keeps going, and the server drops the sockets.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            vertx.close();
        }
    }
}

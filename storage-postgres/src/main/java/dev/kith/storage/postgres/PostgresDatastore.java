package dev.kith.storage.postgres;

import dev.kith.engine.ConnectionPool;
import dev.kith.engine.Datastore;
import dev.kith.engine.DeploymentIdentity;
import dev.kith.engine.KithException;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@link Datastore} on PostgreSQL, through the Vert.x reactive client. Every write is one transaction
 * that takes the next revision by locking a counter row, so revision order is commit order (see {@code
 * Writes}); relationships carry {@code created_revision} and {@code deleted_revision}, which the change feed
 * reads; LISTEN/NOTIFY wakes the {@link #onNewRevisions} callbacks.
 *
 * <p>Calls block the calling thread (never call them on a Vert.x event loop). When the database cannot be
 * reached they fail within the connect timeout with {@link KithException.StoreUnavailable}; the pool and the
 * LISTEN connection reconnect by themselves once it is back.
 *
 * <pre>{@code
 * try (PostgresDatastore store = PostgresDatastore.open(PostgresOptions.parse("postgres://kith@db/kith"))) {
 *     Engine engine = Engines.create(store, EngineOptions.defaults());
 * }
 * }</pre>
 */
public final class PostgresDatastore implements Datastore {
    private static final System.Logger LOG = System.getLogger(PostgresDatastore.class.getName());

    /** The database schema's version before and after {@link #migrate}. */
    public record MigrationResult(int fromVersion, int toVersion) {}

    private final PgClient client;
    private final ConnectionPool pool;
    private final RevisionListener listener;
    private final Reads reads;
    private final Writes writes;
    private final CopyImport imports;
    private final GarbageCollector gc;
    private final ScheduledExecutorService gcTimer;
    private final DeploymentIdentity deployment;
    private final Duration gcWindow;

    private PostgresDatastore(
            PostgresOptions options, PgClient client, RevisionListener listener, DeploymentIdentity deployment) {
        this.client = client;
        this.pool = client.connectionPool();
        this.listener = listener;
        this.deployment = deployment;
        this.gcWindow = options.gcWindow();
        this.reads = new Reads(client);
        this.writes = new Writes(client);
        this.imports = new CopyImport(options, client);
        this.gc = new GarbageCollector(client);
        if (options.gcInterval().isZero()) {
            this.gcTimer = null;
        } else {
            this.gcTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kith-pg-gc");
                t.setDaemon(true);
                return t;
            });
            long period = options.gcInterval().toMillis();
            gcTimer.scheduleWithFixedDelay(() -> collectInBackground(options), period, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Connects, brings the database schema up to date (or, with {@code auto_migrate=false}, checks that it is)
     * and starts listening for new revisions.
     *
     * @throws KithException.StoreUnavailable if the database cannot be reached, or was migrated by a newer kith
     */
    public static PostgresDatastore open(PostgresOptions options) {
        Objects.requireNonNull(options, "options");
        PgClient client = new PgClient(options);
        RevisionListener listener = null;
        try {
            if (options.autoMigrate()) {
                Migrations.migrate(client);
            } else {
                Migrations.requireCurrent(client);
            }
            DeploymentIdentity deployment = Deployment.identify(client);
            listener = new RevisionListener(client, options);
            listener.start();
            return new PostgresDatastore(options, client, listener, deployment);
        } catch (RuntimeException e) {
            if (listener != null) listener.close();
            client.close();
            throw e;
        }
    }

    /**
     * Applies the pending schema migrations ({@code kith migrate}); safe while other nodes run or migrate.
     *
     * @throws KithException.StoreUnavailable if the database cannot be reached, or was migrated by a newer kith
     */
    public static MigrationResult migrate(PostgresOptions options) {
        try (PgClient client = new PgClient(options)) {
            return Migrations.migrate(client);
        }
    }

    /** The newest schema version this kith can migrate a database to. */
    public static int latestSchemaVersion() {
        return Migrations.latestVersion();
    }

    @Override
    public Revision headRevision() {
        return reads.headRevision();
    }

    @Override
    public Revision load(Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
        return reads.load(schemaSink, relationshipSink);
    }

    @Override
    public Revision loadAt(Revision revision, Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
        return reads.loadAt(revision, schemaSink, relationshipSink);
    }

    @Override
    public Revision revisionAt(Instant instant) {
        return reads.revisionAt(instant);
    }

    @Override
    public List<CommittedRevision> commitTimes(Revision from, int max) {
        return reads.commitTimes(from, max);
    }

    @Override
    public Revision writeSchema(String schemaText) {
        return committed(writes.writeSchema(schemaText));
    }

    @Override
    public Revision write(
            List<RelationshipUpdate> updates, List<Precondition> preconditions, Map<String, Object> metadata) {
        return committed(writes.write(
                updates, preconditions == null ? List.of() : preconditions, metadata == null ? Map.of() : metadata));
    }

    @Override
    public DeleteOutcome deleteByFilter(Requests.Delete delete) {
        DeleteOutcome outcome = writes.deleteByFilter(delete);
        listener.runNow();
        return outcome;
    }

    @Override
    public Revision importBulk(Iterator<Relationship> relationships) {
        return committed(imports.run(relationships));
    }

    @Override
    public List<Relationship> read(RelationshipFilter filter, Revision revision, Relationship after, int limit) {
        return reads.read(filter, revision, after, limit);
    }

    @Override
    public List<Results.ChangeSet> changesSince(Revision after, int max) {
        return reads.changesSince(after, max);
    }

    @Override
    public String schemaAt(Revision revision) {
        return reads.schemaAt(revision);
    }

    @Override
    public void onNewRevisions(Runnable callback) {
        listener.add(Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public void collectGarbage(Instant horizon) {
        gc.collect(horizon);
    }

    @Override
    public Revision oldestRevision() {
        return reads.oldestRevision();
    }

    /** Read (or created) once when the store opened: {@code kith_deployment}'s row. */
    @Override
    public DeploymentIdentity deployment() {
        return deployment;
    }

    /** The URL's {@code gc_window} (24 h unless it says otherwise). */
    @Override
    public Duration defaultGcWindow() {
        return gcWindow;
    }

    /**
     * The Vert.x pool's connections in use and idle, the callers waiting for one, and each acquisition's time. A
     * bulk import's COPY runs on its own JDBC connection, outside the pool, and is not counted.
     */
    @Override
    public Optional<ConnectionPool> connectionPool() {
        return Optional.of(pool);
    }

    /** Runs the callbacks right away after this node's own write, not only when its NOTIFY comes back. */
    private Revision committed(Revision revision) {
        listener.runNow();
        return revision;
    }

    private void collectInBackground(PostgresOptions options) {
        try {
            gc.collect(Instant.now().minus(options.gcWindow()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "garbage collection failed; it runs again in " + options.gcInterval(), e);
        }
    }

    @Override
    public void close() {
        if (gcTimer != null) gcTimer.shutdownNow();
        listener.close();
        client.close();
    }
}

package dev.kith.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The storage SPI: where relationships, schemas and revisions are kept durably (or, for the in-memory store,
 * in the process). The {@link Engine} writes through it and follows its change feed into the index.
 *
 * <p>Contract (checked by {@code DatastoreContract} in engine's test jar for every implementation):
 *
 * <ul>
 *   <li>Every successful write (relationships or schema) gets the next revision, and revision order equals
 *       commit order: {@link #changesSince} never skips a revision that commits late.
 *   <li>{@link #write} is atomic: preconditions are evaluated at the write's own revision inside the same
 *       transaction as the updates; CREATE of an existing relationship fails with {@link KithException.Conflict};
 *       TOUCH replaces caveat and expiration; DELETE of an absent relationship is fine; the same relationship
 *       twice in one batch is an {@link KithException.InvalidArgument}. On failure nothing is written.
 *   <li>Schema validation of relationships is the engine's job, done before calling the store.
 *   <li>Writes honour the caller's {@link Deadline#current()} (bound on the calling thread): one whose deadline
 *       has passed by the time it would commit commits nothing and throws {@link KithException.DeadlineExceeded};
 *       once committed it returns normally, however late.
 * </ul>
 */
public interface Datastore extends AutoCloseable {

    /** The newest committed revision; {@link KithException.StoreUnavailable} if the store cannot be reached. */
    Revision headRevision();

    /**
     * Streams the state at the head revision: the schema text (null when none was written) and then every live
     * relationship, with bounded memory. Returns that revision.
     */
    Revision load(Consumer<String> schemaSink, Consumer<Relationship> relationshipSink);

    /**
     * Streams the state at {@code revision}, like {@link #load} does the head's: the schema text in force at it (null
     * when none had been written by then) and then every relationship live at it (not deleted at or before it;
     * expiration aside, as {@link #load} treats it), with bounded memory. A node that starts loads the oldest
     * revision still inside its GC window this way and then applies the change sets after it, so that it can answer
     * at every revision a running node could. Returns {@code revision}.
     *
     * @throws KithException.RevisionExpired when {@code revision} is older than {@link #oldestRevision()}
     * @throws KithException.RevisionUnavailable when {@code revision} is newer than the head
     */
    Revision loadAt(Revision revision, Consumer<String> schemaSink, Consumer<Relationship> relationshipSink);

    /** A revision and when it was committed, by the store's clock. */
    record CommittedRevision(Revision revision, Instant committedAt) {}

    /**
     * The revision in force at {@code instant}: the newest one the store still keeps that was committed at or before
     * it; the oldest one it keeps ({@link #oldestRevision()}) when every kept revision was committed after it. With
     * the GC horizon (now minus the GC window) this is the oldest revision a reader may still ask for: every
     * revision before it was superseded before the horizon.
     */
    Revision revisionAt(Instant instant);

    /**
     * The revisions from {@code from} on (itself included) with their commit times, in revision order, at most
     * {@code max} of them (the times follow revision order unless the store's clock was set back); none when
     * {@code from} is after the head.
     *
     * @throws KithException.RevisionExpired when {@code from} is older than {@link #oldestRevision()}
     */
    List<CommittedRevision> commitTimes(Revision from, int max);

    Revision writeSchema(String schemaText);

    /**
     * An atomic batch (see the class comment); {@code metadata} (possibly empty) is kept with the revision and
     * returned in its change set by {@link #changesSince}.
     */
    Revision write(List<RelationshipUpdate> updates, List<Precondition> preconditions, Map<String, Object> metadata);

    /** {@link #write(List, List, Map)} without transaction metadata. */
    default Revision write(List<RelationshipUpdate> updates, List<Precondition> preconditions) {
        return write(updates, preconditions, Map.of());
    }

    /**
     * Deletes by filter (see {@link Requests.Delete}), keeping its transaction metadata like {@link #write};
     * returns the revision and the deleted relationships.
     */
    DeleteOutcome deleteByFilter(Requests.Delete delete);

    /** The outcome of a delete-by-filter, with the relationships it removed. */
    record DeleteOutcome(Revision revision, List<Relationship> deleted, boolean partial) {}

    /** Creates all, atomically (CREATE semantics), as fast as the store allows (e.g. COPY). */
    Revision importBulk(Iterator<Relationship> relationships);

    /**
     * Relationships matching {@code filter} live at {@code revision}, ordered by (resource type, resource id,
     * relation, subject type, subject id, subject relation), strictly after {@code after} when given; at most
     * {@code limit} (0 = all).
     */
    List<Relationship> read(RelationshipFilter filter, Revision revision, Relationship after, int limit);

    /** The committed change sets after {@code after}, in revision order, at most {@code max} of them. */
    List<Results.ChangeSet> changesSince(Revision after, int max);

    /** Schema writes also appear in the feed: the schema text current at {@code revision}. */
    String schemaAt(Revision revision);

    /** Registers a callback run (on any thread) whenever new revisions may be available. */
    void onNewRevisions(Runnable callback);

    /** Removes history (deleted relationships, old revisions) committed before {@code horizon}. */
    void collectGarbage(Instant horizon);

    /** The oldest revision still readable exactly. */
    Revision oldestRevision();

    /**
     * This deployment's identity: the same for every handle on the same storage, across restarts and nodes
     * (created once, when first asked for, race-free when several nodes start at once). A store that lives only
     * in the process (the in-memory one) makes a random one per instance.
     */
    DeploymentIdentity deployment();

    /**
     * The GC window that suits this store when none is configured: how long old revisions stay readable (1 h
     * for the in-memory store, whose history costs heap; 24 h for PostgreSQL unless its URL says otherwise).
     */
    Duration defaultGcWindow();

    /**
     * The store's connection pool, for the server's metrics (see {@link ConnectionPool}); empty, the default, for a
     * store that has none, such as the in-memory store.
     */
    default Optional<ConnectionPool> connectionPool() {
        return Optional.empty();
    }

    @Override
    void close();
}

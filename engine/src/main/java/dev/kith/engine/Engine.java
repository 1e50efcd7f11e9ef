package dev.kith.engine;

import java.util.Iterator;
import java.util.List;

/**
 * kith's authorization engine: the schema, the relationships at every recent revision, and the answers to
 * check, expand and the lookups, computed from the in-memory bitmap index. Writes go to the {@link
 * Datastore} and reach the index through its change feed; reads never wait on the store except for
 * {@code fullyConsistent} (which asks it for its head revision) and {@code atLeastAsFresh} (which waits,
 * bounded, until this node has applied the revision).
 *
 * <p>Every method is thread-safe; reads never block writes and never see half of one. Expected failures are
 * {@link KithException}s.
 */
public interface Engine extends AutoCloseable {

    /** Replaces the schema (refused, with the reason, if stored relationships would be orphaned). */
    Revision writeSchema(String schemaText);

    Results.SchemaText readSchema();

    /**
     * The compiled schema at the revision {@code consistency} picks (as a check would read it), for reflecting
     * and diffing the schema; its {@code schema} is null when none had been written by then.
     */
    Results.SchemaAt schemaAt(Consistency consistency);

    /** An atomic batch write; returns the revision it was written at. */
    Revision write(Requests.Write write);

    Results.Delete delete(Requests.Delete delete);

    /** Loads many relationships in one atomic batch (CREATE semantics); returns its revision. */
    Revision importBulk(Iterator<Relationship> relationships);

    Results.Page<Results.ReadRelationship> readRelationships(Requests.ReadRelationships read);

    /**
     * One page of every stored relationship (or those matching the export's filter) in the store order, all
     * pages at the first page's revision: a full export yields each relationship once, and resumes after any
     * item's {@code afterCursor}.
     */
    Results.Page<Results.ReadRelationship> exportRelationships(Requests.Export export);

    Results.Check check(Requests.Check check);

    /** Each item answered on its own: one item's error does not fail the others. */
    List<Results.CheckBulkItem> checkBulk(List<Requests.Check> checks);

    Results.Expand expand(Requests.Expand expand);

    Results.Page<Results.LookupResource> lookupResources(Requests.LookupResources lookup);

    Results.Page<Results.LookupSubject> lookupSubjects(Requests.LookupSubjects lookup);

    /** The newest revision this node has applied. */
    Revision appliedRevision();

    /**
     * Asks the store whether it answers (its head revision); throws {@link KithException.StoreUnavailable} if it
     * does not. Readiness probes call this; it may block for up to the store's timeout.
     */
    void probeStore();

    /** The index's size and applied revision, from counters: O(1), safe to call on every metrics scrape. */
    EngineStats stats();

    /** The identity of the deployment this engine's store belongs to (see {@link Datastore#deployment}). */
    DeploymentIdentity deployment();

    /** The bounds a written schema must keep to (a schema diff's compared schema keeps to them too). */
    default dev.kith.schema.SchemaLimits schemaLimits() {
        return dev.kith.schema.SchemaLimits.DEFAULTS;
    }

    /** The bounds of caveat evaluation and caveat contexts this engine enforces. */
    default CaveatLimits caveatLimits() {
        return CaveatLimits.defaults();
    }

    /** Calls {@code listener} with every change set after {@code after}, in order, until the handle closes. */
    default AutoCloseable watch(Revision after, WatchListener listener) {
        return watch(after, WatchFilter.ALL, listener);
    }

    /**
     * Calls {@code listener} with every change set after {@code after} that has changes {@code filter} delivers,
     * in order, each with only those changes, until the handle closes. A listener that is not {@linkplain
     * WatchListener#ready ready} pauses its watch, which then resumes where it stopped (see {@link WatchListener});
     * listeners that keep the defaults get every change set as soon as it is available.
     */
    AutoCloseable watch(Revision after, WatchFilter filter, WatchListener listener);

    /**
     * Receives change sets from {@link #watch}, one call at a time, in revision order.
     *
     * <p>Back-pressure: before the engine reads change sets for a watch, and before it delivers each one, it asks
     * {@link #ready}. While the listener answers false the engine reads and delivers nothing more for that watch
     * (the watch keeps its position, so nothing is skipped), until the listener runs the {@code resume} action it
     * was given in {@link #onOpen}; delivery then goes on from the first change set it has not received. A listener
     * that queues what it receives (a network stream, say) thus bounds its queue by answering false once it holds
     * enough. The defaults (always ready, no resume action kept) deliver everything as soon as it is available.
     */
    interface WatchListener {
        void onChanges(Results.ChangeSet changes);

        /**
         * The schema was written in {@code changes}' revision (it has no relationship changes); called only when
         * the watch's filter asks for {@linkplain WatchFilter#schemaUpdates schema updates}.
         */
        default void onSchemaUpdated(Results.ChangeSet changes) {}

        /**
         * The watch has been given every change set through {@code revision}, the newest the store has, and had
         * not been told so yet: no change it delivers will be at or before it (SpiceDB's checkpoint). Called after
         * each batch of change sets the watch reads, whether or not its filter kept any of them.
         */
        default void onCaughtUp(Revision revision) {}

        /** The watch ended with an error (e.g. the revision is no longer in the log). */
        default void onError(KithException error) {}

        /**
         * Whether the listener takes another change set now. Called on the engine's delivery thread; false
         * pauses this watch's delivery until {@code resume} (see {@link #onOpen}) is run.
         */
        default boolean ready() {
            return true;
        }

        /**
         * Called once as the watch opens, before any change set, with the action that resumes a delivery paused
         * by {@link #ready}: the listener runs it, from any thread, whenever it can take more after having answered
         * false (running it when nothing is paused is harmless).
         */
        default void onOpen(Runnable resume) {}
    }

    @Override
    void close();
}

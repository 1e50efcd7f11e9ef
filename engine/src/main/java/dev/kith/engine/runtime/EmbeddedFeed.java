package dev.kith.engine.runtime;

import dev.kith.engine.Relationship;
import dev.kith.engine.Revision;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.index.MemoryDatastore;
import java.time.Instant;

/**
 * The feed of the embedded store: the {@link MemoryDatastore} writes into its own index and the engine reads that
 * same index, so there is one copy of the data and nothing to follow. What is left to do here: put a schema in
 * force before the store publishes its revision, remove expired relationships ({@link ExpiryReaper}), collect
 * garbage through the store, and wake requests waiting for a revision when the store announces one.
 *
 * <p>Threading: {@link #start}, {@link #writeSchema}, {@link #written} and {@link #collectGarbage} run under the
 * engine's write lock (the store's own lock nests inside it); {@link #revisionsAvailable} comes on the writing
 * thread, inside the store's lock, and only signals.
 */
final class EmbeddedFeed implements IndexFeed {
    private final MemoryDatastore store;
    private final Object writeLock;
    private final SchemaHistory schemas;
    private final RevisionWindow revisions;
    private final AppliedSignal applied;
    private final ExpiryReaper reaper;

    EmbeddedFeed(
            MemoryDatastore store,
            Object writeLock,
            SchemaHistory schemas,
            RevisionWindow revisions,
            AppliedSignal applied,
            ExpiryReaper reaper) {
        this.store = store;
        this.writeLock = writeLock;
        this.schemas = schemas;
        this.revisions = revisions;
        this.applied = applied;
        this.reaper = reaper;
    }

    @Override
    public void start(Runnable announce) {
        synchronized (writeLock) {
            Revision head = store.headRevision();
            revisions.visibleNow(head.value());
            String text = store.schemaAt(head);
            if (text != null) schemas.install(head.value(), schemas.compile(text));
        }
    }

    /** Nothing to apply: the store applied every revision to the shared index when it committed. */
    @Override
    public void catchUp() {}

    /**
     * The store publishes the new revision in the shared index as it commits, so readers may pin it before the
     * store returns: the schema is put in force at the next revision first, and taken back if the write fails.
     */
    @Override
    public Revision writeSchema(String text, CompiledSchema compiled) {
        long next = store.index().appliedRevision() + 1;
        schemas.install(next, compiled);
        Revision rev;
        try {
            rev = store.writeSchema(text);
        } catch (RuntimeException e) {
            schemas.uninstall(next);
            throw e;
        }
        schemas.install(rev.value(), compiled);
        return rev;
    }

    @Override
    public void written(Relationship relationship) {
        reaper.expires(relationship);
    }

    @Override
    public void revisionsAvailable() {
        applied.signal();
    }

    /** The store keeps the history (its change log and the index's versions): it collects both. */
    @Override
    public void collectGarbage(long keep, Instant now, Instant horizon) {
        reaper.removeExpired(now);
        store.collectGarbage(horizon);
    }

    @Override
    public void close() {}
}

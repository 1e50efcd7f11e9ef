package dev.kith.engine.runtime;

import dev.kith.engine.Datastore;
import dev.kith.engine.Relationship;
import dev.kith.engine.Revision;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.MemoryDatastore;
import java.time.Instant;

/**
 * How the engine's {@link Index} comes to hold what the {@link Datastore} committed: chosen once, when the engine
 * is built, from the kind of store.
 *
 * <ul>
 *   <li>{@link EmbeddedFeed}: the in-memory {@link MemoryDatastore} writes into its own index, which the engine
 *       shares: a committed revision is applied the moment it commits.
 *   <li>{@link StoreFollower}: any other store (e.g. PostgreSQL): the engine loads the store's state at the oldest
 *       revision inside the GC window into an index of its own, replays the history from there to the head, and
 *       applies the store's later change sets as the store announces them.
 * </ul>
 *
 * <p>Threading: everything that changes the index runs under the engine's one write lock, which the {@link Writer}
 * holds around {@link #writeSchema}, {@link #written} and {@link #collectGarbage} and which the feed takes itself
 * for its own work ({@link #start}, {@link #catchUp}, work on the background thread). {@link #revisionsAvailable} may come
 * on any thread, including one that holds the store's own locks, so it never takes the write lock there.
 */
sealed interface IndexFeed permits EmbeddedFeed, StoreFollower {

    /**
     * Brings the index to the store's head state (and the schema history with it), before the engine serves; an
     * external store's history inside the GC window is loaded too, so earlier revisions stay readable.
     * {@code announce} is the engine's handling of a store announcement, for the feed to run again when it
     * retries.
     */
    void start(Runnable announce);

    /**
     * Applies what the store has committed and the index has not applied yet; bound to no request deadline (the
     * index's upkeep is never abandoned half done). Takes the write lock.
     */
    void catchUp();

    /** Writes the schema through the store and installs it in the schema history at its revision. Under the lock. */
    Revision writeSchema(String text, CompiledSchema compiled);

    /** A relationship the engine just created or touched in the store (its write committed). Under the lock. */
    void written(Relationship relationship);

    /**
     * The store announced new revisions: apply them, or wake the requests waiting for them. Returns at once (work
     * goes to the background thread), so the store's announcing thread is never held.
     */
    void revisionsAvailable();

    /**
     * Cuts history after a write: {@code keep} is the oldest revision that must stay readable (-1: none has left
     * the window yet), {@code horizon} the instant before which the store may drop history. Under the write lock,
     * bound to no request deadline.
     */
    void collectGarbage(long keep, Instant now, Instant horizon);

    /** Stops the feed's background work; announcements after this are ignored. */
    void close();
}

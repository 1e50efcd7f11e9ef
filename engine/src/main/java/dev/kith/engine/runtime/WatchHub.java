package dev.kith.engine.runtime;

import dev.kith.engine.Datastore;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.WatchFilter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The open watches and the delivery of the store's change sets to them, in revision order, each watch from the
 * revision it has seen. A watch that fails (e.g. its revision left the store's log) is closed and told why.
 *
 * <p>Threading: watches are opened and closed on any thread; delivery runs only on the engine's background thread
 * (so a watch's position needs no lock and a listener is never called twice at once), after each announcement of
 * new revisions, when a watch opens and when a paused watch resumes.
 *
 * <p>Back-pressure: a watch whose listener is not {@linkplain Engine.WatchListener#ready ready} is skipped before
 * each read of the store and each delivery, keeping its position; its listener's resume action queues a delivery
 * of that watch alone. So a slow consumer never makes the engine read, or hold, more than one batch for it.
 */
final class WatchHub {
    /** Change sets read from the store at a time. */
    private static final int BATCH = 1000;

    private final Datastore store;
    private final Executor background;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    /** Delivers {@code store}'s change sets on {@code background}. */
    WatchHub(Datastore store, Executor background) {
        this.store = store;
        this.background = background;
    }

    /** One open watch: its listener and the newest revision delivered to it (background thread only). */
    private final class Watch implements AutoCloseable {
        final Engine.WatchListener listener;
        final WatchFilter filter;
        long after;
        /** The revision the listener was last told it had caught up to (the start revision before that). */
        long caughtUp;

        volatile boolean open = true;
        /** A delivery of this watch alone is queued on the background thread (coalesces resumes). */
        final AtomicBoolean resumeQueued = new AtomicBoolean();

        Watch(long after, WatchFilter filter, Engine.WatchListener listener) {
            this.after = after;
            this.caughtUp = after;
            this.filter = filter;
            this.listener = listener;
        }

        @Override
        public void close() {
            open = false;
            watches.remove(this);
        }

        /** The listener can take more: delivers to this watch on the background thread. Any thread. */
        void resume() {
            if (!open || !resumeQueued.compareAndSet(false, true)) return;
            try {
                background.execute(() -> {
                    resumeQueued.set(false);
                    deliver(this);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                resumeQueued.set(false); // the engine is closing: nothing more is delivered anyway
            }
        }
    }

    /**
     * Opens a watch of the change sets after {@code after}, each cut down to the changes {@code filter} keeps (a
     * change set left empty is not delivered); closing the handle ends it.
     */
    AutoCloseable watch(Revision after, WatchFilter filter, Engine.WatchListener listener) {
        Watch w = new Watch(after.value(), filter, listener);
        listener.onOpen(w::resume);
        watches.add(w);
        background.execute(this::deliver);
        return w;
    }

    /** New revisions may be available: queues a delivery when any watch is open. */
    void revisionsAvailable() {
        if (!watches.isEmpty()) background.execute(this::deliver);
    }

    /** Closes every watch without telling its listener (the engine is closing). */
    void close() {
        watches.clear();
    }

    /**
     * Whether {@code s} is a schema write: it changes no relationship, and the schema text in force at its revision
     * differs from the one before.
     */
    private boolean schemaWritten(Results.ChangeSet s) {
        if (!s.changes().isEmpty()) return false;
        long rev = s.revision().value();
        return !java.util.Objects.equals(store.schemaAt(new Revision(rev)), store.schemaAt(new Revision(rev - 1)));
    }

    /** Delivers to every open watch the change sets it has not seen. Background thread only. */
    private void deliver() {
        for (Watch w : watches) deliver(w);
    }

    /**
     * Delivers to {@code w} the change sets it has not seen, while its listener is ready for them. Background
     * thread only.
     */
    private void deliver(Watch w) {
        try {
            while (w.open && w.listener.ready()) {
                List<Results.ChangeSet> sets = store.changesSince(new Revision(w.after), BATCH);
                if (sets.isEmpty()) {
                    if (w.after > w.caughtUp) {
                        w.caughtUp = w.after;
                        w.listener.onCaughtUp(new Revision(w.after));
                    }
                    break;
                }
                for (Results.ChangeSet s : sets) {
                    if (!w.open || !w.listener.ready()) return;
                    Results.ChangeSet kept = w.filter.apply(s);
                    if (kept != null) w.listener.onChanges(kept);
                    if (w.filter.schemaUpdates() && schemaWritten(s)) w.listener.onSchemaUpdated(s);
                    w.after = s.revision().value();
                }
            }
        } catch (KithException e) {
            w.close();
            w.listener.onError(e);
        }
    }
}

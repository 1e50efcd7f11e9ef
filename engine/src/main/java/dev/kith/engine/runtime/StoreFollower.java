package dev.kith.engine.runtime;

import dev.kith.engine.Datastore;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.index.Index;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The feed of an external store (e.g. PostgreSQL): at start it loads the store's state at the oldest revision still
 * inside the GC window into an index of the engine's own and replays the change sets from there to the head, each
 * revision visible for the window from the store's commit time ({@link #start}); then it applies every later change
 * set in revision order ({@link Datastore#changesSince}) as the store announces them. While the store is
 * unavailable it keeps answering at the last applied revision and retries; when it fell so far behind that the
 * store no longer has the change sets in between, it loads the head state again. The store's own history is
 * collected at most once a {@link #STORE_GC_INTERVAL}.
 *
 * <p>Threading: loading and applying run under the engine's write lock, on whichever thread needs them: the
 * background thread after an announcement, a request waiting for a revision, a writer before a schema write.
 * Announcements only queue one run on the background thread (a second one while the first is pending is merged
 * into it). Following is bound to no request deadline: the index's upkeep is never abandoned half done.
 */
final class StoreFollower implements IndexFeed {
    /** Retry delay while the store is unavailable. */
    private static final long RETRY_MILLIS = 500;
    /** How often at most the store is asked to collect its own garbage. */
    static final Duration STORE_GC_INTERVAL = Duration.ofSeconds(60);
    /** Change sets read from the store at a time. */
    private static final int BATCH = 1000;

    private final Datastore store;
    private final Index index;
    private final Object writeLock;
    private final SchemaHistory schemas;
    private final RevisionWindow revisions;
    private final AppliedSignal applied;
    private final ScheduledExecutorService background;
    private final AtomicBoolean followPending = new AtomicBoolean();
    /** What to run again when retrying: the engine's handling of a store announcement. */
    private Runnable announce = () -> {};
    /** When the store last collected garbage on this engine's behalf; guarded by the write lock. */
    private Instant lastStoreGc = Instant.MIN;
    /**
     * The store's commit times of the revisions that {@link #loadWindow} found and {@link #follow} has not applied
     * yet: each becomes visible for the GC window from when it was committed. Guarded by the write lock.
     */
    private final Map<Long, Instant> commitTimes = new HashMap<>();

    private volatile boolean closed;

    StoreFollower(
            Datastore store,
            Index index,
            Object writeLock,
            SchemaHistory schemas,
            RevisionWindow revisions,
            AppliedSignal applied,
            ScheduledExecutorService background) {
        this.store = store;
        this.index = index;
        this.writeLock = writeLock;
        this.schemas = schemas;
        this.revisions = revisions;
        this.applied = applied;
        this.background = background;
    }

    /**
     * Loads the store's state at the oldest revision still inside the GC window and replays the change sets from
     * there to the head, so that this node answers at every revision a node running all along could (a token
     * handed out before a restart, or by another node, stays good for its window). Each replayed revision became
     * visible, for the window, when the store committed it, not when this node started. Falls back to the head
     * state when the store no longer has that revision (its garbage collection ran in between).
     */
    @Override
    public void start(Runnable announce) {
        this.announce = announce;
        if (!loadWindow()) load();
        follow();
    }

    /**
     * Loads the state at the revision in force at the GC horizon (by this engine's clock) and registers the commit
     * times of it and every later revision, which {@link #follow} then applies. False, with nothing loaded, when
     * the store dropped that revision before it could be read.
     */
    private boolean loadWindow() {
        synchronized (writeLock) {
            if (index.appliedRevision() > 0) return false;
            Revision from = store.revisionAt(revisions.horizon(revisions.now()));
            List<Index.Op> ops = new ArrayList<>();
            String[] schemaText = {null};
            List<Datastore.CommittedRevision> times = new ArrayList<>();
            try {
                store.loadAt(from, t -> schemaText[0] = t, r -> ops.add(index.toOp(r, false)));
                for (long next = from.value(); ; ) {
                    List<Datastore.CommittedRevision> page = store.commitTimes(new Revision(next), BATCH);
                    times.addAll(page);
                    if (page.size() < BATCH) break;
                    next = page.get(page.size() - 1).revision().value() + 1;
                }
            } catch (KithException.RevisionExpired collected) {
                return false;
            }
            long rev = from.value();
            if (schemaText[0] != null) schemas.install(rev, schemas.compile(schemaText[0]));
            if (rev > index.appliedRevision()) index.apply(rev, ops);
            // nothing before `from` was loaded: it was superseded before the horizon, so it is expired anyway
            index.collectGarbage(rev);
            for (Datastore.CommittedRevision t : times) {
                commitTimes.put(t.revision().value(), t.committedAt());
            }
            Instant loaded = commitTimes.remove(rev);
            revisions.visible(rev, loaded == null ? revisions.now() : loaded);
            return true;
        }
    }

    @Override
    public void catchUp() {
        Deadline.detached(() -> {
            follow();
            return null;
        });
    }

    /** The revision reaches the index through the feed; the caller waits for it ({@link RequestBinding}). */
    @Override
    public Revision writeSchema(String text, CompiledSchema compiled) {
        Revision rev = store.writeSchema(text);
        schemas.install(rev.value(), compiled);
        return rev;
    }

    @Override
    public void written(Relationship relationship) {}

    @Override
    public void revisionsAvailable() {
        if (closed || !followPending.compareAndSet(false, true)) return;
        background.execute(() -> {
            followPending.set(false);
            if (closed) return;
            try {
                catchUp();
            } catch (KithException.StoreUnavailable unavailable) {
                // keep answering at the last applied revision; try again until the store is back
                if (!closed) background.schedule(announce, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            applied.signal();
        });
    }

    /** The index keeps its own history; the store's is cut at most once a {@link #STORE_GC_INTERVAL}. */
    @Override
    public void collectGarbage(long keep, Instant now, Instant horizon) {
        if (keep >= 0) index.collectGarbage(keep);
        if (lastStoreGc.plus(STORE_GC_INTERVAL).isBefore(now)) {
            lastStoreGc = now;
            store.collectGarbage(horizon);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * Loads the store's head state into the index at the store's revision: at start, and again when this engine
     * fell so far behind that the store no longer has the change sets in between (then relationships the index
     * has and the store no longer has are deleted in the same batch).
     */
    private void load() {
        synchronized (writeLock) {
            List<Index.Op> ops = new ArrayList<>();
            Set<OpKey> present = new HashSet<>();
            String[] schemaText = {null};
            Revision rev = store.load(t -> schemaText[0] = t, r -> {
                Index.Op op = index.toOp(r, false);
                ops.add(op);
                present.add(new OpKey(op.pair(), op.object(), op.subject()));
            });
            long appliedRev = index.appliedRevision();
            if (rev.value() <= appliedRev) return;
            index.scan(new RelationshipFilter(null, null, null, null, null), appliedRev, Instant.MIN, null, r -> {
                Index.Op op = index.toOp(r, true);
                if (!present.contains(new OpKey(op.pair(), op.object(), op.subject()))) ops.add(op);
                return true;
            });
            if (schemaText[0] != null && !schemas.sameAt(appliedRev, schemaText[0])) {
                schemas.install(rev.value(), schemas.compile(schemaText[0]));
            }
            index.apply(rev.value(), ops);
            // The load jumped from `appliedRev` straight to `rev`: the revisions in between were never applied
            // here, so no revision before `rev` can be read exactly on this node any more.
            index.collectGarbage(rev.value());
            revisions.visibleNow(rev.value());
            commitTimes.clear();
        }
    }

    /** The identity of an index change. */
    private record OpKey(int pair, int object, long subject) {}

    /** Applies every change set the store has after the index's revision, in order. */
    private void follow() {
        synchronized (writeLock) {
            while (true) {
                List<Results.ChangeSet> sets;
                try {
                    sets = store.changesSince(new Revision(index.appliedRevision()), BATCH);
                } catch (KithException.RevisionExpired behind) {
                    load();
                    continue;
                }
                if (sets.isEmpty()) return;
                for (Results.ChangeSet set : sets) {
                    long rev = set.revision().value();
                    if (rev <= index.appliedRevision()) continue;
                    if (set.changes().isEmpty()) {
                        String text = store.schemaAt(set.revision());
                        if (text != null && !schemas.installedAt(rev) && !schemas.sameAt(rev, text)) {
                            schemas.install(rev, schemas.compile(text));
                        }
                        index.publish(rev);
                    } else {
                        List<Index.Op> ops = new ArrayList<>(set.changes().size());
                        for (Results.RelationshipChange c : set.changes()) {
                            ops.add(index.toOp(
                                    c.relationship(), c.operation() == Results.RelationshipChange.Operation.DELETE));
                        }
                        index.apply(rev, ops);
                    }
                    Instant committed = commitTimes.remove(rev);
                    revisions.visible(rev, committed == null ? revisions.now() : committed);
                }
            }
        }
    }
}

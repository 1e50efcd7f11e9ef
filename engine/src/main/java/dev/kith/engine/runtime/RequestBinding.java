package dev.kith.engine.runtime;

import dev.kith.engine.Consistency;
import dev.kith.engine.Datastore;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.eval.Cursors;
import dev.kith.engine.index.Index;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Binds a request to the revision it reads: the one its consistency mode picks ({@link #resolve}), or its cursor's
 * ({@link #pin}); waits, bounded, for a revision this node has not applied yet ({@link #awaitApplied}), and for a
 * committed write's revision before the write returns ({@link #awaitCommitted}), so a writer reads its own writes.
 *
 * <p>Threading: runs on the request's thread without a lock. Waiting asks the {@link IndexFeed} to catch up (which
 * takes the write lock for the time it applies change sets) and otherwise sleeps on the {@link AppliedSignal}.
 */
final class RequestBinding {
    /** The longest single wait on the signal: the loop re-checks the deadlines and asks the feed again after. */
    private static final long MAX_WAIT_MILLIS = 50;

    private final Datastore store;
    private final Index index;
    private final IndexFeed feed;
    private final RevisionWindow revisions;
    private final AppliedSignal applied;
    private final Duration freshnessTimeout;

    RequestBinding(
            Datastore store,
            Index index,
            IndexFeed feed,
            RevisionWindow revisions,
            AppliedSignal applied,
            Duration freshnessTimeout) {
        this.store = store;
        this.index = index;
        this.feed = feed;
        this.revisions = revisions;
        this.applied = applied;
        this.freshnessTimeout = freshnessTimeout;
    }

    /** The revision {@code consistency} asks for, waiting (bounded) for it to be applied when needed. */
    long resolve(Consistency consistency) {
        return switch (consistency) {
            case Consistency.MinimizeLatency m -> index.appliedRevision();
            case Consistency.AtLeastAsFresh f -> {
                awaitApplied(f.revision().value());
                yield index.appliedRevision();
            }
            case Consistency.AtExactSnapshot s -> {
                awaitApplied(s.revision().value());
                yield revisions.checkReadable(s.revision().value());
            }
            case Consistency.FullyConsistent f -> {
                long head = store.headRevision().value();
                awaitApplied(head);
                yield index.appliedRevision();
            }
        };
    }

    /**
     * Where a paged read starts: at its cursor's revision (which must still be readable) and position, or, for a
     * first page, at the revision its consistency picks with no position.
     */
    Cursors.Cursor pin(String kind, String cursor, Consistency consistency) {
        if (cursor == null) return new Cursors.Cursor(resolve(consistency), null);
        Cursors.Cursor c = Cursors.decode(kind, cursor);
        return new Cursors.Cursor(revisions.checkReadable(c.revision()), c.position());
    }

    /**
     * Waits, bounded by the freshness timeout and by the caller's {@link Deadline} (whichever comes first), until
     * this node has applied {@code rev}.
     */
    void awaitApplied(long rev) {
        if (index.appliedRevision() >= rev) return;
        long deadline = System.nanoTime() + freshnessTimeout.toNanos();
        Deadline request = Deadline.current();
        while (index.appliedRevision() < rev) {
            feed.catchUp();
            // the catch-up may itself have applied rev, however long it took: that is not a timeout
            if (index.appliedRevision() >= rev) return;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new KithException.RevisionUnavailable("revision " + rev + " was not applied within "
                        + freshnessTimeout + "; the newest applied is " + index.appliedRevision());
            }
            request.check("waiting for revision " + rev + " to be applied");
            left = Math.min(left, request.remainingNanos());
            try {
                if (applied.awaitSignal(rev, Math.min(TimeUnit.NANOSECONDS.toMillis(left), MAX_WAIT_MILLIS))) break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KithException.RevisionUnavailable("interrupted while waiting for revision " + rev);
            }
        }
    }

    /**
     * Waits for a committed write's revision: it has committed, so no request deadline may fail it now. Over the
     * embedded store the revision was applied as it committed, and this returns at once.
     */
    void awaitCommitted(long rev) {
        if (index.appliedRevision() >= rev) return;
        Deadline.detached(() -> {
            awaitApplied(rev);
            return null;
        });
    }
}

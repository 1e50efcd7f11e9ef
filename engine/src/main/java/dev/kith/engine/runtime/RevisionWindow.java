package dev.kith.engine.runtime;

import dev.kith.engine.KithException;
import dev.kith.engine.Revision;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.RevisionTimes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Which revisions can still be read exactly: when each revision inside the GC window became visible on this node,
 * the GC horizon that follows from it, and the check every read at a pinned revision makes ({@link #checkReadable}).
 * A revision expires a GC window after the next one became visible (until then it was the newest for part of the
 * window); the index's oldest revision and its applied one bound the readable range too.
 *
 * <p>Threading: {@link #visible} and {@link #forgetBefore} run under the engine's write lock; {@link
 * #checkReadable} runs on any thread without a lock ({@link RevisionTimes} publishes each change whole, the
 * index's revisions are volatile).
 */
final class RevisionWindow {
    private final Index index;
    private final Duration gcWindow;
    private final Clock clock;
    /** When each revision inside the GC window became visible here. */
    private final RevisionTimes visibleSince = new RevisionTimes();

    /** The window over {@code index}'s revisions: they stay readable {@code gcWindow} by {@code clock}. */
    RevisionWindow(Index index, Duration gcWindow, Clock clock) {
        this.index = index;
        this.gcWindow = gcWindow;
        this.clock = clock;
    }

    /** The engine's clock now. */
    Instant now() {
        return clock.instant();
    }

    /** Records that {@code rev} became visible here at {@code at}. Under the write lock. */
    void visible(long rev, Instant at) {
        visibleSince.add(rev, at, null);
    }

    /** Records that {@code rev} became visible here now. Under the write lock. */
    void visibleNow(long rev) {
        visible(rev, now());
    }

    /** Everything superseded before this instant is past the GC window, seen at {@code now}. */
    Instant horizon(Instant now) {
        return now.minus(gcWindow);
    }

    /**
     * The oldest revision that must stay readable at {@code horizon}: the newest one that became visible at or
     * before it (the ones before it were superseded before the horizon); -1 when none did.
     */
    long oldestToKeep(Instant horizon) {
        return visibleSince.lastNotAfter(horizon);
    }

    /** Forgets the times of the revisions before {@code keep} (none when it is negative). Under the write lock. */
    void forgetBefore(long keep) {
        if (keep >= 0) visibleSince.forgetBefore(keep);
    }

    /**
     * {@code rev} if it can be read exactly: applied here, and not superseded longer than the GC window ago
     * (checked on every read too, so an old snapshot expires on time even when no write has run the collector
     * since). Otherwise {@link KithException.RevisionExpired} (saying which revision is readable) or {@link
     * KithException.RevisionUnavailable}.
     */
    long checkReadable(long rev) {
        long oldest = index.oldestRevision();
        if (rev < oldest) throw new KithException.RevisionExpired(new Revision(rev), new Revision(oldest));
        long applied = index.appliedRevision();
        if (rev > applied) {
            throw new KithException.RevisionUnavailable(
                    "revision " + rev + " has not been applied here; the newest is " + applied);
        }
        if (rev < applied) {
            Instant next = visibleSince.timeAfter(rev);
            Instant horizon = horizon(now());
            if (next != null && !next.isAfter(horizon)) {
                long readable = oldestToKeep(horizon);
                throw new KithException.RevisionExpired(
                        new Revision(rev), new Revision(readable < 0 ? applied : readable));
            }
        }
        return rev;
    }
}

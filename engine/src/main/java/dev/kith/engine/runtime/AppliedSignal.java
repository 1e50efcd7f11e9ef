package dev.kith.engine.runtime;

import dev.kith.engine.index.Index;

/**
 * The monitor on which requests wait for the index to apply a revision, and its notification: whoever advances the
 * index (the store follower, the embedded store's announcement, the upkeep after a write) {@linkplain #signal
 * signals}; {@link RequestBinding} waits.
 *
 * <p>Threading: any thread may signal or wait. A waiter checks the index's applied revision under the monitor
 * before it waits, so a signal sent after that check is never lost; waits are short and bounded anyway.
 */
final class AppliedSignal {
    private final Index index;
    private final Object monitor = new Object();

    /** The signal for revisions applied to {@code index}. */
    AppliedSignal(Index index) {
        this.index = index;
    }

    /** Wakes every request waiting for a revision. */
    void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /**
     * Waits up to {@code millis} (at least 1) for a signal, unless the index has already applied {@code rev}.
     * Returns whether it had.
     */
    boolean awaitSignal(long rev, long millis) throws InterruptedException {
        synchronized (monitor) {
            if (index.appliedRevision() >= rev) return true;
            monitor.wait(Math.max(1, millis));
            return false;
        }
    }
}

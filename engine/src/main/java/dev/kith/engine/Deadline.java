package dev.kith.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * When a caller stops wanting an answer: a point in time ({@link #after}), an explicit {@link #cancel()} (the
 * client went away, the caller's own timer fired), or both. The engine's long loops poll it and stop with
 * {@link KithException.DeadlineExceeded}; a write checks it right before it commits and, when it has passed,
 * commits nothing.
 *
 * <p>How work gets its deadline: the caller binds one to its thread around the engine call ({@link #call}); the
 * engine and the stores read it there ({@link #current}). Thread-bound rather than a field on every request
 * record because the work it bounds is spread over the engine, the evaluators, the index scans and the stores
 * (which all run on the calling thread), and the {@link Engine} and {@link Datastore} signatures stay as they
 * are. The binding is undone when {@link #call} returns, so it never leaks into the next task of a pooled
 * thread. Nothing is bound on the check hot path: a {@link Ticker} reads the thread's deadline only every
 * {@link Ticker#EVERY} steps, so a check pays one counter decrement per step.
 *
 * <p>Cancelling sets a flag the work reads; it never interrupts a thread.
 *
 * <p>A write passes its point of no return with {@link #commit}: from then on the deadline no longer stops the
 * work, and a later {@link #cancel()} says so (returns false), so that whoever cancels (the request timer) does
 * not answer "stopped, nothing written" for a write that is being committed. Check, commit and cancel are one
 * atomic state, so exactly one of "cancelled before commit" and "committed before cancel" happens.
 */
public final class Deadline {
    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    /** The deadline of work bound to none: never passes and cannot be cancelled. */
    private static final Deadline NONE = new Deadline(0, null);

    private final long expiresAtNanos;
    /** The time the work was given, for messages; null when it has no time limit. */
    private final Duration budget;

    private static final int RUNNING = 0;
    private static final int CANCELLED = 1;
    private static final int COMMITTED = 2;

    /** {@link #RUNNING}, then {@link #CANCELLED} or {@link #COMMITTED}, never back. */
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    private Deadline(long expiresAtNanos, Duration budget) {
        this.expiresAtNanos = expiresAtNanos;
        this.budget = budget;
    }

    /** A deadline {@code timeout} from now (which must be positive). */
    public static Deadline after(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        long nanos = timeout.toNanos();
        return new Deadline(System.nanoTime() + nanos, timeout);
    }

    /** A deadline with no time limit that ends only when {@link #cancel cancelled} (e.g. a client disconnect). */
    public static Deadline untilCancelled() {
        return new Deadline(0, null);
    }

    /** The deadline bound to this thread by {@link #call}; one that never passes when none is. */
    public static Deadline current() {
        Deadline d = CURRENT.get();
        return d == null ? NONE : d;
    }

    /**
     * Stops the work this deadline bounds at its next poll; idempotent, from any thread. Returns whether the work
     * is stopped: false when it has already {@linkplain #commit committed} (it runs to its answer) or is bound to
     * no deadline.
     */
    public boolean cancel() {
        if (this == NONE) return false;
        return state.compareAndSet(RUNNING, CANCELLED) || state.get() == CANCELLED;
    }

    public boolean cancelled() {
        return state.get() == CANCELLED;
    }

    /** Whether the work should stop: cancelled, or its time is up, and it has not {@linkplain #commit committed}. */
    public boolean passed() {
        int s = state.get();
        return s == CANCELLED || (s == RUNNING && timeUp());
    }

    /**
     * The point of no return of a write ({@code what} says what is then not done): throws {@link
     * KithException.DeadlineExceeded} if the deadline has passed, and otherwise marks the work committed, so that
     * neither the clock nor a later {@link #cancel()} stops it any more.
     */
    public void commit(String what) {
        if (this == NONE || state.get() == COMMITTED) return;
        if (timeUp() || !state.compareAndSet(RUNNING, COMMITTED)) {
            cancel();
            throw exceeded(what);
        }
    }

    private boolean timeUp() {
        return budget != null && System.nanoTime() - expiresAtNanos >= 0;
    }

    /** Nanoseconds left (0 once passed); {@link Long#MAX_VALUE} without a time limit. */
    public long remainingNanos() {
        if (cancelled()) return 0;
        if (budget == null) return Long.MAX_VALUE;
        return Math.max(0, expiresAtNanos - System.nanoTime());
    }

    /** Throws {@link KithException.DeadlineExceeded}, saying what was stopped, if the deadline has passed. */
    public void check(String what) {
        if (passed()) throw exceeded(what);
    }

    /** The error for work ({@code what}) stopped by this deadline. */
    public KithException.DeadlineExceeded exceeded(String what) {
        boolean late = timeUp();
        String why =
                late ? "the request's deadline of " + budget.toMillis() + " ms passed" : "the request was cancelled";
        return new KithException.DeadlineExceeded(why + ": " + what);
    }

    /** Runs {@code work} on this thread with this deadline bound, restoring the previous binding after. */
    public <T> T call(Callable<T> work) throws Exception {
        Deadline previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.call();
        } finally {
            restore(previous);
        }
    }

    /**
     * Runs {@code work} bound to no deadline: the engine's own upkeep on a request's thread (following the
     * store, removing expired relationships after a committed write), which no request may abandon half done.
     */
    public static <T> T detached(Supplier<T> work) {
        Deadline previous = CURRENT.get();
        if (previous == null) return work.get();
        CURRENT.remove();
        try {
            return work.get();
        } finally {
            restore(previous);
        }
    }

    private static void restore(Deadline previous) {
        if (previous == null) CURRENT.remove();
        else CURRENT.set(previous);
    }

    /**
     * Amortized polling for one loop or one thread's evaluator: {@link #tick} once per step, and every {@link
     * #EVERY} steps it checks the thread's current deadline. One instance per thread (it is not thread-safe).
     */
    public static final class Ticker {
        /**
         * Steps between two looks at the clock: a step (a check hop, a scanned object) costs 20 ns to a few µs,
         * so work stops within well under a millisecond of its deadline, and the clock read is amortized away.
         */
        public static final int EVERY = 1024;

        private final String what;
        private int left = EVERY;

        /** A ticker whose error says {@code what} was stopped (e.g. "lookup-resources"). */
        public Ticker(String what) {
            this.what = what;
        }

        /** Counts one step; every {@link #EVERY} steps, throws if the thread's deadline has passed. */
        public void tick() {
            if (--left == 0) {
                left = EVERY;
                current().check(what);
            }
        }
    }
}

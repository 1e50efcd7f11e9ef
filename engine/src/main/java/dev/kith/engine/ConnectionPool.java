package dev.kith.engine;

import java.util.function.LongConsumer;

/**
 * The connection pool of a {@link Datastore} that has one, as its metrics see it: how many connections are in use
 * and idle, how many callers wait for one, and how long each acquisition took.
 *
 * <p>This is the seam between a store and the server's metrics: a store module (PostgreSQL) implements it and
 * knows nothing of the metrics library; the server polls {@link #statistics} from its gauges at every scrape and
 * records the times given to its {@link #onAcquire} listener in a histogram. Neither side depends on the other;
 * the program that wires both (the {@code kith serve} command) hands one to the other. A store without a pool
 * (the in-memory one) has none: {@link Datastore#connectionPool} is empty.
 */
public interface ConnectionPool {
    /**
     * One reading of the pool.
     *
     * @param inUse connections lent out to callers
     * @param idle connections open and waiting in the pool
     * @param waiting callers waiting for a connection (the pool was at its size, or a connection was being opened)
     */
    record Statistics(int inUse, int idle, int waiting) {}

    /** The pool now; cheap (counters only, no I/O), safe to call from any thread. */
    Statistics statistics();

    /**
     * Registers {@code listener}, told the time in nanoseconds each connection acquisition took (from asking the
     * pool until a connection was lent, whether it was idle, newly opened or waited for). It is called on the
     * acquiring thread, so it must be quick and must not block; a later registration replaces an earlier one.
     */
    void onAcquire(LongConsumer listener);
}

package dev.kith.engine;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that asks to wake every millisecond and records each interval in which it woke more than a
 * millisecond late: time in which this JVM could not run a thread that was ready (an overloaded machine, a
 * collection pausing every thread). A blocked event loop does not show here: the meter runs on its own thread.
 * Tests that bound a latency subtract these stalls, so that they measure the server rather than the machine.
 */
public final class Hiccups implements AutoCloseable {
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(1);
    private final ConcurrentLinkedDeque<long[]> stalls = new ConcurrentLinkedDeque<>();
    private volatile boolean stop;

    /** Starts the meter on a daemon thread named {@code name}. */
    public Hiccups(String name) {
        Thread meter = new Thread(
                () -> {
                    while (!stop) {
                        long before = System.nanoTime();
                        LockSupport.parkNanos(TICK);
                        long after = System.nanoTime();
                        long due = before + TICK;
                        if (after - due > TICK) stalls.add(new long[] {due, after});
                    }
                },
                name);
        meter.setDaemon(true);
        meter.setPriority(Thread.MAX_PRIORITY);
        meter.start();
    }

    /** The time between {@code start} and {@code end} (nanoTime) in which the meter could not run. */
    public long stalledBetween(long start, long end) {
        long total = 0;
        // newest first: the stalls are recorded in order, and the ones that ended before start do not count
        for (Iterator<long[]> i = stalls.descendingIterator(); i.hasNext(); ) {
            long[] s = i.next();
            if (s[1] <= start) break;
            long from = Math.max(s[0], start);
            long to = Math.min(s[1], end);
            if (to > from) total += to - from;
        }
        return total;
    }

    @Override
    public void close() {
        stop = true;
    }
}

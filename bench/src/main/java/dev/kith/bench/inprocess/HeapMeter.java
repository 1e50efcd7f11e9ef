package dev.kith.bench.inprocess;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Used heap after full collections: {@link System#gc()} several times (a collection can leave garbage that
 * finalization or reference processing frees only in the next one), until the figure stops falling, then the
 * heap's used bytes from the {@link MemoryMXBean}. The difference of two readings is what the objects created
 * between them keep alive.
 */
public final class HeapMeter {
    private static final int MAX_ROUNDS = 8;

    private HeapMeter() {}

    /** The used heap in bytes after collecting until it no longer shrinks (at least three rounds). */
    public static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        long used = Long.MAX_VALUE;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            System.gc();
            used = memory.getHeapMemoryUsage().getUsed();
            if (round >= 2 && used >= previous) break;
            previous = Math.min(previous, used);
        }
        return Math.min(previous, used);
    }
}

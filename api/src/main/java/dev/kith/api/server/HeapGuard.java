package dev.kith.api.server;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap watermark: after each garbage collection, the heap still in use (the live heap, as that collection
 * left it) is compared with the maximum heap. Above {@link Limits#heapWatermark} the server sheds writes (writes,
 * deletes, imports and schema writes are answered 429, reads go on), until a later collection measures the live
 * heap at least {@link #HYSTERESIS} below the watermark. So a write load the heap cannot hold is refused with a
 * clear answer instead of growing the heap until an {@link OutOfMemoryError}.
 *
 * <p>The measurements come from a {@link Source}: in production the JVM's garbage-collection notifications, which
 * carry each pool's usage after the collection (correct for every collector: G1's young, mixed and full
 * collections, the serial collector a small container gets by default, and the others); in tests a source the test
 * drives.
 */
final class HeapGuard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HeapGuard.class.getName());

    /** How far below the watermark the live heap must fall before writes are taken again. */
    static final double HYSTERESIS = 0.05;

    /** Receives a measurement of the live heap. */
    interface Measurement {
        /** After a collection, {@code liveBytes} of the heap's {@code maxBytes} are still in use. */
        void measured(long liveBytes, long maxBytes);
    }

    /** Where measurements come from: {@link #start} subscribes, closing the handle it returns stops them. */
    interface Source {
        AutoCloseable start(Measurement measurement);
    }

    private final double watermark;
    private final AutoCloseable subscription;
    private long live;
    private long max;
    private volatile double ratio;
    private volatile boolean shedding;
    private volatile String message = "";

    HeapGuard(double watermark, Source source) {
        this.watermark = watermark;
        this.subscription = source.start(this::measured);
    }

    /** Takes a measurement: starts shedding above the watermark, stops once below it by the hysteresis. */
    synchronized void measured(long liveBytes, long maxBytes) {
        if (maxBytes <= 0) return;
        live = liveBytes;
        max = maxBytes;
        double r = (double) liveBytes / maxBytes;
        ratio = r;
        message = "the server's memory is above its watermark (live heap " + (live >> 20) + " MiB of " + (max >> 20)
                + " MiB); writes are refused until it falls; reads continue";
        if (!shedding && r > watermark) {
            shedding = true;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "shedding writes: the live heap is " + (live >> 20) + " MiB of " + (max >> 20) + " MiB, above the"
                            + " watermark of " + watermark);
        } else if (shedding && r < watermark - HYSTERESIS) {
            shedding = false;
            LOG.log(
                    System.Logger.Level.INFO,
                    "taking writes again: the live heap is " + (live >> 20) + " MiB of " + (max >> 20) + " MiB");
        }
    }

    /** Whether writes are refused now. */
    boolean shedding() {
        return shedding;
    }

    /** The live heap's share of the maximum heap at the last collection (0 before the first). */
    double liveRatio() {
        return ratio;
    }

    /** What a refused write is told. */
    String message() {
        return message;
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the heap measurements failed: " + e);
        }
    }

    /**
     * The JVM's garbage-collection notifications: after each collection, the sum of the heap pools' usage after it,
     * against the maximum heap.
     */
    static Source gcNotifications() {
        return measurement -> {
            Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .map(MemoryPoolMXBean::getName)
                    .collect(Collectors.toUnmodifiableSet());
            long max = maxHeap();
            NotificationListener listener = (Notification n, Object handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long live = 0;
                for (Map.Entry<String, MemoryUsage> e :
                        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) live += e.getValue().getUsed();
                }
                measurement.measured(live, max);
            };
            List<NotificationEmitter> emitters = new ArrayList<>();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
            return () -> {
                for (NotificationEmitter emitter : emitters) {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (ListenerNotFoundException e) {
                        // already gone
                    }
                }
            };
        };
    }

    /** The maximum heap ({@code -Xmx}, or what the JVM chose). */
    private static long maxHeap() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        return max > 0 ? max : Runtime.getRuntime().maxMemory();
    }
}

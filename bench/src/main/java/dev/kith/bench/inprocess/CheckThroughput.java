package dev.kith.bench.inprocess;

import dev.kith.bench.handwritten.HandEvaluator;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Checks per second and the latency of each check, on {@code threads} threads for a fixed time. Each thread walks
 * the prepared checks in order (thread {@code t} starting at offset {@code t * n / threads}, wrapping around), one
 * check at a time, and times each with {@link System#nanoTime()} into its own HdrHistogram (nanoseconds, 3
 * significant digits), merged at the end. One clock read per check: each latency also holds the recording of the
 * previous one (tens of nanoseconds). A check that fails with an expected error (depth exceeded) is counted
 * and timed like an answer. A warm-up of the same loop runs first and is discarded.
 *
 * @param checks checks completed in the measured interval, over all threads
 * @param seconds the measured interval (the longest thread's)
 * @param threads the number of threads
 * @param latencyNanos every check's latency
 */
public record CheckThroughput(long checks, double seconds, int threads, Histogram latencyNanos) {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Checks per second over all threads. */
    public double checksPerSecond() {
        return checks / seconds;
    }

    /** The latency at {@code percentile} (0–100) in microseconds. */
    public double percentileMicros(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Warms up for {@code warmupSeconds}, then measures for {@code seconds}. */
    public static CheckThroughput measure(
            Engine engine, List<Requests.Check> checks, int threads, double seconds, double warmupSeconds)
            throws InterruptedException {
        if (checks.isEmpty()) throw new IllegalArgumentException("there are no queries to check");
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be greater than 0, got " + seconds);
        if (warmupSeconds > 0) run(engine, checks, threads, warmupSeconds);
        return run(engine, checks, threads, seconds);
    }

    /**
     * The same loop over a hand-written evaluator's prepared checks: warms up for {@code warmupSeconds}, then
     * measures for {@code seconds}. The answers are summed into a field so the JIT cannot drop the work.
     */
    public static CheckThroughput measureHandwritten(
            List<HandEvaluator.Prepared> checks, int threads, double seconds, double warmupSeconds)
            throws InterruptedException {
        if (checks.isEmpty()) throw new IllegalArgumentException("there are no queries to check");
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be greater than 0, got " + seconds);
        HandEvaluator.Prepared[] all = checks.toArray(new HandEvaluator.Prepared[0]);
        if (warmupSeconds > 0) runHandwritten(all, threads, warmupSeconds);
        return runHandwritten(all, threads, seconds);
    }

    private static CheckThroughput runHandwritten(HandEvaluator.Prepared[] all, int threads, double seconds)
            throws InterruptedException {
        long durationNanos = Math.round(seconds * 1e9);
        List<HandWorker> workers = new ArrayList<>(threads);
        List<Thread> running = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            HandWorker w = new HandWorker(all, (int) ((long) t * all.length / threads), durationNanos);
            workers.add(w);
            running.add(Thread.ofPlatform().name("handwritten-" + t).start(w));
        }
        for (Thread t : running) t.join();
        Histogram merged = new Histogram(HIGHEST_NANOS, 3);
        long count = 0;
        long elapsed = 0;
        for (HandWorker w : workers) {
            if (w.failure != null) throw w.failure;
            merged.add(w.histogram);
            count += w.count;
            elapsed = Math.max(elapsed, w.elapsedNanos);
        }
        return new CheckThroughput(count, elapsed / 1e9, threads, merged);
    }

    /** One thread's closed loop over hand-written checks, timed exactly as {@link Worker} times the engine's. */
    private static final class HandWorker implements Runnable {
        private final HandEvaluator.Prepared[] checks;
        private final long durationNanos;
        private final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        private final int next;
        private long count;
        private long elapsedNanos;
        private RuntimeException failure;
        /** The sum of the answers: read by nobody, written so that the answers count. */
        @SuppressWarnings("unused")
        private long sink;

        HandWorker(HandEvaluator.Prepared[] checks, int start, long durationNanos) {
            this.checks = checks;
            this.next = start;
            this.durationNanos = durationNanos;
        }

        @Override
        public void run() {
            try {
                final HandEvaluator.Prepared[] all = checks;
                final Histogram h = histogram;
                final long start = System.nanoTime();
                final long deadline = start + durationNanos;
                int i = next;
                long n = 0;
                long answers = 0;
                long now = start;
                while (now < deadline) {
                    long before = now;
                    answers += all[i].answer();
                    now = System.nanoTime();
                    h.recordValue(Math.min(now - before, HIGHEST_NANOS));
                    n++;
                    if (++i == all.length) i = 0;
                }
                sink = answers;
                count = n;
                elapsedNanos = now - start;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private static CheckThroughput run(Engine engine, List<Requests.Check> checks, int threads, double seconds)
            throws InterruptedException {
        Requests.Check[] all = checks.toArray(new Requests.Check[0]);
        long durationNanos = Math.round(seconds * 1e9);
        List<Worker> workers = new ArrayList<>(threads);
        List<Thread> running = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(engine, all, (int) ((long) t * all.length / threads), durationNanos);
            workers.add(w);
            running.add(Thread.ofPlatform().name("check-" + t).start(w));
        }
        for (Thread t : running) t.join();
        Histogram merged = new Histogram(HIGHEST_NANOS, 3);
        long count = 0;
        long elapsed = 0;
        for (Worker w : workers) {
            if (w.failure != null) throw w.failure;
            merged.add(w.histogram);
            count += w.count;
            elapsed = Math.max(elapsed, w.elapsedNanos);
        }
        return new CheckThroughput(count, elapsed / 1e9, threads, merged);
    }

    /** One thread's closed loop. */
    private static final class Worker implements Runnable {
        private final Engine engine;
        private final Requests.Check[] checks;
        private final long durationNanos;
        private final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        private int next;
        private long count;
        private long elapsedNanos;
        private RuntimeException failure;

        Worker(Engine engine, Requests.Check[] checks, int start, long durationNanos) {
            this.engine = engine;
            this.checks = checks;
            this.next = start;
            this.durationNanos = durationNanos;
        }

        @Override
        public void run() {
            try {
                loop();
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        private void loop() {
            // locals, not fields, inside the loop: the timing code should cost as little as possible
            final Engine e = engine;
            final Requests.Check[] all = checks;
            final Histogram h = histogram;
            final long start = System.nanoTime();
            final long deadline = start + durationNanos;
            int i = next;
            long n = 0;
            long now = start;
            while (now < deadline) {
                long before = now;
                try {
                    e.check(all[i]);
                } catch (KithException.MaxDepthExceeded expected) {
                    // an answer too: the depth error is what deep chains must produce
                }
                now = System.nanoTime();
                h.recordValue(Math.min(now - before, HIGHEST_NANOS));
                n++;
                if (++i == all.length) i = 0;
            }
            count = n;
            elapsedNanos = now - start;
        }
    }
}

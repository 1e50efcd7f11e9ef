package dev.kith.engine.index;

import java.time.Instant;
import java.util.Arrays;

/**
 * Revisions in ascending order, each with the instant it was committed or became visible and an optional value
 * (such as the slots a write changed), in parallel arrays: about 30 bytes a revision, where a sorted concurrent map
 * of boxed keys and {@code Instant}s cost about 100. One is kept per revision for the whole GC window, so with many
 * small writes this is a share of the heap every write pays for.
 *
 * <p>Threading: one writer ({@link #add}, {@link #forgetBefore}, under its owner's write lock), any number of
 * readers without a lock. Every change publishes a new immutable {@link View} through a volatile field; entries are
 * written into the arrays before the view that includes them is published, and arrays are replaced, never shrunk
 * or moved in place, so a reader works on one consistent view for as long as it likes.
 */
public final class RevisionTimes {
    private static final int INITIAL_CAPACITY = 16;

    /** Entries {@code start} (inclusive) to {@code end} (exclusive) of the arrays. */
    private record View(long[] revisions, long[] seconds, int[] nanos, Object[] values, int start, int end) {
        int size() {
            return end - start;
        }

        /** The index of {@code rev}, or {@code -(insertion point) - 1}, as {@link Arrays#binarySearch}. */
        int search(long rev) {
            return Arrays.binarySearch(revisions, start, end, rev);
        }

        Instant time(int i) {
            return Instant.ofEpochSecond(seconds[i], nanos[i]);
        }

        boolean after(int i, Instant t) {
            long s = seconds[i];
            return s > t.getEpochSecond() || (s == t.getEpochSecond() && nanos[i] > t.getNano());
        }
    }

    /** What {@link #forEachFrom} hands on, one revision at a time; false stops the walk. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(long revision, Instant at, Object value);
    }

    private volatile View view = new View(
            new long[INITIAL_CAPACITY],
            new long[INITIAL_CAPACITY],
            new int[INITIAL_CAPACITY],
            new Object[INITIAL_CAPACITY],
            0,
            0);

    /**
     * Holds {@code rev} at {@code at} with {@code value} (may be null), replacing what {@code rev} had. The usual
     * case, a revision newer than every one held, appends in place; any other copies the arrays (as rare as a
     * node reloading its state).
     */
    public void add(long rev, Instant at, Object value) {
        View v = view;
        if (v.end > v.start && v.revisions[v.end - 1] >= rev) {
            view = inserted(v, rev, at, value);
            return;
        }
        if (v.end == v.revisions.length) v = copied(v, Math.max(INITIAL_CAPACITY, 2 * v.size() + 1));
        int i = v.end;
        v.revisions[i] = rev;
        v.seconds[i] = at.getEpochSecond();
        v.nanos[i] = at.getNano();
        v.values[i] = value;
        view = new View(v.revisions, v.seconds, v.nanos, v.values, v.start, i + 1);
    }

    /** A copy of {@code v} with {@code rev} put in its place (replaced when held). */
    private static View inserted(View v, long rev, Instant at, Object value) {
        int i = v.search(rev);
        boolean replace = i >= 0;
        int at0 = (replace ? i : -i - 1) - v.start;
        View c = copied(v, v.size() + 1 + INITIAL_CAPACITY);
        int n = c.end;
        if (!replace) {
            System.arraycopy(c.revisions, at0, c.revisions, at0 + 1, n - at0);
            System.arraycopy(c.seconds, at0, c.seconds, at0 + 1, n - at0);
            System.arraycopy(c.nanos, at0, c.nanos, at0 + 1, n - at0);
            System.arraycopy(c.values, at0, c.values, at0 + 1, n - at0);
            n++;
        }
        c.revisions[at0] = rev;
        c.seconds[at0] = at.getEpochSecond();
        c.nanos[at0] = at.getNano();
        c.values[at0] = value;
        return new View(c.revisions, c.seconds, c.nanos, c.values, 0, n);
    }

    /**
     * Forgets every revision older than {@code keep}. The arrays are copied down once more than half of them is
     * forgotten, so what was dropped is released at the latest then.
     */
    public void forgetBefore(long keep) {
        View v = view;
        int i = v.search(keep);
        int from = i >= 0 ? i : -i - 1;
        if (from <= v.start) return;
        View cut = new View(v.revisions, v.seconds, v.nanos, v.values, from, v.end);
        view = cut.start > cut.size() ? copied(cut, Math.max(INITIAL_CAPACITY, 2 * cut.size())) : cut;
    }

    /** How many revisions are held. */
    public int size() {
        return view.size();
    }

    /** The instant of {@code rev}, or null when it is not held. */
    public Instant timeOf(long rev) {
        View v = view;
        int i = v.search(rev);
        return i >= 0 ? v.time(i) : null;
    }

    /** The value of {@code rev}, or null when it is not held (or was added without one). */
    public Object valueOf(long rev) {
        View v = view;
        int i = v.search(rev);
        return i >= 0 ? v.values[i] : null;
    }

    /** The instant of the first revision held after {@code rev}, or null when there is none. */
    public Instant timeAfter(long rev) {
        View v = view;
        int i = v.search(rev);
        int next = i >= 0 ? i + 1 : -i - 1;
        return next < v.end ? v.time(next) : null;
    }

    /**
     * From the oldest revision on, the last one whose instant is not after {@code t}, stopping at the first that
     * is after it; -1 when the oldest already is. (Instants are in commit order, so this is the revision in force
     * at {@code t}.)
     */
    public long lastNotAfter(Instant t) {
        View v = view;
        long last = -1;
        for (int i = v.start; i < v.end; i++) {
            if (v.after(i, t)) break;
            last = v.revisions[i];
        }
        return last;
    }

    /**
     * Hands the revisions from {@code rev} on ({@code rev} itself only when {@code inclusive}) to {@code visitor},
     * oldest first, until it returns false.
     */
    public void forEachFrom(long rev, boolean inclusive, Visitor visitor) {
        View v = view;
        int i = v.search(rev);
        int from = i >= 0 ? (inclusive ? i : i + 1) : -i - 1;
        for (int k = from; k < v.end; k++) {
            if (!visitor.visit(v.revisions[k], v.time(k), v.values[k])) return;
        }
    }

    private static View copied(View v, int capacity) {
        int n = v.size();
        long[] revisions = new long[capacity];
        long[] seconds = new long[capacity];
        int[] nanos = new int[capacity];
        Object[] values = new Object[capacity];
        System.arraycopy(v.revisions, v.start, revisions, 0, n);
        System.arraycopy(v.seconds, v.start, seconds, 0, n);
        System.arraycopy(v.nanos, v.start, nanos, 0, n);
        System.arraycopy(v.values, v.start, values, 0, n);
        return new View(revisions, seconds, nanos, values, 0, n);
    }
}

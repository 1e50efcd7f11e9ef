package dev.kith.engine.index;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;
import org.agrona.collections.Object2IntHashMap;

/**
 * Strings to dense ints (0, 1, 2, …) and back.
 *
 * <p>Concurrency: one writer (the index writer, which holds the index's write lock) and any number of readers.
 * Agrona's map is not thread-safe, so every mutation runs under the write mode of a {@link StampedLock}; a
 * reader first tries an optimistic read (no lock traffic at all, the common case because names are interned
 * once and then only read) and falls back to the read lock when a writer interfered. A torn read of the map
 * during a concurrent rehash can throw (an index out of bounds, say): such an attempt is discarded, because
 * {@code validate} then fails. The id→string array is replaced, never resized in place, and published under
 * the same lock, so a reader sees either the old or the new array, both correct for ids it may know.
 */
final class Interner {
    private final StampedLock lock = new StampedLock();
    private final Object2IntHashMap<String> ids = new Object2IntHashMap<>(-1);
    private String[] names = new String[16];
    private int size;

    /** The id of {@code name}, or -1 when it was never interned. */
    int find(String name) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                int id = ids.getValue(name);
                if (lock.validate(stamp)) return id;
            } catch (RuntimeException torn) {
                // a concurrent rehash: retried under the read lock below
            }
        }
        stamp = lock.readLock();
        try {
            return ids.getValue(name);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The id of {@code name}, assigning the next one when it is new. Writer only. */
    int intern(String name) {
        int id = find(name);
        if (id >= 0) return id;
        long stamp = lock.writeLock();
        try {
            id = ids.getValue(name);
            if (id >= 0) return id;
            id = size;
            String[] current = names;
            if (id == current.length) {
                current = Arrays.copyOf(current, current.length * 2);
            }
            current[id] = name;
            names = current;
            ids.put(name, id);
            size = id + 1;
            return id;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The string of an id this interner handed out. */
    String name(int id) {
        long stamp = lock.tryOptimisticRead();
        String[] current = names;
        if (stamp != 0 && lock.validate(stamp)) return current[id];
        stamp = lock.readLock();
        try {
            return names[id];
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** How many strings have been interned; ids are below this. */
    int size() {
        long stamp = lock.readLock();
        try {
            return size;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}

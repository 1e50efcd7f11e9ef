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

    /**
     * The strings {@link #pack} can hold in a {@code long}, outside {@link #ids}: open addressing with linear
     * probing, at most half full, two {@code long}s per slot (the packed string, then its id + 1; 0 is empty),
     * so a hit reads one cache line and never the {@code String}. Object ids like the datasets' ({@code 63406})
     * are such strings; with them in {@link #ids} the resource id's lookup was a quarter of the check profile
     * on the 1M-relationship github dataset, in {@code String.equals} of keys not in cache (JFR, 2026-11-26;
     * see "In-process check" under "What misses the targets" in {@code BENCHMARKS.md}). Replaced whole when it
     * grows, never in place.
     */
    private long[] packed = new long[64];

    private int packedCount;
    /**
     * The string of each id that does not pack into a {@code long}; null for one that does, whose string is
     * {@link #unpack unpacked} from {@link #packedNames} when asked for. Short ids are the common case (the
     * datasets' numeric ids all are): a stored {@code String} costs about 48 bytes, the {@code long} 8.
     */
    private String[] names = new String[16];
    /** Parallel to {@link #names}: the packed string of each id that packs, 0 for the others. */
    private long[] packedNames = new long[16];

    private int size;

    /** The id of {@code name}, or -1 when it was never interned. */
    int find(String name) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                int id = lookup(name);
                if (lock.validate(stamp)) return id;
            } catch (RuntimeException torn) {
                // a concurrent rehash: retried under the read lock below
            }
        }
        stamp = lock.readLock();
        try {
            return lookup(name);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private int lookup(String name) {
        long key = pack(name);
        if (key == 0) return ids.getValue(name);
        long[] table = packed;
        int mask = table.length / 2 - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            long k = table[2 * i];
            if (k == key) return (int) table[2 * i + 1] - 1;
            if (k == 0) return -1;
        }
    }

    /**
     * {@code s} as a non-zero {@code long} (one byte per character, first character lowest) when it has 1 to 8
     * characters, each in 1..127; otherwise 0. Distinct strings pack distinctly: no character packs to 0.
     */
    private static long pack(String s) {
        int n = s.length();
        if (n == 0 || n > 8) return 0;
        long key = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 127) return 0;
            key |= (long) c << (8 * i);
        }
        return key;
    }

    private static int mix(long key) {
        long x = key * 0x9E3779B97F4A7C15L;
        return (int) (x >>> 32);
    }

    private static void insert(long[] table, long key, int id) {
        int mask = table.length / 2 - 1;
        int i = mix(key) & mask;
        while (table[2 * i] != 0) i = (i + 1) & mask;
        table[2 * i + 1] = id + 1L;
        table[2 * i] = key;
    }

    /** The id of {@code name}, assigning the next one when it is new. Writer only. */
    int intern(String name) {
        int id = find(name);
        if (id >= 0) return id;
        long stamp = lock.writeLock();
        try {
            id = lookup(name);
            if (id >= 0) return id;
            id = size;
            String[] current = names;
            long[] currentPacked = packedNames;
            if (id == current.length) {
                current = Arrays.copyOf(current, current.length * 2);
                currentPacked = Arrays.copyOf(currentPacked, current.length);
            }
            long key = pack(name);
            if (key == 0) current[id] = name;
            else currentPacked[id] = key;
            names = current;
            packedNames = currentPacked;
            if (key == 0) {
                ids.put(name, id);
            } else {
                long[] table = packed;
                if ((packedCount + 1) * 4 > table.length) {
                    long[] grown = new long[table.length * 2];
                    for (int i = 0; i < table.length; i += 2) {
                        if (table[i] != 0) insert(grown, table[i], (int) table[i + 1] - 1);
                    }
                    table = grown;
                }
                insert(table, key, id);
                packed = table;
                packedCount++;
            }
            size = id + 1;
            return id;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The string of an id this interner handed out. */
    String name(int id) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            String[] current = names;
            long[] currentPacked = packedNames;
            if (lock.validate(stamp)) return nameIn(current, currentPacked, id);
        }
        stamp = lock.readLock();
        try {
            return nameIn(names, packedNames, id);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private static String nameIn(String[] names, long[] packedNames, int id) {
        String name = names[id];
        return name != null ? name : unpack(packedNames[id]);
    }

    /** The string {@link #pack} made {@code key} of. */
    private static String unpack(long key) {
        int n = (71 - Long.numberOfLeadingZeros(key)) / 8;
        byte[] chars = new byte[n];
        for (int i = 0; i < n; i++) chars[i] = (byte) (key >>> (8 * i));
        return new String(chars, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Orders two ids by their strings, as {@code name(a).compareTo(name(b))} does, without making strings when
     * both pack: a packed string read from its first character on is a big-endian number whose unused high
     * bytes are 0, below every character, so unsigned order of the byte-reversed keys is string order.
     */
    int compare(int a, int b) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            String[] current = names;
            long[] currentPacked = packedNames;
            if (lock.validate(stamp)) return compareIn(current, currentPacked, a, b);
        }
        stamp = lock.readLock();
        try {
            return compareIn(names, packedNames, a, b);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private static int compareIn(String[] names, long[] packedNames, int a, int b) {
        long ka = packedNames[a];
        long kb = packedNames[b];
        if (ka != 0 && kb != 0) return Long.compareUnsigned(Long.reverseBytes(ka), Long.reverseBytes(kb));
        return nameIn(names, packedNames, a).compareTo(nameIn(names, packedNames, b));
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

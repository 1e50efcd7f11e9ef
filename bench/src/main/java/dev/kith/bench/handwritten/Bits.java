package dev.kith.bench.handwritten;

/** Plain {@code long[]} bitsets, without the bounds checks and resizing of {@link java.util.BitSet}. */
final class Bits {
    private Bits() {}

    static int words(int bits) {
        return (bits + 63) >>> 6;
    }

    static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << i;
    }

    static boolean get(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    static int nextSet(long[] bits, int from) {
        int w = from >>> 6;
        if (w >= bits.length) return -1;
        long word = bits[w] & (-1L << from);
        while (word == 0) {
            if (++w == bits.length) return -1;
            word = bits[w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(word);
    }

    static long cardinality(long[] bits) {
        long count = 0;
        for (long word : bits) count += Long.bitCount(word);
        return count;
    }
}

package dev.kith.bench.handwritten;

import java.util.Arrays;

/** A growable list of ints, and compressed rows (CSR) built from two of them. */
final class Ints {
    private int[] values = new int[16];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int get(int index) {
        return values[index];
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }

    /**
     * Rows {@code 0 … rows - 1}: row {@code keys[i]} holds {@code values[i]}; each row sorted. Row {@code r} is
     * {@code values[start[r]] … values[start[r + 1] - 1]}.
     */
    record Rows(int[] start, int[] values) {
        static Rows of(int rows, Ints keys, Ints values) {
            int[] start = new int[rows + 1];
            for (int i = 0; i < keys.size; i++) {
                start[keys.values[i] + 1]++;
            }
            for (int r = 0; r < rows; r++) {
                start[r + 1] += start[r];
            }
            int[] fill = Arrays.copyOf(start, rows);
            int[] out = new int[keys.size];
            for (int i = 0; i < keys.size; i++) {
                out[fill[keys.values[i]]++] = values.values[i];
            }
            for (int r = 0; r < rows; r++) {
                Arrays.sort(out, start[r], start[r + 1]);
            }
            return new Rows(start, out);
        }

        int rows() {
            return start.length - 1;
        }

        /** Whether row {@code row} holds {@code value} (binary search). */
        boolean contains(int row, int value) {
            return Arrays.binarySearch(values, start[row], start[row + 1], value) >= 0;
        }
    }

    /** A growable list of longs. */
    static final class Longs {
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}

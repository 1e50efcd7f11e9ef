package dev.kith.bench.gen;

import java.util.Arrays;

/** A growable list of primitive ints, so that a million grants do not become a million boxed integers. */
final class IntList {
    private int[] values;
    private int size;

    IntList() {
        this(4);
    }

    IntList(int capacity) {
        values = new int[Math.max(1, capacity)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return values[index];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(int value) {
        for (int i = 0; i < size; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** Creates an array of {@code n} empty lists. */
    static IntList[] array(int n) {
        IntList[] lists = new IntList[n];
        for (int i = 0; i < n; i++) {
            lists[i] = new IntList(2);
        }
        return lists;
    }
}

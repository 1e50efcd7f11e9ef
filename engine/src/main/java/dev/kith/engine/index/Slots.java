package dev.kith.engine.index;

import java.util.Arrays;

/**
 * A growable array of version chains indexed by a dense interned id. The array is replaced (never resized in
 * place) and published through a volatile field; single writer, lock-free readers.
 */
final class Slots {
    private volatile Version[] slots = new Version[4];

    Version head(int id) {
        Version[] s = slots;
        return id >= 0 && id < s.length ? s[id] : null;
    }

    void set(int id, Version v) {
        Version[] s = slots;
        if (id >= s.length) {
            s = Arrays.copyOf(s, Math.max(id + 1, s.length * 2));
            s[id] = v;
            slots = s;
        } else {
            s[id] = v;
        }
    }

    int capacity() {
        return slots.length;
    }
}

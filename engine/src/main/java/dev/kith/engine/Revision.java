package dev.kith.engine;

/**
 * A point in the history of the store: every write batch (and schema write) gets the next revision.
 * Revision 0 is the empty store before any write.
 */
public record Revision(long value) implements Comparable<Revision> {
    public static final Revision ZERO = new Revision(0);

    public Revision {
        if (value < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + value);
        }
    }

    @Override
    public int compareTo(Revision other) {
        return Long.compare(value, other.value);
    }

    public boolean isAfter(Revision other) {
        return value > other.value;
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}

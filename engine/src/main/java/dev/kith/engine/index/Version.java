package dev.kith.engine.index;

/**
 * One immutable state of an index slot, created by the write batch at {@code revision}, linked to the state
 * before it. A reader at revision R walks the chain to the first version at or before R. Only the garbage
 * collector changes {@code previous} (to cut history older than the window); readers at revisions inside the
 * window never walk that far.
 */
public abstract sealed class Version permits Postings, ReverseVersion, ClosureEntry, ClosureState {
    final long revision;
    Version previous;

    Version(long revision, Version previous) {
        this.revision = revision;
        this.previous = previous;
    }

    /** The revision of the write batch that created this state. */
    public final long revision() {
        return revision;
    }

    abstract boolean isEmpty();

    /** The newest version at or before {@code rev} in the chain starting at {@code head}, or null. */
    @SuppressWarnings("unchecked")
    static <V extends Version> V at(Version head, long rev) {
        Version v = head;
        while (v != null && v.revision > rev) v = v.previous;
        return (V) v;
    }
}

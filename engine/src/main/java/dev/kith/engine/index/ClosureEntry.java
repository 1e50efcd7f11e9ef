package dev.kith.engine.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * The closure of one object under one self-recursive relation (a relation whose stored subjects include subject
 * sets of itself, {@code group#member} holding {@code group:x#member}) at one revision: every object reachable from
 * it over unconditional links of the relation to itself, the object included, and a bound on the hops a walk from
 * it along those links can try (see {@link Closures}). An object with no such link has no entry: it reaches only
 * itself, with a height of 0.
 */
public final class ClosureEntry extends Version {
    private final RoaringBitmap reach;
    private final int height;
    private final int bytes;
    private final boolean cyclic;

    ClosureEntry(long revision, RoaringBitmap reach, int height, boolean cyclic, int bytes, Version previous) {
        super(revision, previous);
        this.reach = reach;
        this.height = height;
        this.cyclic = cyclic;
        this.bytes = bytes;
    }

    /** Whether the object lies on a cycle of unconditional links (its strongly connected component has one). */
    public boolean cyclic() {
        return cyclic;
    }

    /**
     * The objects reachable over unconditional links, the object itself included; shared: do not change. Null in
     * the closure of a recursive arrow, which keeps heights only.
     */
    public RoaringBitmap reach() {
        return reach;
    }

    /**
     * At least the hops a walk from the object along the relation's unconditional links can try: the longest
     * path of the condensation, each strongly connected component with a cycle counted at its size (its last
     * hop may return to an object already on the path, which a check counts before it cuts it).
     */
    public int height() {
        return height;
    }

    /** The heap this entry accounts for (its share of a bitmap shared by a strongly connected component). */
    int bytes() {
        return bytes;
    }

    @Override
    boolean isEmpty() {
        return reach == null && height == 0;
    }
}

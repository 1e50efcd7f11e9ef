package dev.kith.engine.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * The state of one relation's closure at one revision: whether it is kept (a relation is dropped when its closure
 * grows past the cost model of {@link Closures}), the objects with a conditional (caveated or expiring) link of the
 * relation to itself, which the closure leaves out, and the highest {@link ClosureEntry#height} of any object.
 */
public final class ClosureState extends Version {
    private final boolean kept;
    private final RoaringBitmap conditionalSources;
    private final int maxHeight;
    private final boolean cyclic;

    ClosureState(
            long revision,
            boolean kept,
            RoaringBitmap conditionalSources,
            int maxHeight,
            boolean cyclic,
            Version previous) {
        super(revision, previous);
        this.kept = kept;
        this.conditionalSources = conditionalSources;
        this.maxHeight = maxHeight;
        this.cyclic = cyclic;
    }

    /**
     * Whether some object lies on a cycle of the relation's unconditional links. When none does, {@link
     * #maxHeight()} is the longest chain of links, and a walk that only ever moves along them takes no more.
     */
    public boolean cyclic() {
        return cyclic;
    }

    /** Whether the closure answers at this revision; when false, evaluators walk the relation's links. */
    public boolean kept() {
        return kept;
    }

    /** The objects with a conditional link to a subject set of the relation itself, or null for none. Shared. */
    public RoaringBitmap conditionalSources() {
        return conditionalSources;
    }

    /** The highest {@link ClosureEntry#height()} of any object of the relation. */
    public int maxHeight() {
        return maxHeight;
    }

    @Override
    boolean isEmpty() {
        return false;
    }
}

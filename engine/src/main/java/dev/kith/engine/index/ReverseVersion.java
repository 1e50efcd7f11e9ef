package dev.kith.engine.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * The objects of one (resource type, relation) that store one subject, at one revision: all of them, and the
 * subset whose relationship has a condition (caveat or expiration), null when there is none. Both bitmaps are
 * immutable once published.
 */
public final class ReverseVersion extends Version {
    private final RoaringBitmap objects;
    private final RoaringBitmap conditional;

    ReverseVersion(long revision, RoaringBitmap objects, RoaringBitmap conditional, Version previous) {
        super(revision, previous);
        this.objects = objects;
        this.conditional = conditional;
    }

    /**
     * Reverse entries outside the index's version chains, for another reader of relationships (see {@link
     * Postings#of}): {@code conditional} a subset of {@code objects}, or null. Both bitmaps are kept, not copied,
     * and must not change afterwards.
     */
    public static ReverseVersion of(long revision, RoaringBitmap objects, RoaringBitmap conditional) {
        return new ReverseVersion(revision, objects, conditional, null);
    }

    /** Every object naming the subject. Shared: do not change. */
    public RoaringBitmap objects() {
        return objects;
    }

    /** The objects whose relationship with the subject carries a condition, or null. Shared: do not change. */
    public RoaringBitmap conditional() {
        return conditional;
    }

    @Override
    boolean isEmpty() {
        return objects.isEmpty();
    }
}

package dev.kith.engine.index;

/**
 * The subjects stored under one (resource type, relation, object) at one revision: a sorted array of subject
 * keys ({@code subjectKind << 32 | subjectId}, see {@link Index#key}) and, in parallel, each one's {@link
 * Condition} — the whole array is null when no entry has a caveat or an expiration, which is the common case
 * and keeps uncaveated data to 8 bytes per relationship here.
 */
public final class Postings extends Version {
    static final long[] NO_SUBJECTS = new long[0];

    private final long[] subjects;
    private final Condition[] conditions;

    Postings(long revision, long[] subjects, Condition[] conditions, Version previous) {
        super(revision, previous);
        this.subjects = subjects;
        this.conditions = conditions;
    }

    /**
     * Postings outside the index's version chains, for another reader of relationships (a view that adds or
     * hides relationships over the index's): {@code subjects} sorted ascending with no key twice, {@code
     * conditions} parallel to it or null when none has a condition. Both arrays are kept, not copied.
     */
    public static Postings of(long revision, long[] subjects, Condition[] conditions) {
        if (conditions != null && conditions.length != subjects.length) {
            throw new IllegalArgumentException("conditions must be parallel to subjects");
        }
        return new Postings(revision, subjects, conditions, null);
    }

    /** Sorted subject keys. The array is shared: callers must not change it. */
    public long[] subjects() {
        return subjects;
    }

    /** Parallel conditions, or null when none of the subjects has one. Shared: do not change. */
    public Condition[] conditions() {
        return conditions;
    }

    /** The condition of the subject at {@code index}, or null. */
    public Condition condition(int index) {
        return conditions == null ? null : conditions[index];
    }

    /** The position of {@code key} in {@link #subjects()}, or a negative number when absent. */
    public int find(long key) {
        return java.util.Arrays.binarySearch(subjects, key);
    }

    /** The first position whose key is at least {@code key}. */
    public int lowerBound(long key) {
        int i = java.util.Arrays.binarySearch(subjects, key);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    boolean isEmpty() {
        return subjects.length == 0;
    }
}

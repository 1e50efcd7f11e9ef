package dev.kith.engine.index;

/**
 * The default {@link Snapshot}: the in-memory {@link Index} at one revision. Every read is one call on the index
 * with the revision added, allocating nothing, so the JIT inlines it where the evaluators read. A value: two
 * snapshots of one index at one revision are equal (the lookup-resources depth bounds are kept per snapshot).
 *
 * <p>The index keeps the contract: its version chains give one revision's state, its forward and reverse sides
 * are written by one batch together, and ids are interned before the revision that first stores them is
 * published, so the counts read now are above every id a read at the revision returns.
 */
record IndexSnapshot(Index index, long revision) implements Snapshot {
    @Override
    public Postings forward(int pair, int object) {
        // Index.forward's body, not a call to it: check reads here on every step of a deep recursion, and one
        // more inlined frame per read pushed the exclusion shape past the JIT's inlining depth (JMH
        // CheckShapeBenchmark shape=exclusion, github 1M: 1.9 us through Index.forward, 1.2 us with
        // -XX:MaxInlineLevel=30, the same as before the seam)
        Index.Table[] t = index.tables;
        if (pair < 0 || pair >= t.length || object < 0 || t[pair] == null) return null;
        Postings p = Version.at(t[pair].forward.head(object), revision);
        return p == null || p.isEmpty() ? null : p;
    }

    @Override
    public ReverseVersion reverse(int pair, int subjectPair, int subjectId) {
        return index.reverse(pair, subjectPair, subjectId, revision);
    }

    @Override
    public ClosureState closure(int pair) {
        return index.closureState(pair, revision);
    }

    @Override
    public ClosureEntry closure(int pair, int object) {
        return index.closureEntry(pair, object, revision);
    }

    @Override
    public ClosureState arrowClosure(int pair) {
        return index.arrowClosureState(pair, revision);
    }

    @Override
    public ClosureEntry arrowClosure(int pair, int object) {
        return index.arrowClosureEntry(pair, object, revision);
    }

    @Override
    public int[] reverseSubjectPairs(int pair) {
        return index.reverseSubjectPairs(pair);
    }

    @Override
    public int findType(String name) {
        return index.findType(name);
    }

    @Override
    public String typeName(int type) {
        return index.typeName(type);
    }

    @Override
    public int findRelation(String name) {
        return index.findRelation(name);
    }

    @Override
    public String relationName(int relation) {
        return index.relationName(relation);
    }

    @Override
    public int findPair(int type, int relation) {
        return index.findPair(type, relation);
    }

    @Override
    public int pairType(int pair) {
        return index.pairType(pair);
    }

    @Override
    public int pairRelation(int pair) {
        return index.pairRelation(pair);
    }

    @Override
    public int pairCount() {
        return index.pairCount();
    }

    @Override
    public int findObject(int type, String id) {
        return index.findObject(type, id);
    }

    @Override
    public String objectName(int type, int id) {
        return index.objectName(type, id);
    }

    @Override
    public int objectCount(int type) {
        return index.objectCount(type);
    }
}

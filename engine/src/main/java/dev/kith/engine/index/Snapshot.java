package dev.kith.engine.index;

/**
 * The relationships the evaluators read, pinned at one revision: the only way check, expand, lookup-resources,
 * lookup-subjects and {@code eval.DepthBounds} see data. Every hop they take goes through {@code eval.Hops}; every
 * relationship they read comes from here. The default snapshot is the in-memory index at one revision ({@link
 * #of}); anything else that should change what the evaluators see is another implementation of this
 * interface, or a decorator of the default one, not an edit inside the evaluators:
 *
 * <ul>
 *   <li>request-scoped (contextual) relationships: {@link ContextualSnapshot}, a snapshot over the index's that
 *       adds the request's relationships to {@link #forward}, {@link #reverse} and {@link #reverseSubjectPairs},
 *       and hands out ids above {@link #objectCount} for objects the index never stored;
 *   <li>a transitive-closure index: a snapshot whose reads are served from precomputed closures, answering
 *       exactly what the stored relationships answer (depth and cycles stay with the evaluators and {@code
 *       eval.Hops});
 *   <li>sharding: a snapshot whose reads go to the shard that owns the slot, and a {@code eval.Hops} that sends a hop
 *       to the node that owns its target.
 * </ul>
 *
 * <p>Ids. Types, relations and pairs (type, relation) are small ints; {@code user} as a subject is the pair
 * (user, {@link #NO_RELATION}), {@code group#member} the pair (group, member). Object ids are dense,
 * non-negative ints per type, and id {@link #WILDCARD_ID} of every type is {@code *}: a stored wildcard is an
 * ordinary subject key, which a snapshot returns like any other and never expands (the evaluators match it).
 * A subject key is {@link #key}{@code (subjectPair, subjectId)}. Ids and names agree across the find and name
 * methods, and an id stays the same for the snapshot's life.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li><b>One revision.</b> Every read answers the relationships live at {@link #revision()}: those written at
 *       or before it and not deleted by then, never a part of a later write, and the same answer each time it
 *       is asked. Forward and reverse agree: object o is in {@code reverse(pair, sp, sid).objects()} exactly
 *       when {@code key(sp, sid)} is in {@code forward(pair, o).subjects()}, and in {@code conditional()}
 *       exactly when that entry has a condition. {@link #objectCount} is above every object id a read can
 *       return for that type.
 *   <li><b>Order.</b> {@link Postings#subjects()} is sorted ascending (as signed longs) with no key twice, so the
 *       subjects of one subject pair are contiguous, start at {@code lowerBound(key(pair, 0))} with the wildcard
 *       first, and one subject is found by binary search. The evaluators rely on it.
 *   <li><b>Absence.</b> A read with nothing to return returns null (never an empty postings or bitmap); ids
 *       never handed out (negative, or not stored) read as absent.
 *   <li><b>Conditions and expiry.</b> An entry carries its {@link Condition} (caveat with its stored context,
 *       expiration) as stored; a snapshot neither evaluates caveats nor hides expired entries: expiry is judged
 *       by the evaluators at the request's time, and caveats with the request's context. Time is not part of a
 *       snapshot so that every check at one revision can share one and allocate nothing (a check reads the
 *       clock only when it meets its first condition). {@link ReverseVersion#conditional()} holds every object
 *       whose entry has a condition, expiring ones included, so a lookup never takes one as certain.
 *   <li><b>Sharing and threads.</b> A snapshot is immutable: any number of threads may read it at once. Arrays
 *       and bitmaps it returns are shared and must not be changed by the caller. Reads must not block and, on
 *       the default snapshot, allocate nothing (check is the hot path and reads through here on every hop).
 * </ul>
 */
public interface Snapshot extends IdNames {
    /** The relation id of "no relation" (SpiceDB's ellipsis {@code ...}): plain object subjects. */
    int NO_RELATION = Index.NO_RELATION;

    /** The object id of {@code *} in every type. */
    int WILDCARD_ID = Index.WILDCARD_ID;

    /** The snapshot of {@code index} at {@code revision}, which the caller has pinned (it is readable there). */
    static Snapshot of(Index index, long revision) {
        return new IndexSnapshot(index, revision);
    }

    /** The subject key of (pair, id): sorts by pair, then id. */
    static long key(int pair, int id) {
        return Index.key(pair, id);
    }

    static int keyPair(long key) {
        return Index.keyPair(key);
    }

    static int keyId(long key) {
        return Index.keyId(key);
    }

    /** The revision every read answers at. */
    long revision();

    // ---- relationships

    /** The subjects stored under (pair, object), or null when there are none. */
    Postings forward(int pair, int object);

    /** The objects of {@code pair} that store subject (subjectPair, subjectId), or null when there are none. */
    ReverseVersion reverse(int pair, int subjectPair, int subjectId);

    /**
     * The subject pairs {@link #reverse} may hold entries of under {@code pair}: every pair it has entries of, and
     * possibly pairs it has none of. A new array the caller may keep.
     */
    int[] reverseSubjectPairs(int pair);

    // ---- the transitive-closure index

    /**
     * The state of the closure of {@code pair}'s links to subject sets of itself at this revision ({@link
     * ClosureState}), or null when no closure is kept for it here: the evaluators then walk the links. A snapshot
     * that keeps none (the default) returns null; one that changes the relationships the index holds must too,
     * unless it keeps closures of its own.
     */
    default ClosureState closure(int pair) {
        return null;
    }

    /**
     * The closure entry of (pair, object) at this revision, read only where {@link #closure(int)} is kept: null
     * when the object reaches no other object over unconditional links (it reaches itself, with height 0).
     */
    default ClosureEntry closure(int pair, int object) {
        return null;
    }

    /**
     * The state of the closure of {@code pair}'s links to plain objects of its own type ({@code folder#parent}, the
     * tupleset of {@code parent->view}) at this revision, or null when none is kept for it here; the same contract
     * as {@link #closure(int)}.
     */
    default ClosureState arrowClosure(int pair) {
        return null;
    }

    /**
     * The arrow closure entry of (pair, object) at this revision, read only where {@link #arrowClosure(int)} is
     * kept: its height over unconditional links and whether it lies on a cycle (no reach bitmap); null when it
     * has no such link.
     */
    default ClosureEntry arrowClosure(int pair, int object) {
        return null;
    }

    // ---- ids of names, and counts (names of ids: IdNames)

    /** The id of a type, or -1 when none was handed out. */
    int findType(String name);

    /** The id of a relation name, or -1 when none was handed out. */
    int findRelation(String name);

    /** The pair of (type, relation), or -1 when none was handed out. */
    int findPair(int type, int relation);

    /** How many pairs there are: every pair id is below it. */
    int pairCount();

    /** The id of object {@code id} of {@code type}, or -1 when none was handed out. */
    int findObject(int type, String id);

    /** Above every object id of {@code type} (the wildcard's 0 included); 0 for an unknown type. */
    int objectCount(int type);
}

package dev.kith.engine.index;

import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.SubjectRef;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * The in-memory relationship index, versioned by revision.
 *
 * <p>Names are interned to small ints: types, relations, and "pairs" (type, relation) which serve both as the
 * key of a stored relation and as the kind of a subject ({@code user} is the pair (user, {@link
 * #NO_RELATION}), {@code group#member} the pair (group, member)). Object ids are dense ints per type; id
 * {@link #WILDCARD_ID} of every type is {@code *}, so a wildcard subject is an ordinary subject key.
 *
 * <p>Forward side: per resource pair, per object, a chain of {@link Postings} (sorted subject keys + optional
 * conditions). Reverse side: per (resource pair, subject pair), per subject id, a chain of {@link
 * ReverseVersion} bitmaps of objects. Each write batch builds new immutable versions for the keys it touches
 * (one copy per key per batch), links the previous ones, and then publishes its revision with a volatile write:
 * readers pinned to a revision never see half of a batch and never block the writer. {@link #collectGarbage}
 * cuts chains older than the oldest readable revision.
 *
 * <p>Single writer: {@link #apply} and the {@code intern*} methods must be called by one thread at a time (the
 * store serializes them); every other method is safe from any thread.
 */
public final class Index implements IdNames {
    /** The relation id of "no relation" (SpiceDB's ellipsis {@code ...}): plain object subjects. */
    public static final int NO_RELATION = 0;

    /** The object id of {@code *} in every type. */
    public static final int WILDCARD_ID = 0;

    private final Interner types = new Interner();
    private final Interner relations = new Interner();
    private volatile Interner[] objects = new Interner[0];
    private final Interner pairs = new Interner();
    /*
     * Per pair, by pair id: its type, its relation, its table. Grown by doubling (a reader reaches the entries of
     * a pair only after the pair's id is published, which happens after they are written), so interning a
     * schema's pairs costs time linear in them; a table slot beyond the pairs interned is null.
     */
    private volatile int[] pairTypes = new int[0];
    private volatile int[] pairRelations = new int[0];
    volatile Table[] tables = new Table[0];

    /*
     * Per type, by type id: its pairs, and its pairs by relation (an open-addressing table of relation + 1 and
     * pair, sized by the type's own relations, never by all relations: a dense relation-indexed row per type made
     * a schema of n definitions with their own relation names cost n² memory). Each row is replaced whole when it
     * changes and published with a volatile store, so a reader sees a whole row, old or new.
     */
    private volatile AtomicReferenceArray<int[]> pairsOfType = new AtomicReferenceArray<>(0);
    private volatile AtomicReferenceArray<int[]> pairTable = new AtomicReferenceArray<>(0);
    private final ArrayDeque<Touched> touched = new ArrayDeque<>();
    private volatile long applied;
    private volatile long oldest;
    /** Relationships at the applied revision and object ids interned (wildcards aside): kept, never counted. */
    private volatile long relationshipCount;

    private volatile long internedObjects;
    private final Scanner scanner = new Scanner(this);
    /** Per pair id, the last revision whose batch changed a relationship of it (0: none); grown by copying. */
    private volatile long[] pairChangedAt = new long[0];

    /** The transitive-closure index of self-recursive relations, or null while it is off (the default). */
    private volatile Closures closures;

    /** The closure index of recursive arrows (links to plain objects of the relation's own type), with it. */
    private volatile Closures arrowClosures;

    /** Forward and reverse slots of one resource pair. */
    static final class Table {
        final Slots forward = new Slots();
        volatile Slots[] reverse = new Slots[0];

        Slots reverse(int subjectPair) {
            Slots[] r = reverse;
            return subjectPair < r.length ? r[subjectPair] : null;
        }

        Slots reverseForWrite(int subjectPair) {
            Slots[] r = reverse;
            if (subjectPair >= r.length) {
                r = Arrays.copyOf(r, subjectPair + 1);
                reverse = r;
            }
            Slots s = r[subjectPair];
            if (s == null) {
                s = new Slots();
                r[subjectPair] = s;
            }
            return s;
        }
    }

    private record Touched(Slots slots, int id, long revision) {}

    /** One change to apply: put (with its condition) or delete of one subject key on one object. */
    public record Op(int pair, int object, long subject, Condition condition, boolean delete) {}

    public Index() {
        relations.intern("...");
    }

    // ---- keys

    /** The subject key of (pair, id): sorts by pair, then id. */
    public static long key(int pair, int id) {
        return ((long) pair << 32) | (id & 0xffffffffL);
    }

    public static int keyPair(long key) {
        return (int) (key >>> 32);
    }

    public static int keyId(long key) {
        return (int) key;
    }

    // ---- names

    public int findType(String name) {
        return types.find(name);
    }

    @Override
    public String typeName(int type) {
        return types.name(type);
    }

    public int typeCount() {
        return types.size();
    }

    public int findRelation(String name) {
        return relations.find(name);
    }

    @Override
    public String relationName(int relation) {
        return relations.name(relation);
    }

    /** The pair of (type, relation), or -1 when it was never interned. */
    public int findPair(int type, int relation) {
        AtomicReferenceArray<int[]> table = pairTable;
        if (type < 0 || relation < 0 || type >= table.length()) return -1;
        int[] row = table.get(type);
        return row == null ? -1 : rowFind(row, relation);
    }

    /** The pair of {@code relation} in a type's row, or -1. */
    private static int rowFind(int[] row, int relation) {
        int mask = row.length / 2 - 1;
        for (int i = mixRelation(relation) & mask; ; i = (i + 1) & mask) {
            int key = row[2 * i];
            if (key == relation + 1) return row[2 * i + 1];
            if (key == 0) return -1;
        }
    }

    private static int mixRelation(int relation) {
        return (relation * 0x9E3779B9) >>> 16;
    }

    /** {@code row} (null for none) with (relation, pair) added: a new row, at most half full. */
    private static int[] rowWith(int[] row, int entries, int relation, int pair) {
        int slots = 4;
        while (slots < 2 * (entries + 1)) slots *= 2;
        int[] grown = new int[2 * slots];
        if (row != null) {
            for (int i = 0; i < row.length; i += 2) {
                if (row[i] != 0) rowInsert(grown, row[i] - 1, row[i + 1]);
            }
        }
        rowInsert(grown, relation, pair);
        return grown;
    }

    private static void rowInsert(int[] row, int relation, int pair) {
        int mask = row.length / 2 - 1;
        int i = mixRelation(relation) & mask;
        while (row[2 * i] != 0) i = (i + 1) & mask;
        row[2 * i] = relation + 1;
        row[2 * i + 1] = pair;
    }

    @Override
    public int pairType(int pair) {
        return pairTypes[pair];
    }

    @Override
    public int pairRelation(int pair) {
        return pairRelations[pair];
    }

    public int pairCount() {
        return pairs.size();
    }

    /** The interned pairs whose type is {@code type}. Shared: do not change. */
    public int[] pairsOfType(int type) {
        AtomicReferenceArray<int[]> p = pairsOfType;
        int[] row = type >= 0 && type < p.length() ? p.get(type) : null;
        return row != null ? row : new int[0];
    }

    /** The id of object {@code id} of {@code type}, or -1 when it was never interned. */
    public int findObject(int type, String id) {
        Interner[] o = objects;
        return type >= 0 && type < o.length ? o[type].find(id) : -1;
    }

    @Override
    public String objectName(int type, int id) {
        return objects[type].name(id);
    }

    /** Orders two objects of {@code type} by their ids' strings, as comparing {@link #objectName}s would. */
    public int compareObjectNames(int type, int a, int b) {
        return objects[type].compare(a, b);
    }

    /** How many ids {@code type} has handed out (including the wildcard id 0). */
    public int objectCount(int type) {
        Interner[] o = objects;
        return type >= 0 && type < o.length ? o[type].size() : 0;
    }

    public int internType(String name) {
        int t = types.intern(name);
        Interner[] o = objects;
        if (t >= o.length) {
            Interner[] grown = Arrays.copyOf(o, t + 1);
            for (int i = o.length; i <= t; i++) {
                grown[i] = new Interner();
                grown[i].intern(SubjectRef.WILDCARD);
            }
            objects = grown;
        }
        return t;
    }

    public int internRelation(String name) {
        return relations.intern(name);
    }

    public int internPair(int type, int relation) {
        int p = findPair(type, relation);
        if (p >= 0) return p;
        String name = pairName(type, relation);
        // write the entries for the new id first: a reader that finds the id must find its entries
        p = pairs.size();
        int[] pt = pairTypes;
        int[] pr = pairRelations;
        Table[] t = tables;
        if (p >= pt.length) {
            int capacity = Math.max(16, pt.length * 2);
            pt = Arrays.copyOf(pt, capacity);
            pr = Arrays.copyOf(pr, capacity);
            t = Arrays.copyOf(t, capacity);
        }
        pt[p] = type;
        pr[p] = relation;
        t[p] = new Table();
        pairTypes = pt;
        pairRelations = pr;
        tables = t;
        AtomicReferenceArray<int[]> byType = grown(pairsOfType, type);
        int[] old = byType.get(type) == null ? new int[0] : byType.get(type);
        int[] ofType = Arrays.copyOf(old, old.length + 1);
        ofType[old.length] = p;
        byType.set(type, ofType);
        pairsOfType = byType;
        AtomicReferenceArray<int[]> table = grown(pairTable, type);
        table.set(type, rowWith(table.get(type), old.length, relation, p));
        pairTable = table;
        if (pairs.intern(name) != p) throw new IllegalStateException("pair ids out of step");
        return p;
    }

    /** {@code rows}, or a copy with room for {@code index} (doubling), so growing costs linear time overall. */
    private static AtomicReferenceArray<int[]> grown(AtomicReferenceArray<int[]> rows, int index) {
        if (index < rows.length()) return rows;
        AtomicReferenceArray<int[]> copy =
                new AtomicReferenceArray<>(Math.max(16, Math.max(index + 1, rows.length() * 2)));
        for (int i = 0; i < rows.length(); i++) copy.set(i, rows.get(i));
        return copy;
    }

    public int internObject(int type, String id) {
        Interner o = objects[type];
        int found = o.find(id);
        if (found >= 0) return found;
        int assigned = o.intern(id);
        internedObjects++; // single writer: no lost update
        return assigned;
    }

    /** Object ids interned over all types, the wildcard of each type aside. O(1). */
    public long internedObjects() {
        return internedObjects;
    }

    /** Relationships held at the applied revision (expired ones until they are deleted). O(1). */
    public long relationshipCount() {
        return relationshipCount;
    }

    private static String pairName(int type, int relation) {
        return type + "#" + relation;
    }

    // ---- the closure index

    /**
     * Turns the transitive-closure index on ({@link Closures}): from now on every batch keeps it, and the closures
     * of what the index holds are built at the applied revision (older revisions read none). Writer only.
     */
    public void maintainClosures() {
        maintainClosures(Closures.ENTRIES_FLOOR, Closures.ENTRIES_PER_LINK);
    }

    /** {@link #maintainClosures()} with another budget of reach entries per relation (tests). */
    void maintainClosures(long entriesFloor, long entriesPerLink) {
        if (closures != null) return;
        Closures c = new Closures(this, entriesFloor, entriesPerLink, false);
        c.buildAll(applied);
        Closures a = new Closures(this, entriesFloor, entriesPerLink, true);
        a.buildAll(applied);
        arrowClosures = a;
        closures = c;
    }

    /** Whether the closure index is on. */
    public boolean maintainsClosures() {
        return closures != null;
    }

    /** The state of {@code pair}'s closure at {@code rev}, or null when none is kept for it there. */
    public ClosureState closureState(int pair, long rev) {
        Closures c = closures;
        return c == null || pair < 0 ? null : c.state(pair, rev);
    }

    /** The closure entry of (pair, object) at {@code rev}, or null when the object reaches only itself. */
    public ClosureEntry closureEntry(int pair, int object, long rev) {
        Closures c = closures;
        return c == null || object < 0 ? null : c.entry(pair, object, rev);
    }

    /**
     * The state of the closure of {@code pair}'s links to plain objects of its own type (a recursive arrow's
     * tupleset, {@code folder#parent}) at {@code rev}, or null when none is kept for it there.
     */
    public ClosureState arrowClosureState(int pair, long rev) {
        Closures a = arrowClosures;
        return a == null || pair < 0 ? null : a.state(pair, rev);
    }

    /** The arrow closure entry of (pair, object) at {@code rev} (its height), or null when it has no link. */
    public ClosureEntry arrowClosureEntry(int pair, int object, long rev) {
        Closures a = arrowClosures;
        return a == null || object < 0 ? null : a.entry(pair, object, rev);
    }

    /** The heap the closure index holds at the applied revision; 0 when it is off. O(1). */
    public long closureBytes() {
        Closures c = closures;
        Closures a = arrowClosures;
        return (c == null ? 0 : c.bytes()) + (a == null ? 0 : a.bytes());
    }

    /**
     * What the closure index holds per self-recursive relation and per recursive arrow's relation at the applied
     * revision; empty when it is off.
     */
    public List<dev.kith.engine.EngineStats.Closure> closureStats() {
        Closures c = closures;
        Closures a = arrowClosures;
        if (c == null) return List.of();
        if (a == null || a.stats().isEmpty()) return c.stats();
        List<dev.kith.engine.EngineStats.Closure> all = new java.util.ArrayList<>(c.stats());
        all.addAll(a.stats());
        all.sort(java.util.Comparator.comparing(dev.kith.engine.EngineStats.Closure::relation));
        return List.copyOf(all);
    }

    /** Records that {@code slots}' chain at {@code id} got a version over an older one (for garbage collection). */
    void touched(Slots slots, int id, long revision) {
        touched.add(new Touched(slots, id, revision));
    }

    // ---- revisions

    /** The newest revision whose batch is fully visible. */
    public long appliedRevision() {
        return applied;
    }

    /** The oldest revision still readable exactly. */
    public long oldestRevision() {
        return oldest;
    }

    /**
     * The last revision whose batch changed a relationship of {@code pair} (0 when none has): a reader at revision
     * R knows that no batch after {@code min(R, this)} changed it, as of the revision applied when it asks.
     */
    public long pairChangedAt(int pair) {
        long[] a = pairChangedAt;
        return pair >= 0 && pair < a.length ? a[pair] : 0;
    }

    /** Publishes a revision that changed no relationship (e.g. a schema write). Writer only. */
    public void publish(long revision) {
        if (revision <= applied) throw new IllegalStateException("revision " + revision + " is not after " + applied);
        applied = revision;
    }

    // ---- reads

    /** The subjects of (pair, object) at {@code rev}, or null when there are none. */
    public Postings forward(int pair, int object, long rev) {
        Table[] t = tables;
        if (pair < 0 || pair >= t.length || object < 0 || t[pair] == null) return null;
        Postings p = Version.at(t[pair].forward.head(object), rev);
        return p == null || p.isEmpty() ? null : p;
    }

    /** The postings of (pair, object) written exactly at {@code rev}, or null when that batch left it alone. */
    public Postings forwardExactly(int pair, int object, long rev) {
        Table[] t = tables;
        if (pair < 0 || pair >= t.length || object < 0 || t[pair] == null) return null;
        Postings p = Version.at(t[pair].forward.head(object), rev);
        return p != null && p.revision == rev ? p : null;
    }

    /** The objects of {@code pair} that store subject (subjectPair, subjectId) at {@code rev}, or null. */
    public ReverseVersion reverse(int pair, int subjectPair, int subjectId, long rev) {
        Table[] t = tables;
        if (pair < 0 || pair >= t.length || subjectPair < 0 || subjectId < 0 || t[pair] == null) return null;
        Slots s = t[pair].reverse(subjectPair);
        if (s == null) return null;
        ReverseVersion v = Version.at(s.head(subjectId), rev);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The subject pairs for which {@code pair} has any reverse entries (at any revision). */
    public int[] reverseSubjectPairs(int pair) {
        Table[] t = tables;
        if (pair < 0 || pair >= t.length || t[pair] == null) return new int[0];
        Slots[] r = t[pair].reverse;
        int n = 0;
        int[] out = new int[r.length];
        for (int i = 0; i < r.length; i++) if (r[i] != null) out[n++] = i;
        return Arrays.copyOf(out, n);
    }

    /**
     * Visits the relationships matching {@code filter} live at {@code rev} (not expired at {@code now}) in the
     * store order (resource type, resource id, relation, subject type, subject id, subject relation), strictly
     * after {@code after} when given, until {@code visitor} returns false.
     */
    public void scan(
            RelationshipFilter filter, long rev, Instant now, Relationship after, Predicate<Relationship> visitor) {
        scanner.scan(filter, rev, now, after, visitor);
    }

    /** The store order of relationships, as {@link #scan} visits them. */
    public static Comparator<Relationship> order() {
        return Scanner.ORDER;
    }

    // ---- conversions at the edge

    /** Interns the names of {@code r} and returns its change. Writer only. */
    public Op toOp(Relationship r, boolean delete) {
        int type = internType(r.resource().type());
        int pair = internPair(type, internRelation(r.relation()));
        int object = internObject(type, r.resource().id());
        SubjectRef s = r.subject();
        int stype = internType(s.type());
        int spair = internPair(stype, s.relation() == null ? NO_RELATION : internRelation(s.relation()));
        int sid = internObject(stype, s.id());
        return new Op(pair, object, key(spair, sid), delete ? null : Condition.of(r.caveat(), r.expiresAt()), delete);
    }

    // ---- writes

    /**
     * Applies one batch at {@code revision} (after the applied one) and publishes it. Ops must not name the same
     * relationship twice. Writer only.
     */
    public void apply(long revision, List<Op> ops) {
        if (revision <= applied) throw new IllegalStateException("revision " + revision + " is not after " + applied);
        Op[] sorted = ops.toArray(new Op[0]);
        Arrays.sort(sorted, FORWARD_ORDER);
        Table[] t = tables;
        long count = relationshipCount;
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            Op first = sorted[i];
            while (j < sorted.length && sorted[j].pair == first.pair && sorted[j].object == first.object) j++;
            Slots slots = t[first.pair].forward;
            Version head = slots.head(first.object);
            Postings current = Version.at(head, Long.MAX_VALUE);
            Postings merged = merge(revision, current, head, sorted, i, j);
            count += merged.subjects().length - (current == null ? 0 : current.subjects().length);
            slots.set(first.object, merged);
            // a slot written for the first time has no history to cut: bulk loads leave no GC work behind
            if (head != null) touched.add(new Touched(slots, first.object, revision));
            i = j;
        }
        int[] reverse = reverseOrder(sorted);
        i = 0;
        while (i < sorted.length) {
            Op first = sorted[reverse[i]];
            int spair = keyPair(first.subject);
            int sid = keyId(first.subject);
            int j = i;
            while (j < sorted.length
                    && sorted[reverse[j]].pair == first.pair
                    && sorted[reverse[j]].subject == first.subject) j++;
            Slots slots = t[first.pair].reverseForWrite(spair);
            Version head = slots.head(sid);
            ReverseVersion current = Version.at(head, Long.MAX_VALUE);
            RoaringBitmap all =
                    current == null ? new RoaringBitmap() : current.objects().clone();
            RoaringBitmap cond = current == null || current.conditional() == null
                    ? new RoaringBitmap()
                    : current.conditional().clone();
            for (int k = i; k < j; k++) {
                Op op = sorted[reverse[k]];
                if (op.delete) {
                    all.remove(op.object);
                    cond.remove(op.object);
                } else {
                    all.add(op.object);
                    if (op.condition != null) cond.add(op.object);
                    else cond.remove(op.object);
                }
            }
            all.runOptimize();
            slots.set(sid, new ReverseVersion(revision, all, cond.isEmpty() ? null : cond, head));
            if (head != null) touched.add(new Touched(slots, sid, revision));
            i = j;
        }
        relationshipCount = count;
        long[] changed = pairChangedAt;
        for (Op op : sorted) {
            if (op.pair >= changed.length) changed = Arrays.copyOf(changed, Math.max(op.pair + 1, changed.length * 2));
            changed[op.pair] = revision;
        }
        pairChangedAt = changed;
        Closures c = closures;
        if (c != null) c.apply(revision, applied, sorted);
        Closures a = arrowClosures;
        if (a != null) a.apply(revision, applied, sorted);
        applied = revision;
    }

    /**
     * (pair, object, subject), written out: the chained {@code Comparator.comparingInt(…).thenComparing…} of
     * before was a third of a 1M-relationship import's profile (JFR, 2026-11-26).
     */
    public static final Comparator<Op> FORWARD_ORDER = (a, b) -> {
        if (a.pair != b.pair) return Integer.compare(a.pair, b.pair);
        if (a.object != b.object) return Integer.compare(a.object, b.object);
        return Long.compare(a.subject, b.subject);
    };

    /**
     * The positions of {@code sorted} (in {@link #FORWARD_ORDER}, no relationship twice) in (pair, subject,
     * object) order, sorting only primitives: per pair, the distinct subjects are sorted and each op becomes
     * {@code rank(subject) << 32 | position in the pair}, whose sort keeps the ops of one subject in object
     * order. Replaced a comparator sort of the ops that took a quarter of a 1M-relationship import (JFR,
     * 2026-11-26).
     */
    static int[] reverseOrder(Op[] sorted) {
        int n = sorted.length;
        int[] order = new int[n];
        long[] subjects = new long[n];
        long[] ranked = new long[n];
        int i = 0;
        while (i < n) {
            int pair = sorted[i].pair;
            int j = i;
            while (j < n && sorted[j].pair == pair) {
                subjects[j] = sorted[j].subject;
                j++;
            }
            Arrays.sort(subjects, i, j);
            int distinct = i;
            for (int k = i; k < j; k++) {
                if (k == i || subjects[k] != subjects[k - 1]) subjects[distinct++] = subjects[k];
            }
            for (int k = i; k < j; k++) {
                int rank = Arrays.binarySearch(subjects, i, distinct, sorted[k].subject) - i;
                ranked[k] = (long) rank << 32 | (k - i);
            }
            Arrays.sort(ranked, i, j);
            for (int k = i; k < j; k++) order[k] = i + (int) ranked[k];
            i = j;
        }
        return order;
    }

    /** The postings after applying sorted[from, to) (sorted by subject) to {@code current}. */
    private static Postings merge(long revision, Postings current, Version head, Op[] sorted, int from, int to) {
        long[] old = current == null ? Postings.NO_SUBJECTS : current.subjects();
        Condition[] oldCond = current == null ? null : current.conditions();
        long[] keys = new long[old.length + (to - from)];
        Condition[] conds = new Condition[keys.length];
        boolean anyCond = false;
        int n = 0;
        int a = 0;
        int b = from;
        while (a < old.length || b < to) {
            if (b >= to || (a < old.length && old[a] < sorted[b].subject)) {
                keys[n] = old[a];
                conds[n] = oldCond == null ? null : oldCond[a];
                anyCond |= conds[n] != null;
                n++;
                a++;
            } else {
                Op op = sorted[b];
                if (a < old.length && old[a] == op.subject) a++;
                if (!op.delete) {
                    keys[n] = op.subject;
                    conds[n] = op.condition;
                    anyCond |= op.condition != null;
                    n++;
                }
                b++;
            }
        }
        long[] k = n == 0 ? Postings.NO_SUBJECTS : Arrays.copyOf(keys, n);
        return new Postings(revision, k, anyCond ? Arrays.copyOf(conds, n) : null, head);
    }

    // ---- garbage collection

    /**
     * Makes {@code oldestReadable} the oldest revision readable exactly: cuts every version chain below the
     * version visible at that revision, and drops slots that are empty from it on. Writer only.
     */
    public void collectGarbage(long oldestReadable) {
        if (oldestReadable <= oldest) return;
        oldest = oldestReadable;
        while (!touched.isEmpty() && touched.peekFirst().revision <= oldestReadable) {
            Touched t = touched.pollFirst();
            Version head = t.slots.head(t.id);
            Version keep = Version.at(head, oldestReadable);
            if (keep == null) continue;
            keep.previous = null;
            if (keep == head && keep.isEmpty()) t.slots.set(t.id, null);
        }
        Closures c = closures;
        if (c != null) c.collectGarbage(oldestReadable);
        Closures a = arrowClosures;
        if (a != null) a.collectGarbage(oldestReadable);
    }
}

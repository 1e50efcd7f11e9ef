package dev.kith.engine.index;

import dev.kith.engine.BugException;
import dev.kith.engine.KithException;
import dev.kith.engine.KithException.Part;
import dev.kith.engine.KithException.Where;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * A request's contextual relationships laid over another snapshot: the relationships a check, expand or lookup
 * carries for itself alone (OpenFGA's contextual tuples) read exactly as if they were stored at the base's revision,
 * and nothing else changes. Built once per request (and shared by the items of a bulk check) from relationships the
 * caller has validated against the schema; the base snapshot is never changed, so every other request goes on
 * reading the index's.
 *
 * <p>What it adds, keeping every rule of the {@link Snapshot} contract:
 *
 * <ul>
 *   <li>Each (pair, object) with a contextual subject gets postings merged from the base's and the contextual ones,
 *       sorted, with no key twice; each (pair, subject) the new entries name gets a reverse entry with the object
 *       added, and in {@code conditional()} exactly when the merged entry has a condition. {@link
 *       #reverseSubjectPairs} adds the subject pairs of the contextual entries.
 *   <li>Objects the base does not hold at its revision get ids from {@link #addedFrom} up, in name order per type
 *       (so two snapshots over one base with the same relationships hand out the same ids), found and named
 *       through {@link #findObject} and {@link #objectName}, and counted by {@link #objectCount}. The base's count
 *       is read once, here: an object the index interns later (for a later revision) is not one this snapshot can
 *       return, and its name reads as absent, or as the contextual object of that name.
 *   <li>The same relationship twice among the contextual ones counts once; with a different caveat or expiration
 *       it is refused. A contextual relationship that is also stored holds when either of them holds: without a
 *       condition when either has none, with the later expiration when both only expire, and otherwise with the
 *       contextual one's condition (as a TOUCH of it would store).
 * </ul>
 *
 * <p>Types, relations and pairs are the base's (the schema interned them all). Immutable once built, so any number
 * of threads may read it; a read is a primitive-keyed hash lookup, then the base's read, and allocates nothing but
 * the new array {@link #reverseSubjectPairs} hands out for a pair with contextual subject pairs.
 */
public final class ContextualSnapshot implements Snapshot {
    private final Snapshot base;
    /** The base's count per type of every type with contextual objects, read once. */
    private final Int2ObjectHashMap<Added> added = new Int2ObjectHashMap<>();
    /** Merged postings by {@link Snapshot#key}{@code (pair, object)}. */
    private final Long2ObjectHashMap<Postings> forward = new Long2ObjectHashMap<>();
    /** Merged reverse entries by subject key, then by resource pair. */
    private final Long2ObjectHashMap<Int2ObjectHashMap<ReverseVersion>> reverse = new Long2ObjectHashMap<>();
    /** The subject pairs contextual entries add, per resource pair, sorted. */
    private final Int2ObjectHashMap<int[]> subjectPairs = new Int2ObjectHashMap<>();

    /** The objects of one type the base does not hold: ids from {@code from} up, in name order. */
    private record Added(int from, String[] names, Map<String, Integer> ids) {}

    /** A contextual entry before merging: the index of the first relationship that gave it, and its condition. */
    private record Entry(int index, Condition condition) {}

    private ContextualSnapshot(Snapshot base) {
        this.base = base;
    }

    /**
     * {@code relationships} (each valid for the schema the base's types, relations and pairs were interned from)
     * laid over {@code base}. The same relationship twice with a different caveat or expiration is an {@link
     * KithException.InvalidArgument} naming the later one by its index.
     */
    public static ContextualSnapshot over(Snapshot base, List<Relationship> relationships) {
        ContextualSnapshot s = new ContextualSnapshot(base);
        s.addObjects(relationships);
        s.merge(s.entries(relationships));
        return s;
    }

    /**
     * Reads the base's count of every type the relationships name, once, and gives ids above it to the objects
     * the base does not hold.
     */
    private void addObjects(List<Relationship> relationships) {
        Map<Integer, Integer> counts = new HashMap<>();
        Map<Integer, TreeSet<String>> names = new HashMap<>();
        for (Relationship r : relationships) {
            addObject(counts, names, type(r.resource().type()), r.resource().id());
            SubjectRef subject = r.subject();
            int subjectType = type(subject.type());
            if (subject.isWildcard()) {
                counts.computeIfAbsent(subjectType, this::baseCount);
                names.computeIfAbsent(subjectType, t -> new TreeSet<>());
            } else {
                addObject(counts, names, subjectType, subject.id());
            }
        }
        names.forEach((type, sorted) -> {
            String[] n = sorted.toArray(new String[0]);
            Map<String, Integer> ids = new HashMap<>();
            for (int i = 0; i < n.length; i++) ids.put(n[i], i);
            added.put((int) type, new Added(counts.get(type), n, ids));
        });
    }

    private void addObject(Map<Integer, Integer> counts, Map<Integer, TreeSet<String>> names, int type, String id) {
        int count = counts.computeIfAbsent(type, this::baseCount);
        TreeSet<String> ofType = names.computeIfAbsent(type, t -> new TreeSet<>());
        int stored = base.findObject(type, id);
        if (stored < 0 || stored >= count) ofType.add(id);
    }

    /** The contextual entries by (pair, object) and subject key, each once. */
    private Map<Long, TreeMap<Long, Entry>> entries(List<Relationship> relationships) {
        Map<Long, TreeMap<Long, Entry>> slots = new LinkedHashMap<>();
        for (int i = 0; i < relationships.size(); i++) {
            Relationship r = relationships.get(i);
            int type = type(r.resource().type());
            int pair = pair(type, r.relation());
            int object = findObject(type, r.resource().id());
            SubjectRef s = r.subject();
            int subjectType = type(s.type());
            int subjectPair = pair(subjectType, s.relation());
            int subjectId = s.isWildcard() ? WILDCARD_ID : findObject(subjectType, s.id());
            if (object < 0 || subjectId < 0) throw new BugException("no id for an object of " + r);
            Condition c = Condition.of(r.caveat(), r.expiresAt());
            TreeMap<Long, Entry> slot = slots.computeIfAbsent(Snapshot.key(pair, object), k -> new TreeMap<>());
            long subject = Snapshot.key(subjectPair, subjectId);
            Entry before = slot.get(subject);
            if (before == null) {
                slot.put(subject, new Entry(i, c));
            } else if (!Objects.equals(before.condition(), c)) {
                throw KithException.InvalidArgument.at(
                        Where.contextual(i, c != null && c.caveat() != null ? Part.CAVEAT : Part.EXPIRATION),
                        "repeats contextual relationship " + before.index() + " ('" + r.key()
                                + "') with a different caveat or expiration");
            }
        }
        return slots;
    }

    /** Merges the entries into the base's postings and reverse entries. */
    private void merge(Map<Long, TreeMap<Long, Entry>> slots) {
        Int2ObjectHashMap<TreeSet<Integer>> pairs = new Int2ObjectHashMap<>();
        Map<Long, Map<Integer, RoaringBitmap[]>> bitmaps = new HashMap<>();
        slots.forEach((slotKey, contextual) -> {
            int pair = Snapshot.keyPair(slotKey);
            int object = Snapshot.keyId(slotKey);
            TreeMap<Long, Condition> merged = new TreeMap<>();
            Postings stored = base.forward(pair, object);
            if (stored != null) {
                long[] keys = stored.subjects();
                for (int i = 0; i < keys.length; i++) merged.put(keys[i], stored.condition(i));
            }
            contextual.forEach((subject, entry) -> {
                Condition c = merged.containsKey(subject)
                        ? either(merged.get(subject), entry.condition())
                        : entry.condition();
                merged.put(subject, c);
                int subjectPair = Snapshot.keyPair(subject);
                int subjectId = Snapshot.keyId(subject);
                RoaringBitmap[] b = bitmaps.computeIfAbsent(subject, k -> new HashMap<>())
                        .computeIfAbsent(pair, p -> copy(base.reverse(pair, subjectPair, subjectId)));
                b[0].add(object);
                if (c == null) b[1].remove(object);
                else b[1].add(object);
                pairs.computeIfAbsent(pair, p -> new TreeSet<>()).add(subjectPair);
            });
            long[] keys = new long[merged.size()];
            Condition[] conditions = new Condition[keys.length];
            boolean anyCondition = false;
            int n = 0;
            for (Map.Entry<Long, Condition> e : merged.entrySet()) {
                keys[n] = e.getKey();
                conditions[n++] = e.getValue();
                anyCondition |= e.getValue() != null;
            }
            forward.put((long) slotKey, Postings.of(base.revision(), keys, anyCondition ? conditions : null));
        });
        bitmaps.forEach((subject, byPair) -> {
            Int2ObjectHashMap<ReverseVersion> out = new Int2ObjectHashMap<>();
            byPair.forEach((pair, b) ->
                    out.put((int) pair, ReverseVersion.of(base.revision(), b[0], b[1].isEmpty() ? null : b[1])));
            reverse.put((long) subject, out);
        });
        pairs.forEach((pair, set) ->
                subjectPairs.put(pair, set.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * The condition under which a relationship that is both stored (with {@code stored}) and contextual (with {@code
     * contextual}) holds: none when either has none; the later expiration when both only expire; else the
     * contextual one's.
     */
    static Condition either(Condition stored, Condition contextual) {
        if (stored == null || contextual == null) return null;
        if (stored.equals(contextual)) return contextual;
        if (stored.caveat() == null && contextual.caveat() == null) {
            Instant later =
                    stored.expiresAt().isAfter(contextual.expiresAt()) ? stored.expiresAt() : contextual.expiresAt();
            return new Condition(null, later);
        }
        return contextual;
    }

    private static RoaringBitmap[] copy(ReverseVersion v) {
        if (v == null) return new RoaringBitmap[] {new RoaringBitmap(), new RoaringBitmap()};
        return new RoaringBitmap[] {
            v.objects().clone(),
            v.conditional() == null ? new RoaringBitmap() : v.conditional().clone()
        };
    }

    private int type(String name) {
        int t = base.findType(name);
        if (t < 0) throw new BugException("a contextual relationship names type '" + name + "', which is not interned");
        return t;
    }

    private int pair(int type, String relation) {
        int r = relation == null ? NO_RELATION : base.findRelation(relation);
        int p = r < 0 ? -1 : base.findPair(type, r);
        if (p < 0) throw new BugException("a contextual relationship names relation '" + relation + "', not interned");
        return p;
    }

    /** The base's count of {@code type} now, at least 1 (id 0 is the wildcard's). */
    private int baseCount(int type) {
        return Math.max(1, base.objectCount(type));
    }

    /**
     * The first id handed out to contextual objects of {@code type}: above every id the base can return; the
     * count of the type when it has none.
     */
    public int addedFrom(int type) {
        Added a = added.get(type);
        return a == null ? objectCount(type) : a.from();
    }

    /** Whether a contextual relationship is stored under {@code pair} (as its resource pair). */
    public boolean addsTo(int pair) {
        return subjectPairs.containsKey(pair);
    }

    @Override
    public long revision() {
        return base.revision();
    }

    @Override
    public Postings forward(int pair, int object) {
        if (pair < 0 || object < 0) return null;
        Postings p = forward.get(Snapshot.key(pair, object));
        return p != null ? p : base.forward(pair, object);
    }

    @Override
    public ReverseVersion reverse(int pair, int subjectPair, int subjectId) {
        if (subjectPair < 0 || subjectId < 0) return null;
        Int2ObjectHashMap<ReverseVersion> byPair = reverse.get(Snapshot.key(subjectPair, subjectId));
        ReverseVersion v = byPair == null ? null : byPair.get(pair);
        return v != null ? v : base.reverse(pair, subjectPair, subjectId);
    }

    @Override
    public int[] reverseSubjectPairs(int pair) {
        int[] stored = base.reverseSubjectPairs(pair);
        int[] extra = subjectPairs.get(pair);
        if (extra == null) return stored;
        TreeSet<Integer> all = new TreeSet<>();
        for (int p : stored) all.add(p);
        for (int p : extra) all.add(p);
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public int findType(String name) {
        return base.findType(name);
    }

    @Override
    public String typeName(int type) {
        return base.typeName(type);
    }

    @Override
    public int findRelation(String name) {
        return base.findRelation(name);
    }

    @Override
    public String relationName(int relation) {
        return base.relationName(relation);
    }

    @Override
    public int findPair(int type, int relation) {
        return base.findPair(type, relation);
    }

    @Override
    public int pairType(int pair) {
        return base.pairType(pair);
    }

    @Override
    public int pairRelation(int pair) {
        return base.pairRelation(pair);
    }

    @Override
    public int pairCount() {
        return base.pairCount();
    }

    @Override
    public int findObject(int type, String id) {
        Added a = added.get(type);
        if (a == null) return base.findObject(type, id);
        int stored = base.findObject(type, id);
        if (stored >= 0 && stored < a.from()) return stored;
        Integer k = a.ids().get(id);
        return k == null ? -1 : a.from() + k;
    }

    @Override
    public String objectName(int type, int id) {
        Added a = added.get(type);
        return a == null || id < a.from() ? base.objectName(type, id) : a.names()[id - a.from()];
    }

    @Override
    public int objectCount(int type) {
        Added a = added.get(type);
        return a == null ? base.objectCount(type) : a.from() + a.names().length;
    }
}

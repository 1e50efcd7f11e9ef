package dev.kith.engine.index;

import dev.kith.engine.Deadline;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.SubjectFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads stored relationships matching a filter in the store's order: (resource type, resource id, relation,
 * subject type, subject id, subject relation), comparing strings by UTF-16 code units (PostgreSQL's {@code
 * COLLATE "C"} for ASCII ids). Objects are visited through a per-type array of ids sorted by name, so a page
 * after a cursor costs a binary search plus the page, not a sort of everything.
 */
final class Scanner {
    /** The store order of relationships. */
    static final Comparator<Relationship> ORDER = Comparator.comparing(
                    (Relationship r) -> r.resource().type())
            .thenComparing(r -> r.resource().id())
            .thenComparing(Relationship::relation)
            .thenComparing(r -> r.subject().type())
            .thenComparing(r -> r.subject().id())
            .thenComparing(
                    r -> r.subject().relation() == null ? "" : r.subject().relation());

    private final Index index;
    private volatile SortedIds[] sorted = new SortedIds[0];

    private record SortedIds(int count, int[] ids) {}

    Scanner(Index index) {
        this.index = index;
    }

    /**
     * Visits matching relationships in order, strictly after {@code after}, until the visitor returns false.
     * Each object visited is a step of a {@link Deadline.Ticker}: a scan stops when the caller's deadline passes.
     */
    void scan(RelationshipFilter f, long rev, Instant now, Relationship after, Predicate<Relationship> visitor) {
        Deadline.Ticker ticker = new Deadline.Ticker("reading relationships");
        List<Integer> typeIds = new ArrayList<>();
        if (f.resourceType() != null) {
            int t = index.findType(f.resourceType());
            if (t < 0) return;
            typeIds.add(t);
        } else {
            for (int t = 0; t < index.typeCount(); t++) typeIds.add(t);
            typeIds.sort(Comparator.comparing(index::typeName));
        }
        int relation = -2;
        if (f.optionalRelation() != null) {
            relation = index.findRelation(f.optionalRelation());
            if (relation < 0) return;
        }
        List<Relationship> perObject = new ArrayList<>();
        for (int type : typeIds) {
            String typeName = index.typeName(type);
            if (after != null && typeName.compareTo(after.resource().type()) < 0) continue;
            int[] pairs = matchingPairs(type, relation);
            if (pairs.length == 0) continue;
            if (f.optionalResourceId() != null) {
                int obj = index.findObject(type, f.optionalResourceId());
                if (obj > 0 && !visitObject(obj, pairs, f, rev, now, after, perObject, visitor)) return;
                continue;
            }
            int[] ids = f.optionalSubjectFilter() != null
                            && f.optionalSubjectFilter().optionalSubjectId() != null
                    ? objectsNaming(type, pairs, f.optionalSubjectFilter(), rev)
                    : sortedIds(type);
            int start = 0;
            String from = null;
            if (after != null && typeName.equals(after.resource().type()))
                from = after.resource().id();
            String prefix = f.optionalResourceIdPrefix();
            if (prefix != null && (from == null || prefix.compareTo(from) > 0)) from = prefix;
            if (from != null) start = lowerBound(type, ids, from);
            for (int i = start; i < ids.length; i++) {
                ticker.tick();
                int obj = ids[i];
                if (prefix != null && !index.objectName(type, obj).startsWith(prefix)) break;
                if (!visitObject(obj, pairs, f, rev, now, after, perObject, visitor)) return;
            }
        }
    }

    /**
     * The objects of {@code type} that store the filter's subject under one of {@code pairs} at {@code rev},
     * found on the reverse index and sorted by name: a read by subject costs the subject's relationships, not
     * a scan of the type.
     */
    private int[] objectsNaming(int type, int[] pairs, SubjectFilter sf, long rev) {
        int stype = index.findType(sf.subjectType());
        int sid = index.findObject(stype, sf.optionalSubjectId());
        if (stype < 0 || sid < 0) return new int[0];
        int[] subjectPairs;
        if (sf.optionalRelation() == null) {
            subjectPairs = index.pairsOfType(stype);
        } else {
            int rel = sf.optionalRelation().isEmpty() ? Index.NO_RELATION : index.findRelation(sf.optionalRelation());
            int sp = index.findPair(stype, rel);
            subjectPairs = sp < 0 ? new int[0] : new int[] {sp};
        }
        RoaringBitmap objects = new RoaringBitmap();
        for (int pair : pairs) {
            for (int sp : subjectPairs) {
                ReverseVersion v = index.reverse(pair, sp, sid, rev);
                if (v != null) objects.or(v.objects());
            }
        }
        Integer[] boxed = new Integer[objects.getCardinality()];
        int n = 0;
        for (int id : objects) boxed[n++] = id;
        Arrays.sort(boxed, (a, b) -> index.compareObjectNames(type, a, b));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = boxed[i];
        return out;
    }

    private int[] matchingPairs(int type, int relation) {
        int[] all = index.pairsOfType(type);
        if (relation == -2) return all;
        int p = index.findPair(type, relation);
        return p < 0 ? new int[0] : new int[] {p};
    }

    private boolean visitObject(
            int obj,
            int[] pairs,
            RelationshipFilter f,
            long rev,
            Instant now,
            Relationship after,
            List<Relationship> perObject,
            Predicate<Relationship> visitor) {
        perObject.clear();
        SubjectFilter sf = f.optionalSubjectFilter();
        int sfType = sf == null ? -1 : index.findType(sf.subjectType());
        if (sf != null && sfType < 0) return true;
        for (int pair : pairs) {
            Postings p = index.forward(pair, obj, rev);
            if (p == null) continue;
            long[] subjects = p.subjects();
            for (int i = 0; i < subjects.length; i++) {
                Condition c = p.condition(i);
                if (c != null && c.expiredAt(now)) continue;
                if (sf != null && index.pairType(Index.keyPair(subjects[i])) != sfType) continue;
                Relationship r = index.relationship(pair, obj, subjects[i], c);
                if (f.matches(r)) perObject.add(r);
            }
        }
        perObject.sort(ORDER);
        for (Relationship r : perObject) {
            if (after != null && ORDER.compare(r, after) <= 0) continue;
            if (!visitor.test(r)) return false;
        }
        return true;
    }

    private int lowerBound(int type, int[] ids, String name) {
        int lo = 0;
        int hi = ids.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (index.objectName(type, ids[mid]).compareTo(name) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** The ids of {@code type} except the wildcard, sorted by name; extended by merging when ids were added. */
    private int[] sortedIds(int type) {
        SortedIds[] cache = sorted;
        int count = index.objectCount(type);
        SortedIds have = type < cache.length ? cache[type] : null;
        if (have != null && have.count == count) return have.ids;
        int oldCount = have == null ? 1 : have.count;
        int[] old = have == null ? new int[0] : have.ids;
        Integer[] added = new Integer[count - oldCount];
        for (int i = 0; i < added.length; i++) added[i] = oldCount + i;
        Arrays.sort(added, (a, b) -> index.compareObjectNames(type, a, b));
        int[] merged = new int[old.length + added.length];
        int a = 0;
        int b = 0;
        int n = 0;
        while (a < old.length || b < added.length) {
            if (b >= added.length || (a < old.length && index.compareObjectNames(type, old[a], added[b]) < 0)) {
                merged[n++] = old[a++];
            } else {
                merged[n++] = added[b++];
            }
        }
        synchronized (this) {
            SortedIds[] c = sorted;
            if (type >= c.length) c = Arrays.copyOf(c, type + 1);
            else c = c.clone();
            c[type] = new SortedIds(count, merged);
            sorted = c;
        }
        return merged;
    }
}

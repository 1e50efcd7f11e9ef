package dev.kith.engine.eval;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * The subjects of one kind that a rewrite reaches on one object, as lookup-subjects combines them (SpiceDB's
 * subject-set algebra, which its lookup-subjects answers in): concrete subjects by id, each with the caveat
 * expression of the paths that name it, and optionally the wildcard with its own expression and the subjects
 * excluded from it, each exclusion with its own expression. A concrete subject keeps its own paths' expression
 * beside the wildcard; it is not folded into it.
 *
 * <p>The operations state SpiceDB's rules:
 *
 * <ul>
 *   <li>union: a subject in both has the OR of its expressions (unconditional if either is); a wildcard in both has
 *       the OR of theirs and excludes only what both exclude (the AND of both exclusions); a concrete subject added
 *       beside a wildcard lifts its exclusion there (unconditionally, or to "excluded and not this path");
 *   <li>intersection: a subject in both has the AND; a concrete subject meets the other side's wildcard unless
 *       that excludes it (the AND with the wildcard's expression and, for a conditional exclusion, its negation);
 *       two wildcards meet in a wildcard with the AND of their expressions excluding what either excludes;
 *   <li>exclusion: a removed concrete subject is dropped (or ANDed with the negation of a conditional removal)
 *       and excluded from the wildcard (an exclusion already there ORed with it); a removed wildcard drops every
 *       concrete subject it does not exclude (ANDs a conditional one's negation), turns the wildcard into "the
 *       wildcard and not the removed one", and hands back as concrete subjects those the removed wildcard
 *       excluded and this one still covers;
 *   <li>a caveated link leading to a set ANDs its caveat onto every entry (not onto the exclusions).
 * </ul>
 *
 * <p>A set is mutable until {@link #freeze frozen} (then shared, e.g. remembered for another path); {@link
 * #mutable} gives a copy of a frozen set.
 */
final class SubjectSet {
    /** The wildcard: its expression and the exclusions it carries, by subject id. */
    static final class Wildcard {
        CaveatExpr expr;
        final Int2ObjectHashMap<CaveatExpr> excluded;

        Wildcard(CaveatExpr expr, Int2ObjectHashMap<CaveatExpr> excluded) {
            this.expr = expr;
            this.excluded = excluded;
        }

        Wildcard copy() {
            return new Wildcard(expr, copyOf(excluded));
        }
    }

    final Int2ObjectHashMap<CaveatExpr> concrete;
    Wildcard wildcard;
    private boolean frozen;

    SubjectSet() {
        this(new Int2ObjectHashMap<>(), null);
    }

    private SubjectSet(Int2ObjectHashMap<CaveatExpr> concrete, Wildcard wildcard) {
        this.concrete = concrete;
        this.wildcard = wildcard;
    }

    boolean isEmpty() {
        return concrete.isEmpty() && wildcard == null;
    }

    SubjectSet freeze() {
        frozen = true;
        return this;
    }

    /** This set, or a copy of it when it is frozen. */
    SubjectSet mutable() {
        return frozen ? new SubjectSet(copyOf(concrete), wildcard == null ? null : wildcard.copy()) : this;
    }

    /** Adds a concrete subject reached under {@code expr}. */
    void add(int id, CaveatExpr expr) {
        if (expr == CaveatExpr.FALSE) return;
        CaveatExpr had = concrete.get(id);
        concrete.put(id, had == null ? expr : CaveatExpr.or(had, expr));
        if (wildcard != null) lift(wildcard, id, expr);
    }

    /** Adds a wildcard reached under {@code expr}, excluding {@code excluded}. */
    void addWildcard(CaveatExpr expr, Int2ObjectHashMap<CaveatExpr> excluded) {
        if (expr == CaveatExpr.FALSE) return;
        if (wildcard == null) {
            wildcard = new Wildcard(expr, copyOf(excluded));
        } else {
            Int2ObjectHashMap<CaveatExpr> both = new Int2ObjectHashMap<>();
            for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                            wildcard.excluded.entrySet().iterator();
                    it.hasNext(); ) {
                it.next();
                CaveatExpr other = excluded.get(it.getIntKey());
                if (other != null) both.put(it.getIntKey(), CaveatExpr.and(it.getValue(), other));
            }
            wildcard = new Wildcard(CaveatExpr.or(wildcard.expr, expr), both);
        }
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        concrete.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            lift(wildcard, it.getIntKey(), it.getValue());
        }
    }

    /** A concrete subject beside the wildcard lifts the wildcard's exclusion of it where its path holds. */
    private static void lift(Wildcard w, int id, CaveatExpr expr) {
        CaveatExpr excl = w.excluded.get(id);
        if (excl == null) return;
        CaveatExpr rest = CaveatExpr.and(excl, CaveatExpr.not(expr));
        if (rest == CaveatExpr.FALSE) {
            w.excluded.remove(id);
        } else {
            w.excluded.put(id, rest);
        }
    }

    /** Union: adds every entry of {@code other}. */
    void addAll(SubjectSet other) {
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        other.concrete.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            add(it.getIntKey(), it.getValue());
        }
        if (other.wildcard != null) addWildcard(other.wildcard.expr, other.wildcard.excluded);
    }

    /** This set reached through a link whose caveat is {@code link}: every entry ANDed with it. */
    SubjectSet under(CaveatExpr link) {
        if (link == CaveatExpr.TRUE || isEmpty()) return this;
        SubjectSet s = mutable();
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        s.concrete.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            it.setValue(CaveatExpr.and(link, it.getValue()));
        }
        if (s.wildcard != null) s.wildcard.expr = CaveatExpr.and(link, s.wildcard.expr);
        return s;
    }

    /** Exclusion: removes {@code removed}, its concrete subjects first, then its wildcard. */
    void removeAll(SubjectSet removed) {
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        removed.concrete.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            removeConcrete(it.getIntKey(), it.getValue());
        }
        if (removed.wildcard != null) removeWildcard(removed.wildcard);
    }

    private void removeConcrete(int id, CaveatExpr expr) {
        CaveatExpr had = concrete.get(id);
        if (had != null) put(concrete, id, CaveatExpr.and(had, CaveatExpr.not(expr)));
        if (wildcard != null) {
            CaveatExpr excl = wildcard.excluded.get(id);
            wildcard.excluded.put(id, excl == null ? expr : CaveatExpr.or(excl, expr));
        }
    }

    private void removeWildcard(Wildcard removed) {
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        concrete.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            CaveatExpr spared = removed.excluded.get(it.getIntKey());
            CaveatExpr keep =
                    spared == null ? CaveatExpr.not(removed.expr) : CaveatExpr.or(CaveatExpr.not(removed.expr), spared);
            CaveatExpr e = CaveatExpr.and(it.getValue(), keep);
            if (e == CaveatExpr.FALSE) {
                it.remove();
            } else {
                it.setValue(e);
            }
        }
        if (wildcard == null) return;
        Wildcard w = wildcard;
        // The subjects the removed wildcard spares and this one still covers come back as concrete subjects
        // (replacing an entry of the same id, as SpiceDB does).
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        removed.excluded.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            CaveatExpr mine = w.excluded.get(it.getIntKey());
            if (mine == CaveatExpr.TRUE) continue;
            CaveatExpr covered = CaveatExpr.and(w.expr, removed.expr);
            if (mine != null) covered = CaveatExpr.and(covered, CaveatExpr.not(mine));
            put(concrete, it.getIntKey(), CaveatExpr.and(covered, it.getValue()));
        }
        CaveatExpr left = CaveatExpr.and(w.expr, CaveatExpr.not(removed.expr));
        wildcard = left == CaveatExpr.FALSE ? null : new Wildcard(left, w.excluded);
    }

    /** Intersection: keeps what both sets hold, by SpiceDB's rules (see the class comment). */
    void retainAll(SubjectSet other) {
        Wildcard mine = wildcard;
        Wildcard theirs = other.wildcard;
        Int2ObjectHashMap<CaveatExpr> kept = new Int2ObjectHashMap<>();
        for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                        concrete.entrySet().iterator();
                it.hasNext(); ) {
            it.next();
            int id = it.getIntKey();
            CaveatExpr o = other.concrete.get(id);
            CaveatExpr both = o == null ? CaveatExpr.FALSE : CaveatExpr.and(it.getValue(), o);
            CaveatExpr viaWildcard = meet(it.getValue(), id, theirs);
            put(kept, id, CaveatExpr.or(both, viaWildcard));
        }
        if (mine != null) {
            for (Int2ObjectHashMap<CaveatExpr>.EntryIterator it =
                            other.concrete.entrySet().iterator();
                    it.hasNext(); ) {
                it.next();
                int id = it.getIntKey();
                CaveatExpr viaWildcard = meet(it.getValue(), id, mine);
                CaveatExpr had = kept.get(id);
                put(kept, id, had == null ? viaWildcard : CaveatExpr.or(had, viaWildcard));
            }
        }
        concrete.clear();
        concrete.putAll(kept);
        if (mine == null || theirs == null) {
            wildcard = null;
            return;
        }
        SubjectSet excluded = new SubjectSet();
        mine.excluded.forEach(excluded::add);
        theirs.excluded.forEach(excluded::add);
        wildcard = new Wildcard(CaveatExpr.and(mine.expr, theirs.expr), excluded.concrete);
    }

    /** A concrete subject intersected with a wildcard: FALSE when there is none or it excludes the subject. */
    private static CaveatExpr meet(CaveatExpr expr, int id, Wildcard w) {
        if (w == null) return CaveatExpr.FALSE;
        CaveatExpr excl = w.excluded.get(id);
        CaveatExpr cover = excl == null ? w.expr : CaveatExpr.and(w.expr, CaveatExpr.not(excl));
        return CaveatExpr.and(expr, cover);
    }

    private static void put(Int2ObjectHashMap<CaveatExpr> map, int id, CaveatExpr e) {
        if (e == CaveatExpr.FALSE) {
            map.remove(id);
        } else {
            map.put(id, e);
        }
    }

    private static Int2ObjectHashMap<CaveatExpr> copyOf(Int2ObjectHashMap<CaveatExpr> map) {
        Int2ObjectHashMap<CaveatExpr> copy = new Int2ObjectHashMap<>();
        copy.putAll(map);
        return copy;
    }
}

package dev.kith.validation;

import dev.kith.engine.SubjectRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The subjects a recursive expansion reaches, with, for each, the {@code resource#relation} leaves where it is
 * stored directly, whether it is reached only under a caveat, and for a wildcard the subjects excluded from it.
 * The set algebra follows SEMANTICS.md: only "is it caveated" is tracked, not the caveat expression, so
 *
 * <ul>
 *   <li>union: a subject is caveated only if it is caveated on every side where it appears; leaves are merged;
 *       a wildcard's exclusion survives only if every wildcard of the union excludes the subject, and not when
 *       the subject is also present by itself;
 *   <li>intersection: a subject is present if both sides have it (or one side has it and the other a wildcard
 *       that does not exclude it) and caveated if either side is; wildcards meet with the union of their
 *       exclusions;
 *   <li>exclusion {@code a - b}: a subject of {@code b} that is not caveated removes that subject from {@code a}
 *       (and is added to the exclusions of a wildcard of {@code a}); a caveated one leaves it caveated; a
 *       wildcard in {@code b} removes every subject of its type from {@code a} except those it excludes.
 * </ul>
 *
 * Mutable; one instance per expansion step.
 */
final class FoundSubjects {
    /** By subject kind ({@code type} or {@code type#relation}), then by id ({@code *} for the wildcard). */
    private final Map<String, Map<String, Found>> byKind = new TreeMap<>();

    /** One subject found. */
    static final class Found {
        final SubjectRef subject;
        boolean caveated;
        final TreeSet<String> leaves;
        /** For a wildcard: the subjects excluded from it, by id. */
        final Map<String, Found> excluded;

        Found(SubjectRef subject, boolean caveated, Collection<String> leaves) {
            this.subject = subject;
            this.caveated = caveated;
            this.leaves = new TreeSet<>(leaves);
            this.excluded = new TreeMap<>();
        }

        Found copy() {
            Found f = new Found(subject, caveated, leaves);
            excluded.forEach((id, e) -> f.excluded.put(id, e.copy()));
            return f;
        }

        /** The subject with its caveat mark: {@code user:ann[...]}. */
        String marked() {
            return caveated ? subject + "[...]" : subject.toString();
        }

        /** The excluded subjects with their caveat marks, sorted. */
        List<String> markedExclusions() {
            List<String> ex = new ArrayList<>(excluded.size());
            for (Found e : excluded.values()) ex.add(e.marked());
            ex.sort(null);
            return ex;
        }

        /** The subject as a validation file writes it: {@code user:*[...] - {user:a, user:b[...]}}. */
        String display() {
            if (excluded.isEmpty()) return marked();
            return marked() + " - {" + String.join(", ", markedExclusions()) + "}";
        }

        /** The leaves as a validation file writes them: {@code <a#r>/<b#s>}. */
        String displayLeaves() {
            List<String> parts = new ArrayList<>(leaves.size());
            for (String leaf : leaves) parts.add("<" + leaf + ">");
            return String.join("/", parts);
        }
    }

    static String kindOf(SubjectRef s) {
        return s.relation() == null ? s.type() : s.type() + "#" + s.relation();
    }

    /** The subject equal to {@code subject} (type, id and relation), or null. */
    Found get(SubjectRef subject) {
        Map<String, Found> kind = byKind.get(kindOf(subject));
        return kind == null ? null : kind.get(subject.id());
    }

    /** Every subject, sorted by its text. */
    List<Found> all() {
        List<Found> out = new ArrayList<>();
        byKind.values().forEach(m -> out.addAll(m.values()));
        out.sort(Comparator.comparing(f -> f.subject.toString()));
        return out;
    }

    /** Marks every subject as reached under a caveat (the subjects of a caveated subject set). */
    void markCaveated() {
        byKind.values().forEach(m -> m.values().forEach(f -> f.caveated = true));
    }

    /** Union: adds {@code f} (a copy is kept). */
    void add(Found f) {
        Map<String, Found> kind = byKind.computeIfAbsent(kindOf(f.subject), k -> new TreeMap<>());
        Found existing = kind.get(f.subject.id());
        if (existing == null) {
            kind.put(f.subject.id(), f.copy());
        } else {
            existing.caveated &= f.caveated;
            existing.leaves.addAll(f.leaves);
            if (f.subject.isWildcard()) {
                existing.excluded.keySet().retainAll(f.excluded.keySet());
                existing.excluded.forEach((id, e) -> e.caveated |= f.excluded.get(id).caveated);
            }
        }
        Found wildcard = kind.get(SubjectRef.WILDCARD);
        if (wildcard != null) {
            if (f.subject.isWildcard()) {
                for (Found concrete : kind.values()) dropExclusion(wildcard, concrete);
            } else {
                dropExclusion(wildcard, kind.get(f.subject.id()));
            }
        }
    }

    /** A subject present by itself is no longer excluded from the wildcard (or only conditionally). */
    private static void dropExclusion(Found wildcard, Found concrete) {
        if (concrete.subject.isWildcard()) return;
        Found e = wildcard.excluded.get(concrete.subject.id());
        if (e == null) return;
        if (concrete.caveated) {
            e.caveated = true;
        } else {
            wildcard.excluded.remove(concrete.subject.id());
        }
    }

    void addAll(FoundSubjects other) {
        for (Map<String, Found> kind : other.byKind.values()) {
            for (Found f : kind.values()) add(f);
        }
    }

    /** Intersection with {@code other}, as a new set. */
    FoundSubjects intersect(FoundSubjects other) {
        FoundSubjects out = new FoundSubjects();
        for (Map.Entry<String, Map<String, Found>> e : byKind.entrySet()) {
            Map<String, Found> mine = e.getValue();
            Map<String, Found> theirs = other.byKind.get(e.getKey());
            if (theirs == null) continue;
            Found myWildcard = mine.get(SubjectRef.WILDCARD);
            Found theirWildcard = theirs.get(SubjectRef.WILDCARD);
            if (myWildcard != null && theirWildcard != null) {
                Found w = meet(myWildcard, theirWildcard);
                w.excluded.putAll(copies(myWildcard.excluded));
                theirWildcard.excluded.forEach((id, x) -> w.excluded.merge(id, x.copy(), (a, b) -> {
                    a.caveated &= b.caveated;
                    return a;
                }));
                out.add(w);
            }
            for (Found f : mine.values()) {
                if (f.subject.isWildcard()) continue;
                Found match = theirs.get(f.subject.id());
                if (match != null) {
                    out.add(meet(f, match));
                } else if (theirWildcard != null) {
                    addUnderWildcard(out, f, theirWildcard);
                }
            }
            if (myWildcard != null) {
                for (Found f : theirs.values()) {
                    if (!f.subject.isWildcard() && !mine.containsKey(f.subject.id())) {
                        addUnderWildcard(out, f, myWildcard);
                    }
                }
            }
        }
        return out;
    }

    /** {@code f} ∩ {@code wildcard}: {@code f} unless the wildcard excludes it outright. */
    private static void addUnderWildcard(FoundSubjects out, Found f, Found wildcard) {
        Found excluded = wildcard.excluded.get(f.subject.id());
        if (excluded != null && !excluded.caveated) return;
        Found m = meet(f, wildcard);
        m.caveated |= excluded != null;
        out.add(m);
    }

    /** The subject of {@code a} present on both sides: caveated if either is, leaves of both. */
    private static Found meet(Found a, Found b) {
        Found m = new Found(a.subject, a.caveated || b.caveated, a.leaves);
        m.leaves.addAll(b.leaves);
        return m;
    }

    private static Map<String, Found> copies(Map<String, Found> m) {
        Map<String, Found> out = new TreeMap<>();
        m.forEach((id, f) -> out.put(id, f.copy()));
        return out;
    }

    /** Exclusion: this set minus {@code other}, as a new set. */
    FoundSubjects exclude(FoundSubjects other) {
        FoundSubjects out = new FoundSubjects();
        for (Map.Entry<String, Map<String, Found>> e : byKind.entrySet()) {
            Map<String, Found> theirs = other.byKind.getOrDefault(e.getKey(), Map.of());
            Found theirWildcard = theirs.get(SubjectRef.WILDCARD);
            Map<String, Found> kept = new TreeMap<>();
            for (Found mine : e.getValue().values()) {
                Found f = mine.copy();
                if (f.subject.isWildcard()) {
                    if (theirWildcard != null) {
                        // * - (* - E): only the subjects E excluded from the other wildcard remain.
                        for (Found x : theirWildcard.excluded.values()) {
                            if (f.excluded.containsKey(x.subject.id())) continue;
                            Found concrete = new Found(x.subject, f.caveated || x.caveated, f.leaves);
                            kept.merge(x.subject.id(), concrete, FoundSubjects::unite);
                        }
                        if (!theirWildcard.caveated) continue;
                        f.caveated = true;
                    }
                    for (Found removed : theirs.values()) {
                        if (removed.subject.isWildcard()) continue;
                        f.excluded.merge(
                                removed.subject.id(),
                                new Found(removed.subject, removed.caveated, List.of()),
                                (a, b) -> {
                                    a.caveated &= b.caveated;
                                    return a;
                                });
                    }
                    kept.merge(f.subject.id(), f, FoundSubjects::unite);
                    continue;
                }
                Found removed = theirs.get(f.subject.id());
                if (removed != null) {
                    if (!removed.caveated) continue;
                    f.caveated = true;
                }
                if (theirWildcard != null) {
                    Found spared = theirWildcard.excluded.get(f.subject.id());
                    boolean outright = !theirWildcard.caveated && (spared == null);
                    if (outright) continue;
                    if (theirWildcard.caveated || spared.caveated) f.caveated = true;
                }
                kept.merge(f.subject.id(), f, FoundSubjects::unite);
            }
            if (!kept.isEmpty()) {
                FoundSubjects part = new FoundSubjects();
                part.byKind.put(e.getKey(), kept);
                out.addAll(part);
            }
        }
        return out;
    }

    private static Found unite(Found a, Found b) {
        a.caveated &= b.caveated;
        a.leaves.addAll(b.leaves);
        return a;
    }
}

package dev.kith.conformance.differential;

import dev.kith.conformance.differential.SpiceDbOracle.CaseAnswers;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares SpiceDB's and kith's answers to the same cases and sorts every difference into a class by a precise
 * predicate over the two answers and the case. A difference no class describes is {@link Kind#UNEXPECTED}.
 */
public final class Comparison {

    /** How a class of difference counts. */
    public enum Kind {
        /** A deliberate kith rule, documented. */
        DOCUMENTED,
        /** A difference kith does not mean to keep: counted and printed, but not a failure (yet). */
        KNOWN_OPEN,
        /** SpiceDB gave no answer in time: no comparison, counted. */
        NOT_COMPARED,
        /** Anything else: the run fails. */
        UNEXPECTED
    }

    /** The classes of difference, each with its predicate in words. */
    public enum DifferenceClass {
        CYCLE_CUT(
                Kind.DOCUMENTED,
                "SpiceDB fails with max depth, kith answers: the data holds a cycle through subject sets or arrows"
                        + " reachable from the resource (any cycle, for lookup-resources)"),
        MISSING_CONTEXT_ALL(
                Kind.DOCUMENTED,
                "both CONDITIONAL (a check, a lookup result, or a subject excluded from a wildcard, the rest of the"
                        + " result the same); SpiceDB's missing parameters are a non-empty strict subset of kith's (kith"
                        + " lists every missing parameter)"),
        LOOKUP_FOLLOWS_CHECK(
                Kind.DOCUMENTED,
                "a lookup result differs; kith's lookup answers as SpiceDB's own check of that resource and subject,"
                        + " SpiceDB's lookup does not"),
        KITH_ONLY_TRANSITIVE_WILDCARD_REFUSAL(
                Kind.KNOWN_OPEN,
                "kith refuses the schema with `wildcard relations cannot be transitively included`, SpiceDB accepts it"
                        + " (SpiceDB 1.54 remembers the rule's finding per relation name across definitions, so it"
                        + " misses some such schemas)"),
        SPICEDB_NO_ANSWER(
                Kind.NOT_COMPARED,
                "SpiceDB's lookup did not finish within the oracle's deadline (CANCELLED or DEADLINE_EXCEEDED)"),
        SCHEMA_REFUSED_BY_SPICEDB_ONLY(Kind.UNEXPECTED, "SpiceDB refuses the schema or relationships, kith accepts"),
        SCHEMA_REFUSED_BY_KITH_ONLY(Kind.UNEXPECTED, "kith refuses the schema or relationships, SpiceDB accepts"),
        OTHER(Kind.UNEXPECTED, "no class describes the difference");

        public final Kind kind;
        public final String predicate;

        DifferenceClass(Kind kind, String predicate) {
            this.kind = kind;
            this.predicate = predicate;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** A difference: the case, the query, both answers and the classes of its parts. */
    public record Difference(
            DiffCase diffCase, String query, String spicedb, String kith, Set<DifferenceClass> classes) {
        public boolean unexpected() {
            return classes.stream().anyMatch(c -> c.kind == Kind.UNEXPECTED);
        }
    }

    /** Totals over every case compared. */
    public static final class Tally {
        public int cases;
        public int acceptedByBoth;
        public int refusedByBoth;
        public int spicedbTimedOut;
        public final List<Long> timedOutSeeds = new ArrayList<>();
        public int checks;
        public int lookupResources;
        public int lookupSubjects;
        public int differingQueries;
        public final Map<DifferenceClass, Integer> counts = new EnumMap<>(DifferenceClass.class);
        public final List<Difference> differences = new ArrayList<>();

        public List<Difference> unexpected() {
            return differences.stream().filter(Difference::unexpected).toList();
        }

        void add(Difference d) {
            differingQueries++;
            differences.add(d);
            for (DifferenceClass c : d.classes()) counts.merge(c, 1, Integer::sum);
        }
    }

    private Comparison() {}

    /** Compares one case's answers into {@code tally}. */
    public static void compare(DiffCase c, CaseAnswers spicedb, CaseAnswers kith, Tally tally) {
        tally.cases++;
        if (spicedb.timedOut()) {
            tally.spicedbTimedOut++;
            tally.timedOutSeeds.add(c.seed());
            return;
        }
        if (spicedb.refused() != null || kith.refused() != null) {
            if (spicedb.refused() != null && kith.refused() != null) {
                tally.refusedByBoth++;
            } else {
                DifferenceClass cls = spicedb.refused() != null
                        ? DifferenceClass.SCHEMA_REFUSED_BY_SPICEDB_ONLY
                        : kith.refused().contains("wildcard relations cannot be transitively included")
                                ? DifferenceClass.KITH_ONLY_TRANSITIVE_WILDCARD_REFUSAL
                                : DifferenceClass.SCHEMA_REFUSED_BY_KITH_ONLY;
                tally.add(new Difference(
                        c,
                        "write schema and relationships",
                        spicedb.refused() == null ? "accepted" : "refused: " + spicedb.refused(),
                        kith.refused() == null ? "accepted" : "refused: " + kith.refused(),
                        EnumSet.of(cls)));
            }
            return;
        }
        tally.acceptedByBoth++;
        Graph graph = new Graph(c.relationships());
        Map<DiffCase.CheckQuery, Answer> spicedbChecks = new HashMap<>();
        for (int i = 0; i < c.checks().size(); i++)
            spicedbChecks.put(c.checks().get(i), spicedb.checks().get(i));

        for (int i = 0; i < c.checks().size(); i++) {
            tally.checks++;
            DiffCase.CheckQuery q = c.checks().get(i);
            Answer s = spicedb.checks().get(i);
            Answer k = kith.checks().get(i);
            if (agree(s, k)) continue;
            Set<DifferenceClass> classes = EnumSet.noneOf(DifferenceClass.class);
            if (cycleCut(s, k, graph.cycleReachableFrom(q.resource()))) {
                classes.add(DifferenceClass.CYCLE_CUT);
            } else if (!s.isError()
                    && !k.isError()
                    && missingSubset(s.permissionship(), s.missing(), k.permissionship(), k.missing())) {
                classes.add(DifferenceClass.MISSING_CONTEXT_ALL);
            } else {
                classes.add(DifferenceClass.OTHER);
            }
            tally.add(new Difference(c, q.toString(), s.toString(), k.toString(), classes));
        }
        for (int i = 0; i < c.lookupResources().size(); i++) {
            tally.lookupResources++;
            DiffCase.LookupResourcesQuery q = c.lookupResources().get(i);
            Answer s = spicedb.lookupResources().get(i);
            Answer k = kith.lookupResources().get(i);
            if (agree(s, k)) continue;
            Set<DifferenceClass> classes = EnumSet.noneOf(DifferenceClass.class);
            if (noAnswer(s)) {
                classes.add(DifferenceClass.SPICEDB_NO_ANSWER);
            } else if (cycleCut(s, k, graph.anyCycle())) {
                classes.add(DifferenceClass.CYCLE_CUT);
            } else if (s.isError() || k.isError()) {
                classes.add(DifferenceClass.OTHER);
            } else {
                for (String id : ids(s, k)) {
                    Answer.Item si = s.result(id);
                    Answer.Item ki = k.result(id);
                    if (Objects.equals(si, ki)) continue;
                    Answer check = spicedbChecks.get(
                            new DiffCase.CheckQuery(q.resourceType() + ":" + id, q.permission(), q.subject()));
                    classes.add(classifyItem(si, ki, check));
                }
            }
            tally.add(new Difference(c, q.toString(), s.toString(), k.toString(), classes));
        }
        for (int i = 0; i < c.lookupSubjects().size(); i++) {
            tally.lookupSubjects++;
            DiffCase.LookupSubjectsQuery q = c.lookupSubjects().get(i);
            Answer s = spicedb.lookupSubjects().get(i);
            Answer k = kith.lookupSubjects().get(i);
            if (agree(s, k)) continue;
            Set<DifferenceClass> classes = EnumSet.noneOf(DifferenceClass.class);
            if (noAnswer(s)) {
                classes.add(DifferenceClass.SPICEDB_NO_ANSWER);
            } else if (cycleCut(s, k, graph.cycleReachableFrom(q.resource()))) {
                classes.add(DifferenceClass.CYCLE_CUT);
            } else if (s.isError() || k.isError()) {
                classes.add(DifferenceClass.OTHER);
            } else {
                for (String id : ids(s, k)) {
                    Answer.Item si = s.result(id);
                    Answer.Item ki = k.result(id);
                    if (Objects.equals(si, ki)) continue;
                    String subject =
                            q.subjectType() + ":" + id + (q.subjectRelation() == null ? "" : "#" + q.subjectRelation());
                    Answer check = id.equals("*")
                            ? null
                            : spicedbChecks.get(new DiffCase.CheckQuery(q.resource(), q.permission(), subject));
                    classes.add(classifyItem(si, ki, check));
                }
            }
            tally.add(new Difference(c, q.toString(), s.toString(), k.toString(), classes));
        }
    }

    /**
     * Same answer: equal, or the same kind of error; invalid arguments with the same message after the prefixes
     * (SpiceDB's {@code invalid argument: }, kith's field name).
     */
    static boolean agree(Answer s, Answer k) {
        if (s.isError() || k.isError()) {
            if (!(s.isError() && k.isError() && s.errorKind().equals(k.errorKind()))) return false;
            return !s.errorKind().equals("INVALID_ARGUMENT")
                    || core(s.errorMessage()).equals(core(k.errorMessage()));
        }
        return s.equals(k);
    }

    private static String core(String message) {
        return message.substring(message.lastIndexOf(": ") + 1).strip();
    }

    private static boolean noAnswer(Answer s) {
        return s.isError()
                && (s.errorKind().equals("CANCELLED") || s.errorKind().equals("DEADLINE_EXCEEDED"));
    }

    private static boolean cycleCut(Answer s, Answer k, boolean cycle) {
        return s.isError() && s.errorKind().equals(Answer.MAX_DEPTH) && !k.isError() && cycle;
    }

    static boolean missingSubset(String sPerm, List<String> sMissing, String kPerm, List<String> kMissing) {
        return sPerm.equals(Answer.CONDITIONAL)
                && kPerm.equals(Answer.CONDITIONAL)
                && !sMissing.isEmpty()
                && sMissing.size() < kMissing.size()
                && new HashSet<>(kMissing).containsAll(sMissing);
    }

    private static DifferenceClass classifyItem(Answer.Item si, Answer.Item ki, Answer spicedbCheck) {
        if (si != null && ki != null && sameButMissing(si, ki)) return DifferenceClass.MISSING_CONTEXT_ALL;
        if (spicedbCheck != null && !spicedbCheck.isError()) {
            String kPerm = ki == null ? Answer.NO : ki.permissionship();
            String sPerm = si == null ? Answer.NO : si.permissionship();
            if (spicedbCheck.permissionship().equals(kPerm)
                    && !spicedbCheck.permissionship().equals(sPerm)) {
                return DifferenceClass.LOOKUP_FOLLOWS_CHECK;
            }
        }
        return DifferenceClass.OTHER;
    }

    /**
     * The same result (id, permissionship, excluded subjects) where each missing-parameter list of SpiceDB's, the
     * result's own and each excluded subject's, is kith's or a non-empty strict subset of it.
     */
    static boolean sameButMissing(Answer.Item s, Answer.Item k) {
        if (!s.id().equals(k.id()) || !s.permissionship().equals(k.permissionship())) return false;
        if (!s.missing().equals(k.missing())
                && !missingSubset(s.permissionship(), s.missing(), k.permissionship(), k.missing())) {
            return false;
        }
        if (s.excluded().size() != k.excluded().size()) return false;
        for (int i = 0; i < s.excluded().size(); i++) {
            if (!sameButMissing(s.excluded().get(i), k.excluded().get(i))) return false;
        }
        return true;
    }

    private static Set<String> ids(Answer s, Answer k) {
        Set<String> ids = new TreeSet<>();
        s.results().forEach(i -> ids.add(i.id()));
        k.results().forEach(i -> ids.add(i.id()));
        return ids;
    }

    /**
     * The objects linked by the stored relationships whose subject is an object of a non-user type or a subject
     * set (the links subject sets and arrows follow), wildcards left out.
     */
    static final class Graph {
        private final Map<String, Set<String>> edges = new HashMap<>();

        Graph(List<String> relationships) {
            for (String r : relationships) {
                int bracket = r.indexOf('[');
                String core = bracket < 0 ? r : r.substring(0, bracket);
                int at = core.indexOf('@');
                String resource = core.substring(0, core.lastIndexOf('#', at));
                String subject = core.substring(at + 1);
                int hash = subject.indexOf('#');
                String object = hash < 0 ? subject : subject.substring(0, hash);
                if (object.startsWith("user:") || object.endsWith(":*")) continue;
                edges.computeIfAbsent(resource, x -> new HashSet<>()).add(object);
            }
        }

        boolean cycleReachableFrom(String start) {
            return cycle(start, new HashSet<>(), new HashSet<>());
        }

        boolean anyCycle() {
            Set<String> done = new HashSet<>();
            for (String node : edges.keySet()) {
                if (cycle(node, new HashSet<>(), done)) return true;
            }
            return false;
        }

        private boolean cycle(String node, Set<String> onPath, Set<String> done) {
            if (onPath.contains(node)) return true;
            if (!done.add(node)) return false;
            onPath.add(node);
            for (String next : edges.getOrDefault(node, Set.of())) {
                if (cycle(next, onPath, done)) return true;
            }
            onPath.remove(node);
            return false;
        }
    }
}

package dev.kith.conformance.differential;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One side's answer to one query, in a form both sides share: an error ({@code errorKind}, a gRPC code name, or
 * {@code MAX_DEPTH} for a depth error, and its message), a check's permissionship with the missing caveat
 * parameters, or a lookup's results.
 */
public record Answer(
        String errorKind, String errorMessage, String permissionship, List<String> missing, List<Item> results) {

    public static final String HAS = "HAS_PERMISSION";
    public static final String CONDITIONAL = "CONDITIONAL_PERMISSION";
    public static final String NO = "NO_PERMISSION";
    public static final String MAX_DEPTH = "MAX_DEPTH";

    public Answer {
        missing = missing == null ? List.of() : List.copyOf(new TreeSet<>(missing));
        results = results == null ? null : List.copyOf(results);
    }

    public static Answer error(String kind, String message) {
        return new Answer(kind, message, null, null, null);
    }

    public static Answer check(String permissionship, List<String> missing) {
        return new Answer(null, null, permissionship, missing, null);
    }

    /**
     * A lookup's results, one per id, sorted, read as the union of what they list. SpiceDB streams the results of a
     * relation's stored subjects and of each subject set it holds apart (only permissions gather their operands into
     * one set), so it may name a result twice or list a subject beside a wildcard from another stream:
     *
     * <ul>
     *   <li>a subject named twice, once HAS: HAS, as a check would answer; twice CONDITIONAL: CONDITIONAL with the
     *       missing parameters of both;
     *   <li>a wildcard named twice with the same permissionship excludes only what both exclude (each subject with
     *       the weaker of its two exclusions); with different ones, the HAS one stands;
     *   <li>a subject excluded from the wildcard and listed beside it: the listing lifts the exclusion where it holds
     *       (no exclusion beside a HAS listing; a HAS exclusion beside a CONDITIONAL listing becomes CONDITIONAL with
     *       the listing's missing parameters). One set never lists a subject so (a concrete subject lifts its
     *       exclusion when gathered with the wildcard: the exclusion's expression is ANDed with the negation of the
     *       listing's), so this reads only answers that came in several streams.
     * </ul>
     */
    public static Answer lookup(List<Item> items) {
        Map<String, Item> byId = new LinkedHashMap<>();
        for (Item item : items) byId.merge(item.id(), item, Answer::merge);
        Item wildcard = byId.get("*");
        if (wildcard != null) byId.put("*", lifted(wildcard, byId));
        List<Item> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(Item::id));
        return new Answer(null, null, null, null, sorted);
    }

    private static Item merge(Item a, Item b) {
        if (a.id().equals("*") && a.permissionship().equals(b.permissionship())) {
            List<Item> excluded = new ArrayList<>();
            for (Item x : a.excluded()) {
                for (Item y : b.excluded()) {
                    if (x.id().equals(y.id())) excluded.add(weaker(x, y));
                }
            }
            return new Item(a.id(), a.permissionship(), union(a.missing(), b.missing()), excluded);
        }
        if (a.permissionship().equals(HAS)) return a;
        if (b.permissionship().equals(HAS)) return b;
        List<Item> excluded = new ArrayList<>(a.excluded());
        excluded.addAll(b.excluded());
        return new Item(a.id(), CONDITIONAL, union(a.missing(), b.missing()), excluded);
    }

    /** The weaker of two exclusions of one subject: CONDITIONAL (with the missing parameters of both) over HAS. */
    private static Item weaker(Item x, Item y) {
        if (x.permissionship().equals(HAS)) return y;
        if (y.permissionship().equals(HAS)) return x;
        return new Item(x.id(), CONDITIONAL, union(x.missing(), y.missing()), List.of());
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Item lifted(Item wildcard, Map<String, Item> byId) {
        List<Item> excluded = new ArrayList<>();
        for (Item x : wildcard.excluded()) {
            Item listed = byId.get(x.id());
            if (listed == null
                    || (!x.permissionship().equals(HAS)
                            && !listed.permissionship().equals(HAS))) {
                excluded.add(x);
            } else if (!listed.permissionship().equals(HAS)) {
                excluded.add(new Item(x.id(), CONDITIONAL, listed.missing(), List.of()));
            }
        }
        return new Item(wildcard.id(), wildcard.permissionship(), wildcard.missing(), excluded);
    }

    public boolean isError() {
        return errorKind != null;
    }

    /** The result for {@code id}, or null. */
    public Item result(String id) {
        for (Item item : results) {
            if (item.id().equals(id)) return item;
        }
        return null;
    }

    @Override
    public String toString() {
        if (isError()) return "error " + errorKind + ": " + errorMessage;
        if (results == null) return permissionship + (missing.isEmpty() ? "" : " missing " + missing);
        return results.toString();
    }

    /**
     * A lookup result: a resource or subject id with its permissionship and missing parameters; for a wildcard
     * subject, the subjects excluded from it.
     */
    public record Item(String id, String permissionship, List<String> missing, List<Item> excluded) {
        public Item {
            missing = missing == null ? List.of() : List.copyOf(new TreeSet<>(missing));
            List<Item> sorted = new ArrayList<>(excluded == null ? List.of() : excluded);
            sorted.sort(Comparator.comparing(Item::id));
            excluded = List.copyOf(sorted);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(id).append(':').append(abbreviate(permissionship));
            if (!missing.isEmpty()) b.append(" missing ").append(missing);
            if (!excluded.isEmpty()) b.append(" except ").append(excluded);
            return b.toString();
        }
    }

    static String abbreviate(String permissionship) {
        return switch (permissionship) {
            case HAS -> "HAS";
            case CONDITIONAL -> "CONDITIONAL";
            case NO -> "NO";
            default -> permissionship;
        };
    }
}

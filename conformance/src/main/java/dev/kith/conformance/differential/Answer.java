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
     * A lookup's results, one per id, sorted: SpiceDB's streams may name a result twice (once HAS, once
     * CONDITIONAL, from two paths); the pair stands for HAS, as a check would answer.
     */
    public static Answer lookup(List<Item> items) {
        Map<String, Item> byId = new LinkedHashMap<>();
        for (Item item : items) byId.merge(item.id(), item, Answer::merge);
        List<Item> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(Item::id));
        return new Answer(null, null, null, null, sorted);
    }

    private static Item merge(Item a, Item b) {
        if (a.permissionship().equals(HAS)) return a;
        if (b.permissionship().equals(HAS)) return b;
        List<String> missing = new ArrayList<>(a.missing());
        missing.addAll(b.missing());
        List<Item> excluded = new ArrayList<>(a.excluded());
        excluded.addAll(b.excluded());
        return new Item(a.id(), CONDITIONAL, missing, excluded);
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

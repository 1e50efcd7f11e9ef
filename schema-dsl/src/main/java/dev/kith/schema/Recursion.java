package dev.kith.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each relation and permission of a schema recurses, read from the schema alone: the static part of what the
 * engine closes. The schema's graph has a node per {@code type#relation} and an edge for each allowed subject set
 * ({@code group#member} in a type restriction), each computed userset ({@code viewer} in a permission) and each
 * arrow target ({@code parent->view}: the {@code view} of every type {@code parent} allows). A node on a cycle of that
 * graph recurses through the data; every other node is bounded by the schema.
 */
public final class Recursion {
    private Recursion() {}

    /** What one relation or permission is. */
    public enum Kind {
        /**
         * A relation whose only allowed subject set is itself ({@code relation member: user | group#member}): nested
         * groups, kept by the transitive-closure index when its data holds such links and the cost model allows.
         */
        SELF_RECURSIVE,
        /** On a cycle that passes through an arrow ({@code permission view = viewer + parent->view}): walked. */
        THROUGH_ARROW,
        /**
         * On a cycle of subject sets and computed usersets only, but not {@link #SELF_RECURSIVE} (it also allows other
         * subject sets, or the cycle passes through other relations): walked.
         */
        THROUGH_SUBJECT_SETS,
        /** On no cycle: its checks spend at most the hops its schema allows. */
        NOT_RECURSIVE
    }

    /**
     * One relation or permission.
     *
     * @param type its definition
     * @param relation its name
     * @param permission whether it is a permission
     * @param kind how it recurses
     * @param cycle the other relations and permissions on its cycle ({@code type#relation}, in schema order); empty for
     *     {@link Kind#SELF_RECURSIVE} and {@link Kind#NOT_RECURSIVE}
     */
    public record Entry(String type, String relation, boolean permission, Kind kind, List<String> cycle) {
        public Entry {
            cycle = List.copyOf(cycle);
        }
    }

    private record Edge(int target, boolean arrow) {}

    /** Every relation and permission of {@code schema}, in schema order, with how it recurses. */
    public static List<Entry> of(ValidatedSchema schema) {
        List<String> names = new ArrayList<>();
        List<RelationDef> defs = new ArrayList<>();
        List<String> types = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (Definition d : schema.definitions().values()) {
            for (RelationDef r : d.relations().values()) {
                ids.put(d.name() + "#" + r.name(), names.size());
                names.add(d.name() + "#" + r.name());
                defs.add(r);
                types.add(d.name());
            }
        }
        List<List<Edge>> edges = new ArrayList<>();
        for (int n = 0; n < names.size(); n++) {
            List<Edge> out = new ArrayList<>();
            RelationDef r = defs.get(n);
            for (AllowedSubject a : r.allowedSubjects()) {
                Integer t = a.relation() == null ? null : ids.get(a.type() + "#" + a.relation());
                if (t != null) out.add(new Edge(t, false));
            }
            edges(schema, types.get(n), r.rewrite(), ids, out);
            edges.add(out);
        }
        int[] component = components(edges);
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int n = 0; n < names.size(); n++) {
            members.computeIfAbsent(component[n], c -> new ArrayList<>()).add(n);
        }
        List<Entry> out = new ArrayList<>();
        for (int n = 0; n < names.size(); n++) {
            List<Integer> mine = members.get(component[n]);
            boolean selfLoop = false;
            for (Edge e : edges.get(n)) selfLoop |= e.target() == n;
            RelationDef r = defs.get(n);
            Kind kind;
            List<String> cycle = new ArrayList<>();
            if (mine.size() == 1 && !selfLoop) {
                kind = Kind.NOT_RECURSIVE;
            } else if (!r.isPermission() && mine.size() == 1 && onlyItself(edges.get(n), n)) {
                kind = Kind.SELF_RECURSIVE;
            } else {
                boolean arrow = false;
                for (int m : mine) {
                    if (m != n) cycle.add(names.get(m));
                    for (Edge e : edges.get(m)) arrow |= e.arrow() && component[e.target()] == component[n];
                }
                kind = arrow ? Kind.THROUGH_ARROW : Kind.THROUGH_SUBJECT_SETS;
            }
            out.add(new Entry(types.get(n), r.name(), r.isPermission(), kind, cycle));
        }
        return out;
    }

    /** Whether every edge of {@code out} is a subject set of {@code node} itself. */
    private static boolean onlyItself(List<Edge> out, int node) {
        for (Edge e : out) if (e.target() != node || e.arrow()) return false;
        return true;
    }

    private static void edges(
            ValidatedSchema schema, String type, Rewrite rewrite, Map<String, Integer> ids, List<Edge> out) {
        switch (rewrite) {
            case Rewrite.Direct d -> {}
            case Rewrite.ComputedUserset c -> {
                Integer t = ids.get(type + "#" + c.relation());
                if (t != null) out.add(new Edge(t, false));
            }
            case Rewrite.TupleToUserset t -> {
                RelationDef tupleset = schema.relation(type, t.tupleset());
                if (tupleset == null) return;
                for (AllowedSubject a : tupleset.allowedSubjects()) {
                    Integer target = ids.get(a.type() + "#" + t.computed());
                    if (target != null) out.add(new Edge(target, true));
                }
            }
            case Rewrite.Union u -> u.children().forEach(c -> edges(schema, type, c, ids, out));
            case Rewrite.Intersection i -> i.children().forEach(c -> edges(schema, type, c, ids, out));
            case Rewrite.Exclusion e -> {
                edges(schema, type, e.base(), ids, out);
                edges(schema, type, e.subtracted(), ids, out);
            }
            case Rewrite.Nil n -> {}
            case Rewrite.Self s -> {}
        }
    }

    /** Strongly connected components (recursive Tarjan: a schema has few relations), numbered per node. */
    private static int[] components(List<List<Edge>> edges) {
        int n = edges.size();
        int[] order = new int[n];
        int[] low = new int[n];
        int[] component = new int[n];
        boolean[] onStack = new boolean[n];
        java.util.Arrays.fill(order, -1);
        int[] stack = new int[n];
        int[] counters = new int[3]; // next order, stack size, next component
        for (int v = 0; v < n; v++) {
            if (order[v] < 0) connect(v, edges, order, low, component, onStack, stack, counters);
        }
        return component;
    }

    private static void connect(
            int v,
            List<List<Edge>> edges,
            int[] order,
            int[] low,
            int[] component,
            boolean[] onStack,
            int[] stack,
            int[] counters) {
        order[v] = low[v] = counters[0]++;
        stack[counters[1]++] = v;
        onStack[v] = true;
        for (Edge e : edges.get(v)) {
            int w = e.target();
            if (order[w] < 0) {
                connect(w, edges, order, low, component, onStack, stack, counters);
                low[v] = Math.min(low[v], low[w]);
            } else if (onStack[w]) {
                low[v] = Math.min(low[v], order[w]);
            }
        }
        if (low[v] != order[v]) return;
        int id = counters[2]++;
        int w;
        do {
            w = stack[--counters[1]];
            onStack[w] = false;
            component[w] = id;
        } while (w != v);
    }
}

package dev.kith.engine.eval;

import dev.kith.engine.index.ClosureState;
import dev.kith.engine.index.ContextualSnapshot;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.AllowedSubject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * Upper bounds on the hops a check can spend, per pair, on one {@link Snapshot}: {@link #bound(int)} is at least
 * the number of hops (subject-set expansions and arrows, each a unit of check's depth budget in {@link Hops}) on
 * any path that a
 * check starting at that pair, on any object and for any subject, can try. When the bound is within the depth
 * limit, no check on that pair can raise a depth error, so lookup-resources may answer with bitmap algebra
 * alone; otherwise it decides each object by check, so that it raises exactly the depth errors check raises.
 *
 * <p>Why bounds and not exact lengths: the longest simple path of a graph is hard to compute, and check cuts
 * a path where it meets a (relation, object) already on it. The bound comes in two parts:
 *
 * <ul>
 *   <li>Schema: pairs are nodes, a computed userset an edge of weight 0, an allowed subject set or an arrow
 *       target an edge of weight 1. A pair outside every cycle of that graph is bounded by its heaviest path.
 *   <li>Data: a cycle of the schema graph (nested groups, folders in folders) recurses through data. Its
 *       (pair, object) nodes and their stored links are read from the snapshot and split into
 *       strongly connected components (Tarjan, iterative: chains can be longer than the stack). A simple path
 *       spends at most as many hops inside a cyclic component as the component has nodes (the last one may
 *       return to a node already on the path, which check still counts before cutting); components are
 *       chained along the longest path of their condensation, and links leaving the cycle add the bound of
 *       their target.
 * </ul>
 *
 * <p>Links are counted whatever their caveat or expiration (a bound, not a check), so the bounds depend only
 * on the snapshot and the schema. One instance serves any number of lookups on that snapshot.
 *
 * <p>A self-recursive relation whose closure the snapshot keeps ({@link Snapshot#closure}) with no conditional
 * link is bounded by the closure's highest height, kept up to date by the index batch by batch: no component is
 * read from the data for it.
 */
final class DepthBounds {
    /** Bounds saturate here: far above any depth limit, far from overflow. */
    private static final int SATURATED = Integer.MAX_VALUE / 4;

    private final Snapshot snapshot;
    private final CompiledSchema schema;
    private final int[] component;
    private final boolean[] cyclic;
    private final int[] bounds;
    /**
     * Per pair of a cyclic component read from the data, the bound of each of its objects (the pair's bound is
     * their maximum), or null. A link leaving a component adds its target object's bound, not its pair's: a folder
     * 30 deep spends 30 hops up its own chain, whatever the deepest folder elsewhere spends. Written whole under
     * this instance's lock, shared (never changed) with the bounds that carry them over.
     */
    private final int[][] objectBounds;

    DepthBounds(Snapshot snapshot, CompiledSchema schema) {
        this.snapshot = snapshot;
        this.schema = schema;
        int pairs = snapshot.pairCount();
        this.component = new int[pairs];
        this.bounds = new int[pairs];
        this.objectBounds = new int[pairs][];
        Arrays.fill(bounds, -1);
        this.cyclic = schemaComponents(pairs);
    }

    /**
     * Bounds on {@code snapshot} that take over from {@code previous} (bounds of the same schema at another
     * revision) every cyclic component whose bounds it computed and whose data did not change in between: no
     * relation it reads links of (a subject-set relation or an arrow's tupleset of one of its pairs) changed after
     * the older of the two revisions ({@code changedAt}: the last revision that changed a relation), and every pair
     * it leads out to has the same bound here as there. Such a component's nodes, links and exits are those it was
     * computed from, so its bounds are too. Components are taken over sinks first (Tarjan numbers them so), each
     * seeing the bounds of those it leads to; the others are computed when asked, as without {@code previous}. No
     * reference to {@code previous} is kept.
     */
    DepthBounds(Snapshot snapshot, CompiledSchema schema, DepthBounds previous, IntToLongFunction changedAt) {
        this(snapshot, schema);
        if (previous == null || previous.schema != schema || previous.bounds.length != bounds.length) return;
        long since = Math.min(previous.snapshot.revision(), snapshot.revision());
        for (int c = 0; c < cyclic.length; c++) {
            if (cyclic[c]) carry(c, previous, since, changedAt);
        }
    }

    private void carry(int c, DepthBounds previous, long since, IntToLongFunction changedAt) {
        List<Integer> members = new ArrayList<>();
        for (int p = 0; p < component.length; p++) {
            if (component[p] != c || schema.rule(p) == null) continue;
            if (previous.bounds[p] < 0 || (schema.rule(p).closable() && closedBound(p) >= 0)) return;
            if (readsChangedLinks(schema.rule(p).node(), since, changedAt)) return;
            members.add(p);
        }
        for (int p : members) {
            for (Edge e : schemaEdges(p)) {
                int t = e.pair();
                if (component[t] == c) continue;
                if (previous.bounds[t] < 0 || bound(t) != previous.bounds[t]) return;
            }
        }
        for (int p : members) {
            objectBounds[p] = previous.objectBounds[p];
            bounds[p] = previous.bounds[p];
        }
    }

    private static boolean readsChangedLinks(Node node, long since, IntToLongFunction changedAt) {
        return switch (node) {
            case Node.Direct d -> d.setPairs().length > 0 && changedAt.applyAsLong(d.pair()) > since;
            case Node.Computed c -> false;
            case Node.Arrow a -> changedAt.applyAsLong(a.tupleset()) > since;
            case Node.Union u -> Arrays.stream(u.children()).anyMatch(n -> readsChangedLinks(n, since, changedAt));
            case Node.Intersection i ->
                Arrays.stream(i.children()).anyMatch(n -> readsChangedLinks(n, since, changedAt));
            case Node.Exclusion e ->
                readsChangedLinks(e.base(), since, changedAt) || readsChangedLinks(e.subtracted(), since, changedAt);
            case Node.Nil n -> false;
            case Node.Self x -> false;
        };
    }

    /** Whether these bounds were computed for this schema and a snapshot equal to {@code s}. */
    boolean isFor(CompiledSchema c, Snapshot s) {
        return c == schema && s.equals(snapshot);
    }

    /**
     * Whether {@code contextual} adds a link these bounds are computed from: a relationship under a relation that
     * an allowed subject set or an arrow of a pair in a cycle of the schema reads. When it adds none, the bounds of
     * its base hold for it too (links elsewhere are bounded by the schema alone, and its new objects have no link
     * inside a cycle).
     */
    boolean readsLinksOfAny(ContextualSnapshot contextual) {
        for (int p = 0; p < component.length; p++) {
            CompiledSchema.Rule rule = schema.rule(p);
            if (rule != null && cyclic[component[p]] && readsLinksOf(rule.node(), contextual)) return true;
        }
        return false;
    }

    private static boolean readsLinksOf(Node node, ContextualSnapshot contextual) {
        return switch (node) {
            case Node.Direct d -> d.setPairs().length > 0 && contextual.addsTo(d.pair());
            case Node.Computed c -> false;
            case Node.Arrow a -> contextual.addsTo(a.tupleset());
            case Node.Union u ->
                java.util.Arrays.stream(u.children()).anyMatch(child -> readsLinksOf(child, contextual));
            case Node.Intersection i ->
                java.util.Arrays.stream(i.children()).anyMatch(child -> readsLinksOf(child, contextual));
            case Node.Exclusion e -> readsLinksOf(e.base(), contextual) || readsLinksOf(e.subtracted(), contextual);
            case Node.Nil n -> false;
            case Node.Self s -> false;
        };
    }

    /**
     * At least the hops any check from {@code pair} can try; pairs without a rule are 0. Lock-free where the bound
     * is known, from the schema, or from the closure index (self-recursive relations, recursive arrows); a cyclic component read from the data is computed
     * under this instance's lock, once.
     */
    int bound(int pair) {
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule == null) return 0;
        int known = bounds[pair];
        if (known >= 0) return known;
        int b = rule.closable() ? closedBound(pair) : -1;
        if (b < 0 && schema.recursiveArrow(pair) >= 0) b = arrowBound(pair);
        if (b < 0) {
            if (cyclic[component[pair]]) return dataBoundsOnce(pair);
            b = 0;
            for (Edge e : schemaEdges(pair)) b = Math.max(b, add(e.weight(), bound(e.pair())));
        }
        // an int written whole, and every thread that computes it computes the same value
        bounds[pair] = b;
        return b;
    }

    /**
     * The bound of a self-recursive relation (its only out-edge in the schema is to itself) from the closure index:
     * the highest height of its objects, when the closure is kept and no link of it is conditional (the heights
     * count unconditional links only); else -1.
     */
    private int closedBound(int pair) {
        ClosureState state = snapshot.closure(pair);
        if (state == null || !state.kept() || state.conditionalSources() != null) return -1;
        return state.maxHeight();
    }

    /**
     * The bound of a pair with a recursive arrow ({@link CompiledSchema#recursiveArrow}: {@code view = viewer + edit
     * + parent->view}) from the closure of its tupleset, when the closure is kept, holds every link (none
     * conditional) and has no cycle; else -1. Its family is the pair and every pair of its type it reaches by
     * computed relations that has a recursive arrow over the same tupleset ({@code edit = owner + parent->edit}).
     * Inside the family a check moves only up the tupleset's links (each arrow hop goes from an object to one it
     * links to) or stays on its object (computed relations, no hop), so without a cycle it takes at most the
     * longest chain of links, the closure's highest height, in hops; anything else it does leaves the family
     * through another edge, bounded by that edge's target. The bound is the highest height plus the heaviest such
     * exit of any member; no component is read from the data, so a write to the tupleset costs the next lookup
     * nothing here.
     */
    private int arrowBound(int pair) {
        int tupleset = schema.recursiveArrow(pair);
        ClosureState state = snapshot.arrowClosure(tupleset);
        if (state == null || !state.kept() || state.cyclic() || state.conditionalSources() != null) return -1;
        int type = snapshot.pairType(pair);
        List<Integer> family = new ArrayList<>(List.of(pair));
        int exits = 0;
        for (int i = 0; i < family.size(); i++) {
            int q = family.get(i);
            for (Edge e : schemaEdges(q)) {
                int t = e.pair();
                if (t == q && e.weight() == 1) continue; // its own arrow: one link up
                if (e.weight() == 0 && snapshot.pairType(t) == type && schema.recursiveArrow(t) == tupleset) {
                    if (!family.contains(t)) family.add(t);
                    continue;
                }
                exits = Math.max(exits, add(e.weight(), bound(t)));
            }
        }
        return add(state.maxHeight(), exits);
    }

    private synchronized int dataBoundsOnce(int pair) {
        if (bounds[pair] < 0) dataBounds(component[pair]);
        return bounds[pair];
    }

    private record Edge(int pair, int weight) {}

    /** The schema graph's edges out of {@code pair}: computed usersets, allowed subject sets, arrow targets. */
    private List<Edge> schemaEdges(int pair) {
        List<Edge> out = new ArrayList<>();
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule != null) schemaEdges(rule.node(), out);
        return out;
    }

    private void schemaEdges(Node node, List<Edge> out) {
        switch (node) {
            case Node.Direct d -> {
                for (int set : d.setPairs()) if (schema.rule(set) != null) out.add(new Edge(set, 1));
            }
            case Node.Computed c -> out.add(new Edge(c.pair(), 0));
            case Node.Arrow a -> {
                CompiledSchema.Rule tupleset = schema.rule(a.tupleset());
                if (tupleset == null) return;
                for (AllowedSubject s : tupleset.def().allowedSubjects()) {
                    int target = snapshot.findPair(snapshot.findType(s.type()), a.computed());
                    if (schema.rule(target) != null) out.add(new Edge(target, 1));
                }
            }
            case Node.Union u -> {
                for (Node child : u.children()) schemaEdges(child, out);
            }
            case Node.Intersection i -> {
                for (Node child : i.children()) schemaEdges(child, out);
            }
            case Node.Exclusion e -> {
                schemaEdges(e.base(), out);
                schemaEdges(e.subtracted(), out);
            }
            case Node.Nil n -> {}
            case Node.Self s -> {}
        }
    }

    /**
     * Strongly connected components of the schema graph (recursive Tarjan: a schema has few pairs); fills
     * {@link #component} and returns, per component, whether it holds a cycle.
     */
    private boolean[] schemaComponents(int pairs) {
        int[] order = new int[pairs];
        int[] low = new int[pairs];
        boolean[] onStack = new boolean[pairs];
        Arrays.fill(order, -1);
        int[] stack = new int[pairs];
        int[] counters = new int[3]; // next order, stack size, next component
        List<Boolean> cycles = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            if (order[p] < 0) strongConnect(p, order, low, onStack, stack, counters, cycles);
        }
        boolean[] out = new boolean[cycles.size()];
        for (int i = 0; i < out.length; i++) out[i] = cycles.get(i);
        return out;
    }

    private void strongConnect(
            int p, int[] order, int[] low, boolean[] onStack, int[] stack, int[] counters, List<Boolean> cycles) {
        order[p] = low[p] = counters[0]++;
        stack[counters[1]++] = p;
        onStack[p] = true;
        boolean selfLoop = false;
        for (Edge e : schemaEdges(p)) {
            int q = e.pair();
            if (q == p) selfLoop = true;
            if (order[q] < 0) {
                strongConnect(q, order, low, onStack, stack, counters, cycles);
                low[p] = Math.min(low[p], low[q]);
            } else if (onStack[q]) {
                low[p] = Math.min(low[p], order[q]);
            }
        }
        if (low[p] != order[p]) return;
        int id = counters[2]++;
        int size = 0;
        int q;
        do {
            q = stack[--counters[1]];
            onStack[q] = false;
            component[q] = id;
            size++;
        } while (q != p);
        cycles.add(size > 1 || selfLoop);
    }

    /**
     * The bounds of every pair of one cyclic schema component, from its (pair, object) nodes in the data: every
     * object id the types hold (id 0, the wildcard, stands for objects with no stored links).
     */
    private void dataBounds(int schemaComponent) {
        List<Integer> members = new ArrayList<>();
        for (int p = 0; p < component.length; p++) {
            if (component[p] == schemaComponent && schema.rule(p) != null) members.add(p);
        }
        // the snapshot's counts are above every id its reads return
        int[] offset = new int[component.length];
        int[] count = new int[component.length];
        int nodes = 0;
        for (int p : members) {
            offset[p] = nodes;
            count[p] = Math.max(1, snapshot.objectCount(snapshot.pairType(p)));
            nodes += count[p];
        }
        DataGraph g = new DataGraph(nodes);
        for (int p : members) {
            Node node = schema.rule(p).node();
            for (int o = 0; o < count[p]; o++) {
                int from = offset[p] + o;
                g.begin(from);
                links(node, o, from, schemaComponent, offset, g);
            }
        }
        g.end();
        int[] heights = g.heights();
        for (int p : members) {
            int b = 0;
            for (int o = 0; o < count[p]; o++) b = Math.max(b, heights[offset[p] + o]);
            objectBounds[p] = Arrays.copyOfRange(heights, offset[p], offset[p] + count[p]);
            bounds[p] = b;
        }
    }

    /** Adds the links of {@code node} on {@code object}: inside the component as edges, else as exits. */
    private void links(Node node, int object, int from, int inside, int[] offset, DataGraph g) {
        switch (node) {
            case Node.Direct d -> {
                if (d.setPairs().length == 0) return;
                Postings p = snapshot.forward(d.pair(), object);
                if (p == null) return;
                long[] keys = p.subjects();
                for (int set : d.setPairs()) {
                    for (int k = p.lowerBound(Snapshot.key(set, 0)); k < keys.length; k++) {
                        if (Snapshot.keyPair(keys[k]) != set) break;
                        link(set, Snapshot.keyId(keys[k]), 1, from, inside, offset, g);
                    }
                }
            }
            case Node.Computed c -> link(c.pair(), object, 0, from, inside, offset, g);
            case Node.Arrow a -> {
                Postings p = snapshot.forward(a.tupleset(), object);
                if (p == null) return;
                for (long key : p.subjects()) {
                    int target = schema.arrowTarget(snapshot, a, key);
                    if (target >= 0) link(target, Snapshot.keyId(key), 1, from, inside, offset, g);
                }
            }
            case Node.Union u -> {
                for (Node child : u.children()) links(child, object, from, inside, offset, g);
            }
            case Node.Intersection i -> {
                for (Node child : i.children()) links(child, object, from, inside, offset, g);
            }
            case Node.Exclusion e -> {
                links(e.base(), object, from, inside, offset, g);
                links(e.subtracted(), object, from, inside, offset, g);
            }
            case Node.Nil n -> {}
            case Node.Self s -> {}
        }
    }

    private void link(int pair, int object, int weight, int from, int inside, int[] offset, DataGraph g) {
        if (component[pair] == inside) {
            g.edge(offset[pair] + object, weight);
        } else {
            g.exit(from, add(weight, objectBound(pair, object)));
        }
    }

    /**
     * At least the hops any check from (pair, object) can try: the object's own bound where its pair's component
     * was read from the data, else the pair's.
     */
    private int objectBound(int pair, int object) {
        int b = bound(pair);
        int[] perObject = objectBounds[pair];
        return perObject != null && object >= 0 && object < perObject.length ? perObject[object] : b;
    }

    private static int add(int a, int b) {
        return Math.min(SATURATED, a + b);
    }

    /**
     * The (pair, object) nodes of one cyclic schema component: edges in compressed rows (added node by node,
     * in order), the heaviest exit per node, and the height of each node by Tarjan's components.
     */
    private static final class DataGraph {
        private final int[] rowStart;
        private final int[] exit;
        private int[] targets = new int[16];
        private int[] weights = new int[16];
        private int edges;
        private int current = -1;

        DataGraph(int nodes) {
            rowStart = new int[nodes + 1];
            exit = new int[nodes];
        }

        void begin(int node) {
            for (int n = current + 1; n <= node; n++) rowStart[n] = edges;
            current = node;
        }

        void edge(int target, int weight) {
            if (edges == targets.length) {
                targets = Arrays.copyOf(targets, edges * 2);
                weights = Arrays.copyOf(weights, edges * 2);
            }
            targets[edges] = target;
            weights[edges++] = weight;
        }

        void exit(int node, int height) {
            exit[node] = Math.max(exit[node], height);
        }

        void end() {
            for (int n = current + 1; n < rowStart.length; n++) rowStart[n] = edges;
        }

        /**
         * Per node, a bound on the hops of a simple path from it: iterative Tarjan, which completes components
         * sinks first, so each component's height is known from the components it leads to.
         */
        int[] heights() {
            int nodes = exit.length;
            int[] order = new int[nodes];
            int[] low = new int[nodes];
            int[] next = new int[nodes];
            int[] comp = new int[nodes];
            boolean[] onStack = new boolean[nodes];
            Arrays.fill(order, -1);
            int[] stack = new int[nodes];
            int[] call = new int[nodes];
            int components = 0;
            int[] height = new int[nodes];
            int counter = 0;
            int top = 0;
            for (int root = 0; root < nodes; root++) {
                if (order[root] >= 0) continue;
                int depth = 0;
                call[depth++] = root;
                order[root] = low[root] = counter++;
                next[root] = rowStart[root];
                stack[top++] = root;
                onStack[root] = true;
                while (depth > 0) {
                    int v = call[depth - 1];
                    if (next[v] < rowStart[v + 1]) {
                        int w = targets[next[v]++];
                        if (order[w] < 0) {
                            order[w] = low[w] = counter++;
                            next[w] = rowStart[w];
                            stack[top++] = w;
                            onStack[w] = true;
                            call[depth++] = w;
                        } else if (onStack[w]) {
                            low[v] = Math.min(low[v], order[w]);
                        }
                        continue;
                    }
                    depth--;
                    if (depth > 0) {
                        int parent = call[depth - 1];
                        low[parent] = Math.min(low[parent], low[v]);
                    }
                    if (low[v] != order[v]) continue;
                    int id = components++;
                    int first = top;
                    do first--;
                    while (stack[first] != v);
                    for (int i = first; i < top; i++) {
                        comp[stack[i]] = id;
                        onStack[stack[i]] = false;
                    }
                    boolean isCyclic = top - first > 1;
                    int h = 0;
                    for (int i = first; i < top; i++) {
                        int u = stack[i];
                        h = Math.max(h, exit[u]);
                        for (int e = rowStart[u]; e < rowStart[u + 1]; e++) {
                            int t = targets[e];
                            if (t == u) isCyclic = true;
                            // a target outside this component belongs to one completed before it
                            if (comp[t] != id) h = Math.max(h, add(weights[e], height[t]));
                        }
                    }
                    if (isCyclic) h = add(h, top - first);
                    for (int i = first; i < top; i++) height[stack[i]] = h;
                    top = first;
                }
            }
            return height;
        }
    }
}

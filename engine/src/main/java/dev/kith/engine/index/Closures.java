package dev.kith.engine.index;

import dev.kith.engine.EngineStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.agrona.collections.Int2IntHashMap;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The transitive-closure index of self-recursive relations, kept by the {@link Index} as it applies each batch.
 *
 * <p>A relation is self-recursive in the data when a relationship of it names a subject set of the same relation
 * ({@code group:eng#member@group:ops#member}): a link from {@code eng} to {@code ops}. For every such relation the
 * index keeps, per object, the objects it reaches over <em>unconditional</em> links (a {@link ClosureEntry}, a
 * RoaringBitmap shared by the objects of one strongly connected component) and a height: at least the hops a
 * check walking those links can try. Links with a caveat or an expiration are left out; the objects that have one
 * are kept in {@link ClosureState#conditionalSources()}, and an evaluator that meets one walks instead.
 *
 * <p>Upkeep per batch, never a rebuild: the sources of the links a batch adds, deletes or changes are collected;
 * only their ancestors (objects reaching them over unconditional links, before or after the batch) can have a
 * different closure, and only those are recomputed, by Tarjan's algorithm over them (iterative: chains may be long),
 * components completed sinks first, each one's reach the union of its members and of the reach of every link
 * leaving it. Entries that come out equal are not rewritten. Entries and states are versions in the index's
 * chains, written with the batch and published by its revision, cut by its garbage collection: a read at any
 * revision of the window sees the closure of exactly that revision, and never waits.
 *
 * <p>Cost model: a closure costs about the sum of its reach sets; a relation is kept while that sum stays within
 * {@link #ENTRIES_FLOOR} plus {@link #ENTRIES_PER_LINK} per unconditional link (wide and deep hierarchies whose
 * every object reaches most of the others are walked instead). A relation that outgrows it is dropped from that
 * revision on and never kept again by this index; its entries are released once no readable revision needs them.
 *
 * <p>The same structure closes <em>recursive arrows</em> ({@link #arrows}): a relation whose relationships name plain
 * objects of its own type ({@code folder:a#parent@folder:b}, read by {@code parent->view} on folders) links its
 * object to each of them, and the closure keeps per object its height over unconditional links and whether it lies
 * on a cycle, with the same conditional sources and upkeep, but no reach bitmap: lookups find a folder's
 * descendants in the reverse index and depth bounds need only the heights, so the ancestors would be memory no
 * reader uses (about 58 bytes per relationship on a tree 10 to 30 deep). Its reach entries are 0, and it is never
 * dropped: it holds one small entry per object with a link.
 *
 * <p>Single writer: the index's.
 */
final class Closures {
    /** Heights saturate here: far above any depth limit, and read as "no bound". */
    static final int SATURATED = Integer.MAX_VALUE / 4;

    /** Reach entries every relation may keep whatever its links. */
    static final long ENTRIES_FLOOR = 1_000_000;

    /** Further reach entries a relation may keep per unconditional link. */
    static final long ENTRIES_PER_LINK = 64;

    /** Heap per entry besides its bitmap (object header, fields, chain link). */
    private static final int ENTRY_OVERHEAD = 40;

    private final Index index;
    /**
     * Whether this instance closes links to plain objects of the relation's own type (recursive arrows) rather
     * than links to subject sets of the relation itself.
     */
    private final boolean arrows;
    /** Per pair, its {@link ClosureState} chain. */
    final Slots states = new Slots();

    /** Per pair, its relation's closure or null; replaced (copy on growth) and published whole for readers. */
    private volatile Relation[] byPair = new Relation[0];

    private final List<Relation> relations = new ArrayList<>();

    /** The writer's side of one relation's closure. */
    private static final class Relation {
        final int pair;
        /** The subject pair its links name: the relation itself, or its type's plain objects. */
        final int link;
        /** Per object, its {@link ClosureEntry} chain; null once the relation is dropped and no revision reads it. */
        volatile Slots slots = new Slots();

        boolean kept = true;
        String reason = "";
        long droppedAt = -1;
        final RoaringBitmap conditionalSources = new RoaringBitmap();
        /** Objects per height, for the highest. */
        final TreeMap<Integer, Integer> heights = new TreeMap<>();
        /** Objects in a strongly connected component with a cycle. */
        long cyclicObjects;

        long links;
        long entryCount;
        long bytes;

        Relation(int pair, int link) {
            this.pair = pair;
            this.link = link;
        }
    }

    /** This index's budget: {@link #ENTRIES_FLOOR} and {@link #ENTRIES_PER_LINK} unless a test sets others. */
    private final long entriesFloor;

    private final long entriesPerLink;

    Closures(Index index, long entriesFloor, long entriesPerLink, boolean arrows) {
        this.index = index;
        this.arrows = arrows;
        this.entriesFloor = entriesFloor;
        this.entriesPerLink = entriesPerLink;
    }

    // ---- reads

    ClosureState state(int pair, long revision) {
        return Version.at(states.head(pair), revision);
    }

    ClosureEntry entry(int pair, int object, long revision) {
        Relation[] all = byPair;
        Relation r = pair >= 0 && pair < all.length ? all[pair] : null;
        if (r == null) return null;
        Slots s = r.slots;
        if (s == null) return null;
        ClosureEntry e = Version.at(s.head(object), revision);
        return e == null || e.isEmpty() ? null : e;
    }

    /** The closures at the applied revision, per relation, as the engine's stats report them. */
    List<EngineStats.Closure> stats() {
        return published;
    }

    /** The heap the kept closures hold at the applied revision. */
    long bytes() {
        return publishedBytes;
    }

    /** The stats of the applied revision, built by the writer after each batch that changed a closure. */
    private volatile List<EngineStats.Closure> published = List.of();

    private volatile long publishedBytes;

    private void publishStats() {
        List<EngineStats.Closure> out = new ArrayList<>();
        long b = 0;
        for (Relation r : relations) {
            out.add(new EngineStats.Closure(
                    index.typeName(index.pairType(r.pair)) + "#" + index.relationName(index.pairRelation(r.pair)),
                    r.kept,
                    r.links,
                    r.kept ? r.entryCount : 0,
                    r.kept ? r.bytes : 0,
                    r.kept && !r.heights.isEmpty() ? r.heights.lastKey() : 0,
                    r.reason));
            if (r.kept) b += r.bytes;
        }
        out.sort(java.util.Comparator.comparing(EngineStats.Closure::relation));
        published = List.copyOf(out);
        publishedBytes = b;
    }

    // ---- upkeep

    /**
     * Builds the closure of every self-recursive relation the index holds at {@code revision} (the applied one):
     * for an index that held relationships before its closures were turned on. Older revisions read no closure.
     */
    void buildAll(long revision) {
        Index.Table[] t = index.tables;
        for (int pair = 0; pair < index.pairCount(); pair++) {
            int link = link(pair);
            if (link < 0 || t[pair] == null || t[pair].reverse(link) == null) continue;
            RoaringBitmap sources = new RoaringBitmap();
            Slots forward = t[pair].forward;
            for (int o = 0; o < forward.capacity(); o++) {
                if (hasLink(pair, link, o)) sources.add(o);
            }
            if (!sources.isEmpty()) update(pair, sources, revision, -1);
        }
        publishStats();
    }

    /** Keeps the closures in step with one batch ({@code sorted} in forward order), applied at {@code revision}. */
    void apply(long revision, long previous, Index.Op[] sorted) {
        boolean changed = false;
        int i = 0;
        while (i < sorted.length) {
            int pair = sorted[i].pair();
            int link = link(pair);
            RoaringBitmap sources = null;
            int j = i;
            for (; j < sorted.length && sorted[j].pair() == pair; j++) {
                if (link >= 0 && Index.keyPair(sorted[j].subject()) == link) {
                    if (sources == null) sources = new RoaringBitmap();
                    sources.add(sorted[j].object());
                }
            }
            if (sources != null) {
                update(pair, sources, revision, previous);
                changed = true;
            }
            i = j;
        }
        if (changed) publishStats();
    }

    /**
     * The subject pair whose links this instance closes for {@code pair}: the pair itself, or for arrows its type's
     * plain objects (-1 for a pair that is itself a type's plain objects).
     */
    private int link(int pair) {
        if (!arrows) return pair;
        if (index.pairRelation(pair) == Index.NO_RELATION) return -1;
        return index.findPair(index.pairType(pair), Index.NO_RELATION);
    }

    /** Whether (pair, object) stores a subject of kind {@code link} at the head. */
    private boolean hasLink(int pair, int link, int object) {
        Postings p = index.forward(pair, object, Long.MAX_VALUE);
        if (p == null) return false;
        int k = p.lowerBound(Index.key(link, 0));
        return k < p.subjects().length && Index.keyPair(p.subjects()[k]) == link;
    }

    private void update(int pair, RoaringBitmap sources, long revision, long previous) {
        Relation[] all = byPair;
        Relation r = pair < all.length ? all[pair] : null;
        if (r == null) {
            r = new Relation(pair, link(pair));
            relations.add(r);
            Relation[] grown = Arrays.copyOf(all, Math.max(all.length, pair + 1));
            grown[pair] = r;
            byPair = grown;
        }
        if (!r.kept) return;
        RoaringBitmap before = r.conditionalSources.clone();
        IntIterator it = sources.getIntIterator();
        while (it.hasNext()) {
            int s = it.next();
            r.links +=
                    unconditionalLinks(r, s, Long.MAX_VALUE) - (previous < 0 ? 0 : unconditionalLinks(r, s, previous));
            if (hasConditionalLink(r, s)) r.conditionalSources.add(s);
            else r.conditionalSources.remove(s);
        }
        boolean wasCyclic = r.cyclicObjects > 0;
        RoaringBitmap affected = ancestors(r, sources, Long.MAX_VALUE);
        if (previous >= 0) affected.or(ancestors(r, sources, previous));
        recompute(r, affected, revision);
        if (r.entryCount > entriesFloor + entriesPerLink * r.links) {
            r.kept = false;
            r.droppedAt = revision;
            r.reason = "dropped at revision " + revision + ": " + r.entryCount + " reach entries for " + r.links
                    + " links, over the budget of " + entriesFloor + " + " + entriesPerLink + " per link";
            publish(r, revision, false);
            return;
        }
        ClosureState current = Version.at(states.head(pair), Long.MAX_VALUE);
        int maxHeight = r.heights.isEmpty() ? 0 : r.heights.lastKey();
        if (current == null
                || current.maxHeight() != maxHeight
                || wasCyclic != r.cyclicObjects > 0
                || !before.equals(r.conditionalSources)) {
            publish(r, revision, true);
        }
    }

    private void publish(Relation r, long revision, boolean kept) {
        Version head = states.head(r.pair);
        RoaringBitmap conditional = r.conditionalSources.isEmpty() ? null : r.conditionalSources.clone();
        int maxHeight = r.heights.isEmpty() ? 0 : r.heights.lastKey();
        states.set(r.pair, new ClosureState(revision, kept, conditional, maxHeight, r.cyclicObjects > 0, head));
        if (head != null) index.touched(states, r.pair, revision);
    }

    /** Unconditional links of (pair, object) at {@code revision}. */
    private long unconditionalLinks(Relation r, int object, long revision) {
        Postings p = index.forward(r.pair, object, revision);
        if (p == null) return 0;
        long[] keys = p.subjects();
        long n = 0;
        int link = r.link;
        for (int k = p.lowerBound(Index.key(link, 0)); k < keys.length && Index.keyPair(keys[k]) == link; k++) {
            if (p.condition(k) == null) n++;
        }
        return n;
    }

    private boolean hasConditionalLink(Relation r, int object) {
        Postings p = index.forward(r.pair, object, Long.MAX_VALUE);
        if (p == null || p.conditions() == null) return false;
        long[] keys = p.subjects();
        int link = r.link;
        for (int k = p.lowerBound(Index.key(link, 0)); k < keys.length && Index.keyPair(keys[k]) == link; k++) {
            if (p.condition(k) != null) return true;
        }
        return false;
    }

    /** {@code sources} and every object reaching one of them over unconditional links at {@code revision}. */
    private RoaringBitmap ancestors(Relation r, RoaringBitmap sources, long revision) {
        RoaringBitmap seen = sources.clone();
        int[] queue = sources.toArray();
        int head = 0;
        int tail = queue.length;
        while (head < tail) {
            int x = queue[head++];
            ReverseVersion v = index.reverse(r.pair, r.link, x, revision);
            if (v == null) continue;
            RoaringBitmap parents =
                    v.conditional() == null ? v.objects() : RoaringBitmap.andNot(v.objects(), v.conditional());
            IntIterator it = parents.getIntIterator();
            while (it.hasNext()) {
                int p = it.next();
                if (seen.checkedAdd(p)) {
                    if (tail == queue.length) queue = Arrays.copyOf(queue, Math.max(16, tail * 2));
                    queue[tail++] = p;
                }
            }
        }
        return seen;
    }

    /** The unconditional links of (pair, object) at the head, as target ids. */
    private int[] successors(Relation r, int object) {
        Postings p = index.forward(r.pair, object, Long.MAX_VALUE);
        if (p == null) return EMPTY;
        long[] keys = p.subjects();
        int link = r.link;
        int from = p.lowerBound(Index.key(link, 0));
        int n = 0;
        int[] out = null;
        for (int k = from; k < keys.length && Index.keyPair(keys[k]) == link; k++) {
            if (p.condition(k) != null) continue;
            if (out == null) out = new int[Math.min(keys.length - k, 8)];
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = Index.keyId(keys[k]);
        }
        return out == null ? EMPTY : n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static final int[] EMPTY = new int[0];

    /**
     * New entries for every object of {@code affected}: iterative Tarjan over them, links to objects outside read
     * from their current entries; each completed component gets one reach bitmap and one height.
     */
    private void recompute(Relation r, RoaringBitmap affected, long revision) {
        int pair = r.pair;
        int n = affected.getCardinality();
        int[] nodes = affected.toArray();
        Int2IntHashMap local = new Int2IntHashMap(n * 2, 0.65f, -1);
        for (int i = 0; i < n; i++) local.put(nodes[i], i);
        int[][] succ = new int[n][];
        for (int i = 0; i < n; i++) succ[i] = successors(r, nodes[i]);
        int[] order = new int[n];
        int[] low = new int[n];
        int[] next = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(order, -1);
        int[] stack = new int[n];
        int[] call = new int[n];
        RoaringBitmap[] reach = new RoaringBitmap[n];
        int[] height = new int[n];
        boolean[] done = new boolean[n];
        int counter = 0;
        int top = 0;
        for (int root = 0; root < n; root++) {
            if (order[root] >= 0) continue;
            int depth = 0;
            call[depth++] = root;
            order[root] = low[root] = counter++;
            stack[top++] = root;
            onStack[root] = true;
            while (depth > 0) {
                int v = call[depth - 1];
                if (next[v] < succ[v].length) {
                    int w = local.get(succ[v][next[v]++]);
                    if (w < 0) continue;
                    if (order[w] < 0) {
                        order[w] = low[w] = counter++;
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
                int first = top;
                do first--;
                while (stack[first] != v);
                for (int i = first; i < top; i++) onStack[stack[i]] = false;
                int size = top - first;
                boolean cyclic = size > 1;
                // recursive arrows keep heights only (see the class comment)
                RoaringBitmap set = arrows ? null : new RoaringBitmap();
                int h = 0;
                for (int i = first; i < top; i++) {
                    int u = stack[i];
                    if (set != null) set.add(nodes[u]);
                    for (int target : succ[u]) {
                        int w = local.get(target);
                        if (w == u) cyclic = true;
                        if (w >= 0 && !done[w]) continue; // inside this component
                        RoaringBitmap theirs;
                        int theirHeight;
                        if (w >= 0) {
                            theirs = reach[w];
                            theirHeight = height[w];
                        } else {
                            ClosureEntry e = Version.at(r.slots.head(target), Long.MAX_VALUE);
                            theirs = e == null ? null : e.reach();
                            theirHeight = e == null ? 0 : e.height();
                        }
                        if (set == null) {
                            // heights only
                        } else if (theirs == null) {
                            set.add(target);
                        } else {
                            set.or(theirs);
                        }
                        h = Math.max(h, add(1, theirHeight));
                    }
                }
                if (cyclic) h = add(h, size);
                if (set != null) set.runOptimize();
                boolean trivial = (set == null || set.getCardinality() == 1) && h == 0;
                int share = trivial
                        ? 0
                        : (int) Math.min(
                                Integer.MAX_VALUE, (set == null ? 0 : set.getSizeInBytes() / size) + ENTRY_OVERHEAD);
                for (int i = first; i < top; i++) {
                    int u = stack[i];
                    reach[u] = trivial ? null : set;
                    height[u] = h;
                    done[u] = true;
                    write(r, nodes[u], trivial ? null : set, h, cyclic, share, revision);
                }
                top = first;
            }
        }
    }

    /** Writes the entry of one object when it changed, keeping the counts of the relation in step. */
    private void write(
            Relation r, int object, RoaringBitmap reach, int height, boolean cyclic, int bytes, long revision) {
        Version head = r.slots.head(object);
        ClosureEntry current = Version.at(head, Long.MAX_VALUE);
        RoaringBitmap old = current == null ? null : current.reach();
        int oldHeight = current == null ? 0 : current.height();
        boolean oldCyclic = current != null && !current.isEmpty() && current.cyclic();
        if (oldHeight == height && oldCyclic == cyclic && (old == null ? reach == null : old.equals(reach))) return;
        if (current != null && !current.isEmpty()) {
            if (old != null) r.entryCount -= old.getCardinality();
            r.bytes -= current.bytes();
            count(r.heights, current.height(), -1);
            if (current.cyclic()) r.cyclicObjects--;
        }
        if (reach != null || height > 0) {
            if (reach != null) r.entryCount += reach.getCardinality();
            r.bytes += bytes;
            count(r.heights, height, 1);
            if (cyclic) r.cyclicObjects++;
        }
        r.slots.set(object, new ClosureEntry(revision, reach, height, cyclic, bytes, head));
        if (head != null) index.touched(r.slots, object, revision);
    }

    private static void count(TreeMap<Integer, Integer> heights, int height, int delta) {
        heights.merge(height, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    private static int add(int a, int b) {
        return (int) Math.min(SATURATED, (long) a + b);
    }

    /** Releases the entries of relations dropped before {@code oldestReadable}: no readable revision reads them. */
    void collectGarbage(long oldestReadable) {
        for (Relation r : relations) {
            if (!r.kept && r.slots != null && r.droppedAt <= oldestReadable) r.slots = null;
        }
    }
}

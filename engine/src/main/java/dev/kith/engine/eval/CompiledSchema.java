package dev.kith.engine.eval;

import dev.kith.engine.CaveatLimits;
import dev.kith.engine.caveat.CaveatEvaluator;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.AllowedSubject;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.Rewrite;
import dev.kith.schema.ValidatedSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated schema bound to an index's interned ids: per pair (type, relation or permission) its compiled
 * {@link Node}, plus the caveat evaluator. Immutable once built; building interns the schema's names (the
 * caller holds the index writer's role).
 */
public final class CompiledSchema {
    /**
     * What a pair is in this schema. {@code closable}: a relation whose only subject-set kind is itself ({@code
     * relation member: user | group#member}), which the closure index answers ({@code index.Closures}).
     */
    record Rule(int pair, int type, RelationDef def, Node node, boolean closable) {
        Rule(int pair, int type, RelationDef def, Node node) {
            this(
                    pair,
                    type,
                    def,
                    node,
                    node instanceof Node.Direct d && d.setPairs().length == 1 && d.setPairs()[0] == pair);
        }
    }

    /** A type's interned id, its plain-object pair, and the pair of each relation or permission by name. */
    record TypeIds(int type, int selfPair, Map<String, Integer> pairs) {}

    final ValidatedSchema schema;
    final CaveatEvaluator caveats;
    private final Rule[] rules;
    private final Map<String, TypeIds> types;
    /** Per pair, the tupleset of its recursive arrow ({@link #recursiveArrow}), or -1. */
    private final int[] recursiveArrows;

    private CompiledSchema(
            ValidatedSchema schema,
            CaveatEvaluator caveats,
            Rule[] rules,
            Map<String, TypeIds> types,
            int[] recursiveArrows) {
        this.schema = schema;
        this.caveats = caveats;
        this.rules = rules;
        this.types = types;
        this.recursiveArrows = recursiveArrows;
    }

    public static CompiledSchema compile(ValidatedSchema schema, Index index) {
        return compile(schema, index, CaveatLimits.defaults());
    }

    /** Compiles {@code schema} over {@code index}; its caveats evaluate within {@code caveatLimits}. */
    public static CompiledSchema compile(ValidatedSchema schema, Index index, CaveatLimits caveatLimits) {
        List<Rule> list = new ArrayList<>();
        for (Definition d : schema.definitions().values()) {
            int type = index.internType(d.name());
            index.internPair(type, Index.NO_RELATION);
            for (RelationDef r : d.relations().values()) {
                index.internPair(type, index.internRelation(r.name()));
            }
        }
        for (Definition d : schema.definitions().values()) {
            int type = index.internType(d.name());
            for (RelationDef r : d.relations().values()) {
                int pair = index.findPair(type, index.findRelation(r.name()));
                list.add(new Rule(pair, type, r, compile(r.rewrite(), type, pair, r, index)));
            }
        }
        Rule[] rules = new Rule[index.pairCount()];
        for (Rule r : list) rules[r.pair()] = r;
        Map<String, TypeIds> types = new HashMap<>();
        for (Definition d : schema.definitions().values()) {
            int type = index.findType(d.name());
            Map<String, Integer> pairs = new HashMap<>();
            for (String name : d.relations().keySet()) {
                pairs.put(name, index.findPair(type, index.findRelation(name)));
            }
            types.put(d.name(), new TypeIds(type, index.findPair(type, Index.NO_RELATION), Map.copyOf(pairs)));
        }
        int[] recursiveArrows = new int[rules.length];
        for (int p = 0; p < rules.length; p++) recursiveArrows[p] = findRecursiveArrow(p, rules, index);
        return new CompiledSchema(
                schema, new CaveatEvaluator(schema, caveatLimits), rules, Map.copyOf(types), recursiveArrows);
    }

    /**
     * The tupleset T when {@code pair}'s rewrite is a union of one arrow {@code T->relation} back to the pair itself
     * (not an all-arrow) and of parts that never lead back to the pair, and T allows its own type only as plain
     * objects ({@code relation parent: folder}, {@code permission view = viewer + edit + parent->view}): the pair is
     * then its parts on the object or on any object it reaches over T's links. Else -1.
     */
    private static int findRecursiveArrow(int pair, Rule[] rules, Index index) {
        Rule rule = rules[pair];
        if (rule == null || !(rule.node() instanceof Node.Union u)) return -1;
        Node.Arrow recursive = null;
        for (Node child : u.children()) {
            if (child instanceof Node.Arrow a
                    && !a.all()
                    && a.computed() == index.pairRelation(pair)
                    && a.tupleset() >= 0
                    && a.tupleset() < rules.length
                    && rules[a.tupleset()] != null
                    && rules[a.tupleset()].node() instanceof Node.Direct) {
                if (recursive != null) return -1;
                recursive = a;
            }
        }
        if (recursive == null) return -1;
        String typeName = index.typeName(rule.type());
        boolean linksOwnType = false;
        List<Integer> starts = new ArrayList<>();
        for (AllowedSubject s : rules[recursive.tupleset()].def().allowedSubjects()) {
            if (s.type().equals(typeName)) {
                if (s.relation() != null) return -1;
                linksOwnType = true;
            } else {
                int target = index.findPair(index.findType(s.type()), recursive.computed());
                if (target >= 0 && target < rules.length && rules[target] != null) starts.add(target);
            }
        }
        if (!linksOwnType) return -1;
        for (Node child : u.children()) {
            if (child != recursive) edges(child, rules, index, starts);
        }
        // the pair must not be reachable from any other part
        boolean[] seen = new boolean[rules.length];
        List<Integer> stack = new ArrayList<>(starts);
        while (!stack.isEmpty()) {
            int p = stack.removeLast();
            if (p == pair) return -1;
            if (p < 0 || p >= rules.length || seen[p] || rules[p] == null) continue;
            seen[p] = true;
            edges(rules[p].node(), rules, index, stack);
        }
        return recursive.tupleset();
    }

    /** The pairs {@code node} leads to: subject-set kinds, computed relations, arrow targets. */
    private static void edges(Node node, Rule[] rules, Index index, List<Integer> out) {
        switch (node) {
            case Node.Direct d -> {
                for (int p : d.setPairs()) out.add(p);
            }
            case Node.Computed c -> out.add(c.pair());
            case Node.Arrow a -> {
                Rule tupleset = a.tupleset() >= 0 && a.tupleset() < rules.length ? rules[a.tupleset()] : null;
                if (tupleset == null) return;
                for (AllowedSubject s : tupleset.def().allowedSubjects()) {
                    out.add(index.findPair(index.findType(s.type()), a.computed()));
                }
            }
            case Node.Union u -> {
                for (Node child : u.children()) edges(child, rules, index, out);
            }
            case Node.Intersection i -> {
                for (Node child : i.children()) edges(child, rules, index, out);
            }
            case Node.Exclusion e -> {
                edges(e.base(), rules, index, out);
                edges(e.subtracted(), rules, index, out);
            }
            case Node.Nil n -> {}
            case Node.Self x -> {}
        }
    }

    /**
     * The tupleset of {@code pair}'s recursive arrow, or -1: {@code pair} is a union of parts that never lead back
     * to it and of one arrow over that tupleset, which links objects of the pair's type to objects of the same
     * type, back to the pair ({@code permission view = viewer + edit + parent->view}). Such a pair holds on an
     * object exactly when its other parts hold on the object or on an object it reaches over the tupleset's links.
     */
    int recursiveArrow(int pair) {
        return pair >= 0 && pair < recursiveArrows.length ? recursiveArrows[pair] : -1;
    }

    private static Node compile(Rewrite rw, int type, int pair, RelationDef def, Index index) {
        return switch (rw) {
            case Rewrite.Direct d -> {
                List<Integer> sets = new ArrayList<>();
                for (AllowedSubject a : def.allowedSubjects()) {
                    if (a.relation() == null) continue;
                    int st = index.internType(a.type());
                    int sp = index.internPair(st, index.internRelation(a.relation()));
                    if (!sets.contains(sp)) sets.add(sp);
                }
                int[] setPairs =
                        sets.stream().mapToInt(Integer::intValue).sorted().toArray();
                yield new Node.Direct(pair, setPairs);
            }
            case Rewrite.ComputedUserset c ->
                new Node.Computed(index.findPair(type, index.findRelation(c.relation())), c.relation());
            case Rewrite.TupleToUserset t ->
                new Node.Arrow(
                        index.findPair(type, index.findRelation(t.tupleset())),
                        index.internRelation(t.computed()),
                        t.computed(),
                        t.all());
            case Rewrite.Union u -> new Node.Union(compileAll(u.children(), type, pair, def, index));
            case Rewrite.Intersection i -> new Node.Intersection(compileAll(i.children(), type, pair, def, index));
            case Rewrite.Exclusion e ->
                new Node.Exclusion(
                        compile(e.base(), type, pair, def, index), compile(e.subtracted(), type, pair, def, index));
            case Rewrite.Nil n -> new Node.Nil();
            case Rewrite.Self s -> new Node.Self(index.findPair(type, Index.NO_RELATION));
        };
    }

    private static Node[] compileAll(List<Rewrite> rws, int type, int pair, RelationDef def, Index index) {
        Node[] out = new Node[rws.size()];
        for (int i = 0; i < out.length; i++) out[i] = compile(rws.get(i), type, pair, def, index);
        return out;
    }

    /** The validated schema this was compiled from. */
    public ValidatedSchema schema() {
        return schema;
    }

    /** The ids of a type of this schema, or null when it defines no such type. */
    TypeIds type(String name) {
        return types.get(name);
    }

    /**
     * The pair an arrow's link to {@code subject} (a subject key) leads to: the arrow's computed relation on the
     * linked object's type; -1 for a wildcard link or a type without that relation.
     */
    int arrowTarget(Snapshot snapshot, Node.Arrow arrow, long subject) {
        if (Snapshot.keyId(subject) == Snapshot.WILDCARD_ID) return -1;
        int pair = snapshot.findPair(snapshot.pairType(Snapshot.keyPair(subject)), arrow.computed());
        return rule(pair) == null ? -1 : pair;
    }

    /** The rule of {@code pair}, or null when the pair is no relation or permission of this schema. */
    Rule rule(int pair) {
        return pair >= 0 && pair < rules.length ? rules[pair] : null;
    }
}

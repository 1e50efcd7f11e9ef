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

    private CompiledSchema(ValidatedSchema schema, CaveatEvaluator caveats, Rule[] rules, Map<String, TypeIds> types) {
        this.schema = schema;
        this.caveats = caveats;
        this.rules = rules;
        this.types = types;
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
        return new CompiledSchema(schema, new CaveatEvaluator(schema, caveatLimits), rules, Map.copyOf(types));
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

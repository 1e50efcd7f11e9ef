package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.index.Condition;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Postings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Expand: the userset tree of a relation or permission on one object. Union, intersection and exclusion
 * become nodes of that kind (an exclusion's children are its base, then the subtracted side); a relation is a
 * leaf with its directly stored, unexpired subjects (subject sets as stored, wildcards, caveated subjects with
 * their caveat); a computed userset is the tree of that relation on the same object; an arrow is a union (an
 * all-arrow an intersection) of the computed relation's trees on each object stored under the tupleset.
 * Subject sets in leaves are not expanded further: a client expands them with another call. A (relation,
 * object) already on the path becomes an empty union (kith's cycle rule).
 */
final class ExpandEvaluator {
    private final Index index;
    private final CompiledSchema schema;
    private final long rev;
    private final Instant now;
    private final int depthLimit;
    private final Set<Long> path = new HashSet<>();

    ExpandEvaluator(Index index, CompiledSchema schema, long rev, Instant now, int depthLimit) {
        this.depthLimit = depthLimit;
        this.index = index;
        this.schema = schema;
        this.rev = rev;
        this.now = now;
    }

    Results.ExpandNode expand(int pair, int object, Requests.Expand request) {
        ObjectRef resource = request.resource();
        return relation(pair, object, resource, request.permission());
    }

    private Results.ExpandNode relation(int pair, int object, ObjectRef resource, String relationName) {
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule == null) return union(resource, relationName, List.of());
        long here = Index.key(pair, object);
        if (!path.add(here)) return union(resource, relationName, List.of());
        try {
            return node(rule.node(), object, resource, relationName);
        } finally {
            path.remove(here);
        }
    }

    private Results.ExpandNode node(Node node, int object, ObjectRef resource, String relationName) {
        return switch (node) {
            case Node.Direct d -> leaf(d.pair(), object, resource, relationName);
            case Node.Computed c -> relation(c.pair(), object, resource, c.name());
            case Node.Arrow a -> arrow(a, object, resource, relationName);
            case Node.Union u -> {
                List<Results.ExpandNode> kids = new ArrayList<>();
                for (Node child : u.children()) kids.add(node(child, object, resource, relationName));
                yield union(resource, relationName, kids);
            }
            case Node.Intersection i -> {
                List<Results.ExpandNode> kids = new ArrayList<>();
                for (Node child : i.children()) kids.add(node(child, object, resource, relationName));
                yield new Results.ExpandNode(
                        resource, relationName, Results.ExpandNode.Kind.INTERSECTION, kids, List.of());
            }
            case Node.Exclusion e ->
                new Results.ExpandNode(
                        resource,
                        relationName,
                        Results.ExpandNode.Kind.EXCLUSION,
                        List.of(
                                node(e.base(), object, resource, relationName),
                                node(e.subtracted(), object, resource, relationName)),
                        List.of());
            case Node.Nil n -> union(resource, relationName, List.of());
            case Node.Self s ->
                new Results.ExpandNode(
                        resource,
                        relationName,
                        Results.ExpandNode.Kind.LEAF,
                        List.of(),
                        List.of(new Results.ExpandedSubject(
                                SubjectRef.object(resource.type(), resource.id()), null, null)));
        };
    }

    private Results.ExpandNode leaf(int pair, int object, ObjectRef resource, String relationName) {
        List<Results.ExpandedSubject> subjects = new ArrayList<>();
        Postings p = index.forward(pair, object, rev);
        if (p != null) {
            long[] keys = p.subjects();
            for (int i = 0; i < keys.length; i++) {
                Condition c = p.condition(i);
                if (c != null && c.expiredAt(now)) continue;
                Relationship r = index.relationship(pair, object, keys[i], c);
                subjects.add(new Results.ExpandedSubject(r.subject(), r.caveat(), r.expiresAt()));
            }
        }
        return new Results.ExpandNode(resource, relationName, Results.ExpandNode.Kind.LEAF, List.of(), subjects);
    }

    private Results.ExpandNode arrow(Node.Arrow a, int object, ObjectRef resource, String relationName) {
        List<Results.ExpandNode> kids = new ArrayList<>();
        Postings p = index.forward(a.tupleset(), object, rev);
        if (p != null) {
            long[] keys = p.subjects();
            for (int i = 0; i < keys.length; i++) {
                Condition c = p.condition(i);
                if (c != null && c.expiredAt(now)) continue;
                int id = Index.keyId(keys[i]);
                if (id == Index.WILDCARD_ID) continue;
                int type = index.pairType(Index.keyPair(keys[i]));
                int target = index.findPair(type, a.computed());
                if (schema.rule(target) == null) continue;
                if (path.size() > depthLimit) {
                    throw new KithException.MaxDepthExceeded(depthLimit, "expand of " + resource + "#" + relationName);
                }
                kids.add(relation(
                        target, id, new ObjectRef(index.typeName(type), index.objectName(type, id)), a.computedName()));
            }
        }
        return new Results.ExpandNode(
                resource,
                relationName,
                a.all() ? Results.ExpandNode.Kind.INTERSECTION : Results.ExpandNode.Kind.UNION,
                kids,
                List.of());
    }

    private static Results.ExpandNode union(ObjectRef resource, String relation, List<Results.ExpandNode> kids) {
        return new Results.ExpandNode(resource, relation, Results.ExpandNode.Kind.UNION, kids, List.of());
    }
}

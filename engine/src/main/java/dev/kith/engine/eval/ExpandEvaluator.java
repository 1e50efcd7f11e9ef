package dev.kith.engine.eval;

import dev.kith.engine.Deadline;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.index.Condition;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.Snapshot;
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
 * all-arrow an intersection) of the computed relation's trees on each object stored under the tupleset, each
 * such tree carrying the caveat and expiration of the relationship that links it (SpiceDB marks what is reached
 * through a caveated link as caveated).
 * Subject sets in leaves are not expanded further: a client expands them with another call. A (relation,
 * object) already on the path becomes an empty union (kith's cycle rule). Reads come from a {@link Snapshot};
 * each arrow's link is followed through {@link Hops}, which owns expand's depth rule.
 */
final class ExpandEvaluator {
    private final Snapshot snapshot;
    private final CompiledSchema schema;
    private final Instant now;
    private final Hops hops;
    private final Set<Long> path = new HashSet<>();
    /** The arrow links followed on the expansion's path: the hops check would have spent to get here. */
    private int hopsTaken;
    /** Polls the caller's deadline: a step per (relation, object) expanded and per stored subject listed. */
    private final Deadline.Ticker ticker = new Deadline.Ticker("expand");

    ExpandEvaluator(Snapshot snapshot, CompiledSchema schema, Instant now, Hops hops) {
        this.snapshot = snapshot;
        this.schema = schema;
        this.now = now;
        this.hops = hops;
    }

    Results.ExpandNode expand(int pair, int object, Requests.Expand request) {
        ObjectRef resource = request.resource();
        return relation(pair, object, resource, request.permission());
    }

    /** The tree of {@code relationName} (the pair's) on (pair, object): entered from {@link Hops#follow}. */
    Results.ExpandNode relation(int pair, int object, String relationName) {
        int type = snapshot.pairType(pair);
        return relation(
                pair, object, new ObjectRef(snapshot.typeName(type), snapshot.objectName(type, object)), relationName);
    }

    private Results.ExpandNode relation(int pair, int object, ObjectRef resource, String relationName) {
        ticker.tick();
        CompiledSchema.Rule rule = schema.rule(pair);
        if (rule == null) return union(resource, relationName, List.of());
        long here = Snapshot.key(pair, object);
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
                yield node(resource, relationName, Results.ExpandNode.Kind.INTERSECTION, kids);
            }
            case Node.Exclusion e ->
                node(
                        resource,
                        relationName,
                        Results.ExpandNode.Kind.EXCLUSION,
                        List.of(
                                node(e.base(), object, resource, relationName),
                                node(e.subtracted(), object, resource, relationName)));
            case Node.Nil n -> union(resource, relationName, List.of());
            case Node.Self s ->
                leaf(
                        resource,
                        relationName,
                        List.of(new Results.ExpandedSubject(
                                SubjectRef.object(resource.type(), resource.id()), null, null)));
        };
    }

    private Results.ExpandNode leaf(int pair, int object, ObjectRef resource, String relationName) {
        List<Results.ExpandedSubject> subjects = new ArrayList<>();
        Postings p = snapshot.forward(pair, object);
        if (p != null) {
            long[] keys = p.subjects();
            for (int i = 0; i < keys.length; i++) {
                ticker.tick();
                Condition c = p.condition(i);
                if (c != null && c.expiredAt(now)) continue;
                Relationship r = snapshot.relationship(pair, object, keys[i], c);
                subjects.add(new Results.ExpandedSubject(r.subject(), r.caveat(), r.expiresAt()));
            }
        }
        return leaf(resource, relationName, subjects);
    }

    private Results.ExpandNode arrow(Node.Arrow a, int object, ObjectRef resource, String relationName) {
        List<Results.ExpandNode> kids = new ArrayList<>();
        Postings p = snapshot.forward(a.tupleset(), object);
        if (p != null) {
            long[] keys = p.subjects();
            for (int i = 0; i < keys.length; i++) {
                Condition c = p.condition(i);
                if (c != null && c.expiredAt(now)) continue;
                int target = schema.arrowTarget(snapshot, a, keys[i]);
                if (target < 0) continue;
                Results.ExpandNode kid;
                hopsTaken++;
                try {
                    kid = hops.follow(
                            this, hopsTaken, resource, relationName, target, Snapshot.keyId(keys[i]), a.computedName());
                } finally {
                    hopsTaken--;
                }
                kids.add(c == null ? kid : linked(kid, c));
            }
        }
        return node(
                resource,
                relationName,
                a.all() ? Results.ExpandNode.Kind.INTERSECTION : Results.ExpandNode.Kind.UNION,
                kids);
    }

    /** {@code kid} as reached through a stored link with condition {@code c}. */
    private static Results.ExpandNode linked(Results.ExpandNode kid, Condition c) {
        return new Results.ExpandNode(
                kid.object(), kid.relation(), kid.kind(), kid.children(), kid.subjects(), c.caveat(), c.expiresAt());
    }

    private static Results.ExpandNode union(ObjectRef resource, String relation, List<Results.ExpandNode> kids) {
        return node(resource, relation, Results.ExpandNode.Kind.UNION, kids);
    }

    private static Results.ExpandNode node(
            ObjectRef resource, String relation, Results.ExpandNode.Kind kind, List<Results.ExpandNode> kids) {
        return new Results.ExpandNode(resource, relation, kind, kids, List.of(), null, null);
    }

    private static Results.ExpandNode leaf(
            ObjectRef resource, String relation, List<Results.ExpandedSubject> subjects) {
        return new Results.ExpandNode(
                resource, relation, Results.ExpandNode.Kind.LEAF, List.of(), subjects, null, null);
    }
}

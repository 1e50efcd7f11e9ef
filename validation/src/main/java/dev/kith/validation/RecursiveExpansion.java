package dev.kith.validation;

import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;

/**
 * The recursive expansion that a validation file's expected relations are compared with (SEMANTICS.md "Expand
 * and expected relations"). The engine's expand gives the rewrite tree of one {@code resource#relation} with
 * the subjects stored directly in its leaves; this class folds that tree with the set algebra of {@link
 * FoundSubjects} and, for every subject set found in a leaf ({@code team:x#member}), adds the subject set itself
 * and then the expansion of that subject set, whose subjects are caveated when the relationship naming the
 * subject set is; likewise every subject of a subtree reached through a caveated arrow link is caveated. A subject set already being expanded on the current path adds nothing more (kith's cycle
 * rule); a path through more subject sets than the depth limit is a {@link KithException.MaxDepthExceeded}.
 */
final class RecursiveExpansion {
    private final BiFunction<ObjectRef, String, Results.ExpandNode> expand;
    private final int depthLimit;
    private final Deque<String> path = new ArrayDeque<>();

    /**
     * @param expand the engine's expand of {@code (resource, relation)}: its tree's root
     * @param depthLimit how many subject sets deep the expansion may go
     */
    RecursiveExpansion(BiFunction<ObjectRef, String, Results.ExpandNode> expand, int depthLimit) {
        this.expand = expand;
        this.depthLimit = depthLimit;
    }

    /** Every subject that {@code resource#relation} reaches. */
    FoundSubjects of(ObjectRef resource, String relation) {
        String key = resource + "#" + relation;
        if (path.contains(key)) return new FoundSubjects();
        if (path.size() > depthLimit) {
            throw new KithException.MaxDepthExceeded(depthLimit, "the recursive expansion of " + path.getLast());
        }
        path.push(key);
        try {
            return fold(expand.apply(resource, relation));
        } finally {
            path.pop();
        }
    }

    /** The subjects of {@code node}, all caveated when the node is reached through a caveated link. */
    private FoundSubjects fold(Results.ExpandNode node) {
        FoundSubjects found = foldKind(node);
        if (node.caveat() != null) found.markCaveated();
        return found;
    }

    private FoundSubjects foldKind(Results.ExpandNode node) {
        return switch (node.kind()) {
            case LEAF -> leaf(node);
            case UNION -> {
                FoundSubjects all = new FoundSubjects();
                for (Results.ExpandNode child : node.children()) all.addAll(fold(child));
                yield all;
            }
            case INTERSECTION -> reduce(node.children(), FoundSubjects::intersect);
            case EXCLUSION -> reduce(node.children(), FoundSubjects::exclude);
        };
    }

    /** The first child's subjects combined, in order, with each further child's; none for no children. */
    private FoundSubjects reduce(List<Results.ExpandNode> children, BinaryOperator<FoundSubjects> op) {
        if (children.isEmpty()) return new FoundSubjects();
        FoundSubjects acc = fold(children.getFirst());
        for (int i = 1; i < children.size(); i++) acc = op.apply(acc, fold(children.get(i)));
        return acc;
    }

    private FoundSubjects leaf(Results.ExpandNode node) {
        String leaf = node.object() + "#" + node.relation();
        FoundSubjects found = new FoundSubjects();
        for (Results.ExpandedSubject s : node.subjects()) {
            SubjectRef subject = s.subject();
            boolean caveated = s.caveat() != null;
            found.add(new FoundSubjects.Found(subject, caveated, List.of(leaf)));
            if (subject.isSubjectSet()) {
                FoundSubjects members = of(subject.object(), subject.relation());
                if (caveated) members.markCaveated();
                found.addAll(members);
            }
        }
        return found;
    }
}

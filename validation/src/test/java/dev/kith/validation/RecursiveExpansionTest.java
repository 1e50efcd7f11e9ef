package dev.kith.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Caveat;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Results.ExpandNode;
import dev.kith.engine.Results.ExpandedSubject;
import dev.kith.engine.SubjectRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Folds hand-written expand trees, as the engine's expand would return them, into found subjects. */
class RecursiveExpansionTest {
    private final Map<String, ExpandNode> trees = new HashMap<>();

    private static ExpandedSubject plain(SubjectRef s) {
        return new ExpandedSubject(s, null, null);
    }

    private static ExpandedSubject caveated(SubjectRef s) {
        return new ExpandedSubject(s, new Caveat("cav", Map.of()), null);
    }

    private static ExpandNode leaf(String object, String relation, ExpandedSubject... subjects) {
        int colon = object.indexOf(':');
        return new ExpandNode(
                new ObjectRef(object.substring(0, colon), object.substring(colon + 1)),
                relation,
                ExpandNode.Kind.LEAF,
                List.of(),
                List.of(subjects),
                null,
                null);
    }

    private static ExpandNode node(ExpandNode.Kind kind, ExpandNode... children) {
        return new ExpandNode(children[0].object(), "view", kind, List.of(children), List.of(), null, null);
    }

    private List<String> expand(String object, String relation, int depth) {
        RecursiveExpansion x = new RecursiveExpansion((o, r) -> trees.get(o + "#" + r), depth);
        int colon = object.indexOf(':');
        FoundSubjects found = x.of(new ObjectRef(object.substring(0, colon), object.substring(colon + 1)), relation);
        return found.all().stream()
                .map(f -> "[" + f.display() + "] is " + f.displayLeaves())
                .toList();
    }

    @Test
    void expandsSubjectSetsRecursivelyAndKeepsThemAsSubjects() {
        trees.put(
                "doc:1#view",
                node(
                        ExpandNode.Kind.UNION,
                        leaf(
                                "doc:1",
                                "viewer",
                                plain(SubjectRef.set("team", "core", "member")),
                                plain(SubjectRef.object("user", "ann"))),
                        leaf("doc:1", "editor", plain(SubjectRef.object("user", "ann")))));
        trees.put("team:core#member", leaf("team:core", "member", plain(SubjectRef.object("user", "bob"))));
        assertThat(expand("doc:1", "view", 50))
                .containsExactly(
                        "[team:core#member] is <doc:1#viewer>",
                        "[user:ann] is <doc:1#editor>/<doc:1#viewer>",
                        "[user:bob] is <team:core#member>");
    }

    @Test
    void membersOfACaveatedSubjectSetAreCaveated() {
        trees.put("doc:1#viewer", leaf("doc:1", "viewer", caveated(SubjectRef.set("team", "core", "member"))));
        trees.put("team:core#member", leaf("team:core", "member", plain(SubjectRef.object("user", "bob"))));
        assertThat(expand("doc:1", "viewer", 50))
                .containsExactly("[team:core#member[...]] is <doc:1#viewer>", "[user:bob[...]] is <team:core#member>");
    }

    @Test
    void aSubtreeReachedThroughACaveatedLinkIsCaveated() {
        ExpandNode viaCaveat = leaf("team:a", "member", plain(SubjectRef.object("user", "ann")));
        ExpandNode linked = new ExpandNode(
                viaCaveat.object(),
                viaCaveat.relation(),
                viaCaveat.kind(),
                viaCaveat.children(),
                viaCaveat.subjects(),
                new Caveat("cav", Map.of()),
                null);
        trees.put(
                "doc:1#view",
                node(
                        ExpandNode.Kind.UNION,
                        linked,
                        leaf(
                                "team:b",
                                "member",
                                plain(SubjectRef.object("user", "bob")),
                                plain(SubjectRef.set("team", "c", "member")))));
        trees.put("team:c#member", leaf("team:c", "member", plain(SubjectRef.object("user", "cy"))));
        assertThat(expand("doc:1", "view", 50))
                .containsExactly(
                        "[team:c#member] is <team:b#member>",
                        "[user:ann[...]] is <team:a#member>",
                        "[user:bob] is <team:b#member>",
                        "[user:cy] is <team:c#member>");
    }

    @Test
    void exclusionAndIntersectionNodes() {
        trees.put(
                "doc:1#view",
                node(
                        ExpandNode.Kind.EXCLUSION,
                        node(
                                ExpandNode.Kind.INTERSECTION,
                                leaf(
                                        "doc:1",
                                        "viewer",
                                        plain(SubjectRef.object("user", "ann")),
                                        plain(SubjectRef.object("user", "bob"))),
                                leaf(
                                        "doc:1",
                                        "member",
                                        plain(SubjectRef.object("user", "ann")),
                                        plain(SubjectRef.object("user", "bob")))),
                        leaf("doc:1", "banned", plain(SubjectRef.object("user", "bob")))));
        assertThat(expand("doc:1", "view", 50)).containsExactly("[user:ann] is <doc:1#member>/<doc:1#viewer>");
    }

    @Test
    void aCycleTerminates() {
        trees.put(
                "group:a#member",
                leaf(
                        "group:a",
                        "member",
                        plain(SubjectRef.set("group", "b", "member")),
                        plain(SubjectRef.object("user", "ann"))));
        trees.put("group:b#member", leaf("group:b", "member", plain(SubjectRef.set("group", "a", "member"))));
        assertThat(expand("group:a", "member", 50))
                .containsExactly(
                        "[group:a#member] is <group:b#member>",
                        "[group:b#member] is <group:a#member>",
                        "[user:ann] is <group:a#member>");
    }

    @Test
    void aChainLongerThanTheDepthLimitFails() {
        for (int i = 0; i < 5; i++) {
            trees.put(
                    "group:g" + i + "#member",
                    leaf("group:g" + i, "member", plain(SubjectRef.set("group", "g" + (i + 1), "member"))));
        }
        trees.put("group:g5#member", leaf("group:g5", "member"));
        assertThat(expand("group:g0", "member", 10)).hasSize(5);
        assertThatThrownBy(() -> expand("group:g0", "member", 3))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                .hasMessageContaining("group:g0#member");
    }
}

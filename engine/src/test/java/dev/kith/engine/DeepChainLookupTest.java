package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.runtime.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One group chain 60 levels deep (past the default depth limit of 50) beside short groups, in one type: lookups
 * whose walk stays within the limit answer, and only those whose answer depends on a walk past it raise the depth
 * error. Lookup-resources walks from the subject up: a user near the top of the chain or in a short group gets its
 * groups, a user 55 levels down does not; lookup-subjects walks from the resource down: a short group or the lower
 * part of the chain answers, the top of the chain does not. Each answer agrees with check of every object it
 * returns.
 */
class DeepChainLookupTest {
    static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition doc {
                relation viewer: user | group#member
                relation banned: group#member
                permission view = viewer - banned
            }
            definition folder {
                relation parent: folder
                relation viewer: user
                permission view = viewer + parent->view
            }
            """;

    static final int CHAIN = 60;

    private static Engine engine(boolean closureIndex) {
        Engine engine = Engines.inMemory(EngineOptions.defaults().withClosureIndex(closureIndex));
        engine.writeSchema(SCHEMA);
        List<String> rels = new ArrayList<>();
        for (int i = 0; i < CHAIN; i++) {
            if (i + 1 < CHAIN) rels.add("group:c" + i + "#member@group:c" + (i + 1) + "#member");
            rels.add("group:c" + i + "#member@user:c" + i);
        }
        rels.add("group:s0#member@group:s1#member");
        rels.add("group:s1#member@group:s2#member");
        for (int i = 0; i < 3; i++) rels.add("group:s" + i + "#member@user:s" + i);
        rels.add("doc:short#viewer@group:s0#member");
        rels.add("doc:deep#viewer@group:c0#member");
        // near's only doc is banned to the whole chain: deciding it walks the chain to its end
        rels.add("doc:guarded#viewer@user:near");
        rels.add("doc:guarded#banned@group:c0#member");
        rels.add("doc:fine#viewer@user:ok");
        rels.add("doc:fine#banned@group:s0#member");
        // folders f1 … f59 each in the one before, f0 the root: f59 is 59 parent hops below f0
        for (int i = 1; i < CHAIN; i++) rels.add("folder:f" + i + "#parent@folder:f" + (i - 1));
        rels.add("folder:f0#viewer@user:top");
        rels.add("folder:f30#viewer@user:mid");
        rels.add("folder:f55#viewer@user:low");
        Fixture.touch(engine, rels.toArray(String[]::new));
        return engine;
    }

    private static TreeSet<String> resources(Engine engine, String type, String perm, String user) {
        TreeSet<String> out = new TreeSet<>();
        for (Results.LookupResource r : engine.lookupResources(new Requests.LookupResources(
                        type, perm, SubjectRef.object("user", user), Map.of(), null, null, 0))
                .items()) {
            assertThat(r.permissionship()).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(engine.check(Requests.Check.of(
                                    new ObjectRef(type, r.resourceId()), perm, SubjectRef.object("user", user)))
                            .permissionship())
                    .as("check of " + type + ":" + r.resourceId() + " for " + user)
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            out.add(r.resourceId());
        }
        return out;
    }

    private static TreeSet<String> subjects(Engine engine, String type, String id, String perm) {
        TreeSet<String> out = new TreeSet<>();
        for (Results.LookupSubject s : engine.lookupSubjects(new Requests.LookupSubjects(
                        new ObjectRef(type, id), perm, "user", null, Map.of(), null, null, 0))
                .items()) {
            out.add(s.subjectId());
        }
        return out;
    }

    private static TreeSet<String> range(String prefix, int from, int to) {
        TreeSet<String> out = new TreeSet<>();
        for (int i = from; i <= to; i++) out.add(prefix + i);
        return out;
    }

    @ParameterizedTest(name = "closure index {0}")
    @ValueSource(booleans = {true, false})
    void lookupResourcesAnswersEveryWalkWithinTheLimit(boolean closureIndex) {
        Engine engine = engine(closureIndex);
        assertThat(resources(engine, "group", "member", "s2")).containsExactly("s0", "s1", "s2");
        assertThat(resources(engine, "group", "member", "c4")).isEqualTo(range("c", 0, 4));
        assertThat(resources(engine, "group", "member", "c45")).isEqualTo(range("c", 0, 45));
        assertThat(resources(engine, "group", "member", "nobody")).isEmpty();
        assertThat(resources(engine, "doc", "view", "s1")).containsExactly("short");
        assertThat(resources(engine, "doc", "view", "c4")).containsExactly("deep");
        assertThat(resources(engine, "doc", "view", "ok")).containsExactly("fine");
        assertThat(resources(engine, "doc", "view", "nobody")).isEmpty();
    }

    @ParameterizedTest(name = "closure index {0}")
    @ValueSource(booleans = {true, false})
    void lookupResourcesFailsWhereItsAnswerNeedsAWalkPastTheLimit(boolean closureIndex) {
        Engine engine = engine(closureIndex);
        // c0 is 55 hops above user:c55: the walk up runs out, as check of group:c0 does
        assertThatThrownBy(() -> resources(engine, "group", "member", "c55"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThatThrownBy(() -> engine.check(
                        Requests.Check.of(new ObjectRef("group", "c0"), "member", SubjectRef.object("user", "c55"))))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThatThrownBy(() -> resources(engine, "doc", "view", "c55"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        // doc:guarded is near's; deciding it means searching the 60-level banned chain for near
        assertThatThrownBy(() -> resources(engine, "doc", "view", "near"))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                .hasMessageContaining("max depth 50 exceeded");
        assertThatThrownBy(() -> engine.check(
                        Requests.Check.of(new ObjectRef("doc", "guarded"), "view", SubjectRef.object("user", "near"))))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
    }

    /** Recursion through an arrow: the walk up from the subject runs out on a tree deeper than the limit. */
    @ParameterizedTest(name = "closure index {0}")
    @ValueSource(booleans = {true, false})
    void lookupResourcesThroughAnArrowAnswersWithinTheLimitAndFailsPastIt(boolean closureIndex) {
        Engine engine = engine(closureIndex);
        assertThat(resources(engine, "folder", "view", "low")).isEqualTo(range("f", 55, CHAIN - 1));
        assertThat(resources(engine, "folder", "view", "mid")).isEqualTo(range("f", 30, CHAIN - 1));
        assertThat(resources(engine, "folder", "view", "nobody")).isEmpty();
        // f59 is 59 hops below top's folder: its check fails, and so does the walk up from top
        assertThatThrownBy(() -> engine.check(
                        Requests.Check.of(new ObjectRef("folder", "f59"), "view", SubjectRef.object("user", "top"))))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        // where the limit is met differs (the closure computes the tree in one pass, the walk climbs from the user)
        assertThatThrownBy(() -> resources(engine, "folder", "view", "top"))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                .hasMessageContaining("max depth 50 exceeded");
    }

    @ParameterizedTest(name = "closure index {0}")
    @ValueSource(booleans = {true, false})
    void lookupSubjectsFailsOnlyWhereTheWalkDownRunsOut(boolean closureIndex) {
        Engine engine = engine(closureIndex);
        assertThat(subjects(engine, "group", "s0", "member")).containsExactly("s0", "s1", "s2");
        assertThat(subjects(engine, "folder", "f30", "view")).containsExactly("mid", "top");
        assertThatThrownBy(() -> subjects(engine, "folder", "f59", "view"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThat(subjects(engine, "doc", "short", "view")).containsExactly("s0", "s1", "s2");
        // 49 hops from c10 to c59
        assertThat(subjects(engine, "group", "c10", "member")).isEqualTo(range("c", 10, CHAIN - 1));
        assertThatThrownBy(() -> subjects(engine, "group", "c0", "member"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThatThrownBy(() -> subjects(engine, "doc", "deep", "view"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
    }
}

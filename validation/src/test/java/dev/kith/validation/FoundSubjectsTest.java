package dev.kith.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.SubjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class FoundSubjectsTest {
    private static FoundSubjects.Found found(String subject, boolean caveated, String... leaves) {
        int colon = subject.indexOf(':');
        String type = subject.substring(0, colon);
        String rest = subject.substring(colon + 1);
        int hash = rest.indexOf('#');
        SubjectRef ref = hash < 0
                ? new SubjectRef(type, rest, null)
                : new SubjectRef(type, rest.substring(0, hash), rest.substring(hash + 1));
        return new FoundSubjects.Found(ref, caveated, List.of(leaves));
    }

    private static FoundSubjects set(FoundSubjects.Found... found) {
        FoundSubjects s = new FoundSubjects();
        for (FoundSubjects.Found f : found) s.add(f);
        return s;
    }

    private static List<String> show(FoundSubjects s) {
        return s.all().stream()
                .map(f -> "[" + f.display() + "] is " + f.displayLeaves())
                .toList();
    }

    @Test
    void unionMergesLeavesAndKeepsTheUncaveatedPath() {
        FoundSubjects s = set(found("user:ann", true, "doc:1#viewer"), found("user:ann", false, "doc:1#editor"));
        s.addAll(set(found("team:x#member", false, "doc:1#viewer")));
        assertThat(show(s))
                .containsExactly("[team:x#member] is <doc:1#viewer>", "[user:ann] is <doc:1#editor>/<doc:1#viewer>");
    }

    @Test
    void intersectionKeepsCommonSubjectsCaveatedIfEitherIs() {
        FoundSubjects a = set(found("user:ann", false, "doc:1#a"), found("user:bob", true, "doc:1#a"));
        FoundSubjects b = set(found("user:bob", false, "doc:1#b"), found("user:cid", false, "doc:1#b"));
        assertThat(show(a.intersect(b))).containsExactly("[user:bob[...]] is <doc:1#a>/<doc:1#b>");
    }

    @Test
    void intersectionWithAWildcardKeepsTheConcreteSubjectsItDoesNotExclude() {
        FoundSubjects.Found w = found("user:*", false, "doc:1#public");
        w.excluded.put("bob", found("user:bob", false));
        FoundSubjects a = set(w);
        FoundSubjects b = set(found("user:ann", false, "doc:1#b"), found("user:bob", false, "doc:1#b"));
        assertThat(show(a.intersect(b))).containsExactly("[user:ann] is <doc:1#b>/<doc:1#public>");
    }

    @Test
    void exclusionRemovesOrCaveats() {
        FoundSubjects a = set(
                found("user:ann", false, "doc:1#a"),
                found("user:bob", false, "doc:1#a"),
                found("user:cid", false, "doc:1#a"));
        FoundSubjects b = set(found("user:bob", false, "doc:1#b"), found("user:cid", true, "doc:1#b"));
        assertThat(show(a.exclude(b))).containsExactly("[user:ann] is <doc:1#a>", "[user:cid[...]] is <doc:1#a>");
    }

    @Test
    void excludingFromAWildcardRecordsTheExclusions() {
        FoundSubjects a = set(found("user:*", false, "doc:1#public"));
        FoundSubjects b = set(found("user:bob", false, "doc:1#banned"), found("user:cid", true, "doc:1#banned"));
        assertThat(show(a.exclude(b))).containsExactly("[user:* - {user:bob, user:cid[...]}] is <doc:1#public>");
    }

    @Test
    void aWildcardExcludesEveryConcreteSubjectOfItsType() {
        FoundSubjects a = set(found("user:ann", false, "doc:1#a"), found("team:x#member", false, "doc:1#a"));
        FoundSubjects b = set(found("user:*", false, "doc:1#b"));
        assertThat(show(a.exclude(b))).containsExactly("[team:x#member] is <doc:1#a>");
    }

    @Test
    void addingASubjectLiftsItsExclusionFromTheWildcard() {
        FoundSubjects.Found w = found("user:*", false, "doc:1#public");
        w.excluded.put("bob", found("user:bob", false));
        w.excluded.put("cid", found("user:cid", false));
        FoundSubjects s = set(w);
        s.add(found("user:bob", false, "doc:1#viewer"));
        s.add(found("user:cid", true, "doc:1#viewer"));
        assertThat(show(s))
                .containsExactly(
                        "[user:* - {user:cid[...]}] is <doc:1#public>",
                        "[user:bob] is <doc:1#viewer>",
                        "[user:cid[...]] is <doc:1#viewer>");
    }

    @Test
    void aUnionOfWildcardsExcludesOnlyWhatBothExclude() {
        FoundSubjects.Found w1 = found("user:*", false, "doc:1#a");
        w1.excluded.put("bob", found("user:bob", false));
        w1.excluded.put("cid", found("user:cid", false));
        FoundSubjects.Found w2 = found("user:*", false, "doc:1#b");
        w2.excluded.put("cid", found("user:cid", true));
        FoundSubjects s = set(w1);
        s.add(w2);
        assertThat(show(s)).containsExactly("[user:* - {user:cid[...]}] is <doc:1#a>/<doc:1#b>");
    }
}

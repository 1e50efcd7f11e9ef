package dev.kith.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Caveat;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextualSnapshot} keeps the {@link Snapshot} contract: forward and reverse agree (checked over every id
 * the snapshot can hand out), postings stay sorted without a key twice, absence reads as null, conditions are
 * carried as given, and objects the index never stored get ids above its count with names that agree.
 */
class ContextualSnapshotTest {
    private final Index index = new Index();
    private Snapshot base;

    @BeforeEach
    void load() {
        List<Index.Op> ops = new ArrayList<>();
        for (String r : List.of(
                "doc:readme#viewer@user:ann",
                "doc:readme#viewer@grp:eng#member",
                "doc:other#viewer@user:bob[expiration:2030-01-01T00:00:00Z]",
                "grp:eng#member@user:bob")) {
            ops.add(index.toOp(Relationship.parse(r), false));
        }
        index.apply(1, ops);
        // a type and pairs the schema would intern, with no object stored
        int device = index.internType("dev");
        index.internPair(device, Snapshot.NO_RELATION);
        index.internPair(index.findType("doc"), index.internRelation("managed"));
        base = Snapshot.of(index, 1);
    }

    private ContextualSnapshot over(String... relationships) {
        return ContextualSnapshot.over(
                base, Stream.of(relationships).map(Relationship::parse).toList());
    }

    private int pair(Snapshot s, String type, String relation) {
        int t = s.findType(type);
        return s.findPair(t, relation == null ? Snapshot.NO_RELATION : s.findRelation(relation));
    }

    private Condition condition(Snapshot s, String resource, String relation, String subject) {
        String[] r = resource.split(":");
        String[] sub = subject.split("[:#]");
        int p = pair(s, r[0], relation);
        Postings postings = s.forward(p, s.findObject(s.findType(r[0]), r[1]));
        long key =
                Snapshot.key(pair(s, sub[0], sub.length > 2 ? sub[2] : null), s.findObject(s.findType(sub[0]), sub[1]));
        int at = postings.find(key);
        assertThat(at).as("%s#%s@%s is there", resource, relation, subject).isGreaterThanOrEqualTo(0);
        return postings.condition(at);
    }

    /** Every rule of the contract, over every pair, object and subject the snapshot can hand out. */
    private static void assertContract(Snapshot s) {
        for (int pair = 0; pair < s.pairCount(); pair++) {
            int type = s.pairType(pair);
            for (int object = 0; object < s.objectCount(type); object++) {
                Postings p = s.forward(pair, object);
                if (p == null) continue;
                long[] keys = p.subjects();
                assertThat(keys).as("postings of %s", s.describe(pair, object)).isNotEmpty();
                for (int i = 1; i < keys.length; i++) assertThat(keys[i]).isGreaterThan(keys[i - 1]);
                for (int i = 0; i < keys.length; i++) {
                    int sp = Snapshot.keyPair(keys[i]);
                    int sid = Snapshot.keyId(keys[i]);
                    assertThat(sid).isLessThan(s.objectCount(s.pairType(sp)));
                    assertThat(s.reverseSubjectPairs(pair)).contains(sp);
                    ReverseVersion r = s.reverse(pair, sp, sid);
                    assertThat(r).as("reverse of %s", s.describe(pair, object)).isNotNull();
                    assertThat(r.objects().contains(object)).isTrue();
                    boolean conditional =
                            r.conditional() != null && r.conditional().contains(object);
                    assertThat(conditional).isEqualTo(p.condition(i) != null);
                }
            }
            for (int sp : s.reverseSubjectPairs(pair)) {
                for (int sid = 0; sid < s.objectCount(s.pairType(sp)); sid++) {
                    ReverseVersion r = s.reverse(pair, sp, sid);
                    if (r == null) continue;
                    assertThat(r.objects().isEmpty()).isFalse();
                    long key = Snapshot.key(sp, sid);
                    for (int object : r.objects()) {
                        assertThat(object).isLessThan(s.objectCount(type));
                        Postings p = s.forward(pair, object);
                        assertThat(p).isNotNull();
                        assertThat(p.find(key)).isGreaterThanOrEqualTo(0);
                    }
                }
            }
        }
    }

    @Test
    void theBaseAndAnOverlayKeepTheContract() {
        assertContract(base);
        assertContract(over(
                "doc:readme#viewer@user:cat",
                "doc:guide#viewer@grp:ops#member",
                "grp:ops#member@user:ann",
                "doc:readme#managed@dev:laptop",
                "doc:other#viewer@user:*",
                "doc:other#viewer@user:dan[expiration:2031-01-01T00:00:00Z]"));
    }

    @Test
    void objectsTheIndexNeverStoredGetIdsAboveItsCountInNameOrder() {
        int user = base.findType("user");
        int count = base.objectCount(user);
        ContextualSnapshot s =
                over("doc:readme#viewer@user:zed", "doc:readme#viewer@user:cat", "doc:new#viewer@user:ann");
        assertThat(s.addedFrom(user)).isEqualTo(count);
        assertThat(s.findObject(user, "cat")).isEqualTo(count);
        assertThat(s.findObject(user, "zed")).isEqualTo(count + 1);
        assertThat(s.objectName(user, count + 1)).isEqualTo("zed");
        assertThat(s.objectCount(user)).isEqualTo(count + 2);
        assertThat(s.findObject(user, "ann")).isEqualTo(base.findObject(user, "ann"));
        assertThat(s.findObject(user, "nobody")).isEqualTo(-1);
        int doc = s.findType("doc");
        assertThat(s.objectName(doc, s.findObject(doc, "new"))).isEqualTo("new");
        // the same relationships in another order: the same ids
        ContextualSnapshot again =
                over("doc:new#viewer@user:ann", "doc:readme#viewer@user:cat", "doc:readme#viewer@user:zed");
        assertThat(again.findObject(user, "zed")).isEqualTo(s.findObject(user, "zed"));
        assertThat(again.findObject(doc, "new")).isEqualTo(s.findObject(doc, "new"));
    }

    @Test
    void anObjectTheIndexInternsLaterReadsAsAbsentAndNeverTakesAContextualId() {
        int user = base.findType("user");
        ContextualSnapshot s = over("doc:readme#viewer@user:zed");
        int zed = s.findObject(user, "zed");
        index.apply(2, List.of(index.toOp(Relationship.parse("doc:readme#viewer@user:later"), false)));
        assertThat(index.findObject(user, "later")).isEqualTo(zed);
        assertThat(s.findObject(user, "later")).isEqualTo(-1);
        assertThat(s.findObject(user, "zed")).isEqualTo(zed);
        assertThat(s.objectName(user, zed)).isEqualTo("zed");
        assertThat(s.forward(pair(s, "doc", "viewer"), s.findObject(s.findType("doc"), "readme"))
                        .subjects())
                .hasSize(3);
    }

    @Test
    void aNewSubjectTypeAndANewRelationOfAStoredObject() {
        ContextualSnapshot s = over("doc:readme#managed@dev:laptop");
        int managed = pair(s, "doc", "managed");
        int dev = s.findType("dev");
        int laptop = s.findObject(dev, "laptop");
        assertThat(laptop).isEqualTo(1);
        int readme = s.findObject(s.findType("doc"), "readme");
        assertThat(s.forward(managed, readme).subjects()).containsExactly(Snapshot.key(pair(s, "dev", null), laptop));
        assertThat(s.reverse(managed, pair(s, "dev", null), laptop).objects().toArray())
                .containsExactly(readme);
        assertThat(s.reverseSubjectPairs(managed)).containsExactly(pair(s, "dev", null));
        assertThat(base.reverseSubjectPairs(managed)).isEmpty();
        assertThat(base.forward(managed, readme)).isNull();
        assertThat(s.forward(managed, laptop + 5)).isNull();
        assertThat(s.reverse(managed, pair(s, "dev", null), -1)).isNull();
    }

    @Test
    void aWildcardIsAnOrdinarySubjectKeyAndNoObject() {
        ContextualSnapshot s = over("doc:other#viewer@user:*");
        int user = s.findType("user");
        assertThat(s.objectCount(user)).isEqualTo(base.objectCount(user));
        Postings p = s.forward(pair(s, "doc", "viewer"), s.findObject(s.findType("doc"), "other"));
        assertThat(p.subjects()[0]).isEqualTo(Snapshot.key(pair(s, "user", null), Snapshot.WILDCARD_ID));
    }

    @Test
    void conditionsAreCarriedAndMergedWithStoredOnesByWhichHolds() {
        Caveat onSite = new Caveat("on_site", Map.of("site", "hq"));
        ContextualSnapshot s = over(
                "doc:readme#viewer@user:cat[on_site:{\"site\":\"hq\"}][expiration:2040-01-01T00:00:00Z]",
                // stored without a condition: the stored one holds
                "doc:readme#viewer@user:ann[expiration:2020-01-01T00:00:00Z]",
                // stored expiring in 2030: the later expiration holds
                "doc:other#viewer@user:bob[expiration:2035-01-01T00:00:00Z]");
        assertThat(condition(s, "doc:readme", "viewer", "user:cat"))
                .isEqualTo(new Condition(onSite, Instant.parse("2040-01-01T00:00:00Z")));
        assertThat(condition(s, "doc:readme", "viewer", "user:ann")).isNull();
        assertThat(condition(s, "doc:other", "viewer", "user:bob"))
                .isEqualTo(new Condition(null, Instant.parse("2035-01-01T00:00:00Z")));
        assertContract(s);
        // the contextual one holds when the stored one has a condition and it has none
        ContextualSnapshot plain = over("doc:other#viewer@user:bob");
        assertThat(condition(plain, "doc:other", "viewer", "user:bob")).isNull();
        int viewer = pair(plain, "doc", "viewer");
        int bob = plain.findObject(plain.findType("user"), "bob");
        assertThat(plain.reverse(viewer, pair(plain, "user", null), bob).conditional())
                .isNull();
        assertThat(base.reverse(viewer, pair(base, "user", null), bob).conditional())
                .isNotNull();
    }

    @Test
    void theSameRelationshipTwiceCountsOnceAndWithAnotherConditionIsRefusedByIndex() {
        ContextualSnapshot twice = over("doc:guide#viewer@user:ann", "doc:guide#viewer@user:ann");
        assertThat(twice.forward(pair(twice, "doc", "viewer"), twice.findObject(twice.findType("doc"), "guide"))
                        .subjects())
                .hasSize(1);
        assertThatThrownBy(() -> over(
                        "doc:guide#viewer@user:ann",
                        "doc:guide#viewer@user:bob",
                        "doc:guide#viewer@user:ann[expiration:2040-01-01T00:00:00Z]"))
                .isInstanceOfSatisfying(KithException.InvalidArgument.class, e -> {
                    assertThat(e.where()).isEqualTo(KithException.Where.contextual(2, KithException.Part.EXPIRATION));
                    assertThat(e.getMessage()).contains("repeats contextual relationship 0");
                });
    }

    @Test
    void theBaseIsNeverChanged() {
        int viewer = pair(base, "doc", "viewer");
        int readme = base.findObject(base.findType("doc"), "readme");
        long[] before = base.forward(viewer, readme).subjects().clone();
        over("doc:readme#viewer@user:cat", "doc:readme#viewer@user:bob");
        assertThat(Arrays.equals(base.forward(viewer, readme).subjects(), before))
                .isTrue();
        int bob = base.findObject(base.findType("user"), "bob");
        assertThat(base.reverse(viewer, pair(base, "user", null), bob).objects().contains(readme))
                .isFalse();
    }
}

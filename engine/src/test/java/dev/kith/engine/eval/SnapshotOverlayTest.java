package dev.kith.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.index.Condition;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Postings;
import dev.kith.engine.index.ReverseVersion;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.Schemas;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * The evaluators read relationships only through {@link Snapshot}: a second implementation, a view that adds a
 * few relationships to the index's (what request-scoped relationships will be), changes what check, expand and
 * both lookups answer, through the evaluators as they are, with the hops through the added relationships spending
 * depth like any other.
 */
class SnapshotOverlayTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    static final String SCHEMA = """
            use expiration

            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition folder {
                relation viewer: user
                permission view = viewer
            }
            definition document {
                relation parent: folder
                relation viewer: user | group#member | user with expiration
                permission view = viewer + parent->view
            }
            """;

    static final List<String> STORED = List.of(
            "group:eng#member@user:ann",
            "document:readme#viewer@group:eng#member",
            "document:other#viewer@user:ann",
            "folder:root#viewer@user:bob");

    /** Added by the overlay: carol, dan, eve and document:guide are objects the index never stored. */
    static final List<String> ADDED = List.of(
            "group:eng#member@user:carol",
            "document:readme#parent@folder:root",
            "document:guide#viewer@user:dan",
            "document:readme#viewer@user:eve[expiration:2020-01-01T00:00:00Z]");

    private final Index index = new Index();
    private CompiledSchema schema;
    private long rev;

    @BeforeEach
    void load() throws Exception {
        schema = CompiledSchema.compile(Schemas.compile("test", SCHEMA), index);
        List<Index.Op> ops = new ArrayList<>();
        for (String r : STORED) ops.add(index.toOp(Relationship.parse(r), false));
        rev = 1;
        index.apply(rev, ops);
    }

    private Queries queries(int depthLimit, UnaryOperator<Snapshot> decorator) {
        return new Queries(index, depthLimit, Clock.fixed(NOW, ZoneOffset.UTC), decorator);
    }

    private Queries overlaid() {
        List<Relationship> added = ADDED.stream().map(Relationship::parse).toList();
        return queries(50, base -> new Overlay(base, added));
    }

    private Permissionship check(Queries q, String resource, String user) {
        String[] r = resource.split("[:#]");
        return q.check(schema, rev, Requests.Check.of(new ObjectRef(r[0], r[1]), r[2], SubjectRef.object("user", user)))
                .permissionship();
    }

    private List<String> lookupResources(Queries q, String user) {
        Results.Page<Results.LookupResource> page = q.lookupResources(
                schema,
                new Cursors.Cursor(rev, null),
                new Requests.LookupResources(
                        "document", "view", SubjectRef.object("user", user), Map.of(), null, null, 0));
        return page.items().stream().map(Results.LookupResource::resourceId).toList();
    }

    private List<String> lookupSubjects(Queries q, String document) {
        Results.Page<Results.LookupSubject> page = q.lookupSubjects(
                schema,
                new Cursors.Cursor(rev, null),
                new Requests.LookupSubjects(
                        new ObjectRef("document", document), "view", "user", null, Map.of(), null, null, 0));
        return page.items().stream().map(Results.LookupSubject::subjectId).toList();
    }

    private Set<String> expandedSubjects(Queries q, String type, String id, String permission) {
        Results.Expand e = q.expand(schema, rev, new Requests.Expand(new ObjectRef(type, id), permission, null));
        Set<String> out = new TreeSet<>();
        collect(e.root(), out);
        return out;
    }

    private static void collect(Results.ExpandNode node, Set<String> out) {
        for (Results.ExpandedSubject s : node.subjects()) out.add(s.subject().toString());
        for (Results.ExpandNode child : node.children()) collect(child, out);
    }

    @Test
    void theIndexAloneHasNoneOfTheAddedRelationships() {
        Queries plain = queries(50, null);
        assertThat(check(plain, "document:readme#view", "ann")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(plain, "document:readme#view", "carol")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(plain, "document:readme#view", "bob")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(lookupResources(plain, "dan")).isEmpty();
        assertThat(lookupSubjects(plain, "readme")).containsExactly("ann");
        assertThat(expandedSubjects(plain, "document", "readme", "view")).containsExactly("group:eng#member");
    }

    @Test
    void checkFollowsTheAddedSubjectSetAndArrowAndJudgesTheAddedExpiration() {
        Queries q = overlaid();
        assertThat(check(q, "document:readme#view", "ann")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(q, "document:readme#view", "carol")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(q, "document:readme#view", "bob")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(q, "document:guide#view", "dan")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(q, "document:readme#view", "eve")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(q, "document:other#view", "carol")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void expandShowsTheAddedLinksAndSubjects() {
        Queries q = overlaid();
        assertThat(expandedSubjects(q, "document", "readme", "view")).containsExactly("group:eng#member", "user:bob");
        assertThat(expandedSubjects(q, "group", "eng", "member")).containsExactly("user:ann", "user:carol");
        assertThat(expandedSubjects(q, "document", "guide", "view")).containsExactly("user:dan");
    }

    @Test
    void bothLookupsSeeTheAddedRelationships() {
        Queries q = overlaid();
        assertThat(lookupResources(q, "carol")).containsExactly("readme");
        assertThat(lookupResources(q, "bob")).containsExactly("readme");
        assertThat(lookupResources(q, "dan")).containsExactly("guide");
        assertThat(lookupResources(q, "ann")).containsExactlyInAnyOrder("readme", "other");
        assertThat(lookupResources(q, "eve")).isEmpty();
        assertThat(lookupSubjects(q, "readme")).containsExactly("ann", "bob", "carol");
        assertThat(lookupSubjects(q, "guide")).containsExactly("dan");
    }

    @Test
    void aHopThroughAnAddedRelationshipSpendsDepthLikeAnyOther() {
        List<Relationship> added = ADDED.stream().map(Relationship::parse).toList();
        Queries one = queries(1, base -> new Overlay(base, added));
        Queries none = queries(0, base -> new Overlay(base, added));
        assertThat(check(one, "document:readme#view", "carol")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThatThrownBy(() -> check(none, "document:readme#view", "carol"))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                // the union's last error: the hop over the added parent link
                .hasMessageContaining("document:readme#parent -> folder:root#view");
        assertThatThrownBy(() -> lookupResources(none, "carol")).isInstanceOf(KithException.MaxDepthExceeded.class);
    }

    /**
     * A snapshot that adds relationships to another's. Objects the base never stored get ids above the base's
     * counts (the index takes no write while a test runs, so those stay free). Types, relations and pairs must
     * be the base's (the schema interned them).
     */
    static final class Overlay implements Snapshot {
        private record Slot(int pair, int object) {}

        private record Reverse(int pair, int subjectPair, int subjectId) {}

        private final Snapshot base;
        private final Map<Integer, List<String>> addedNames = new HashMap<>();
        private final Map<Slot, Postings> forward = new HashMap<>();
        private final Map<Reverse, ReverseVersion> reverse = new HashMap<>();
        private final Map<Integer, Set<Integer>> subjectPairs = new HashMap<>();

        Overlay(Snapshot base, List<Relationship> added) {
            this.base = base;
            Map<Slot, TreeMap<Long, Condition>> subjects = new HashMap<>();
            Map<Reverse, RoaringBitmap[]> objects = new HashMap<>();
            for (Relationship r : added) {
                int type = known(base.findType(r.resource().type()));
                int pair = known(base.findPair(type, known(base.findRelation(r.relation()))));
                int object = object(type, r.resource().id());
                SubjectRef s = r.subject();
                int subjectType = known(base.findType(s.type()));
                int subjectRelation = s.relation() == null ? NO_RELATION : known(base.findRelation(s.relation()));
                int subjectPair = known(base.findPair(subjectType, subjectRelation));
                int subjectId = object(subjectType, s.id());
                Condition c =
                        r.caveat() == null && r.expiresAt() == null ? null : new Condition(r.caveat(), r.expiresAt());

                subjects.computeIfAbsent(new Slot(pair, object), this::stored)
                        .put(Snapshot.key(subjectPair, subjectId), c);
                RoaringBitmap[] bitmaps = objects.computeIfAbsent(
                        new Reverse(pair, subjectPair, subjectId),
                        k -> stored(base.reverse(pair, subjectPair, subjectId)));
                bitmaps[0].add(object);
                if (c != null) bitmaps[1].add(object);
                else bitmaps[1].remove(object);
                subjectPairs.computeIfAbsent(pair, p -> new TreeSet<>()).add(subjectPair);
            }
            subjects.forEach((slot, entries) -> {
                long[] keys =
                        entries.keySet().stream().mapToLong(Long::longValue).toArray();
                Condition[] conditions = entries.values().toArray(new Condition[0]);
                boolean any = entries.values().stream().anyMatch(c -> c != null);
                forward.put(slot, Postings.of(base.revision(), keys, any ? conditions : null));
            });
            objects.forEach((k, b) ->
                    reverse.put(k, ReverseVersion.of(base.revision(), b[0], b[1].isEmpty() ? null : b[1])));
        }

        private static int known(int id) {
            if (id < 0) throw new IllegalArgumentException("the overlay adds relationships, not schema names");
            return id;
        }

        /** The base's id of an object, or the overlay's own above the base's count. */
        private int object(int type, String name) {
            int id = base.findObject(type, name);
            if (id >= 0) return id;
            List<String> names = addedNames.computeIfAbsent(type, t -> new ArrayList<>());
            if (!names.contains(name)) names.add(name);
            return base.objectCount(type) + names.indexOf(name);
        }

        /** The base's entries of a slot, to add to. */
        private TreeMap<Long, Condition> stored(Slot slot) {
            TreeMap<Long, Condition> out = new TreeMap<>();
            Postings p = base.forward(slot.pair(), slot.object());
            if (p != null) for (int i = 0; i < p.subjects().length; i++) out.put(p.subjects()[i], p.condition(i));
            return out;
        }

        private static RoaringBitmap[] stored(ReverseVersion v) {
            if (v == null) return new RoaringBitmap[] {new RoaringBitmap(), new RoaringBitmap()};
            return new RoaringBitmap[] {
                v.objects().clone(),
                v.conditional() == null ? new RoaringBitmap() : v.conditional().clone()
            };
        }

        @Override
        public long revision() {
            return base.revision();
        }

        @Override
        public Postings forward(int pair, int object) {
            Postings p = forward.get(new Slot(pair, object));
            return p != null ? p : base.forward(pair, object);
        }

        @Override
        public ReverseVersion reverse(int pair, int subjectPair, int subjectId) {
            ReverseVersion v = reverse.get(new Reverse(pair, subjectPair, subjectId));
            return v != null ? v : base.reverse(pair, subjectPair, subjectId);
        }

        @Override
        public int[] reverseSubjectPairs(int pair) {
            Set<Integer> out = new TreeSet<>(subjectPairs.getOrDefault(pair, Set.of()));
            for (int p : base.reverseSubjectPairs(pair)) out.add(p);
            return out.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public int findType(String name) {
            return base.findType(name);
        }

        @Override
        public String typeName(int type) {
            return base.typeName(type);
        }

        @Override
        public int findRelation(String name) {
            return base.findRelation(name);
        }

        @Override
        public String relationName(int relation) {
            return base.relationName(relation);
        }

        @Override
        public int findPair(int type, int relation) {
            return base.findPair(type, relation);
        }

        @Override
        public int pairType(int pair) {
            return base.pairType(pair);
        }

        @Override
        public int pairRelation(int pair) {
            return base.pairRelation(pair);
        }

        @Override
        public int pairCount() {
            return base.pairCount();
        }

        @Override
        public int findObject(int type, String id) {
            int found = base.findObject(type, id);
            if (found >= 0) return found;
            int added = addedNames.getOrDefault(type, List.of()).indexOf(id);
            return added < 0 ? -1 : base.objectCount(type) + added;
        }

        @Override
        public String objectName(int type, int id) {
            int baseCount = base.objectCount(type);
            return id < baseCount
                    ? base.objectName(type, id)
                    : addedNames.get(type).get(id - baseCount);
        }

        @Override
        public int objectCount(int type) {
            return base.objectCount(type)
                    + addedNames.getOrDefault(type, List.of()).size();
        }
    }
}

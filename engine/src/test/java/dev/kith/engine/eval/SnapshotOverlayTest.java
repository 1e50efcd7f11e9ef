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
import dev.kith.engine.index.ContextualSnapshot;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.Schemas;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The evaluators read relationships only through {@link Snapshot}: a second implementation, {@link
 * ContextualSnapshot}, a view that adds a few relationships to the index's (a request's contextual relationships),
 * changes what check, expand and both lookups answer, through the evaluators as they are, with the hops through
 * the added relationships spending depth like any other.
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
        return queries(50, base -> ContextualSnapshot.over(base, added));
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
        Queries one = queries(1, base -> ContextualSnapshot.over(base, added));
        Queries none = queries(0, base -> ContextualSnapshot.over(base, added));
        assertThat(check(one, "document:readme#view", "carol")).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThatThrownBy(() -> check(none, "document:readme#view", "carol"))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                // the union's last error: the hop over the added parent link
                .hasMessageContaining("document:readme#parent -> folder:root#view");
        assertThatThrownBy(() -> lookupResources(none, "carol")).isInstanceOf(KithException.MaxDepthExceeded.class);
    }
}

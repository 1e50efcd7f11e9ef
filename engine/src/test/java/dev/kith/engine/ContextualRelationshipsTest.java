package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException.Element;
import dev.kith.engine.KithException.Part;
import dev.kith.engine.KithException.Where;
import dev.kith.engine.runtime.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contextual relationships through the engine: check, bulk check, expand and both lookups answer as if the request's
 * relationships were stored, for that request only; they are validated like a write and never stored.
 */
class ContextualRelationshipsTest {
    static final String SCHEMA = """
            use expiration

            definition user {}
            definition device {
                relation holder: user
            }
            caveat on_site(site string) {
                site == "hq"
            }
            definition group {
                relation member: user | group#member
            }
            definition folder {
                relation viewer: user | group#member
                permission view = viewer
            }
            definition document {
                relation parent: folder
                relation viewer: user | group#member | user:* | user with on_site | user with expiration
                relation managed: device
                relation banned: user
                permission view = (viewer + parent->view) - banned
                permission view_on_device = view & managed->holder
            }
            """;

    private Engine engine;

    @BeforeEach
    void load() {
        engine = Engines.inMemory(EngineOptions.defaults());
        engine.writeSchema(SCHEMA);
        Fixture.touch(
                engine,
                "document:plan#parent@folder:eng",
                "folder:eng#viewer@group:staff#member",
                "group:staff#member@user:bob",
                "document:memo#viewer@user:bob",
                "document:memo#banned@user:eve");
    }

    private static List<Relationship> rels(String... relationships) {
        return Stream.of(relationships).map(Relationship::parse).toList();
    }

    private Permissionship check(String resourceAndPermission, String subject, String... contextual) {
        return check(resourceAndPermission, subject, Map.of(), contextual);
    }

    private Permissionship check(
            String resourceAndPermission, String subject, Map<String, Object> context, String... contextual) {
        String[] rp = resourceAndPermission.split("#");
        return engine.check(new Requests.Check(
                        Fixture.object(rp[0]), rp[1], Fixture.subject(subject), context, null, false, rels(contextual)))
                .permissionship();
    }

    private Results.Page<Results.LookupResource> lookupResources(
            String subject, String cursor, int limit, String... contextual) {
        return engine.lookupResources(new Requests.LookupResources(
                "document", "view", Fixture.subject(subject), null, null, cursor, limit, rels(contextual)));
    }

    private List<String> resources(String subject, String... contextual) {
        return lookupResources(subject, null, 0, contextual).items().stream()
                .map(Results.LookupResource::resourceId)
                .sorted()
                .toList();
    }

    private Results.Page<Results.LookupSubject> lookupSubjects(
            String resource, String cursor, int limit, String... contextual) {
        return engine.lookupSubjects(new Requests.LookupSubjects(
                Fixture.object(resource), "view", "user", null, null, null, cursor, limit, false, rels(contextual)));
    }

    private List<String> subjects(String resource, String... contextual) {
        return lookupSubjects(resource, null, 0, contextual).items().stream()
                .map(Results.LookupSubject::subjectId)
                .toList();
    }

    private Set<String> expanded(String resource, String permission, String... contextual) {
        Results.Expand e =
                engine.expand(new Requests.Expand(Fixture.object(resource), permission, null, rels(contextual)));
        Set<String> out = new TreeSet<>();
        collect(e.root(), out);
        return out;
    }

    private static void collect(Results.ExpandNode node, Set<String> out) {
        for (Results.ExpandedSubject s : node.subjects()) out.add(s.subject().toString());
        for (Results.ExpandNode child : node.children()) collect(child, out);
    }

    @Test
    void aContextualMembershipMakesAStoredArrowAndSubjectSetPathSucceed() {
        assertThat(check("document:plan#view", "user:ann")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check("document:plan#view", "user:ann", "group:staff#member@user:ann"))
                .isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(resources("user:ann", "group:staff#member@user:ann")).containsExactly("plan");
        assertThat(subjects("document:plan", "group:staff#member@user:ann")).containsExactly("ann", "bob");
        assertThat(expanded("group:staff", "member", "group:staff#member@user:ann"))
                .containsExactly("user:ann", "user:bob");
        // the next request without it: nothing of it is left behind
        assertThat(check("document:plan#view", "user:ann")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(resources("user:ann")).isEmpty();
        assertThat(subjects("document:plan")).containsExactly("bob");
    }

    @Test
    void anObjectThatExistsOnlyContextually() {
        String[] draft = {"document:draft#parent@folder:tmp", "folder:tmp#viewer@user:dan"};
        assertThat(check("document:draft#view", "user:dan", draft)).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check("document:draft#view", "user:bob", draft)).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(resources("user:dan", draft)).containsExactly("draft");
        assertThat(subjects("document:draft", draft)).containsExactly("dan");
        assertThat(expanded("document:draft", "view", draft)).containsExactly("user:dan");
        assertThat(check("document:draft#view", "user:dan")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void aDeviceManagedOnlyForThisRequest() {
        assertThat(check("document:memo#view_on_device", "user:bob")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(
                        "document:memo#view_on_device",
                        "user:bob",
                        "document:memo#managed@device:laptop",
                        "device:laptop#holder@user:bob"))
                .isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @Test
    void aContextualWildcardCaveatAndExpirationCountAsStoredOnesWould() {
        assertThat(check("document:plan#view", "user:zoe", "document:plan#viewer@user:*"))
                .isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(subjects("document:plan", "document:plan#viewer@user:*")).contains("*", "bob");
        // the stored ban still excludes eve from a contextual wildcard
        assertThat(check("document:memo#view", "user:eve", "document:memo#viewer@user:*"))
                .isEqualTo(Permissionship.NO_PERMISSION);

        String caveated = "document:plan#viewer@user:cid[on_site]";
        assertThat(check("document:plan#view", "user:cid", caveated)).isEqualTo(Permissionship.CONDITIONAL_PERMISSION);
        assertThat(check("document:plan#view", "user:cid", Map.of("site", "hq"), caveated))
                .isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check("document:plan#view", "user:cid", Map.of("site", "home"), caveated))
                .isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(lookupResources("user:cid", null, 0, caveated).items())
                .extracting(Results.LookupResource::permissionship)
                .containsExactly(Permissionship.CONDITIONAL_PERMISSION);

        assertThat(check(
                        "document:plan#view",
                        "user:cid",
                        "document:plan#viewer@user:cid[expiration:2000-01-01T00:00:00Z]"))
                .isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(check(
                        "document:plan#view",
                        "user:cid",
                        "document:plan#viewer@user:cid[expiration:2999-01-01T00:00:00Z]"))
                .isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @Test
    void aContextualRelationshipIdenticalToAStoredOneAgreesAndRepeatsCountOnce() {
        assertThat(check(
                        "document:memo#view",
                        "user:bob",
                        "document:memo#viewer@user:bob",
                        "document:memo#viewer@user:bob"))
                .isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(subjects("document:memo", "document:memo#viewer@user:bob")).containsExactly("bob");
        // a caveated contextual copy of an unconditional stored relationship: the stored one still holds
        assertThat(check("document:memo#view", "user:bob", "document:memo#viewer@user:bob[on_site]"))
                .isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @Test
    void eachContextualRelationshipIsValidatedLikeAWriteAndNamedByIndex() {
        assertThatThrownBy(() -> check(
                        "document:plan#view",
                        "user:ann",
                        "document:plan#viewer@user:ann",
                        "widget:one#viewer@user:ann"))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class,
                        e -> assertThat(e.where()).isEqualTo(Where.contextual(1, Part.RESOURCE_TYPE)));
        assertThatThrownBy(() -> check("document:plan#view", "user:ann", "document:plan#viewer@device:laptop"))
                .isInstanceOfSatisfying(KithException.InvalidArgument.class, e -> {
                    assertThat(e.where()).isEqualTo(Where.contextual(0, Part.SUBJECT));
                    assertThat(e.getMessage()).startsWith("contextual relationship 0.subject: ");
                });
        assertThatThrownBy(() -> check("document:plan#view", "user:ann", "document:plan#view@user:ann"))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.where()).isEqualTo(Where.contextual(0, Part.RELATION)));
        assertThatThrownBy(() -> check("document:plan#view", "user:ann", "document:plan#viewer@user:ann[nowhere]"))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class,
                        e -> assertThat(e.where()).isEqualTo(Where.contextual(0, Part.CAVEAT)));
        assertThatThrownBy(() ->
                        check("document:plan#view", "user:ann", "document:plan#viewer@user:ann[on_site:{\"site\":7}]"))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.where()).isEqualTo(Where.contextual(0, Part.CAVEAT_CONTEXT)));
        assertThatThrownBy(() -> resources("user:ann", "document:plan#banned@group:staff#member"))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.where()).isEqualTo(Where.contextual(0, Part.SUBJECT)));
        assertThatThrownBy(() -> expanded("document:plan", "view", "folder:eng#parent@folder:root"))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class,
                        e -> assertThat(e.where()).isEqualTo(Where.contextual(0, Part.RELATION)));
    }

    @Test
    void neverStored() {
        long relationships = engine.stats().relationships();
        Revision before = engine.appliedRevision();
        check("document:plan#view", "user:ann", "group:staff#member@user:ann", "document:new#viewer@user:ann");
        resources("user:ann", "group:staff#member@user:ann");
        assertThat(engine.stats().relationships()).isEqualTo(relationships);
        assertThat(engine.appliedRevision()).isEqualTo(before);
        List<String> exported = new ArrayList<>();
        engine.exportRelationships(new Requests.Export(null, null, null, 0))
                .items()
                .forEach(r -> exported.add(r.relationship().toString()));
        assertThat(exported).hasSize(5).noneMatch(r -> r.contains("user:ann") || r.contains("document:new"));
    }

    @Test
    void bulkCheckItemsShareTheListAndAnInvalidOneFailsTheWholeRequest() {
        List<Relationship> shared = rels("group:staff#member@user:ann");
        List<Results.CheckBulkItem> answers = engine.checkBulk(List.of(
                new Requests.Check(
                        Fixture.object("document:plan"),
                        "view",
                        Fixture.subject("user:ann"),
                        null,
                        null,
                        false,
                        shared),
                new Requests.Check(
                        Fixture.object("document:memo"),
                        "view",
                        Fixture.subject("user:ann"),
                        null,
                        null,
                        false,
                        shared),
                new Requests.Check(
                        Fixture.object("document:plan"),
                        "nope",
                        Fixture.subject("user:ann"),
                        null,
                        null,
                        false,
                        shared)));
        assertThat(answers.get(0).result().permissionship()).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(answers.get(1).result().permissionship()).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(answers.get(2).error()).isInstanceOf(KithException.NotFound.class);

        List<Relationship> bad = rels("document:plan#viewer@device:laptop");
        assertThatThrownBy(() -> engine.checkBulk(List.of(new Requests.Check(
                        Fixture.object("document:plan"), "view", Fixture.subject("user:ann"), null, null, false, bad))))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.where().element()).isEqualTo(Element.CONTEXTUAL));
    }

    @Test
    void lookupCursorsResumeOnlyTheSameContextualRelationships() {
        String[] contextual = {
            "document:zeta#viewer@user:ann", "document:alpha#viewer@user:ann", "document:plan#viewer@user:ann"
        };
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Results.Page<Results.LookupResource> page = lookupResources("user:ann", cursor, 1, contextual);
            page.items().forEach(r -> seen.add(r.resourceId()));
            cursor = page.nextCursor();
            // the index interns objects between pages: the contextual ones keep their place
            Fixture.touch(engine, "document:later" + seen.size() + "#viewer@user:bob");
        } while (cursor != null);
        assertThat(seen).containsExactlyInAnyOrder("zeta", "alpha", "plan");

        Results.Page<Results.LookupResource> first = lookupResources("user:ann", null, 1, contextual);
        String next = first.nextCursor();
        assertThatThrownBy(() -> lookupResources("user:ann", next, 1, "document:zeta#viewer@user:ann"))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.getMessage()).contains("other contextual relationships"));
        assertThatThrownBy(() -> lookupResources("user:ann", next, 1))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.getMessage()).startsWith("optionalCursor: "));
        String plain = lookupResources("user:bob", null, 1).nextCursor();
        assertThat(plain).isNotNull();
        assertThatThrownBy(() -> lookupResources("user:bob", plain, 1, contextual))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        e -> assertThat(e.getMessage()).contains("without contextual relationships"));

        String[] members = {"document:plan#viewer@user:ann", "document:plan#viewer@user:cid"};
        List<String> subjects = new ArrayList<>();
        cursor = null;
        do {
            Results.Page<Results.LookupSubject> page = lookupSubjects("document:plan", cursor, 1, members);
            page.items().forEach(s -> subjects.add(s.subjectId()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(subjects).containsExactly("ann", "bob", "cid");
    }

    @Test
    void nestedContextualGroupsSpendDepthLikeStoredOnesInEveryLookup() {
        Engine shallow = Engines.inMemory(EngineOptions.defaults().withDepthLimit(2));
        shallow.writeSchema(SCHEMA);
        Fixture.touch(shallow, "document:plan#viewer@group:one#member", "group:one#member@group:two#member");
        List<Relationship> deeper = rels("group:two#member@group:three#member", "group:three#member@user:ann");
        Requests.Check check = new Requests.Check(
                Fixture.object("document:plan"), "view", Fixture.subject("user:ann"), null, null, false, deeper);
        assertThatThrownBy(() -> shallow.check(check)).isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThatThrownBy(() -> shallow.lookupResources(new Requests.LookupResources(
                        "document", "view", Fixture.subject("user:ann"), null, null, null, 0, deeper)))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        // one link shorter: within the limit, and the plain lookup after it is not affected
        List<Relationship> oneLess = rels("group:two#member@user:ann");
        assertThat(shallow.lookupResources(new Requests.LookupResources(
                                "document", "view", Fixture.subject("user:ann"), null, null, null, 0, oneLess))
                        .items())
                .extracting(Results.LookupResource::resourceId)
                .containsExactly("plan");
        assertThat(shallow.lookupResources(new Requests.LookupResources(
                                "document", "view", Fixture.subject("user:ann"), null, null, null, 0))
                        .items())
                .isEmpty();
    }
}

package dev.kith.engine;

import static dev.kith.engine.Fixture.can;
import static dev.kith.engine.Fixture.touch;
import static dev.kith.engine.Permissionship.HAS_PERMISSION;
import static dev.kith.engine.Permissionship.NO_PERMISSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.runtime.Engines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Writes, schema changes, reads, expand, tracing, watch and request validation through the Engine API. */
class EngineApiTest {
    static final String SCHEMA = """
            use expiration
            caveat weekday(day string) {
                day != "sunday"
            }
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition doc {
                relation owner: user
                relation viewer: user | user:* | group#member | user with weekday | user with expiration
                relation banned: user
                permission edit = owner
                permission view = (viewer + edit) - banned
            }
            """;

    static Engine engine() {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        e.writeSchema(SCHEMA);
        return e;
    }

    static Requests.Write creates(String... rels) {
        return new Requests.Write(
                java.util.stream.Stream.of(rels)
                        .map(Relationship::parse)
                        .map(RelationshipUpdate::create)
                        .toList(),
                List.of());
    }

    @Test
    void statsCountRelationshipsAndObjectsAsTheIndexChanges() {
        Engine e = engine();
        assertThat(e.stats()).isEqualTo(new EngineStats(0, 0, e.appliedRevision()));
        e.write(creates(
                "doc:a#viewer@user:ann", "doc:a#viewer@user:bob", "doc:b#owner@user:ann", "doc:b#viewer@user:*"));
        // objects: doc a, doc b, user ann, user bob (the wildcard is not an object)
        assertThat(e.stats()).isEqualTo(new EngineStats(4, 4, e.appliedRevision()));
        e.write(new Requests.Write(
                List.of(
                        RelationshipUpdate.touch(Relationship.parse("doc:a#viewer@user:ann")),
                        RelationshipUpdate.delete(Relationship.parse("doc:a#viewer@user:bob")),
                        RelationshipUpdate.delete(Relationship.parse("doc:c#viewer@user:carl"))),
                List.of()));
        // the touch changes nothing, the delete of an absent relationship neither; ids stay interned
        assertThat(e.stats().relationships()).isEqualTo(3);
        assertThat(e.stats().objects()).isGreaterThanOrEqualTo(4);
        e.delete(new Requests.Delete(RelationshipFilter.ofType("doc"), List.of(), 0, false));
        assertThat(e.stats().relationships()).isZero();
        assertThat(e.stats().appliedRevision()).isEqualTo(e.appliedRevision());
    }

    @Test
    void everyPartOfABadRelationshipIsNamed() {
        Engine e = engine();
        record Case(String rel, KithException.Part part, Class<? extends KithException> kind) {}
        var unknown = KithException.NotFound.class;
        var invalid = KithException.InvalidArgument.class;
        List<Case> cases = List.of(
                new Case("nope:a#viewer@user:ann", KithException.Part.RESOURCE_TYPE, unknown),
                new Case("doc:a#nope@user:ann", KithException.Part.RELATION, unknown),
                new Case("doc:a#view@user:ann", KithException.Part.RELATION, invalid),
                new Case("doc:a#viewer@robot:r", KithException.Part.SUBJECT_TYPE, unknown),
                new Case("doc:a#viewer@group:g#nope", KithException.Part.SUBJECT_RELATION, unknown),
                new Case("doc:a#viewer@user:ann[nope]", KithException.Part.CAVEAT, unknown),
                new Case("doc:a#owner@user:*", KithException.Part.SUBJECT, invalid),
                new Case("doc:a#owner@group:g#member", KithException.Part.SUBJECT, invalid),
                new Case("doc:a#owner@user:ann[weekday]", KithException.Part.CAVEAT, invalid),
                new Case("doc:a#viewer@user:ann[weekday:{\"day\":1}]", KithException.Part.CAVEAT_CONTEXT, invalid),
                new Case("doc:a#viewer@user:ann[weekday:{\"hour\":\"x\"}]", KithException.Part.CAVEAT_CONTEXT, invalid),
                new Case(
                        "doc:a#owner@user:ann[expiration:2030-01-01T00:00:00Z]",
                        KithException.Part.EXPIRATION,
                        invalid));
        for (Case c : cases) {
            // the bad relationship is the second update of the write: the error says so
            assertThatThrownBy(() -> e.write(creates("doc:ok#owner@user:ann", c.rel())))
                    .as(c.rel())
                    .isInstanceOfSatisfying(
                            c.kind(),
                            x -> assertThat(x.where())
                                    .isEqualTo(new KithException.Where(KithException.Element.UPDATE, 1, c.part())))
                    .hasMessageContaining(c.rel().substring(0, c.rel().indexOf('@')));
        }
        assertThat(can(e, "doc:ok#edit", "user:ann")).isEqualTo(NO_PERMISSION);
    }

    @Test
    void unknownNamesInFiltersAndRequestsSayWhere() {
        Engine e = engine();
        assertThatThrownBy(() -> e.delete(new Requests.Delete(
                        RelationshipFilter.ofType("doc"),
                        List.of(new Precondition(
                                Precondition.Kind.MUST_MATCH,
                                new RelationshipFilter(
                                        "doc", null, null, null, new SubjectFilter("group", null, "nope")))),
                        0,
                        false)))
                .isInstanceOfSatisfying(KithException.NotFound.class, x -> {
                    assertThat(x.where()).isEqualTo(KithException.Where.filter(0, KithException.Part.SUBJECT_RELATION));
                    assertThat(x.name()).isEqualTo("nope");
                });
        assertThatThrownBy(() -> e.delete(new Requests.Delete(RelationshipFilter.ofType("nope"), List.of(), 0, false)))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class,
                        x -> assertThat(x.where())
                                .isEqualTo(KithException.Where.filter(-1, KithException.Part.RESOURCE_TYPE)));
        assertThatThrownBy(() -> can(e, "doc:a#view", "group:g#nope"))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class,
                        x -> assertThat(x.where())
                                .isEqualTo(KithException.Where.request(KithException.Part.SUBJECT_RELATION)));
        assertThatThrownBy(() -> e.lookupSubjects(new Requests.LookupSubjects(
                        new ObjectRef("doc", "a"),
                        "view",
                        "robot",
                        null,
                        java.util.Map.of(),
                        Consistency.MINIMIZE_LATENCY,
                        null,
                        0)))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class,
                        x -> assertThat(x.where())
                                .isEqualTo(KithException.Where.request(KithException.Part.SUBJECT_TYPE)));
    }

    @Test
    void writesAreLimitedInSize() {
        Engine e = Engines.inMemory(EngineOptions.defaults().withMaxUpdatesPerWrite(3));
        e.writeSchema(SCHEMA);
        assertThatThrownBy(() -> e.write(creates(
                        "doc:a#owner@user:a", "doc:a#owner@user:b", "doc:a#owner@user:c", "doc:a#owner@user:d")))
                .isInstanceOf(KithException.LimitExceeded.class);
        e.write(creates("doc:a#owner@user:a", "doc:a#owner@user:b", "doc:a#owner@user:c"));
    }

    @Test
    void createConflictsTouchReplacesAndPreconditionsGuard() {
        Engine e = engine();
        e.write(creates("doc:a#viewer@user:ann"));
        assertThatThrownBy(() -> e.write(creates("doc:a#viewer@user:ann"))).isInstanceOf(KithException.Conflict.class);
        touch(e, "doc:a#viewer@user:ann[weekday]");
        assertThat(Fixture.check(e, "doc:a#view", "user:ann").missingContext()).containsExactly("day");
        RelationshipFilter owners = new RelationshipFilter("doc", "a", null, "owner", null);
        assertThatThrownBy(() -> e.write(new Requests.Write(
                        List.of(RelationshipUpdate.touch(Relationship.parse("doc:a#banned@user:ann"))),
                        List.of(new Precondition(Precondition.Kind.MUST_MATCH, owners)))))
                .isInstanceOf(KithException.PreconditionFailed.class);
        assertThat(can(e, "doc:a#view", "user:ann")).isNotEqualTo(NO_PERMISSION);
    }

    @Test
    void schemaChangesThatOrphanRelationshipsAreRefused() {
        Engine e = engine();
        touch(e, "doc:a#viewer@group:g#member", "group:g#member@user:ann");
        String withoutGroups = SCHEMA.replace("| group#member |", "|");
        assertThatThrownBy(() -> e.writeSchema(withoutGroups))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        x -> assertThat(x.field()).isEqualTo("schema"))
                .hasMessageContaining("doc:a#viewer@group:g#member");
        Fixture.delete(e, "doc:a#viewer@group:g#member");
        Revision r = e.writeSchema(withoutGroups + "\ndefinition folder {\n    relation viewer: user\n}\n");
        assertThat(e.readSchema().text()).contains("definition folder");
        touch(e, "folder:f#viewer@user:ann");
        assertThat(can(e, "folder:f#viewer", "user:ann")).isEqualTo(HAS_PERMISSION);
        assertThat(r.value()).isPositive();
    }

    @Test
    void anInvalidSchemaCarriesDiagnostics() {
        Engine e = engine();
        assertThatThrownBy(() -> e.writeSchema("definition doc {\n    relation viewer: nobody\n}\n"))
                .isInstanceOfSatisfying(
                        KithException.InvalidSchema.class,
                        x -> assertThat(x.diagnostics()).isNotEmpty());
        assertThat(e.readSchema().text()).isEqualTo(SCHEMA);
    }

    @Test
    void unknownNamesAndBadIdsAreReported() {
        Engine e = engine();
        assertThatThrownBy(() -> can(e, "nope:a#view", "user:ann")).isInstanceOf(KithException.NotFound.class);
        assertThatThrownBy(() -> can(e, "doc:a#nope", "user:ann")).isInstanceOf(KithException.NotFound.class);
        assertThatThrownBy(() -> can(e, "doc:a#view", "robot:r")).isInstanceOf(KithException.NotFound.class);
        assertThatThrownBy(() -> e.check(
                        Requests.Check.of(new ObjectRef("doc", "bad id!"), "view", SubjectRef.object("user", "ann"))))
                .isInstanceOf(KithException.InvalidArgument.class);
        List<Results.CheckBulkItem> bulk = e.checkBulk(List.of(
                Requests.Check.of(new ObjectRef("doc", "a"), "view", SubjectRef.object("user", "ann")),
                Requests.Check.of(new ObjectRef("nope", "a"), "view", SubjectRef.object("user", "ann"))));
        assertThat(bulk.get(0).result().permissionship()).isEqualTo(NO_PERMISSION);
        assertThat(bulk.get(1).error()).isInstanceOf(KithException.NotFound.class);
    }

    @Test
    void readRelationshipsPagesWithACursorAtOneRevision() {
        Engine e = engine();
        for (int i = 0; i < 7; i++) touch(e, "doc:d" + i + "#viewer@user:u" + i);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        Revision first = null;
        do {
            Results.Page<Results.ReadRelationship> page = e.readRelationships(
                    new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), null, cursor, 3));
            if (first == null) {
                first = page.revision();
                touch(e, "doc:d0#viewer@user:late");
            }
            assertThat(page.revision()).isEqualTo(first);
            page.items().forEach(r -> seen.add(r.relationship().toString()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(seen).hasSize(7).isSorted();
        assertThatThrownBy(() -> e.readRelationships(
                        new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), null, "garbage!", 3)))
                .isInstanceOf(KithException.InvalidArgument.class);
    }

    @Test
    void deleteByFilter() {
        Engine e = engine();
        touch(e, "doc:a#viewer@user:ann", "doc:b#viewer@user:ann", "doc:b#owner@user:bob");
        Results.Delete d = e.delete(
                new Requests.Delete(new RelationshipFilter("doc", null, null, "viewer", null), List.of(), 0, false));
        assertThat(d.deletedCount()).isEqualTo(2);
        assertThat(can(e, "doc:a#view", "user:ann")).isEqualTo(NO_PERMISSION);
        assertThat(can(e, "doc:b#view", "user:bob")).isEqualTo(HAS_PERMISSION);
    }

    @Test
    void expandShowsTheTree() {
        Engine e = engine();
        touch(e, "doc:a#viewer@group:g#member", "doc:a#viewer@user:ann[weekday]", "doc:a#owner@user:bob");
        Results.ExpandNode root = e.expand(new Requests.Expand(new ObjectRef("doc", "a"), "view", null))
                .root();
        assertThat(root.kind()).isEqualTo(Results.ExpandNode.Kind.EXCLUSION);
        Results.ExpandNode union = root.children().get(0);
        assertThat(union.kind()).isEqualTo(Results.ExpandNode.Kind.UNION);
        Results.ExpandNode viewers = union.children().get(0);
        assertThat(viewers.kind()).isEqualTo(Results.ExpandNode.Kind.LEAF);
        assertThat(viewers.subjects())
                .extracting(s -> s.subject().toString()
                        + (s.caveat() == null ? "" : "[" + s.caveat().name() + "]"))
                .containsExactlyInAnyOrder("group:g#member", "user:ann[weekday]");
        assertThat(union.children().get(1).subjects())
                .extracting(s -> s.subject().toString())
                .containsExactly("user:bob");
    }

    @Test
    void tracingExplainsTheAnswer() {
        Engine e = engine();
        touch(e, "doc:a#viewer@group:g#member", "group:g#member@user:ann");
        Results.Check c = e.check(new Requests.Check(
                new ObjectRef("doc", "a"), "view", SubjectRef.object("user", "ann"), null, null, true));
        assertThat(c.trace()).isNotNull();
        assertThat(c.trace().description()).isEqualTo("doc:a#view");
        assertThat(c.trace().result()).isEqualTo(HAS_PERMISSION);
        assertThat(c.trace().toString()).contains("group:g#member");
        assertThat(Fixture.check(e, "doc:a#view", "user:ann").trace()).isNull();
    }

    @Test
    void watchDeliversChangeSetsInOrderUntilClosed() throws Exception {
        Engine e = engine();
        Revision start = e.appliedRevision();
        List<Results.ChangeSet> got = new CopyOnWriteArrayList<>();
        AutoCloseable w = e.watch(start, got::add);
        Revision r1 = touch(e, "doc:a#viewer@user:ann");
        Revision r2 = Fixture.delete(e, "doc:a#viewer@user:ann");
        awaitSize(got, 2);
        assertThat(got).extracting(Results.ChangeSet::revision).containsExactly(r1, r2);
        assertThat(got.get(1).changes().getFirst().operation()).isEqualTo(Results.RelationshipChange.Operation.DELETE);
        w.close();
        Revision r3 = touch(e, "doc:b#viewer@user:bob");
        List<Results.ChangeSet> later = new CopyOnWriteArrayList<>();
        try (AutoCloseable second = e.watch(r2, later::add)) {
            awaitSize(later, 1);
            assertThat(second).isNotSameAs(w);
        }
        assertThat(later).extracting(Results.ChangeSet::revision).containsExactly(r3);
        assertThat(got).hasSize(2);
    }

    @Test
    void transactionMetadataOfWritesAndDeletesReachesWatchers() throws Exception {
        Engine e = engine();
        List<Results.ChangeSet> got = new CopyOnWriteArrayList<>();
        try (AutoCloseable w = e.watch(e.appliedRevision(), got::add)) {
            Requests.Write write = new Requests.Write(
                    List.of(RelationshipUpdate.touch(Relationship.parse("doc:a#viewer@user:ann"))),
                    List.of(),
                    java.util.Map.of("requestId", "r-1"));
            e.write(write);
            e.delete(new Requests.Delete(
                    RelationshipFilter.ofType("doc"), List.of(), 0, false, java.util.Map.of("requestId", "r-2")));
            touch(e, "doc:b#viewer@user:bob");
            awaitSize(got, 3);
        }
        assertThat(got)
                .extracting(Results.ChangeSet::metadata)
                .containsExactly(
                        java.util.Map.of("requestId", "r-1"), java.util.Map.of("requestId", "r-2"), java.util.Map.of());
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        Await.until(size + " change sets delivered to the watch", () -> list.size() >= size, Duration.ofSeconds(10));
    }

    @Test
    void importBulkLoadsManyAtomically() {
        Engine e = engine();
        List<Relationship> rels = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) rels.add(Relationship.parse("doc:d" + i + "#viewer@user:u" + (i % 500)));
        e.importBulk(rels.iterator());
        assertThat(can(e, "doc:d777#view", "user:u277")).isEqualTo(HAS_PERMISSION);
        assertThat(Fixture.lookupResources(e, "doc", "view", "user:u1")).hasSize(40);
        List<Relationship> bad =
                List.of(Relationship.parse("doc:x#viewer@user:a"), Relationship.parse("doc:y#view@user:a"));
        assertThatThrownBy(() -> e.importBulk(bad.iterator())).isInstanceOf(KithException.InvalidArgument.class);
        assertThat(can(e, "doc:x#view", "user:a")).isEqualTo(NO_PERMISSION);
    }

    @Test
    void lookupsPageWithCursors() {
        Engine e = engine();
        for (int i = 0; i < 10; i++) touch(e, "doc:d" + i + "#viewer@user:ann", "doc:x#viewer@user:v" + i);
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            Results.Page<Results.LookupResource> page = e.lookupResources(new Requests.LookupResources(
                    "doc", "view", SubjectRef.object("user", "ann"), null, null, cursor, 3));
            assertThat(page.items().size()).isLessThanOrEqualTo(3);
            page.items().forEach(r -> ids.add(r.resourceId()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(ids).hasSize(10).doesNotHaveDuplicates();
        List<String> subjects = new ArrayList<>();
        cursor = null;
        do {
            Results.Page<Results.LookupSubject> page = e.lookupSubjects(new Requests.LookupSubjects(
                    new ObjectRef("doc", "x"), "view", "user", null, null, null, cursor, 4));
            page.items().forEach(s -> subjects.add(s.subjectId()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(subjects).hasSize(10).isSorted();
    }

    @Test
    void schemaAtReadsTheCompiledSchemaOfTheRevisionPicked() {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        Results.SchemaAt none = e.schemaAt(Consistency.FULLY_CONSISTENT);
        assertThat(none.schema()).isNull();
        Revision first = e.writeSchema("definition user {}");
        e.writeSchema("definition user {}\ndefinition team {}");
        Results.SchemaAt then = e.schemaAt(new Consistency.AtExactSnapshot(first));
        assertThat(then.readAt()).isEqualTo(first);
        assertThat(then.schema().definitions()).containsOnlyKeys("user");
        assertThat(e.schemaAt(Consistency.FULLY_CONSISTENT).schema().definitions())
                .containsOnlyKeys("user", "team");
    }

    @Test
    void nothingWorksBeforeASchemaIsWritten() {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        assertThatThrownBy(e::readSchema).isInstanceOf(KithException.NotFound.class);
        assertThatThrownBy(() -> e.write(creates("doc:a#viewer@user:ann"))).isInstanceOf(KithException.NotFound.class);
    }
}

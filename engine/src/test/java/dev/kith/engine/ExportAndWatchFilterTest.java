package dev.kith.engine;

import static dev.kith.engine.Fixture.touch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.index.Index;
import dev.kith.engine.runtime.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Export, watch filters and lookup-subjects without wildcards, as the engine answers them. */
class ExportAndWatchFilterTest {
    static final String SCHEMA = """
            definition user {}
            definition doc {
                relation viewer: user | user:*
            }
            definition folder {
                relation viewer: user
            }
            definition group {
                relation member: user
            }
            """;

    static Engine engine() {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        e.writeSchema(SCHEMA);
        return e;
    }

    static List<Relationship> relationships(Results.Page<Results.ReadRelationship> page) {
        return page.items().stream().map(Results.ReadRelationship::relationship).toList();
    }

    /** Every page of an export of {@code limit} per page from {@code cursor}. */
    static List<Results.Page<Results.ReadRelationship>> exportAll(
            Engine e, RelationshipFilter filter, String cursor, int limit) {
        List<Results.Page<Results.ReadRelationship>> pages = new ArrayList<>();
        Consistency at = Consistency.MINIMIZE_LATENCY;
        while (true) {
            var page = e.exportRelationships(new Requests.Export(filter, at, cursor, limit));
            pages.add(page);
            if (page.nextCursor() == null || page.items().isEmpty()) return pages;
            cursor = page.nextCursor();
            at = new Consistency.AtExactSnapshot(page.revision());
        }
    }

    @Test
    void anExportYieldsEveryRelationshipOnceInStoreOrderAcrossTypesWithoutRelationships() {
        Engine e = engine();
        // folder sorts between doc and group and has no relationships: the export goes on past it
        List<Relationship> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) all.add(Relationship.parse("doc:d" + i + "#viewer@user:u" + i));
        all.add(Relationship.parse("doc:d0#viewer@user:*"));
        for (int i = 0; i < 5; i++) all.add(Relationship.parse("group:g" + i + "#member@user:u" + i));
        e.importBulk(all.iterator());
        List<Relationship> expected = all.stream().sorted(Index.order()).toList();

        for (int limit : new int[] {0, 1, 3, 4, 13, 100}) {
            var pages = exportAll(e, null, null, limit);
            List<Relationship> got =
                    pages.stream().flatMap(p -> relationships(p).stream()).toList();
            assertThat(got).as("page size %d", limit).isEqualTo(expected);
            assertThat(pages)
                    .allSatisfy(p ->
                            assertThat(p.revision()).isEqualTo(pages.getFirst().revision()));
        }
        // resumable after any item: the rest, in order, exactly once
        var items = exportAll(e, null, null, 0).getFirst().items();
        for (int i = 0; i < items.size(); i++) {
            List<Relationship> rest = exportAll(e, null, items.get(i).afterCursor(), 2).stream()
                    .flatMap(p -> relationships(p).stream())
                    .toList();
            assertThat(rest).isEqualTo(expected.subList(i + 1, expected.size()));
        }
    }

    @Test
    void anExportReadsEveryPageAtItsFirstPagesRevision() {
        Engine e = engine();
        touch(e, "doc:a#viewer@user:ann", "doc:b#viewer@user:bob", "group:g#member@user:ann");
        var first = e.exportRelationships(new Requests.Export(null, null, null, 2));
        touch(e, "doc:c#viewer@user:carl");
        Fixture.delete(e, "group:g#member@user:ann");
        var second = e.exportRelationships(
                new Requests.Export(null, new Consistency.AtExactSnapshot(first.revision()), first.nextCursor(), 0));
        assertThat(relationships(second)).containsExactly(Relationship.parse("group:g#member@user:ann"));
        assertThat(second.revision()).isEqualTo(first.revision());
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void aFilteredExportIsTheFilteredRead() {
        Engine e = engine();
        touch(e, "doc:a1#viewer@user:ann", "doc:a2#viewer@user:bob", "doc:b#viewer@user:ann", "group:a#member@user:x");
        RelationshipFilter filter = new RelationshipFilter("doc", null, "a", null, null);
        var read = e.readRelationships(new Requests.ReadRelationships(filter, null, null, 0));
        var pages = exportAll(e, filter, null, 1);
        assertThat(pages.stream().flatMap(p -> relationships(p).stream()).toList())
                .isEqualTo(relationships(read))
                .hasSize(2);
        RelationshipFilter bySubject =
                new RelationshipFilter(null, null, null, null, new SubjectFilter("user", "ann", null));
        assertThat(relationships(exportAll(e, bySubject, null, 0).getFirst()))
                .containsExactly(
                        Relationship.parse("doc:a1#viewer@user:ann"), Relationship.parse("doc:b#viewer@user:ann"));
    }

    @Test
    void anExportRefusesCursorsOfOtherListingsAndNamesUnknownFilterNames() {
        Engine e = engine();
        touch(e, "doc:a#viewer@user:ann", "doc:b#viewer@user:bob");
        var read = e.readRelationships(new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), null, null, 1));
        assertThatThrownBy(() -> e.exportRelationships(new Requests.Export(null, null, read.nextCursor(), 1)))
                .isInstanceOfSatisfying(
                        KithException.InvalidArgument.class,
                        x -> assertThat(x.field()).isEqualTo("optionalCursor"));
        var export = e.exportRelationships(new Requests.Export(null, null, null, 1));
        assertThatThrownBy(() -> e.readRelationships(
                        new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), null, export.nextCursor(), 1)))
                .isInstanceOf(KithException.InvalidArgument.class);
        assertThatThrownBy(() ->
                        e.exportRelationships(new Requests.Export(RelationshipFilter.ofType("robot"), null, null, 0)))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class, x -> assertThat(x.name()).isEqualTo("robot"));
    }

    @Test
    void beforeAnySchemaAnExportFindsNothingAndAFilteredOneHasNoSchema() {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        var page = e.exportRelationships(new Requests.Export(null, null, null, 0));
        assertThat(page.items()).isEmpty();
        assertThat(page.nextCursor()).isNull();
        assertThatThrownBy(() ->
                        e.exportRelationships(new Requests.Export(RelationshipFilter.ofType("doc"), null, null, 0)))
                .isInstanceOfSatisfying(
                        KithException.NotFound.class, x -> assertThat(x.name()).isNull());
    }

    @Test
    void lookupSubjectsWithoutWildcardsKeepsPagesFull() {
        Engine e = engine();
        touch(e, "doc:a#viewer@user:*", "doc:a#viewer@user:ann", "doc:a#viewer@user:bob", "doc:a#viewer@user:carl");
        ObjectRef doc = new ObjectRef("doc", "a");
        List<String> all = lookupAll(e, doc, false, 0);
        assertThat(all).containsExactly("*", "ann", "bob", "carl");
        for (int limit : new int[] {0, 1, 2, 3, 4}) {
            assertThat(lookupAll(e, doc, true, limit)).as("limit %d", limit).containsExactly("ann", "bob", "carl");
        }
        var first =
                e.lookupSubjects(new Requests.LookupSubjects(doc, "viewer", "user", null, null, null, null, 1, true));
        assertThat(first.items()).extracting(Results.LookupSubject::subjectId).containsExactly("ann");
        assertThat(first.nextCursor()).isEqualTo(first.items().getFirst().afterCursor());
        var last =
                e.lookupSubjects(new Requests.LookupSubjects(doc, "viewer", "user", null, null, null, null, 3, true));
        assertThat(last.items()).hasSize(3);
        assertThat(last.nextCursor()).isNull();
    }

    private static List<String> lookupAll(Engine e, ObjectRef doc, boolean excludeWildcards, int limit) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        while (true) {
            var page = e.lookupSubjects(new Requests.LookupSubjects(
                    doc, "viewer", "user", null, Map.of(), null, cursor, limit, excludeWildcards));
            if (limit > 0) assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            page.items().forEach(s -> out.add(s.subjectId()));
            if (page.nextCursor() == null) return out;
            assertThat(page.items()).as("a page with more after it is full").hasSize(limit);
            cursor = page.nextCursor();
        }
    }

    @Test
    void aWatchFilterKeepsMatchingChangesAndDropsChangeSetsLeftEmpty() {
        Relationship doc = Relationship.parse("doc:a#viewer@user:ann");
        Relationship folder = Relationship.parse("folder:f#viewer@user:ann");
        Relationship group = Relationship.parse("group:g#member@user:bob");
        var touch = Results.RelationshipChange.Operation.TOUCH;
        var delete = Results.RelationshipChange.Operation.DELETE;
        Results.ChangeSet set = new Results.ChangeSet(
                new Revision(7),
                List.of(
                        new Results.RelationshipChange(touch, doc),
                        new Results.RelationshipChange(delete, folder),
                        new Results.RelationshipChange(touch, group)),
                Map.of("requestId", "r"));

        assertThat(WatchFilter.ALL.apply(set)).isSameAs(set);
        assertThat(WatchFilter.ALL.apply(new Results.ChangeSet(new Revision(8), List.of())))
                .as("a schema write")
                .isNull();

        Results.ChangeSet types = new WatchFilter(Set.of("doc", "folder"), List.of()).apply(set);
        assertThat(types.revision()).isEqualTo(new Revision(7));
        assertThat(types.metadata()).isEqualTo(Map.of("requestId", "r"));
        assertThat(types.changes())
                .extracting(Results.RelationshipChange::relationship)
                .containsExactly(doc, folder);

        var byAnn = new RelationshipFilter(null, null, null, null, new SubjectFilter("user", "ann", null));
        assertThat(new WatchFilter(Set.of(), List.of(byAnn, RelationshipFilter.ofType("group")))
                        .apply(set)
                        .changes())
                .extracting(Results.RelationshipChange::relationship)
                .containsExactly(doc, folder, group);
        // types and filters both apply
        assertThat(new WatchFilter(Set.of("folder"), List.of(byAnn)).apply(set).changes())
                .extracting(Results.RelationshipChange::relationship)
                .containsExactly(folder);
        assertThat(new WatchFilter(Set.of("user"), List.of()).apply(set)).isNull();
        assertThat(new WatchFilter(Set.of("doc"), List.of(RelationshipFilter.ofType("group"))).apply(set))
                .isNull();
    }

    @Test
    void aFilteredWatchDeliversOnlyMatchingChangeSetsInOrder() throws Exception {
        Engine e = engine();
        Revision start = e.appliedRevision();
        BlockingQueue<Results.ChangeSet> got = new LinkedBlockingQueue<>();
        WatchFilter docsOfAnn = new WatchFilter(
                Set.of("doc"),
                List.of(new RelationshipFilter(null, null, null, null, new SubjectFilter("user", "ann", null))));
        try (AutoCloseable w = e.watch(start, docsOfAnn, got::add)) {
            touch(e, "group:g#member@user:ann");
            Revision r2 = touch(e, "doc:a#viewer@user:ann", "doc:a#viewer@user:bob");
            e.writeSchema(SCHEMA + "definition team {}\n");
            touch(e, "doc:b#viewer@user:bob");
            Revision r5 = Fixture.delete(e, "doc:a#viewer@user:ann");
            Results.ChangeSet first = got.poll(10, TimeUnit.SECONDS);
            Results.ChangeSet second = got.poll(10, TimeUnit.SECONDS);
            assertThat(first.revision()).isEqualTo(r2);
            assertThat(first.changes())
                    .containsExactly(new Results.RelationshipChange(
                            Results.RelationshipChange.Operation.TOUCH, Relationship.parse("doc:a#viewer@user:ann")));
            assertThat(second.revision()).isEqualTo(r5);
            assertThat(second.changes().getFirst().operation()).isEqualTo(Results.RelationshipChange.Operation.DELETE);
        }
        assertThat(got).isEmpty();
    }

    @Test
    void anUnfilteredWatchStillDeliversWholeChangeSets() throws Exception {
        Engine e = engine();
        BlockingQueue<Results.ChangeSet> got = new LinkedBlockingQueue<>();
        try (AutoCloseable w = e.watch(e.appliedRevision(), got::add)) {
            Revision r = touch(
                    e,
                    Stream.of("doc:a#viewer@user:ann", "group:g#member@user:ann")
                            .toArray(String[]::new));
            Results.ChangeSet set = got.poll(10, TimeUnit.SECONDS);
            assertThat(set.revision()).isEqualTo(r);
            assertThat(set.changes()).hasSize(2);
        }
    }
}

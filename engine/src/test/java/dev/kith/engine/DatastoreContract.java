package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Datastore} must meet. Extend it with a factory for a fresh, empty store; it uses
 * nothing but the SPI, so the in-memory store and the PostgreSQL store run the same checks.
 */
public abstract class DatastoreContract {
    /** A fresh store with no schema and no relationships, at revision 0. */
    protected abstract Datastore newDatastore();

    protected Datastore store;

    @BeforeEach
    void open() {
        store = newDatastore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static Relationship rel(String text) {
        return Relationship.parse(text);
    }

    protected static List<RelationshipUpdate> creates(String... rels) {
        return Stream.of(rels).map(r -> RelationshipUpdate.create(rel(r))).toList();
    }

    protected List<String> readAll(RelationshipFilter filter) {
        return store.read(filter, store.headRevision(), null, 0).stream()
                .map(Relationship::toString)
                .toList();
    }

    @Test
    void hasOneDeploymentIdentityOfItsOwn() {
        DeploymentIdentity identity = store.deployment();
        assertThat(identity.id()).isNotBlank();
        assertThat(identity.tokenSecret()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(identity.toString()).doesNotContain(identity.tokenSecret());
        store.write(creates("doc:a#viewer@user:ann"), List.of());
        assertThat(store.deployment()).as("stable across calls and writes").isEqualTo(identity);
        try (Datastore other = newDatastore()) {
            assertThat(other.deployment().id())
                    .as("another store is another deployment")
                    .isNotEqualTo(identity.id());
            assertThat(other.deployment().tokenSecret()).isNotEqualTo(identity.tokenSecret());
        }
    }

    @Test
    void transactionMetadataComesBackWithItsChangeSet() {
        Map<String, Object> meta = new java.util.LinkedHashMap<>();
        meta.put("ticket", "OPS-17");
        meta.put("attempt", 2);
        meta.put("tags", List.of("a", "b"));
        meta.put("nothing", null);
        Revision plain = store.write(creates("doc:a#viewer@user:ann"), List.of());
        Revision tagged = store.write(creates("doc:b#viewer@user:bob"), List.of(), meta);
        Requests.Delete delete =
                new Requests.Delete(RelationshipFilter.ofType("doc"), List.of(), 0, false, Map.of("reason", "cleanup"));
        Revision deleted = store.deleteByFilter(delete).revision();
        List<Results.ChangeSet> sets = store.changesSince(Revision.ZERO, 10);
        assertThat(sets).extracting(Results.ChangeSet::revision).containsExactly(plain, tagged, deleted);
        assertThat(sets.get(0).metadata()).isEmpty();
        assertThat(sets.get(1).metadata()).containsOnlyKeys("ticket", "attempt", "tags", "nothing");
        assertThat(sets.get(1).metadata().get("ticket")).isEqualTo("OPS-17");
        assertThat(((Number) sets.get(1).metadata().get("attempt")).intValue()).isEqualTo(2);
        assertThat(sets.get(1).metadata().get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(sets.get(1).metadata().get("nothing")).isNull();
        assertThat(sets.get(2).metadata()).isEqualTo(Map.of("reason", "cleanup"));
        assertThat(store.changesSince(plain, 1).getFirst().metadata().get("ticket"))
                .as("also when read from the middle")
                .isEqualTo("OPS-17");
    }

    @Test
    void suggestsAGcWindow() {
        assertThat(store.defaultGcWindow()).isPositive();
    }

    @Test
    void startsEmptyAtRevisionZero() {
        assertThat(store.headRevision()).isEqualTo(Revision.ZERO);
        assertThat(store.read(RelationshipFilter.ofType("doc"), Revision.ZERO, null, 0))
                .isEmpty();
    }

    @Test
    void createThenReadBack() {
        Revision r = store.write(creates("doc:a#viewer@user:ann", "doc:a#viewer@group:eng#member"), List.of());
        assertThat(r.value()).isPositive();
        assertThat(readAll(RelationshipFilter.ofType("doc")))
                .containsExactly("doc:a#viewer@group:eng#member", "doc:a#viewer@user:ann");
    }

    @Test
    void createOfAnExistingRelationshipConflictsAndWritesNothing() {
        store.write(creates("doc:a#viewer@user:ann"), List.of());
        Revision before = store.headRevision();
        assertThatThrownBy(() -> store.write(creates("doc:b#viewer@user:bob", "doc:a#viewer@user:ann"), List.of()))
                .isInstanceOf(KithException.Conflict.class);
        assertThat(store.headRevision()).isEqualTo(before);
        assertThat(readAll(RelationshipFilter.ofType("doc"))).containsExactly("doc:a#viewer@user:ann");
    }

    @Test
    void theSameRelationshipTwiceInOneWriteIsRefused() {
        assertThatThrownBy(() -> store.write(
                        List.of(
                                RelationshipUpdate.touch(rel("doc:a#viewer@user:ann")),
                                RelationshipUpdate.delete(rel("doc:a#viewer@user:ann"))),
                        List.of()))
                .isInstanceOf(KithException.InvalidArgument.class);
        assertThat(readAll(RelationshipFilter.ofType("doc"))).isEmpty();
    }

    @Test
    void touchReplacesCaveatAndExpiration() {
        store.write(creates("doc:a#viewer@user:ann[only_on:{\"day\":\"monday\"}]"), List.of());
        store.write(
                List.of(RelationshipUpdate.touch(rel("doc:a#viewer@user:ann[expiration:2099-01-01T00:00:00Z]"))),
                List.of());
        assertThat(readAll(RelationshipFilter.ofType("doc")))
                .containsExactly("doc:a#viewer@user:ann[expiration:2099-01-01T00:00:00Z]");
    }

    @Test
    void deleteRemovesAndDeletingAnAbsentRelationshipIsFine() {
        store.write(creates("doc:a#viewer@user:ann", "doc:a#viewer@user:bob"), List.of());
        store.write(
                List.of(
                        RelationshipUpdate.delete(rel("doc:a#viewer@user:ann")),
                        RelationshipUpdate.delete(rel("doc:z#viewer@user:nobody"))),
                List.of());
        assertThat(readAll(RelationshipFilter.ofType("doc"))).containsExactly("doc:a#viewer@user:bob");
    }

    @Test
    void preconditionsAreCheckedAtomically() {
        store.write(creates("doc:a#viewer@user:ann"), List.of());
        RelationshipFilter annOnA =
                new RelationshipFilter("doc", "a", null, "viewer", new SubjectFilter("user", "ann", null));
        RelationshipFilter bobAnywhere =
                new RelationshipFilter("doc", null, null, null, new SubjectFilter("user", "bob", null));
        store.write(creates("doc:b#viewer@user:cid"), List.of(new Precondition(Precondition.Kind.MUST_MATCH, annOnA)));
        assertThatThrownBy(() -> store.write(
                        creates("doc:c#viewer@user:dan"),
                        List.of(new Precondition(Precondition.Kind.MUST_MATCH, bobAnywhere))))
                .isInstanceOf(KithException.PreconditionFailed.class);
        assertThatThrownBy(() -> store.write(
                        creates("doc:c#viewer@user:dan"),
                        List.of(new Precondition(Precondition.Kind.MUST_NOT_MATCH, annOnA))))
                .isInstanceOf(KithException.PreconditionFailed.class);
        assertThat(readAll(RelationshipFilter.ofType("doc")))
                .containsExactly("doc:a#viewer@user:ann", "doc:b#viewer@user:cid");
    }

    @Test
    void filtersByIdPrefixRelationAndSubject() {
        store.write(
                creates(
                        "doc:alpha#viewer@user:ann",
                        "doc:alps#editor@user:ann",
                        "doc:beta#viewer@user:bob",
                        "doc:beta#viewer@group:eng#member",
                        "doc:beta#viewer@group:ops",
                        "folder:alpha#viewer@user:ann"),
                List.of());
        assertThat(readAll(new RelationshipFilter("doc", null, "alp", null, null)))
                .containsExactly("doc:alpha#viewer@user:ann", "doc:alps#editor@user:ann");
        assertThat(readAll(new RelationshipFilter("doc", "beta", null, null, null)))
                .containsExactly(
                        "doc:beta#viewer@group:eng#member", "doc:beta#viewer@group:ops", "doc:beta#viewer@user:bob");
        assertThat(readAll(new RelationshipFilter("doc", null, null, "editor", null)))
                .containsExactly("doc:alps#editor@user:ann");
        assertThat(readAll(new RelationshipFilter("doc", null, null, null, new SubjectFilter("group", null, ""))))
                .containsExactly("doc:beta#viewer@group:ops");
        assertThat(readAll(new RelationshipFilter("doc", null, null, null, new SubjectFilter("group", null, "member"))))
                .containsExactly("doc:beta#viewer@group:eng#member");
        assertThat(readAll(new RelationshipFilter(null, null, null, null, new SubjectFilter("user", "ann", null))))
                .containsExactly(
                        "doc:alpha#viewer@user:ann", "doc:alps#editor@user:ann", "folder:alpha#viewer@user:ann");
    }

    @Test
    void readIsOrderedAndPagesWithAfter() {
        store.write(
                creates(
                        "doc:b#viewer@user:ann",
                        "doc:a#viewer@user:cid",
                        "doc:a#viewer@user:bob",
                        "doc:a#editor@user:zed"),
                List.of());
        Revision head = store.headRevision();
        List<String> pages = new ArrayList<>();
        Relationship after = null;
        while (true) {
            List<Relationship> page = store.read(RelationshipFilter.ofType("doc"), head, after, 2);
            if (page.isEmpty()) break;
            page.forEach(r -> pages.add(r.toString()));
            after = page.getLast();
        }
        assertThat(pages)
                .containsExactly(
                        "doc:a#editor@user:zed",
                        "doc:a#viewer@user:bob",
                        "doc:a#viewer@user:cid",
                        "doc:b#viewer@user:ann");
    }

    @Test
    void revisionsIncreaseAndChangesComeInOrder() {
        Revision r1 = store.write(creates("doc:a#viewer@user:ann"), List.of());
        Revision r2 = store.write(
                List.of(
                        RelationshipUpdate.delete(rel("doc:a#viewer@user:ann")),
                        RelationshipUpdate.touch(rel("doc:b#viewer@user:bob"))),
                List.of());
        assertThat(r2.value()).isGreaterThan(r1.value());
        List<Results.ChangeSet> changes = store.changesSince(Revision.ZERO, 100);
        assertThat(changes).extracting(Results.ChangeSet::revision).containsExactly(r1, r2);
        assertThat(changes.get(0).changes())
                .containsExactly(new Results.RelationshipChange(
                        Results.RelationshipChange.Operation.TOUCH, rel("doc:a#viewer@user:ann")));
        assertThat(changes.get(1).changes())
                .containsExactlyInAnyOrder(
                        new Results.RelationshipChange(
                                Results.RelationshipChange.Operation.DELETE, rel("doc:a#viewer@user:ann")),
                        new Results.RelationshipChange(
                                Results.RelationshipChange.Operation.TOUCH, rel("doc:b#viewer@user:bob")));
        assertThat(store.changesSince(r1, 100))
                .extracting(Results.ChangeSet::revision)
                .containsExactly(r2);
        assertThat(store.changesSince(r1, 0)).isEmpty();
    }

    @Test
    void readsAtAnOlderRevisionSeeThatSnapshot() {
        Revision r1 = store.write(creates("doc:a#viewer@user:ann"), List.of());
        store.write(
                List.of(
                        RelationshipUpdate.delete(rel("doc:a#viewer@user:ann")),
                        RelationshipUpdate.create(rel("doc:a#viewer@user:bob"))),
                List.of());
        assertThat(store.read(RelationshipFilter.ofType("doc"), r1, null, 0))
                .extracting(Relationship::toString)
                .containsExactly("doc:a#viewer@user:ann");
        assertThat(readAll(RelationshipFilter.ofType("doc"))).containsExactly("doc:a#viewer@user:bob");
    }

    @Test
    void garbageCollectionExpiresOldRevisions() {
        Revision r1 = store.write(creates("doc:a#viewer@user:ann"), List.of());
        Revision r2 = store.write(creates("doc:a#viewer@user:bob"), List.of());
        store.collectGarbage(Instant.now().plusSeconds(3600));
        assertThat(store.oldestRevision()).isEqualTo(r2);
        assertThatThrownBy(() -> store.read(RelationshipFilter.ofType("doc"), r1, null, 0))
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThat(store.read(RelationshipFilter.ofType("doc"), r2, null, 0)).hasSize(2);
        assertThatThrownBy(() -> store.changesSince(Revision.ZERO, 10))
                .isInstanceOf(KithException.RevisionExpired.class);
    }

    @Test
    void loadStreamsTheHeadState() {
        store.writeSchema("definition user {}");
        store.write(creates("doc:a#viewer@user:ann", "doc:b#viewer@user:bob"), List.of());
        store.write(List.of(RelationshipUpdate.delete(rel("doc:a#viewer@user:ann"))), List.of());
        List<String> schema = new ArrayList<>();
        List<String> rels = new ArrayList<>();
        Revision at = store.load(schema::add, r -> rels.add(r.toString()));
        assertThat(at).isEqualTo(store.headRevision());
        assertThat(schema).containsExactly("definition user {}");
        assertThat(rels).containsExactly("doc:b#viewer@user:bob");
    }

    @Test
    void loadAtStreamsTheStateAtAnOlderRevision() {
        Revision schema = store.writeSchema("definition user {}");
        Revision r1 = store.write(creates("doc:a#viewer@user:ann", "doc:b#viewer@user:bob"), List.of());
        store.writeSchema("definition user {}\ndefinition doc {}");
        store.write(
                List.of(
                        RelationshipUpdate.delete(rel("doc:a#viewer@user:ann")),
                        RelationshipUpdate.create(rel("doc:c#viewer@user:cid"))),
                List.of());
        List<String> schemas = new ArrayList<>();
        List<String> rels = new ArrayList<>();
        assertThat(store.loadAt(r1, schemas::add, r -> rels.add(r.toString()))).isEqualTo(r1);
        assertThat(schemas).containsExactly("definition user {}");
        assertThat(rels).containsExactlyInAnyOrder("doc:a#viewer@user:ann", "doc:b#viewer@user:bob");

        schemas.clear();
        rels.clear();
        assertThat(store.loadAt(Revision.ZERO, schemas::add, r -> rels.add(r.toString())))
                .isEqualTo(Revision.ZERO);
        assertThat(schemas).containsExactly((String) null);
        assertThat(rels).isEmpty();

        Revision head = store.headRevision();
        assertThatThrownBy(() -> store.loadAt(new Revision(head.value() + 1), t -> {}, r -> {}))
                .isInstanceOf(KithException.RevisionUnavailable.class);
        store.collectGarbage(Instant.now().plusSeconds(3600));
        assertThatThrownBy(() -> store.loadAt(schema, t -> {}, r -> {}))
                .isInstanceOf(KithException.RevisionExpired.class);
        rels.clear();
        store.loadAt(head, t -> {}, r -> rels.add(r.toString()));
        assertThat(rels).containsExactlyInAnyOrder("doc:b#viewer@user:bob", "doc:c#viewer@user:cid");
    }

    @Test
    void commitTimesAndTheRevisionInForceAtAnInstant() {
        Revision r1 = store.write(creates("doc:a#viewer@user:ann"), List.of());
        Revision r2 = store.writeSchema("definition user {}");
        Revision r3 = store.write(creates("doc:b#viewer@user:bob"), List.of());
        List<Datastore.CommittedRevision> times = store.commitTimes(Revision.ZERO, 10);
        assertThat(times).extracting(Datastore.CommittedRevision::revision).containsExactly(Revision.ZERO, r1, r2, r3);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i).committedAt())
                    .isAfterOrEqualTo(times.get(i - 1).committedAt());
        }
        assertThat(store.commitTimes(r2, 1)).containsExactly(times.get(2));
        assertThat(store.commitTimes(new Revision(r3.value() + 1), 10)).isEmpty();

        for (Datastore.CommittedRevision t : times) {
            Revision newestAtThatTime = times.stream()
                    .filter(o -> !o.committedAt().isAfter(t.committedAt()))
                    .map(Datastore.CommittedRevision::revision)
                    .max(Revision::compareTo)
                    .orElseThrow();
            assertThat(store.revisionAt(t.committedAt())).isEqualTo(newestAtThatTime);
        }
        Instant first = times.get(0).committedAt();
        assertThat(store.revisionAt(first.minusSeconds(86_400)))
                .as("before every kept revision: the oldest one")
                .isEqualTo(Revision.ZERO);
        assertThat(store.revisionAt(Instant.now().plusSeconds(3600))).isEqualTo(r3);

        store.collectGarbage(Instant.now().plusSeconds(3600));
        assertThat(store.revisionAt(first.minusSeconds(86_400))).isEqualTo(r3);
        assertThatThrownBy(() -> store.commitTimes(r1, 10)).isInstanceOf(KithException.RevisionExpired.class);
        assertThat(store.commitTimes(r3, 10))
                .extracting(Datastore.CommittedRevision::revision)
                .containsExactly(r3);
    }

    @Test
    void schemaTextIsKeptPerRevision() {
        Revision a = store.writeSchema("definition user {}");
        Revision mid = store.write(creates("doc:a#viewer@user:ann"), List.of());
        Revision b = store.writeSchema("definition user {}\ndefinition doc {}");
        assertThat(store.schemaAt(Revision.ZERO)).isNull();
        assertThat(store.schemaAt(a)).isEqualTo("definition user {}");
        assertThat(store.schemaAt(mid)).isEqualTo("definition user {}");
        assertThat(store.schemaAt(b)).isEqualTo("definition user {}\ndefinition doc {}");
        assertThat(store.changesSince(a, 10))
                .extracting(Results.ChangeSet::revision)
                .containsExactly(mid, b);
    }

    @Test
    void deleteByFilterWithLimitFailsOrDeletesPart() {
        store.write(creates("doc:a#viewer@user:ann", "doc:b#viewer@user:ann", "doc:c#viewer@user:ann"), List.of());
        RelationshipFilter all = RelationshipFilter.ofType("doc");
        assertThatThrownBy(() -> store.deleteByFilter(new Requests.Delete(all, List.of(), 2, false)))
                .isInstanceOf(KithException.class);
        assertThat(readAll(all)).hasSize(3);
        Datastore.DeleteOutcome partial = store.deleteByFilter(new Requests.Delete(all, List.of(), 2, true));
        assertThat(partial.partial()).isTrue();
        assertThat(partial.deleted()).hasSize(2);
        assertThat(readAll(all)).hasSize(1);
        Datastore.DeleteOutcome rest = store.deleteByFilter(new Requests.Delete(all, List.of(), 0, false));
        assertThat(rest.partial()).isFalse();
        assertThat(rest.deleted()).hasSize(1);
        assertThat(readAll(all)).isEmpty();
    }

    @Test
    void importBulkIsAtomicWithCreateSemantics() {
        store.write(creates("doc:a#viewer@user:ann"), List.of());
        List<Relationship> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) many.add(rel("doc:d" + i + "#viewer@user:u" + (i % 100)));
        Revision r = store.importBulk(many.iterator());
        assertThat(store.read(RelationshipFilter.ofType("doc"), r, null, 0)).hasSize(5001);
        Revision before = store.headRevision();
        assertThatThrownBy(() -> store.importBulk(List.of(rel("doc:new#viewer@user:x"), rel("doc:a#viewer@user:ann"))
                        .iterator()))
                .isInstanceOf(KithException.Conflict.class);
        assertThatThrownBy(() -> store.importBulk(List.of(rel("doc:new#viewer@user:x"), rel("doc:new#viewer@user:x"))
                        .iterator()))
                .isInstanceOf(KithException.InvalidArgument.class);
        assertThat(store.headRevision()).isEqualTo(before);
        assertThat(readAll(new RelationshipFilter("doc", "new", null, null, null)))
                .isEmpty();
    }

    @Test
    void notifiesOfNewRevisions() {
        int[] calls = {0};
        store.onNewRevisions(() -> calls[0]++);
        store.write(creates("doc:a#viewer@user:ann"), List.of());
        assertThat(calls[0]).isPositive();
    }
}

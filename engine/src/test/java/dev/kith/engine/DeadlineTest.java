package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.runtime.Engines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every long operation stops when its caller's {@link Deadline} has passed or was cancelled, and a write stopped
 * that way leaves the store unchanged. Each dataset below is bigger than {@link Deadline.Ticker#EVERY} steps of
 * the operation, so the operation's own loop is what notices; no test measures time.
 */
class DeadlineTest {
    /** More steps than one poll interval of every long loop. */
    private static final int WIDE = 3 * Deadline.Ticker.EVERY;

    private static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition folder {
                relation viewer: user | group#member
                permission view = viewer
            }
            definition doc {
                relation parent: folder
                relation viewer: user | group#member
                permission view = viewer + parent->view
            }
            """;

    /**
     * {@code group:big} holds WIDE subject sets (none holds {@code user:nobody}) and {@code user:ann}; WIDE docs
     * name it as viewer; {@code doc:wide} has WIDE parent folders, each with its own viewer.
     */
    private static Engine engine() {
        return engine(EngineOptions.DEFAULT_CLOSURE_INDEX);
    }

    /** {@link #engine()}, with the closure index on or off. */
    private static Engine engine(boolean closureIndex) {
        Engine e = Engines.inMemory(EngineOptions.defaults().withClosureIndex(closureIndex));
        e.writeSchema(SCHEMA);
        List<Relationship> rels = new ArrayList<>();
        rels.add(Relationship.parse("group:big#member@user:ann"));
        for (int i = 0; i < WIDE; i++) {
            rels.add(Relationship.parse("group:big#member@group:g" + i + "#member"));
            rels.add(Relationship.parse("group:g" + i + "#member@user:u" + i));
            rels.add(Relationship.parse("doc:d" + i + "#viewer@group:big#member"));
            rels.add(Relationship.parse("doc:wide#parent@folder:f" + i));
            rels.add(Relationship.parse("folder:f" + i + "#viewer@user:v" + i));
        }
        e.importBulk(rels.iterator());
        return e;
    }

    /** A deadline that has already passed: cancelled before the work starts. */
    private static Deadline passed() {
        Deadline d = Deadline.untilCancelled();
        d.cancel();
        return d;
    }

    private static <T> T under(Deadline d, Callable<T> work) {
        try {
            return d.call(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void stops(Callable<?> work) {
        assertThatThrownBy(() -> under(passed(), work))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("cancelled");
    }

    @Test
    void theSameWorkAnswersWithoutADeadline() {
        Engine e = engine();
        assertThat(Fixture.lookupResources(e, "doc", "view", "user:ann")).hasSize(WIDE);
        assertThat(Fixture.can(e, "group:big#member", "user:nobody")).isEqualTo(Permissionship.NO_PERMISSION);
        assertThat(Fixture.lookupSubjects(e, "doc:wide#view", "user")).hasSize(WIDE);
    }

    @Test
    void lookupResourcesStops() {
        Engine e = engine();
        stops(() -> Fixture.lookupResources(e, "doc", "view", "user:ann"));
    }

    @Test
    void lookupSubjectsStops() {
        Engine e = engine();
        stops(() -> Fixture.lookupSubjects(e, "doc:wide#view", "user"));
    }

    @Test
    void expandStops() {
        Engine e = engine();
        stops(() -> e.expand(new Requests.Expand(new ObjectRef("doc", "wide"), "view", null)));
    }

    @Test
    void aCheckThatVisitsManyRelationsStops() {
        // the walk visits every nested group; the closure index answers the same check in a few reads, before the
        // deadline is looked at
        Engine walked = engine(false);
        stops(() -> Fixture.check(walked, "group:big#member", "user:nobody"));
        Engine closed = engine(true);
        assertThat(under(passed(), () -> Fixture.can(closed, "group:big#member", "user:nobody")))
                .isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void checkBulkFailsAsAWholeInsteadOfPerItem() {
        Engine e = engine();
        List<Requests.Check> checks = IntStream.range(0, WIDE)
                .mapToObj(i ->
                        Requests.Check.of(new ObjectRef("group", "g" + i), "member", SubjectRef.object("user", "ann")))
                .toList();
        assertThat(e.checkBulk(checks))
                .allSatisfy(item -> assertThat(item.error()).isNull());
        stops(() -> e.checkBulk(checks));
    }

    @Test
    void readRelationshipsStops() {
        Engine e = engine();
        stops(() -> e.readRelationships(
                new Requests.ReadRelationships(RelationshipFilter.ofType("folder"), null, null, 0)));
    }

    @Test
    void aDeadlineThatRanOutStopsWorkAndSaysSo() {
        Engine e = engine();
        assertThatThrownBy(() -> under(
                        Deadline.after(Duration.ofNanos(1)),
                        () -> Fixture.lookupResources(e, "doc", "view", "user:ann")))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("deadline of 0 ms passed")
                .hasMessageContaining("lookup-resources");
    }

    @Test
    void waitingForARevisionStopsAtTheDeadlineNotAtTheFreshnessTimeout() {
        Engine e = engine();
        Revision future = new Revision(e.appliedRevision().value() + 100);
        Requests.Check check = new Requests.Check(
                new ObjectRef("doc", "d1"),
                "view",
                SubjectRef.object("user", "ann"),
                Map.of(),
                new Consistency.AtLeastAsFresh(future),
                false);
        assertThatThrownBy(() -> under(passed(), () -> e.check(check)))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("waiting for revision " + future.value());
    }

    @Test
    void deleteByFilterPastItsDeadlineDeletesNothing() {
        Engine e = engine();
        Revision before = e.appliedRevision();
        stops(() -> e.delete(new Requests.Delete(RelationshipFilter.ofType("folder"), List.of(), 0, false)));
        assertThat(e.appliedRevision()).isEqualTo(before);
        assertThat(e.readRelationships(
                                new Requests.ReadRelationships(RelationshipFilter.ofType("folder"), null, null, 0))
                        .items())
                .hasSize(WIDE);
    }

    @Test
    void aWritePastItsDeadlineCommitsNothing() {
        Engine e = engine();
        Revision before = e.appliedRevision();
        assertThatThrownBy(() -> under(passed(), () -> Fixture.touch(e, "doc:new#viewer@user:zed")))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("nothing was written");
        assertThat(e.appliedRevision()).isEqualTo(before);
        assertThat(Fixture.can(e, "doc:new#view", "user:zed")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void aSchemaWritePastItsDeadlineKeepsTheOldSchema() {
        Engine e = engine();
        Revision before = e.appliedRevision();
        stops(() -> e.writeSchema(SCHEMA + "\ndefinition extra {}\n"));
        assertThat(e.appliedRevision()).isEqualTo(before);
        assertThat(e.readSchema().text()).isEqualTo(SCHEMA);
    }

    @Test
    void anImportPastItsDeadlineImportsNothing() {
        Engine e = engine();
        Revision before = e.appliedRevision();
        stops(() -> e.importBulk(IntStream.range(0, WIDE)
                .mapToObj(i -> Relationship.parse("doc:imported" + i + "#viewer@user:ann"))
                .iterator()));
        assertThat(e.appliedRevision()).isEqualTo(before);
        assertThat(Fixture.can(e, "doc:imported0#view", "user:ann")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void theBindingEndsWithItsCallAndNestsCleanly() throws Exception {
        Deadline outer = Deadline.untilCancelled();
        Deadline inner = Deadline.after(Duration.ofHours(1));
        outer.call(() -> {
            assertThat(Deadline.current()).isSameAs(outer);
            inner.call(() -> assertThat(Deadline.current()).isSameAs(inner));
            assertThat(Deadline.current()).isSameAs(outer);
            Deadline.detached(() -> assertThat(Deadline.current().passed()).isFalse());
            return assertThat(Deadline.current()).isSameAs(outer);
        });
        assertThat(Deadline.current()).isNotSameAs(outer);
        assertThat(Deadline.current().passed()).isFalse();
        Deadline.current().cancel();
        assertThat(Deadline.current().passed())
                .as("the unbound deadline cannot be cancelled")
                .isFalse();
    }

    @Test
    void cancellingFromAnotherThreadStopsWorkAtItsNextPoll() throws Exception {
        Engine e = engine();
        Deadline d = Deadline.untilCancelled();
        Thread canceller = new Thread(d::cancel);
        canceller.start();
        canceller.join();
        assertThatThrownBy(() -> under(d, () -> Fixture.lookupSubjects(e, "doc:wide#view", "user")))
                .isInstanceOf(KithException.DeadlineExceeded.class);
        assertThat(Fixture.lookupSubjects(e, "doc:wide#view", "user"))
                .as("the next call on this thread runs unbound")
                .hasSize(WIDE);
    }

    @Test
    void aCommittedWriteCannotBeCancelledAnyMore() {
        Engine e = engine();
        Deadline d = Deadline.after(Duration.ofHours(1));
        under(d, () -> Fixture.touch(e, "doc:late#viewer@user:zed"));
        assertThat(d.cancel())
                .as("a timer firing after the commit must not report the write as stopped")
                .isFalse();
        assertThat(d.cancelled()).isFalse();
        assertThat(Fixture.can(e, "doc:late#view", "user:zed")).isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @Test
    void commitAndCancelExcludeEachOther() {
        Deadline committed = Deadline.untilCancelled();
        committed.commit("the write");
        assertThat(committed.cancel()).isFalse();
        assertThat(committed.passed()).isFalse();
        committed.commit("the write");

        Deadline cancelled = Deadline.untilCancelled();
        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.cancel()).as("idempotent").isTrue();
        assertThatThrownBy(() -> cancelled.commit("the write"))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("the write");
        assertThat(Deadline.current().cancel()).as("the unbound deadline").isFalse();
    }
}

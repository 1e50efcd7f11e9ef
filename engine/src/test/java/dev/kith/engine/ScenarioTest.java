package dev.kith.engine;

import static dev.kith.engine.Fixture.can;
import static dev.kith.engine.Fixture.check;
import static dev.kith.engine.Fixture.lookupResources;
import static dev.kith.engine.Fixture.lookupSubjects;
import static dev.kith.engine.Fixture.touch;
import static dev.kith.engine.Permissionship.CONDITIONAL_PERMISSION;
import static dev.kith.engine.Permissionship.HAS_PERMISSION;
import static dev.kith.engine.Permissionship.NO_PERMISSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.runtime.Engines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per construct of SEMANTICS.md and per known trap, with the closure index on ({@link
 * ScenarioWithoutClosureTest} runs them all with it off).
 */
class ScenarioTest {
    /** Whether the engines of these tests keep the closure index. */
    boolean closureIndex() {
        return true;
    }

    Engine engine(String schema) {
        return engine(schema, EngineOptions.defaults());
    }

    Engine engine(String schema, EngineOptions options) {
        Engine e = Engines.inMemory(options.withClosureIndex(closureIndex()));
        e.writeSchema(schema);
        return e;
    }

    static final String GROUPS = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition doc {
                relation viewer: user | group#member
                permission view = viewer
            }
            """;

    @Test
    void delegationChainWithinTheLimitGrantsAndPastItFailsLoudly() {
        Engine e = engine(GROUPS, EngineOptions.defaults().withDepthLimit(5));
        touch(e, "doc:d#viewer@group:g0#member");
        for (int i = 0; i < 8; i++) touch(e, "group:g" + i + "#member@group:g" + (i + 1) + "#member");
        touch(e, "group:g2#member@user:near", "group:g8#member@user:far");
        assertThat(can(e, "doc:d#view", "user:near")).isEqualTo(HAS_PERMISSION);
        assertThatThrownBy(() -> can(e, "doc:d#view", "user:far"))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                .hasMessageContaining("max depth 5");
        assertThatThrownBy(() -> can(e, "doc:d#view", "user:stranger"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
    }

    @Test
    void aVeryLongChainIsADepthErrorForEveryOperationNeverAStackOverflow() {
        Engine e = engine(GROUPS);
        List<Relationship> chain = new ArrayList<>();
        chain.add(Relationship.parse("doc:d#viewer@group:g0#member"));
        for (int i = 0; i < 50_000; i++) {
            chain.add(Relationship.parse("group:g" + i + "#member@group:g" + (i + 1) + "#member"));
        }
        chain.add(Relationship.parse("group:g50000#member@user:far"));
        e.importBulk(chain.iterator());
        assertThatThrownBy(() -> can(e, "doc:d#view", "user:far")).isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThatThrownBy(() -> lookupResources(e, "doc", "view", "user:far"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThatThrownBy(() -> lookupSubjects(e, "doc:d#view", "user"))
                .isInstanceOf(KithException.MaxDepthExceeded.class);
        assertThat(e.expand(new Requests.Expand(Fixture.object("doc:d"), "view", null))
                        .root()
                        .subjects())
                .extracting(s -> s.subject().toString())
                .containsExactly("group:g0#member");
    }

    @Test
    void aDepthLimitBeyondTheStackIsStillADepthError() {
        Engine e = engine(GROUPS, EngineOptions.defaults().withDepthLimit(10_000_000));
        List<Relationship> chain = new ArrayList<>();
        chain.add(Relationship.parse("doc:d#viewer@group:g0#member"));
        for (int i = 0; i < 200_000; i++) {
            chain.add(Relationship.parse("group:g" + i + "#member@group:g" + (i + 1) + "#member"));
        }
        e.importBulk(chain.iterator());
        assertThatThrownBy(() -> can(e, "doc:d#view", "user:far"))
                .isInstanceOf(KithException.MaxDepthExceeded.class)
                .hasMessageContaining("too deep to evaluate")
                .hasMessageNotContaining("stack");
        assertThat(can(e, "group:g199999#member", "group:g200000#member")).isEqualTo(HAS_PERMISSION);
    }

    /**
     * Lookup-resources trusts its bitmap algebra up to 200 hops under a larger limit: check must then answer,
     * not run out of stack, even on a thread with a small stack (256 KiB; the JVM's default is 1 MiB or more).
     */
    @Test
    void aTwoHundredHopChainIsWithinCheckOnASmallStack() throws Exception {
        Engine e = engine(GROUPS, EngineOptions.defaults().withDepthLimit(5000));
        List<Relationship> chain = new ArrayList<>();
        chain.add(Relationship.parse("doc:d#viewer@group:g1#member"));
        for (int i = 1; i < 200; i++) {
            chain.add(Relationship.parse("group:g" + i + "#member@group:g" + (i + 1) + "#member"));
        }
        chain.add(Relationship.parse("group:g200#member@user:far"));
        e.importBulk(chain.iterator());
        Permissionship[] answer = new Permissionship[2];
        Thread small = new Thread(
                null,
                () -> {
                    answer[0] = can(e, "doc:d#view", "user:far");
                    answer[1] = can(e, "doc:d#view", "user:nobody");
                },
                "small-stack",
                256 * 1024);
        small.start();
        small.join();
        assertThat(answer).containsExactly(HAS_PERMISSION, NO_PERMISSION);
        assertThat(lookupResources(e, "doc", "view", "user:far")).containsExactly("d");
        assertThat(lookupResources(e, "group", "member", "user:far")).hasSize(200);
    }

    @Test
    void aShortPathWinsOverADeepBranchThatRunsOutOfDepth() {
        Engine e = engine(GROUPS, EngineOptions.defaults().withDepthLimit(3));
        touch(e, "doc:d#viewer@group:g0#member", "doc:d#viewer@user:ann");
        for (int i = 0; i < 6; i++) touch(e, "group:g" + i + "#member@group:g" + (i + 1) + "#member");
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(HAS_PERMISSION);
    }

    @Test
    void cyclesInDataTerminate() {
        Engine e = engine(GROUPS);
        touch(
                e,
                "group:a#member@group:b#member",
                "group:b#member@group:a#member",
                "group:b#member@user:ann",
                "doc:d#viewer@group:a#member");
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "doc:d#view", "user:bob")).isEqualTo(NO_PERMISSION);
        assertThat(can(e, "group:a#member", "group:b#member")).isEqualTo(HAS_PERMISSION);
        assertThat(lookupResources(e, "group", "member", "user:ann")).containsExactly("a", "b");
        assertThat(lookupResources(e, "doc", "view", "user:ann")).containsExactly("d");
        assertThat(lookupSubjects(e, "doc:d#view", "user"))
                .extracting(Results.LookupSubject::subjectId)
                .containsExactly("ann");
    }

    @Test
    void aSubjectSetTriviallyHasItself() {
        Engine e = engine(GROUPS);
        assertThat(can(e, "group:eng#member", "group:eng#member")).isEqualTo(HAS_PERMISSION);
        touch(e, "doc:d#viewer@group:eng#member");
        assertThat(can(e, "doc:d#view", "group:eng#member")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "doc:d#view", "group:ops#member")).isEqualTo(NO_PERMISSION);
    }

    static final String WILDCARDS = """
            definition user {}
            definition group {
                relation member: user
            }
            definition doc {
                relation viewer: user | user:* | group#member
                relation banned: user | group#member
                permission view = viewer - banned
            }
            """;

    @Test
    void wildcardWithExclusions() {
        Engine e = engine(WILDCARDS);
        touch(e, "doc:d#viewer@user:*", "doc:d#banned@user:eve", "doc:d#viewer@user:ann");
        assertThat(can(e, "doc:d#view", "user:anyone")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "doc:d#view", "user:eve")).isEqualTo(NO_PERMISSION);
        assertThatThrownBy(() -> can(e, "doc:d#view", "user:*"))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("cannot perform check on wildcard subject");
        assertThat(can(e, "doc:d#view", "group:g#member")).isEqualTo(NO_PERMISSION);
        List<Results.LookupSubject> subjects = lookupSubjects(e, "doc:d#view", "user");
        assertThat(subjects).extracting(Results.LookupSubject::subjectId).containsExactly("*", "ann");
        assertThat(subjects.getFirst().excludedSubjects())
                .extracting(Results.LookupSubject::subjectId)
                .containsExactly("eve");
        assertThat(lookupResources(e, "doc", "view", "user:anyone")).containsExactly("d");
        assertThat(lookupResources(e, "doc", "view", "user:eve")).isEmpty();
    }

    @Test
    void aWildcardMatchesOnlySubjectsOfItsType() {
        Engine e = engine(WILDCARDS);
        touch(e, "doc:d#viewer@user:*");
        assertThat(can(e, "doc:d#viewer", "group:g#member")).isEqualTo(NO_PERMISSION);
        assertThat(lookupResources(e, "doc", "view", "group:g#member")).isEmpty();
    }

    @Test
    void aStoredWildcardMatchesASubjectSetOfItsType() {
        Engine e = engine("""
                definition user {}
                definition tyb {
                    relation rel_b: user
                }
                definition tya {
                    relation rel_c: tyb:*
                    permission perm = rel_c
                }
                """);
        touch(e, "tya:b#rel_c@tyb:*");
        assertThat(can(e, "tya:b#rel_c", "tyb:b#rel_b")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "tya:b#perm", "tyb:other#rel_b")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "tya:b#perm", "tyb:b")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "tya:b#perm", "user:u")).isEqualTo(NO_PERMISSION);
        // lookups agree with check (SpiceDB 1.54's lookups leave the subject set out: a kith rule)
        assertThat(lookupResources(e, "tya", "perm", "tyb:b#rel_b")).containsExactly("b");
    }

    @Test
    void lookupResourcesOfAWildcardSubjectIsRefused() {
        Engine e = engine(WILDCARDS);
        touch(e, "doc:d#viewer@user:*");
        assertThatThrownBy(() -> lookupResources(e, "doc", "view", "user:*"))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("cannot perform lookup resources on wildcard");
    }

    static final String FOLDERS = """
            use expiration
            definition user {}
            definition folder {
                relation parent: folder | folder with expiration
                relation viewer: user
                relation approver: user
                permission view = viewer + parent->view
                permission approved = approver & parent.all(approved_here)
                permission approved_here = approver
            }
            definition doc {
                relation folder: folder | folder with expiration
                relation reviewer: folder
                permission view = folder->view
                permission all_approve = reviewer.all(approved_here)
            }
            """;

    @Test
    void recursiveArrowsOnOneType() {
        Engine e = engine(FOLDERS);
        touch(
                e,
                "folder:root#viewer@user:ann",
                "folder:a#parent@folder:root",
                "folder:b#parent@folder:a",
                "doc:d#folder@folder:b",
                "doc:other#folder@folder:elsewhere");
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(HAS_PERMISSION);
        assertThat(lookupResources(e, "folder", "view", "user:ann")).containsExactly("a", "b", "root");
        assertThat(lookupResources(e, "doc", "view", "user:ann")).containsExactly("d");
    }

    @Test
    void intersectionArrowNeedsEveryTarget() {
        Engine e = engine(FOLDERS);
        touch(e, "doc:d#reviewer@folder:f1", "doc:d#reviewer@folder:f2", "folder:f1#approver@user:ann");
        assertThat(can(e, "doc:d#all_approve", "user:ann")).isEqualTo(NO_PERMISSION);
        touch(e, "folder:f2#approver@user:ann");
        assertThat(can(e, "doc:d#all_approve", "user:ann")).isEqualTo(HAS_PERMISSION);
        assertThat(lookupResources(e, "doc", "all_approve", "user:ann")).containsExactly("d");
        assertThat(can(e, "doc:empty#all_approve", "user:ann")).isEqualTo(NO_PERMISSION);
    }

    @Test
    void expirationOnTheArrowPath() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Engine e = engine(FOLDERS, EngineOptions.defaults().withClock(clock));
        touch(e, "folder:f#viewer@user:ann", "doc:d#folder@folder:f[expiration:2030-01-01T01:00:00Z]");
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(HAS_PERMISSION);
        assertThat(lookupResources(e, "doc", "view", "user:ann")).containsExactly("d");
        clock.advance(Duration.ofHours(1));
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(NO_PERMISSION);
        assertThat(lookupResources(e, "doc", "view", "user:ann")).isEmpty();
        assertThat(e.readRelationships(new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), null, null, 0))
                        .items())
                .isEmpty();
        touch(e, "doc:d#folder@folder:f[expiration:2031-01-01T00:00:00Z]");
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(HAS_PERMISSION);
    }

    @Test
    void anAllArrowLinkWithAFalseCaveatDeniesButAnExpiredLinkDoesNotCount() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Engine e = engine("""
                use expiration
                caveat open(level int) {
                    level > 1
                }
                definition user {}
                definition box {
                    relation keeper: user
                }
                definition vault {
                    relation box: box with open | box with expiration
                    permission unlock = box.all(keeper)
                }
                """, EngineOptions.defaults().withClock(clock));
        touch(
                e,
                "box:a#keeper@user:kim",
                "box:b#keeper@user:kim",
                "vault:v#box@box:a[open:{\"level\":5}]",
                "vault:v#box@box:b[expiration:2030-01-01T00:30:00Z]",
                "vault:w#box@box:a[open:{\"level\":5}]",
                "vault:w#box@box:b[open:{\"level\":0}]");
        assertThat(can(e, "vault:v#unlock", "user:kim")).isEqualTo(HAS_PERMISSION);
        assertThat(can(e, "vault:w#unlock", "user:kim")).isEqualTo(NO_PERMISSION);
        touch(e, "box:c#keeper@user:lee", "vault:v#box@box:c[open:{\"level\":5}]");
        assertThat(can(e, "vault:v#unlock", "user:kim")).isEqualTo(NO_PERMISSION);
        Fixture.delete(e, "vault:v#box@box:c");
        touch(e, "vault:v#box@box:c[expiration:2030-01-01T00:10:00Z]");
        assertThat(can(e, "vault:v#unlock", "user:kim")).isEqualTo(NO_PERMISSION);
        clock.advance(Duration.ofMinutes(20));
        assertThat(can(e, "vault:v#unlock", "user:kim")).isEqualTo(HAS_PERMISSION);
        assertThat(lookupResources(e, "vault", "unlock", "user:kim")).containsExactly("v");
    }

    @Test
    void expiredRelationshipsAreRemovedLater() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        dev.kith.engine.index.MemoryDatastore store = new dev.kith.engine.index.MemoryDatastore(clock);
        Engine e = Engines.create(store, EngineOptions.defaults().withClock(clock));
        e.writeSchema(FOLDERS);
        touch(
                e,
                "doc:d#folder@folder:f[expiration:2030-01-01T01:00:00Z]",
                "doc:e#folder@folder:f[expiration:2030-01-01T01:00:00Z]");
        touch(e, "doc:e#folder@folder:f[expiration:2031-01-01T00:00:00Z]");
        clock.advance(Duration.ofHours(2));
        Revision r = touch(e, "folder:f#viewer@user:ann");
        assertThat(store.stored(Relationship.parse("doc:d#folder@folder:f"))).isNull();
        assertThat(store.stored(Relationship.parse("doc:e#folder@folder:f"))).isNotNull();
        assertThat(store.changesSince(r, 10))
                .singleElement()
                .satisfies(c -> assertThat(c.changes())
                        .extracting(x -> x.operation() + " " + x.relationship().key())
                        .containsExactly("DELETE doc:d#folder@folder:f"));
        assertThat(can(e, "doc:e#view", "user:ann")).isEqualTo(HAS_PERMISSION);
    }

    static final String CAVEATS = """
            caveat on_day(day string, allowed string) {
                day == allowed
            }
            definition user {}
            definition group {
                relation member: user | user with on_day
            }
            definition doc {
                relation viewer: user | group#member | group#member with on_day
                permission view = viewer
            }
            """;

    @Test
    void caveatOnASubjectSet() {
        Engine e = engine(CAVEATS);
        touch(e, "group:g#member@user:ann", "doc:d#viewer@group:g#member[on_day:{\"allowed\":\"monday\"}]");
        Results.Check unknown = check(e, "doc:d#view", "user:ann");
        assertThat(unknown.permissionship()).isEqualTo(CONDITIONAL_PERMISSION);
        assertThat(unknown.missingContext()).containsExactly("day");
        assertThat(check(e, "doc:d#view", "user:ann", Map.of("day", "monday"), null)
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
        assertThat(check(e, "doc:d#view", "user:ann", Map.of("day", "friday"), null)
                        .permissionship())
                .isEqualTo(NO_PERMISSION);
        assertThat(lookupResources(e, "doc", "view", "user:ann")).containsExactly("d?");
        List<Results.LookupSubject> subjects = lookupSubjects(e, "doc:d#view", "user");
        assertThat(subjects).singleElement().satisfies(s -> {
            assertThat(s.subjectId()).isEqualTo("ann");
            assertThat(s.permissionship()).isEqualTo(CONDITIONAL_PERMISSION);
            assertThat(s.missingContext()).containsExactly("day");
        });
    }

    @Test
    void aCaveatThatFailsOnlyCountsWhenNothingElseGrants() {
        Engine e = engine("""
                caveat ratio(x int) {
                    10 / x > 1
                }
                definition user {}
                definition group {
                    relation member: user
                }
                definition doc {
                    relation viewer: user with ratio | group#member
                    permission view = viewer
                }
                """);
        touch(
                e,
                "doc:d#viewer@user:ann[ratio:{\"x\":0}]",
                "doc:d#viewer@user:bob[ratio:{\"x\":0}]",
                "doc:d#viewer@group:g#member",
                "group:g#member@user:ann");
        assertThat(can(e, "doc:d#view", "user:ann")).isEqualTo(HAS_PERMISSION);
        assertThatThrownBy(() -> can(e, "doc:d#view", "user:bob"))
                .isInstanceOf(KithException.CaveatEvaluation.class)
                .hasMessageContaining("ratio");
    }

    @Test
    void storedContextWinsOverTheRequest() {
        Engine e = engine(CAVEATS);
        touch(e, "group:g#member@user:ann[on_day:{\"allowed\":\"monday\",\"day\":\"monday\"}]");
        assertThat(check(e, "group:g#member", "user:ann", Map.of("day", "friday"), null)
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
    }

    @Test
    void aCaveatedLinkAndACaveatedMemberBothCount() {
        Engine e = engine(CAVEATS);
        touch(
                e,
                "group:g#member@user:ann[on_day:{\"allowed\":\"monday\"}]",
                "doc:d#viewer@group:g#member[on_day:{\"day\":\"tuesday\",\"allowed\":\"monday\"}]");
        Results.Check c = check(e, "doc:d#view", "user:ann");
        assertThat(c.permissionship()).isEqualTo(NO_PERMISSION);
        touch(e, "doc:d#viewer@group:g#member[on_day:{\"day\":\"tuesday\",\"allowed\":\"tuesday\"}]");
        c = check(e, "doc:d#view", "user:ann");
        assertThat(c.permissionship()).isEqualTo(CONDITIONAL_PERMISSION);
        assertThat(c.missingContext()).containsExactly("day");
    }

    @Test
    void snapshotReadsAtOldRevisions() {
        Engine e = engine(GROUPS);
        Revision before = touch(e, "doc:d#viewer@user:ann");
        Fixture.delete(e, "doc:d#viewer@user:ann");
        touch(e, "doc:d#viewer@user:bob");
        Consistency old = new Consistency.AtExactSnapshot(before);
        assertThat(check(e, "doc:d#view", "user:ann", Map.of(), old).permissionship())
                .isEqualTo(HAS_PERMISSION);
        assertThat(check(e, "doc:d#view", "user:bob", Map.of(), old).permissionship())
                .isEqualTo(NO_PERMISSION);
        assertThat(check(e, "doc:d#view", "user:ann").permissionship()).isEqualTo(NO_PERMISSION);
        assertThat(check(e, "doc:d#view", "user:ann", Map.of(), old).checkedAt())
                .isEqualTo(before);
        assertThat(e.lookupResources(new Requests.LookupResources(
                                "doc", "view", Fixture.subject("user:ann"), null, old, null, 0))
                        .items())
                .extracting(Results.LookupResource::resourceId)
                .containsExactly("d");
    }

    @Test
    void revisionsOlderThanTheWindowExpire() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Engine e = engine(GROUPS, EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofMinutes(10)));
        Revision r1 = touch(e, "doc:d#viewer@user:ann");
        clock.advance(Duration.ofMinutes(5));
        Revision r2 = touch(e, "doc:d#viewer@user:bob");
        clock.advance(Duration.ofMinutes(30));
        touch(e, "doc:d#viewer@user:cid");
        Consistency atR1 = new Consistency.AtExactSnapshot(r1);
        assertThatThrownBy(() -> check(e, "doc:d#view", "user:ann", Map.of(), atR1))
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThat(check(e, "doc:d#view", "user:cid", Map.of(), new Consistency.AtExactSnapshot(r2))
                        .permissionship())
                .isEqualTo(NO_PERMISSION);
        assertThat(check(e, "doc:d#view", "user:bob", Map.of(), new Consistency.AtExactSnapshot(r2))
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
    }

    @Test
    void anOldSnapshotExpiresOnTimeEvenWithoutLaterWrites() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Engine e = engine(GROUPS, EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofMinutes(10)));
        Revision r1 = touch(e, "doc:d#viewer@user:ann");
        Revision r2 = touch(e, "doc:d#viewer@user:bob");
        clock.advance(Duration.ofMinutes(9));
        assertThat(check(e, "doc:d#view", "user:bob", Map.of(), new Consistency.AtExactSnapshot(r1))
                        .permissionship())
                .isEqualTo(NO_PERMISSION);
        clock.advance(Duration.ofMinutes(2));
        assertThatThrownBy(() -> check(e, "doc:d#view", "user:ann", Map.of(), new Consistency.AtExactSnapshot(r1)))
                .isInstanceOf(KithException.RevisionExpired.class);
        assertThat(check(e, "doc:d#view", "user:bob", Map.of(), new Consistency.AtExactSnapshot(r2))
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
    }

    @Test
    void aRevisionNotYetWrittenIsUnavailableAfterTheTimeout() {
        Engine e = engine(GROUPS, EngineOptions.defaults().withFreshnessTimeout(Duration.ofMillis(50)));
        Revision r = touch(e, "doc:d#viewer@user:ann");
        Consistency future = new Consistency.AtLeastAsFresh(new Revision(r.value() + 10));
        assertThatThrownBy(() -> check(e, "doc:d#view", "user:ann", Map.of(), future))
                .isInstanceOf(KithException.RevisionUnavailable.class);
        assertThat(check(e, "doc:d#view", "user:ann", Map.of(), new Consistency.AtLeastAsFresh(r))
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
        assertThat(check(e, "doc:d#view", "user:ann", Map.of(), Consistency.FULLY_CONSISTENT)
                        .permissionship())
                .isEqualTo(HAS_PERMISSION);
    }

    @Test
    void concurrentReadersNeverSeeHalfAWrite() throws Exception {
        Engine e = engine(GROUPS);
        touch(e, "doc:d#viewer@user:u0", "group:g#member@user:u0");
        List<Throwable> failures = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        boolean[] stop = {false};
        for (int t = 0; t < 2; t++) {
            Thread reader = new Thread(() -> {
                try {
                    while (!stop[0]) {
                        Revision at = e.appliedRevision();
                        Consistency snap = new Consistency.AtExactSnapshot(at);
                        List<Results.LookupSubject> docs = e.lookupSubjects(new Requests.LookupSubjects(
                                        Fixture.object("doc:d"), "view", "user", null, null, snap, null, 0))
                                .items();
                        List<Results.LookupSubject> members = e.lookupSubjects(new Requests.LookupSubjects(
                                        Fixture.object("group:g"), "member", "user", null, null, snap, null, 0))
                                .items();
                        assertThat(docs).hasSize(1);
                        assertThat(members).hasSize(1);
                        assertThat(docs.getFirst().subjectId())
                                .isEqualTo(members.getFirst().subjectId());
                    }
                } catch (Throwable x) {
                    synchronized (failures) {
                        failures.add(x);
                    }
                }
            });
            readers.add(reader);
            reader.start();
        }
        for (int i = 1; i <= 300; i++) {
            String prev = "user:u" + (i - 1);
            String next = "user:u" + i;
            e.write(new Requests.Write(
                    List.of(
                            RelationshipUpdate.delete(Relationship.parse("doc:d#viewer@" + prev)),
                            RelationshipUpdate.delete(Relationship.parse("group:g#member@" + prev)),
                            RelationshipUpdate.touch(Relationship.parse("doc:d#viewer@" + next)),
                            RelationshipUpdate.touch(Relationship.parse("group:g#member@" + next))),
                    List.of()));
        }
        stop[0] = true;
        for (Thread r : readers) r.join();
        assertThat(failures).isEmpty();
        assertThat(can(e, "doc:d#view", "user:u300")).isEqualTo(HAS_PERMISSION);
    }
}

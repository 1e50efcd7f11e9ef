package dev.kith.engine;

import static dev.kith.engine.Fixture.touch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.runtime.Engines;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lookup-subjects answers in SpiceDB's shape (its subject-set algebra): a concrete subject keeps its own paths'
 * permissionship beside the wildcard, an excluded subject keeps its exclusion's. Every expected answer here is
 * what SpiceDB 1.54 answered for the same schema, relationships and context, except where SpiceDB's answer
 * contradicts its own check (said at the case); each case also asks check, which the shape never changes.
 */
class LookupSubjectsShapeTest {
    private static final String CAVEAT = "caveat cv_bool(flag bool) {\n    flag\n}\n\ndefinition user {}\n\n";

    private static final String VIEW_MINUS_BAN = CAVEAT + """
            definition tya {
                relation rel_view: user:* | user with cv_bool | user
                relation rel_ban: user | user with cv_bool
                relation rel_extra: user | user with cv_bool
                permission perm = rel_view - rel_ban
                permission perm_extra = (rel_view - rel_ban) + rel_extra
            }
            """;

    private static Engine engine(String schema, String... rels) {
        Engine e = Engines.inMemory(EngineOptions.defaults());
        e.writeSchema(schema);
        touch(e, rels);
        return e;
    }

    /** The answer rendered as {@code id:HAS}, {@code id:COND[missing]}, {@code *:HAS - {excluded, …}}. */
    private static List<String> subjects(Engine e, String resource, String permission, Map<String, Object> ctx) {
        return e
                .lookupSubjects(new Requests.LookupSubjects(
                        Fixture.object(resource), permission, "user", null, ctx, null, null, 0))
                .items()
                .stream()
                .map(LookupSubjectsShapeTest::render)
                .toList();
    }

    private static String render(Results.LookupSubject s) {
        String text = s.subjectId() + ":"
                + (s.permissionship() == Permissionship.HAS_PERMISSION ? "HAS" : "COND" + s.missingContext());
        if (s.excludedSubjects().isEmpty()) return text;
        return text + " - {"
                + s.excludedSubjects().stream()
                        .map(LookupSubjectsShapeTest::render)
                        .collect(Collectors.joining(", "))
                + "}";
    }

    private static Permissionship check(
            Engine e, String resourceAndPermission, String subject, Map<String, Object> ctx) {
        return Fixture.check(e, resourceAndPermission, subject, ctx, Consistency.MINIMIZE_LATENCY)
                .permissionship();
    }

    @Test
    void aCaveatedSubjectBesideTheWildcardIsListedWithItsOwnPermissionship() {
        Engine e = engine(
                CAVEAT + "definition tya {\n    relation rel_d: user:* | user with cv_bool\n}\n",
                "tya:b#rel_d@user:*",
                "tya:b#rel_d@user:u1[cv_bool:{\"flag\":false}]",
                "tya:b#rel_d@user:u2[cv_bool]");
        assertThat(subjects(e, "tya:b", "rel_d", Map.of())).containsExactly("*:HAS", "u2:COND[flag]");
        assertThat(check(e, "tya:b#rel_d", "user:u1", Map.of())).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(check(e, "tya:b#rel_d", "user:u2", Map.of())).isEqualTo(Permissionship.HAS_PERMISSION);
    }

    @Test
    void anUncaveatedExclusionIsCertainEvenBesideACaveatedGrant() {
        Engine e = engine(
                VIEW_MINUS_BAN, "tya:b#rel_view@user:*", "tya:b#rel_view@user:u1[cv_bool]", "tya:b#rel_ban@user:u1");
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("*:HAS - {u1:HAS}");
        assertThat(check(e, "tya:b#perm", "user:u1", Map.of())).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void aCaveatedExclusionKeepsItsOwnPermissionship() {
        Engine e = engine(VIEW_MINUS_BAN, "tya:b#rel_view@user:*", "tya:b#rel_ban@user:u1[cv_bool]");
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("*:HAS - {u1:COND[flag]}");
        assertThat(check(e, "tya:b#perm", "user:u1", Map.of())).isEqualTo(Permissionship.CONDITIONAL_PERMISSION);
        assertThat(subjects(e, "tya:b", "perm", Map.of("flag", false))).containsExactly("*:HAS");
        assertThat(subjects(e, "tya:b", "perm", Map.of("flag", true))).containsExactly("*:HAS - {u1:HAS}");
    }

    @Test
    void aSubjectGrantedAndExcludedUnderTheSameCaveatIsListedBothWays() {
        Engine e = engine(
                VIEW_MINUS_BAN,
                "tya:b#rel_view@user:*",
                "tya:b#rel_view@user:u1[cv_bool]",
                "tya:b#rel_ban@user:u1[cv_bool]");
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("*:HAS - {u1:COND[flag]}", "u1:COND[flag]");
        assertThat(check(e, "tya:b#perm", "user:u1", Map.of())).isEqualTo(Permissionship.CONDITIONAL_PERMISSION);
    }

    @Test
    void aConditionalGrantBesideAnExcludedWildcardIsListedSeparately() {
        Engine e = engine(
                VIEW_MINUS_BAN, "tya:b#rel_view@user:*", "tya:b#rel_view@user:u2[cv_bool]", "tya:b#rel_ban@user:u1");
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("*:HAS - {u1:HAS}", "u2:COND[flag]");
    }

    @Test
    void aConditionalGrantAfterTheExclusionLiftsItOnlyConditionally() {
        Engine e = engine(
                VIEW_MINUS_BAN, "tya:b#rel_view@user:*", "tya:b#rel_ban@user:u1", "tya:b#rel_extra@user:u1[cv_bool]");
        assertThat(subjects(e, "tya:b", "perm_extra", Map.of()))
                .containsExactly("*:HAS - {u1:COND[flag]}", "u1:COND[flag]");
        assertThat(check(e, "tya:b#perm_extra", "user:u1", Map.of())).isEqualTo(Permissionship.CONDITIONAL_PERMISSION);
    }

    @Test
    void aConcreteSubjectMeetsTheOtherSidesWildcardInAnIntersection() {
        Engine e = engine(
                CAVEAT + """
                        definition tya {
                            relation rel_view: user:* | user with cv_bool | user
                            relation rel_other: user:* | user with cv_bool | user
                            permission perm = rel_view & rel_other
                        }
                        """,
                "tya:b#rel_view@user:*",
                "tya:b#rel_view@user:u1[cv_bool]",
                "tya:b#rel_other@user:u1",
                "tya:b#rel_other@user:u2[cv_bool]");
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("u1:HAS", "u2:COND[flag]");
        assertThat(check(e, "tya:b#perm", "user:u3", Map.of())).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void twoWildcardsMeetExcludingWhatEitherExcludes() {
        Engine e = engine(
                CAVEAT + """
                        definition tya {
                            relation rel_view: user:* | user
                            relation rel_other: user:* with cv_bool | user
                            relation rel_ban: user | user with cv_bool
                            permission left = rel_view - rel_ban
                            permission perm = left & rel_other
                        }
                        """,
                "tya:b#rel_view@user:*",
                "tya:b#rel_other@user:*[cv_bool]",
                "tya:b#rel_ban@user:u1[cv_bool]",
                "tya:b#rel_other@user:u2",
                "tya:b#rel_ban@user:u3");
        assertThat(subjects(e, "tya:b", "perm", Map.of("flag", true)))
                .containsExactly("*:HAS - {u1:HAS, u3:HAS}", "u2:HAS");
        assertThat(subjects(e, "tya:b", "perm", Map.of()))
                .containsExactly("*:COND[flag] - {u1:COND[flag], u3:HAS}", "u2:HAS");
    }

    /**
     * SpiceDB answers {@code u1:COND[flag]} here (the wildcard minus a caveated wildcard that spares u1), though
     * its check grants u1: kith's lookup follows check.
     */
    @Test
    void whereTheAlgebraContradictsCheckTheLookupFollowsCheck() {
        Engine e = engine(
                CAVEAT + """
                        definition tya {
                            relation rel_view: user:* | user with cv_bool | user
                            relation rel_ban: user:* with cv_bool | user
                            relation rel_allow: user
                            permission spared = rel_ban - rel_allow
                            permission perm = rel_view - spared
                        }
                        """,
                "tya:b#rel_view@user:*",
                "tya:b#rel_view@user:u2[cv_bool]",
                "tya:b#rel_ban@user:*[cv_bool]",
                "tya:b#rel_allow@user:u1");
        assertThat(check(e, "tya:b#perm", "user:u1", Map.of())).isEqualTo(Permissionship.HAS_PERMISSION);
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("*:COND[flag]", "u1:HAS", "u2:COND[flag]");
    }

    /** A subject set reached twice in one lookup is the same set both times, whatever was added beside it. */
    @Test
    void aSubjectSetReachedOnTwoPathsIsNotChangedByEither() {
        Engine e = engine(
                CAVEAT + """
                        definition team {
                            relation member: user
                        }
                        definition tya {
                            relation rel_x: team#member | user
                            relation rel_y: team#member | user
                            permission perm = rel_x & rel_y
                        }
                        """,
                "tya:b#rel_x@team:t1#member",
                "tya:b#rel_x@user:u9",
                "tya:b#rel_y@team:t1#member",
                "tya:b#rel_y@user:u8",
                "team:t1#member@user:u1");
        assertThat(subjects(e, "tya:b", "perm", Map.of())).containsExactly("u1:HAS");
        assertThat(subjects(e, "tya:b", "rel_x", Map.of())).containsExactly("u1:HAS", "u9:HAS");
    }

    /**
     * An operand of a union is gathered into a fresh set first, where a concrete subject lifts its exclusion from the
     * wildcard: u2's exclusion depends on both caveats (SpiceDB lists {@code cap} and {@code flag} as missing).
     */
    @Test
    void anOperandsConcreteSubjectLiftsItsExclusionWhenGathered() {
        Engine e = engine(
                """
                caveat flagged(flag bool) {
                    flag
                }

                caveat limited(amount int, cap int) {
                    amount < cap
                }

                definition user {}

                definition tya {
                    relation rel_a: user with limited | user | user with flagged
                    relation rel_b: user:* | user with limited
                    permission perm_a = (rel_b - rel_a) + rel_a
                }
                """,
                "tya:x3#rel_b@user:*",
                "tya:x3#rel_a@user:u1[flagged:{\"flag\":true}]",
                "tya:x3#rel_a@user:u2[flagged]",
                "tya:x3#rel_b@user:u2[limited:{\"amount\":5}]");
        assertThat(subjects(e, "tya:x3", "perm_a", Map.of("amount", 1)))
                .containsExactly("*:HAS - {u2:COND[cap, flag]}", "u1:HAS", "u2:COND[cap, flag]");
    }
}

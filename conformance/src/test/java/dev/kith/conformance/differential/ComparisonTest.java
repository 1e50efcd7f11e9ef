package dev.kith.conformance.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.conformance.differential.Comparison.DifferenceClass;
import dev.kith.conformance.differential.SpiceDbOracle.CaseAnswers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each class of difference is recognised by its predicate, and nothing else is: the rest is unexpected. */
class ComparisonTest {
    private static final String SCHEMA =
            "definition user {}\n\ndefinition doc {\n    relation rel_a: user | doc#rel_a\n}\n";
    private static final List<String> CYCLE = List.of("doc:x1#rel_a@doc:x2#rel_a", "doc:x2#rel_a@doc:x1#rel_a");
    private static final List<String> CHAIN = List.of("doc:x1#rel_a@doc:x2#rel_a");
    private static final DiffCase.CheckQuery CHECK = new DiffCase.CheckQuery("doc:x1", "rel_a", "user:u1");
    private static final DiffCase.CheckQuery CHECK_U2 = new DiffCase.CheckQuery("doc:x1", "rel_a", "user:u2");
    private static final DiffCase.LookupResourcesQuery LR =
            new DiffCase.LookupResourcesQuery("doc", "rel_a", "user:u1");
    private static final DiffCase.LookupSubjectsQuery LS =
            new DiffCase.LookupSubjectsQuery("doc:x1", "rel_a", "user", null);

    private static Answer.Item item(String id, String p, String... missing) {
        return new Answer.Item(id, p, List.of(missing), List.of());
    }

    private static Comparison.Tally compareCheck(List<String> rels, Answer spicedb, Answer kith) {
        DiffCase c = new DiffCase("t", 1, SCHEMA, rels, Map.of(), List.of(CHECK), List.of(), List.of());
        Comparison.Tally t = new Comparison.Tally();
        Comparison.compare(
                c,
                new CaseAnswers("t", null, List.of(spicedb), List.of(), List.of()),
                new CaseAnswers("t", null, List.of(kith), List.of(), List.of()),
                t);
        return t;
    }

    @Test
    void equalAnswersAndTheSameErrorAgree() {
        assertThat(compareCheck(CHAIN, Answer.check(Answer.HAS, List.of()), Answer.check(Answer.HAS, List.of()))
                        .differingQueries)
                .isZero();
        Comparison.Tally t = compareCheck(
                CHAIN,
                Answer.error("INVALID_ARGUMENT", "invalid argument: cannot perform check on wildcard subject"),
                Answer.error("INVALID_ARGUMENT", "cannot perform check on wildcard subject"));
        assertThat(t.differingQueries).isZero();
        assertThat(t.checks).isEqualTo(1);
    }

    @Test
    void anyOtherCheckDifferenceIsUnexpected() {
        Comparison.Tally t =
                compareCheck(CHAIN, Answer.check(Answer.HAS, List.of()), Answer.check(Answer.NO, List.of()));
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.OTHER, 1));
        assertThat(t.unexpected()).hasSize(1);
        t = compareCheck(CHAIN, Answer.error("INVALID_ARGUMENT", "bad"), Answer.error("INVALID_ARGUMENT", "other"));
        assertThat(t.unexpected()).hasSize(1);
    }

    @Test
    void aDepthErrorAgainstAnAnswerIsTheCycleRuleOnlyWhenTheDataHasACycle() {
        Answer depth = Answer.error(Answer.MAX_DEPTH, "max depth exceeded");
        Comparison.Tally t = compareCheck(CYCLE, depth, Answer.check(Answer.NO, List.of()));
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.CYCLE_CUT, 1));
        assertThat(t.unexpected()).isEmpty();
        assertThat(compareCheck(CHAIN, depth, Answer.check(Answer.NO, List.of()))
                        .unexpected())
                .hasSize(1);
    }

    @Test
    void kithListingEveryMissingParameterIsDocumentedButOnlyAsASuperset() {
        Comparison.Tally t = compareCheck(
                CHAIN,
                Answer.check(Answer.CONDITIONAL, List.of("amount")),
                Answer.check(Answer.CONDITIONAL, List.of("amount", "cap")));
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.MISSING_CONTEXT_ALL, 1));
        assertThat(compareCheck(
                                CHAIN,
                                Answer.check(Answer.CONDITIONAL, List.of("flag")),
                                Answer.check(Answer.CONDITIONAL, List.of("amount", "cap")))
                        .unexpected())
                .hasSize(1);
        assertThat(compareCheck(
                                CHAIN,
                                Answer.check(Answer.CONDITIONAL, List.of("amount")),
                                Answer.check(Answer.HAS, List.of()))
                        .unexpected())
                .hasSize(1);
    }

    private static Comparison.Tally compareLookups(
            Answer spicedbCheck, Answer spicedbLr, Answer kithLr, Answer spicedbLs, Answer kithLs) {
        DiffCase c = new DiffCase("t", 1, SCHEMA, CHAIN, Map.of(), List.of(CHECK, CHECK_U2), List.of(LR), List.of(LS));
        Answer any = Answer.check(Answer.NO, List.of());
        Comparison.Tally t = new Comparison.Tally();
        Comparison.compare(
                c,
                new CaseAnswers("t", null, List.of(spicedbCheck, any), List.of(spicedbLr), List.of(spicedbLs)),
                new CaseAnswers("t", null, List.of(spicedbCheck, any), List.of(kithLr), List.of(kithLs)),
                t);
        return t;
    }

    @Test
    void aLookupThatFollowsSpiceDbsOwnCheckIsDocumented() {
        Answer empty = Answer.lookup(List.of());
        Answer x1 = Answer.lookup(List.of(item("x1", Answer.HAS)));
        Answer u1 = Answer.lookup(List.of(item("u1", Answer.HAS)));
        Comparison.Tally t = compareLookups(Answer.check(Answer.HAS, List.of()), empty, x1, empty, u1);
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.LOOKUP_FOLLOWS_CHECK, 2));
        // SpiceDB's check says NO: kith's lookup is the odd one out
        t = compareLookups(Answer.check(Answer.NO, List.of()), empty, x1, empty, u1);
        assertThat(t.unexpected()).hasSize(2);
    }

    @Test
    void lookupSubjectsShapeDifferencesAreUnexpected() {
        Answer.Item star = item("*", Answer.HAS);
        Answer none = Answer.lookup(List.of());
        // a concrete subject SpiceDB lists beside the wildcard and kith does not
        Answer spicedb = Answer.lookup(List.of(star, item("u1", Answer.CONDITIONAL, "flag")));
        Comparison.Tally t =
                compareLookups(Answer.check(Answer.HAS, List.of()), none, none, spicedb, Answer.lookup(List.of(star)));
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.OTHER, 1));
        // the same excluded subject with another permissionship
        Answer s2 = Answer.lookup(
                List.of(new Answer.Item("*", Answer.HAS, List.of(), List.of(item("u1", Answer.CONDITIONAL, "flag")))));
        Answer k2 =
                Answer.lookup(List.of(new Answer.Item("*", Answer.HAS, List.of(), List.of(item("u1", Answer.HAS)))));
        t = compareLookups(Answer.check(Answer.NO, List.of()), none, none, s2, k2);
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.OTHER, 1));
        assertThat(t.unexpected()).hasSize(1);
    }

    private static Answer.Item wildcard(String p, Answer.Item... excluded) {
        return new Answer.Item("*", p, List.of(), List.of(excluded));
    }

    @Test
    void aLookupIsReadAsTheUnionOfWhatItLists() {
        // a wildcard streamed twice excludes only what both exclude, with the weaker exclusion
        Answer twice = Answer.lookup(List.of(
                wildcard(Answer.HAS, item("u1", Answer.HAS), item("u2", Answer.HAS)),
                wildcard(Answer.HAS, item("u2", Answer.CONDITIONAL, "flag"))));
        assertThat(twice.results()).containsExactly(wildcard(Answer.HAS, item("u2", Answer.CONDITIONAL, "flag")));
        // a subject excluded with HAS and listed beside the wildcard from another stream
        Answer beside = Answer.lookup(List.of(
                wildcard(
                        Answer.HAS,
                        item("u1", Answer.HAS),
                        item("u2", Answer.HAS),
                        item("u3", Answer.HAS),
                        item("u4", Answer.CONDITIONAL, "cap")),
                item("u1", Answer.HAS),
                item("u4", Answer.HAS),
                item("u2", Answer.CONDITIONAL, "cap")));
        assertThat(beside.results())
                .containsExactly(
                        wildcard(Answer.HAS, item("u2", Answer.CONDITIONAL, "cap"), item("u3", Answer.HAS)),
                        item("u1", Answer.HAS),
                        item("u2", Answer.CONDITIONAL, "cap"),
                        item("u4", Answer.HAS));
        // a conditional exclusion beside a listing is a set's own answer and stays
        Answer kept = Answer.lookup(List.of(
                wildcard(Answer.HAS, item("u1", Answer.CONDITIONAL, "flag")), item("u1", Answer.CONDITIONAL, "flag")));
        assertThat(kept.results().getFirst().excluded()).containsExactly(item("u1", Answer.CONDITIONAL, "flag"));
    }

    @Test
    void fewerMissingParametersOnAnExcludedSubjectAreDocumented() {
        Answer none = Answer.lookup(List.of());
        Answer s = Answer.lookup(List.of(wildcard(Answer.HAS, item("u2", Answer.CONDITIONAL, "amount"))));
        Answer k = Answer.lookup(List.of(wildcard(Answer.HAS, item("u2", Answer.CONDITIONAL, "amount", "cap"))));
        Comparison.Tally t = compareLookups(Answer.check(Answer.NO, List.of()), none, none, s, k);
        assertThat(t.counts).containsExactly(Map.entry(DifferenceClass.MISSING_CONTEXT_ALL, 1));
        // kith listing fewer is not
        t = compareLookups(Answer.check(Answer.NO, List.of()), none, none, k, s);
        assertThat(t.unexpected()).hasSize(1);
    }

    @Test
    void aSchemaOneSideRefusesIsUnexpectedAndBothRefusingAgrees() {
        DiffCase c = new DiffCase("t", 1, SCHEMA, CHAIN, Map.of(), List.of(), List.of(), List.of());
        Comparison.Tally t = new Comparison.Tally();
        Comparison.compare(
                c,
                new CaseAnswers("t", "no", List.of(), List.of(), List.of()),
                new CaseAnswers("t", null, List.of(), List.of(), List.of()),
                t);
        Comparison.compare(
                c,
                new CaseAnswers("t", null, List.of(), List.of(), List.of()),
                new CaseAnswers("t", "no", List.of(), List.of(), List.of()),
                t);
        Comparison.compare(
                c,
                new CaseAnswers("t", "no", List.of(), List.of(), List.of()),
                new CaseAnswers("t", "no", List.of(), List.of(), List.of()),
                t);
        assertThat(t.counts)
                .containsOnlyKeys(
                        DifferenceClass.SCHEMA_REFUSED_BY_SPICEDB_ONLY, DifferenceClass.SCHEMA_REFUSED_BY_KITH_ONLY);
        assertThat(t.unexpected()).hasSize(2);
        assertThat(t.refusedByBoth).isEqualTo(1);
    }

    @Test
    void theGeneratorIsDeterministicPerSeed() {
        assertThat(CaseGenerator.generate(7)).isEqualTo(CaseGenerator.generate(7));
        assertThat(CaseGenerator.generate(7).schema())
                .isNotEqualTo(CaseGenerator.generate(8).schema());
        DiffCase c = CaseGenerator.generate(7);
        assertThat(c.checks()).hasSize(3 * 5 * 3 * 12);
        assertThat(c.checks()).anyMatch(q -> q.subject().equals("user:*"));
    }
}

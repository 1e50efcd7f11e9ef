package dev.kith.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Permissionship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Self-consistency on every example of {@code examples/}: for each assertion of a validation file, what check
 * answers is what lookup-resources and lookup-subjects say about the same resource and subject (SEMANTICS.md,
 * "Lookups": the three must never disagree).
 */
class ExamplesAgreementTest {
    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("..", "examples"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void checkAndBothLookupsAgreeOnEveryAssertion(Path path) throws Exception {
        ValidationFile file = ValidationFiles.load(path);
        Engine engine = Engines.inMemory(EngineOptions.defaults());
        engine.writeSchema(file.schema().text());
        List<RelationshipUpdate> updates = new ArrayList<>();
        for (ValidationFile.RelationshipLine line : file.relationships()) {
            updates.add(RelationshipUpdate.touch(line.relationship()));
        }
        for (int from = 0; from < updates.size(); from += 1000) {
            engine.write(new Requests.Write(updates.subList(from, Math.min(updates.size(), from + 1000)), List.of()));
        }
        assertThat(file.assertions()).as("assertions of %s", path).isNotEmpty();

        for (ValidationFile.Assertion a : file.assertions()) {
            String where = path + ":" + a.line() + " " + a.text();
            Permissionship checked = engine.check(
                            new Requests.Check(a.resource(), a.permission(), a.subject(), a.context(), null, false))
                    .permissionship();

            Permissionship found = Permissionship.NO_PERMISSION;
            for (Results.LookupResource r : allResources(engine, a)) {
                if (r.resourceId().equals(a.resource().id())) found = r.permissionship();
            }
            assertThat(found).as("lookup-resources for %s", where).isEqualTo(checked);

            if (!a.subject().id().equals(SubjectRef.WILDCARD)) {
                assertSubjectsAgree(allSubjects(engine, a), a.subject().id(), checked, where);
            }
        }
    }

    private static void assertSubjectsAgree(
            List<Results.LookupSubject> subjects, String id, Permissionship checked, String where) {
        Results.LookupSubject explicit = null;
        Results.LookupSubject wildcard = null;
        for (Results.LookupSubject s : subjects) {
            if (s.subjectId().equals(id)) explicit = s;
            if (s.subjectId().equals(SubjectRef.WILDCARD)) wildcard = s;
        }
        boolean excluded = wildcard != null
                && wildcard.excludedSubjects().stream()
                        .anyMatch(x -> x.subjectId().equals(id) && x.permissionship() == Permissionship.HAS_PERMISSION);
        boolean viaWildcard = wildcard != null && !excluded;
        switch (checked) {
            case NO_PERMISSION ->
                assertThat(explicit == null && !viaWildcard)
                        .as("lookup-subjects returns no grant for %s (found %s)", where, subjects)
                        .isTrue();
            case HAS_PERMISSION ->
                assertThat((explicit != null && explicit.permissionship() == Permissionship.HAS_PERMISSION)
                                || (viaWildcard && wildcard.permissionship() == Permissionship.HAS_PERMISSION))
                        .as("lookup-subjects grants %s (found %s)", where, subjects)
                        .isTrue();
            case CONDITIONAL_PERMISSION ->
                assertThat(explicit != null || viaWildcard)
                        .as("lookup-subjects returns a conditional grant for %s (found %s)", where, subjects)
                        .isTrue();
        }
    }

    private static List<Results.LookupResource> allResources(Engine engine, ValidationFile.Assertion a) {
        List<Results.LookupResource> all = new ArrayList<>();
        String cursor = null;
        do {
            var page = engine.lookupResources(new Requests.LookupResources(
                    a.resource().type(), a.permission(), a.subject(), a.context(), null, cursor, 100));
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    private static List<Results.LookupSubject> allSubjects(Engine engine, ValidationFile.Assertion a) {
        List<Results.LookupSubject> all = new ArrayList<>();
        String cursor = null;
        do {
            var page = engine.lookupSubjects(new Requests.LookupSubjects(
                    a.resource(),
                    a.permission(),
                    a.subject().type(),
                    a.subject().relation(),
                    a.context(),
                    null,
                    cursor,
                    100));
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }
}

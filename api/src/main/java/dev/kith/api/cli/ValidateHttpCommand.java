package dev.kith.api.cli;

import dev.kith.engine.EngineOptions;
import dev.kith.engine.validation.ValidationRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith validate-http FILE…}: {@code kith validate} through the HTTP API. Each file gets an embedded
 * server on a random loopback port over a fresh in-memory engine; its schema is written, its relationships
 * imported, its assertions checked and its expected relations expanded, all with HTTP calls. Prints every
 * failure and a last line {@code N passed, N failed}; exits 0 only when nothing failed.
 */
@Command(
        name = "validate-http",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Run validation files through an embedded HTTP server; print N passed, N failed.")
final class ValidateHttpCommand implements Callable<Integer> {
    /**
     * The server's own log, quieted to warnings: one embedded server starts per file, and its "listening" line
     * would bury the failures this command exists to print. Held here because JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger SERVER_LOG =
            java.util.logging.Logger.getLogger("dev.kith.api.server");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "SpiceDB validation files (.yaml).")
    List<Path> files;

    @Override
    public Integer call() {
        SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        return ValidateCommand.run(
                new ValidationRunner(HttpValidationTarget::new, EngineOptions.DEFAULT_DEPTH_LIMIT),
                files,
                spec.commandLine().getOut());
    }
}

package dev.kith.conformance;

import dev.kith.engine.EngineOptions;
import dev.kith.validation.ValidationRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith-conformance validate-http FILE…}: {@code kith validate} through the HTTP API. Each file gets an {@link
 * EmbeddedKith} (a server on a random loopback port over a fresh in-memory engine); its schema is written, its relationships
 * imported, its assertions checked and its expected relations expanded, all with HTTP calls. Prints every
 * failure and a last line {@code N passed, N failed}; exits 0 only when nothing failed.
 */
@Command(
        name = "validate-http",
        mixinStandardHelpOptions = true,
        description = "Run validation files through an embedded HTTP server; print N passed, N failed.")
final class ValidateHttpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "SpiceDB validation files (.yaml).")
    List<Path> files;

    @Override
    public Integer call() {
        return new ValidationRunner(HttpValidationTarget::new, EngineOptions.DEFAULT_DEPTH_LIMIT)
                .runAll(files, spec.commandLine().getOut());
    }
}

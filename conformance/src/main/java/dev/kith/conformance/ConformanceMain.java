package dev.kith.conformance;

import dev.kith.cli.Main;
import dev.kith.conformance.differential.DifferentialCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kith-conformance}: runs the public SpiceDB and OpenFGA suites against kith. A harness, not part of the
 * product: it is built into its own jar ({@code conformance/target/kith-conformance.jar}) and never into
 * {@code kith.jar}. Exit codes: 0 when every case passed, 1 when one failed or the
 * input was wrong, 2 for a usage error, 70 for a bug.
 */
@Command(
        name = "kith-conformance",
        mixinStandardHelpOptions = true,
        description = "Runs public conformance suites against kith.",
        subcommands = {
            ValidateHttpCommand.class,
            SteelThreadCommand.class,
            ValidateOpenFgaCommand.class,
            DifferentialCommand.class,
            GatewayShapesCommand.class
        })
public final class ConformanceMain implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: try `kith-conformance --help`");
    }

    /** The command line, ready to {@code execute}; tests set its output and error writers. */
    public static CommandLine commandLine() {
        return new CommandLine(new ConformanceMain()).setExecutionExceptionHandler(Main::internalError);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

package dev.kith.bench;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kith-bench} command line: {@code generate} writes a dataset, {@code http} replays its queries against
 * a running server. Every command prints one JSON object as its last line; bad arguments get a message naming the
 * problem and exit status 2, never a stack trace.
 */
@Command(
        name = "kith-bench",
        mixinStandardHelpOptions = true,
        description = "kith benchmark datasets and load generator",
        subcommands = {GenerateCommand.class, HttpCommand.class})
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams and returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new BenchMain());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println("kith-bench: " + exception.getMessage());
            return exception instanceof UsageException ? 2 : 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: generate or http");
    }

    /** A command's argument that is wrong in a way picocli cannot see; reported without a stack trace. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}

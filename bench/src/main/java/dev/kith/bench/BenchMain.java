package dev.kith.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kith-bench} command line: {@code generate} writes a dataset, {@code http} replays its queries against
 * a running server, {@code writes} loads it with relationship writes, {@code check} and {@code lookup} time the engine in this process, {@code postgres} times the
 * PostgreSQL store's bulk import and load, {@code jmh} runs the JMH benchmarks. Every command but {@code jmh}
 * prints one JSON object as its last line; bad arguments get a message naming the
 * problem and exit status 2, never a stack trace.
 */
@Command(
        name = "kith-bench",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        description = "kith benchmark datasets and load generator",
        subcommands = {
            GenerateCommand.class,
            HttpCommand.class,
            GrpcCommand.class,
            ClientCommand.class,
            WritesCommand.class,
            CheckCommand.class,
            LookupCommand.class,
            WriteCostsCommand.class,
            PostgresCommand.class,
            JmhCommand.class
        })
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
            cmd.getErr().println("kith-bench: " + describe(exception));
            return exception instanceof UsageException ? 2 : 1;
        });
        return commandLine.execute(args);
    }

    /** A one-line account of a failure; file-system failures name the path and what went wrong with it. */
    private static String describe(Exception exception) {
        return switch (exception) {
            case NoSuchFileException e -> "no such file or directory: " + e.getFile();
            case FileAlreadyExistsException e -> "already exists and is not a directory: " + e.getFile();
            case AccessDeniedException e -> "permission denied: " + e.getFile();
            case FileSystemException e -> e.getFile() + ": " + e.getReason();
            case IOException e -> "input/output error: " + e.getMessage();
            default -> exception.getMessage();
        };
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name a command: generate, http, writes, check, lookup, postgres or jmh");
    }

    /** A command's argument that is wrong in a way picocli cannot see; reported without a stack trace. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}

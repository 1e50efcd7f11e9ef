package dev.kith.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kith} command line. Each subcommand is its own class listed in {@code subcommands}; add
 * a new one there. {@link #main} exits with the subcommand's exit code: 0 for success, 1 when the
 * input was wrong (a schema with errors, a file that cannot be read), 2 for a usage error, 70 for a
 * bug in kith (reported in one line, without a stack trace).
 */
@Command(
        name = "kith",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Relationship-based authorization: schemas, checks and the kith service.",
        subcommands = {
            SchemaCommand.class,
            ValidateCommand.class,
            ServeCommand.class,
            CheckCommand.class,
            WriteCommand.class,
            RelationshipsCommand.class,
            ImportCommand.class,
            ExportCommand.class,
            BackupCommand.class,
            MigrateCommand.class
        })
public final class Main implements Runnable {

    /** Exit status for a bug in kith (sysexits' EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;

    @Spec
    private CommandSpec spec;

    /** {@code kith} alone is a usage error: a subcommand is required. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: try `kith --help`");
    }

    /** The command line, ready to {@code execute}; tests set its output and error writers. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::internalError);
    }

    /**
     * A failure no command expected is a bug in kith: say so in one line instead of a stack trace.
     */
    public static int internalError(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        command.getErr()
                .println("kith: internal error in `" + command.getCommandName() + "`: " + e
                        + " (please report this as a kith bug)");
        command.getErr().flush();
        return INTERNAL_ERROR;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The version from the jar's manifest, or a development marker when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kith " + (version == null ? "(development build)" : version)};
        }
    }
}

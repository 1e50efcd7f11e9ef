package dev.kith.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kith} command line. Each subcommand is its own class listed in {@code subcommands}; add a new one there.
 * {@link #main} exits with the subcommand's exit code: {@link #OK} for success or a permission granted, {@link
 * #INPUT_ERROR} for a usage error or wrong input (a schema with errors, a file that cannot be read, an error answer
 * of the server), {@link #DENIED} for a permission denied, {@link #CONDITIONAL} for a permission that depends on
 * missing caveat context, {@link #UNAVAILABLE} for a server that cannot be reached or does not answer in time, and
 * {@link #INTERNAL_ERROR} for a bug in kith (reported in one line, without a stack trace).
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
            PermissionCommand.class,
            RelationshipCommand.class,
            WatchCommand.class,
            ContextCommand.class,
            CheckCommand.class,
            WriteCommand.class,
            RelationshipsCommand.class,
            ImportCommand.class,
            ExportCommand.class,
            BackupCommand.class,
            MigrateCommand.class,
            CompletionCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   success; the permission is granted",
            "  1   usage error, wrong input, or an error answer of the server",
            "  2   the permission is denied",
            "  3   the permission is conditional: caveat context is missing",
            "  4   the server cannot be reached or did not answer in time",
            "  70  a bug in kith (please report it)",
            "",
            "Example:",
            "  kith permission check document:readme view user:ann --endpoint localhost:50051 --insecure"
        })
public final class Main implements Runnable {

    /** Exit status for success, and for a permission granted. */
    public static final int OK = 0;

    /** Exit status for a usage error, wrong input, or an error answer of the server. */
    public static final int INPUT_ERROR = 1;

    /** Exit status of a check whose permission is denied. */
    public static final int DENIED = 2;

    /** Exit status of a check whose permission depends on caveat context that was not given. */
    public static final int CONDITIONAL = 3;

    /** Exit status for a server that cannot be reached or did not answer in time. */
    public static final int UNAVAILABLE = 4;

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
        CommandLine line = new CommandLine(new Main()).setExecutionExceptionHandler(Main::internalError);
        CommandLine.IParameterExceptionHandler usage = line.getParameterExceptionHandler();
        // A usage error is wrong input: status 1, so that 2 and 3 can mean "denied" and "conditional".
        line.setParameterExceptionHandler((e, args) -> {
            usage.handleParseException(e, args);
            return INPUT_ERROR;
        });
        return line;
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

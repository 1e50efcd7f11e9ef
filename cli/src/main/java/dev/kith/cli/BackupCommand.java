package dev.kith.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kith backup}: save a running server's schema and relationships to one file, and restore them. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description =
                "Save a kith server's schema and relationships to one file, or restore them into an empty server.",
        subcommands = {BackupCreateCommand.class, BackupRestoreCommand.class})
final class BackupCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "missing a command: `kith backup create FILE` or `kith backup restore FILE`");
    }
}

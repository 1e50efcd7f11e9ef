package dev.kith.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kith permission}: check, expand and look up permissions on a running server, as {@code zed permission}. */
@Command(
        name = "permission",
        mixinStandardHelpOptions = true,
        description = "Check, expand and look up permissions on a running server (gRPC or HTTP).",
        subcommands = {
            PermissionCheckCommand.class,
            PermissionExpandCommand.class,
            LookupResourcesCommand.class,
            LookupSubjectsCommand.class
        },
        footer = {"%nExample:", "  kith permission check document:readme view user:ann --consistency-full"})
final class PermissionCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "missing a command: check, expand, lookup-resources or lookup-subjects");
    }
}

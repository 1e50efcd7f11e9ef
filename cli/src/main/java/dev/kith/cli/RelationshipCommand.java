package dev.kith.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kith relationship}: write, read and delete relationships on a running server, as {@code zed relationship}. */
@Command(
        name = "relationship",
        mixinStandardHelpOptions = true,
        description = "Create, touch, delete, read and bulk-delete relationships on a running server (gRPC or HTTP).",
        subcommands = {
            RelationshipUpdateCommand.Create.class,
            RelationshipUpdateCommand.Touch.class,
            RelationshipUpdateCommand.Delete.class,
            RelationshipReadCommand.class,
            RelationshipBulkDeleteCommand.class
        },
        footer = {"%nExample:", "  kith relationship create document:readme viewer user:ann"})
final class RelationshipCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "missing a command: create, touch, delete, read or bulk-delete");
    }
}

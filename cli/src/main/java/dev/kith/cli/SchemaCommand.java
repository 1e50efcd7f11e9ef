package dev.kith.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kith schema}: the schema language tools, each a subcommand. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "Check, format and convert schema files; read, write and diff the schema of a running server.",
        subcommands = {
            SchemaCheckCommand.class,
            SchemaFormatCommand.class,
            SchemaConvertCommand.class,
            SchemaRemoteCommands.Read.class,
            SchemaRemoteCommands.Write.class,
            SchemaDiffCommand.class
        })
final class SchemaCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "missing a command: `kith schema check`, `format`, `convert`, `read`, `write` or `diff`");
    }
}

package dev.kith.cli;

import picocli.CommandLine.Command;

/** {@code kith relationships read}: the relationship commands against a running server. */
@Command(
        name = "relationships",
        mixinStandardHelpOptions = true,
        description = "Relationships on a running kith server.",
        subcommands = {RelationshipsReadCommand.class})
final class RelationshipsCommand {}

package dev.kith.conformance;

import dev.kith.cli.KithCli;

/** Runs the {@code kith-conformance} command line in-process, as {@link KithCli} runs {@code kith}. */
final class ConformanceCli {
    private ConformanceCli() {}

    static KithCli.Run run(String... args) {
        return KithCli.run(ConformanceMain.commandLine(), args);
    }
}

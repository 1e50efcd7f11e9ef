package dev.kith.cli;

import dev.kith.engine.KithException;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ZedToken;
import picocli.CommandLine.Option;

/** zed's consistency flags: at most one; without any, the server answers at its newest cached revision. */
final class ConsistencyOptions {
    @Option(names = "--consistency-full", description = "Answer at the newest revision (slowest, freshest).")
    boolean full;

    @Option(
            names = "--consistency-at-least",
            paramLabel = "TOKEN",
            description = "Answer at a revision at least as fresh as TOKEN (a token of an earlier write).")
    String atLeast;

    @Option(
            names = "--consistency-at-exactly",
            paramLabel = "TOKEN",
            description = "Answer at exactly the revision of TOKEN.")
    String atExactly;

    @Option(names = "--consistency-min-latency", description = "Answer at the fastest revision (the default).")
    boolean minLatency;

    /** The consistency the flags ask for, or null for the server's default (minimize latency). */
    Consistency consistency() {
        int given = (full ? 1 : 0) + (atLeast != null ? 1 : 0) + (atExactly != null ? 1 : 0) + (minLatency ? 1 : 0);
        if (given > 1) {
            throw new KithException.InvalidArgument(
                    "--consistency-*",
                    "give at most one of --consistency-full, --consistency-at-least, --consistency-at-exactly and"
                            + " --consistency-min-latency");
        }
        if (full) return Consistency.newBuilder().setFullyConsistent(true).build();
        if (atLeast != null) {
            return Consistency.newBuilder()
                    .setAtLeastAsFresh(ZedToken.newBuilder().setToken(atLeast))
                    .build();
        }
        if (atExactly != null) {
            return Consistency.newBuilder()
                    .setAtExactSnapshot(ZedToken.newBuilder().setToken(atExactly))
                    .build();
        }
        if (minLatency) return Consistency.newBuilder().setMinimizeLatency(true).build();
        return null;
    }
}

package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.RelationshipFilter;
import java.io.Console;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith relationship bulk-delete FILTER…}: deletes every relationship matching a filter in one transaction. */
@Command(
        name = "bulk-delete",
        mixinStandardHelpOptions = true,
        description = {
            "Delete every relationship matching the filter (as `kith relationship read` takes it) in one transaction;"
                    + " prints how many were deleted and the token.",
            "With --limit N, a filter matching more than N deletes nothing (FAILED) unless --allow-partial, which"
                    + " deletes N and says so: run it again until it reports complete.",
            "On a terminal it first counts the relationships the filter matches and asks before deleting them;"
                    + " elsewhere (a script, a pipe) it refuses unless --force."
        },
        footer = {
            "%nExamples:",
            "  kith relationship bulk-delete document:readme",
            "  kith relationship bulk-delete document viewer user:ann --force",
            "  kith relationship bulk-delete document viewer user:ann --precondition-must-match document:readme#owner"
        })
final class RelationshipBulkDeleteCommand extends RemoteCommand {
    @Parameters(arity = "1..3", paramLabel = "FILTER", description = "RESOURCE_TYPE[:ID] [RELATION] [SUBJECT]")
    List<String> filter;

    @Mixin
    Preconditions preconditions;

    @Option(names = "--limit", paramLabel = "N", description = "Delete at most N relationships.")
    int limit;

    @Option(names = "--allow-partial", description = "With --limit: delete N when more match, and say so.")
    boolean allowPartial;

    @Option(names = "--json", description = "Print the answer as JSON (DeleteRelationshipsResponse).")
    boolean json;

    @Option(
            names = "--force",
            description = "Delete without asking (needed when not on a terminal), e.g. bulk-delete document --force.")
    boolean force;

    @Override
    int run(Transport transport, Terminal t) {
        if (limit < 0) throw new KithException.InvalidArgument("--limit", "must be 0 or more");
        if (allowPartial && limit == 0) throw new KithException.InvalidArgument("--allow-partial", "needs a --limit");
        RelationshipFilter relationshipFilter = Protos.filter(filter, "FILTER");
        if (!force && !confirmed(transport, t, relationshipFilter)) return Main.INPUT_ERROR;
        DeleteRelationshipsRequest request = DeleteRelationshipsRequest.newBuilder()
                .setRelationshipFilter(relationshipFilter)
                .addAllOptionalPreconditions(preconditions.all())
                .setOptionalLimit(limit)
                .setOptionalAllowPartialDeletions(allowPartial)
                .build();
        DeleteRelationshipsResponse answer = transport.call(Rpc.DELETE_RELATIONSHIPS, request);
        if (json) {
            t.out.println(Protos.json(answer));
        } else {
            boolean partial = answer.getDeletionProgress()
                    == DeleteRelationshipsResponse.DeletionProgress.DELETION_PROGRESS_PARTIAL;
            t.out.println("deleted " + answer.getRelationshipsDeletedCount() + " relationships"
                    + (partial ? " (partial: more match, run again)" : "") + " at "
                    + answer.getDeletedAt().getToken());
        }
        return Main.OK;
    }

    /**
     * Asks on the terminal, after counting what the filter matches, whether to delete it; off a terminal nobody can
     * answer, so it refuses (the message saying so).
     */
    private boolean confirmed(Transport transport, Terminal t, RelationshipFilter relationshipFilter) {
        Console console = System.console();
        if (console == null || !Terminal.stdinIsTerminal()) {
            t.err.println("kith: bulk-delete asks before deleting, and standard input is not a terminal: add --force"
                    + " to delete every relationship matching " + String.join(" ", filter) + " without asking;"
                    + " nothing was deleted");
            return false;
        }
        long[] count = {0};
        transport.stream(
                Rpc.READ_RELATIONSHIPS,
                ReadRelationshipsRequest.newBuilder()
                        .setRelationshipFilter(relationshipFilter)
                        .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                        .build(),
                r -> {
                    count[0]++;
                    return true;
                },
                true);
        if (count[0] == 0) return true; // nothing to ask about: the delete says "deleted 0"
        t.out.flush();
        String answer = console.readLine(
                "delete %d relationships matching %s%s? [y/N] ",
                count[0], String.join(" ", filter), limit > 0 && count[0] > limit ? " (at most " + limit + ")" : "");
        boolean yes = answer != null
                && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
        if (!yes) t.err.println("kith: nothing was deleted");
        return yes;
    }
}

package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
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
                    + " deletes N and says so: run it again until it reports complete."
        },
        footer = {
            "%nExamples:",
            "  kith relationship bulk-delete document:readme",
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

    @Override
    int run(Transport transport, Terminal t) {
        if (limit < 0) throw new KithException.InvalidArgument("--limit", "must be 0 or more");
        if (allowPartial && limit == 0) throw new KithException.InvalidArgument("--allow-partial", "needs a --limit");
        DeleteRelationshipsRequest request = DeleteRelationshipsRequest.newBuilder()
                .setRelationshipFilter(Protos.filter(filter, "FILTER"))
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
}

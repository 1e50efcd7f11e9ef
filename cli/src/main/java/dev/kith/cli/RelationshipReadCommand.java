package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith relationship read FILTER…}: the stored relationships matching a filter, one per line. */
@Command(
        name = "read",
        mixinStandardHelpOptions = true,
        description = {
            "Print the relationships matching the filter, one per line in the compact form (which `kith import`"
                    + " reads back): RESOURCE_TYPE[:ID] [RELATION] [SUBJECT_TYPE[:ID][#RELATION]], as zed takes it,"
                    + " or one word type[:id][#relation][@subject_type[:id][#relation]]. ID% matches ids with that"
                    + " prefix."
        },
        footer = {
            "%nExamples:",
            "  kith relationship read document",
            "  kith relationship read document:readme viewer",
            "  kith relationship read document viewer group:eng#member --json"
        })
final class RelationshipReadCommand extends RemoteCommand {
    @Parameters(arity = "1..3", paramLabel = "FILTER", description = "RESOURCE_TYPE[:ID] [RELATION] [SUBJECT]")
    List<String> filter;

    @Mixin
    ConsistencyOptions consistency;

    @Option(
            names = "--page-limit",
            paramLabel = "N",
            description = "Read in pages of N, each resuming from the last cursor (default: one stream).")
    int pageLimit;

    @Option(names = "--json", description = "One JSON object per relationship (ReadRelationshipsResponse).")
    boolean json;

    @Override
    int run(Transport transport, Terminal t) {
        if (pageLimit < 0) throw new KithException.InvalidArgument("--page-limit", "must be 0 or more");
        ReadRelationshipsRequest.Builder request = ReadRelationshipsRequest.newBuilder()
                .setRelationshipFilter(Protos.filter(filter, "FILTER"))
                .setOptionalLimit(pageLimit);
        Consistency c = consistency.consistency();
        if (c != null) request.setConsistency(c);
        while (true) {
            int[] count = {0};
            String[] last = {null};
            transport.stream(
                    Rpc.READ_RELATIONSHIPS,
                    request.build(),
                    (ReadRelationshipsResponse r) -> {
                        count[0]++;
                        last[0] = r.getAfterResultCursor().getToken();
                        t.out.println(json ? Protos.json(r) : Protos.compact(r.getRelationship()));
                        return true;
                    },
                    true);
            t.out.flush();
            if (pageLimit == 0 || count[0] < pageLimit || last[0] == null || last[0].isEmpty()) return Main.OK;
            request.setOptionalCursor(Cursor.newBuilder().setToken(last[0]));
        }
    }
}

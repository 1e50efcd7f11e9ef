package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.LookupPermissionship;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith permission lookup-resources TYPE PERMISSION SUBJECT}: the ids SUBJECT has PERMISSION on, streamed. */
@Command(
        name = "lookup-resources",
        mixinStandardHelpOptions = true,
        description = {
            "Print the ids of the resources of TYPE on which SUBJECT has PERMISSION, one per line as they arrive;"
                    + " a conditional one is followed by the caveat context it lacks.",
            "With --page-limit the lookup runs in pages of that many, each resuming from the last one's cursor."
        },
        footer = {
            "%nExamples:",
            "  kith permission lookup-resources document view user:ann",
            "  kith permission lookup-resources document view user:ann --page-limit 100 --json"
        })
final class LookupResourcesCommand extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type, e.g. document")
    String type;

    @Parameters(index = "1", paramLabel = "PERMISSION", description = "e.g. view")
    String permission;

    @Parameters(index = "2", paramLabel = "SUBJECT", description = "type:id or type:id#relation, e.g. user:ann")
    String subject;

    @Mixin
    ConsistencyOptions consistency;

    @Option(names = "--caveat-context", paramLabel = "JSON", description = "Caveat context as a JSON object.")
    String caveatContext;

    @Option(
            names = "--page-limit",
            paramLabel = "N",
            description = "Ask for pages of N results, resuming each from the last cursor (default: one stream).")
    int pageLimit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Resume after this cursor of an earlier lookup.")
    String cursor;

    @Option(names = "--json", description = "One JSON object per result (LookupResourcesResponse).")
    boolean json;

    @Override
    int run(Transport transport, Terminal t) {
        if (pageLimit < 0) throw new KithException.InvalidArgument("--page-limit", "must be 0 or more");
        LookupResourcesRequest.Builder request = LookupResourcesRequest.newBuilder()
                .setResourceObjectType(type)
                .setPermission(permission)
                .setSubject(Protos.subject(subject, "SUBJECT"))
                .setOptionalLimit(pageLimit);
        Consistency c = consistency.consistency();
        if (c != null) request.setConsistency(c);
        if (caveatContext != null) request.setContext(Protos.struct(caveatContext, "--caveat-context"));
        String after = cursor;
        while (true) {
            if (after != null) request.setOptionalCursor(Cursor.newBuilder().setToken(after));
            int[] count = {0};
            String[] last = {null};
            transport.stream(
                    Rpc.LOOKUP_RESOURCES,
                    request.build(),
                    (LookupResourcesResponse r) -> {
                        count[0]++;
                        last[0] = r.getAfterResultCursor().getToken();
                        t.out.println(json ? Protos.json(r) : line(r, t));
                        return true;
                    },
                    true);
            t.out.flush();
            if (pageLimit == 0 || count[0] < pageLimit || last[0] == null || last[0].isEmpty()) return Main.OK;
            after = last[0];
        }
    }

    private static String line(LookupResourcesResponse r, Terminal t) {
        if (r.getPermissionship() != LookupPermissionship.LOOKUP_PERMISSIONSHIP_CONDITIONAL_PERMISSION) {
            return r.getResourceObjectId();
        }
        return r.getResourceObjectId() + " "
                + t.yellow("(caveated, missing context: "
                        + TraceTree.ids(r.getPartialCaveatInfo().getMissingRequiredContextList()) + ")");
    }
}

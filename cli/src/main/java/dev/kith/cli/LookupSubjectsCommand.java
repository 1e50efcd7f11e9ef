package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.LookupPermissionship;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.ResolvedSubject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith permission lookup-subjects RESOURCE PERMISSION SUBJECT_TYPE}: the subjects that have PERMISSION. */
@Command(
        name = "lookup-subjects",
        mixinStandardHelpOptions = true,
        description = {
            "Print the subjects of SUBJECT_TYPE (type, or type#relation) that have PERMISSION on RESOURCE, one per line"
                    + " as type:id; a wildcard is type:* with the subjects it excludes; a conditional one is followed"
                    + " by the caveat context it lacks.",
            "With --page-limit the lookup runs in pages of that many concrete subjects, each resuming from the last"
                    + " one's cursor."
        },
        footer = {
            "%nExamples:",
            "  kith permission lookup-subjects document:readme view user",
            "  kith permission lookup-subjects document:readme view group#member --page-limit 100"
        })
final class LookupSubjectsCommand extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "RESOURCE", description = "type:id, e.g. document:readme")
    String resource;

    @Parameters(index = "1", paramLabel = "PERMISSION", description = "e.g. view")
    String permission;

    @Parameters(index = "2", paramLabel = "SUBJECT_TYPE", description = "type or type#relation, e.g. user")
    String subjectType;

    @Mixin
    ConsistencyOptions consistency;

    @Option(names = "--caveat-context", paramLabel = "JSON", description = "Caveat context as a JSON object.")
    String caveatContext;

    @Option(
            names = "--page-limit",
            paramLabel = "N",
            description = "Ask for pages of N concrete subjects, resuming each from the last cursor (default: one"
                    + " stream).")
    int pageLimit;

    @Option(names = "--json", description = "One JSON object per result (LookupSubjectsResponse).")
    boolean json;

    @Override
    int run(Transport transport, Terminal t) {
        if (pageLimit < 0) throw new KithException.InvalidArgument("--page-limit", "must be 0 or more");
        String[] typeRelation = subjectType.split("#", 2);
        LookupSubjectsRequest.Builder request = LookupSubjectsRequest.newBuilder()
                .setResource(Protos.object(resource, "RESOURCE"))
                .setPermission(permission)
                .setSubjectObjectType(typeRelation[0])
                .setOptionalConcreteLimit(pageLimit);
        if (typeRelation.length > 1) request.setOptionalSubjectRelation(typeRelation[1]);
        Consistency c = consistency.consistency();
        if (c != null) request.setConsistency(c);
        if (caveatContext != null) request.setContext(Protos.struct(caveatContext, "--caveat-context"));
        String after = null;
        while (true) {
            if (after != null) request.setOptionalCursor(Cursor.newBuilder().setToken(after));
            int[] concrete = {0};
            String[] last = {null};
            transport.stream(
                    Rpc.LOOKUP_SUBJECTS,
                    request.build(),
                    (LookupSubjectsResponse r) -> {
                        if (!r.getSubject().getSubjectObjectId().equals("*")) concrete[0]++;
                        last[0] = r.getAfterResultCursor().getToken();
                        t.out.println(json ? Protos.json(r) : line(typeRelation[0], r, t));
                        return true;
                    },
                    true);
            t.out.flush();
            if (pageLimit == 0 || concrete[0] < pageLimit || last[0] == null || last[0].isEmpty()) return Main.OK;
            after = last[0];
        }
    }

    private static String line(String type, LookupSubjectsResponse r, Terminal t) {
        ResolvedSubject s = r.getSubject();
        StringBuilder b = new StringBuilder(type).append(':').append(s.getSubjectObjectId());
        if (!r.getExcludedSubjectsList().isEmpty()) {
            List<String> excluded = new ArrayList<>();
            for (ResolvedSubject x : r.getExcludedSubjectsList()) excluded.add(type + ":" + x.getSubjectObjectId());
            b.append(" (except ").append(String.join(", ", excluded)).append(')');
        }
        if (s.getPermissionship() == LookupPermissionship.LOOKUP_PERMISSIONSHIP_CONDITIONAL_PERMISSION) {
            b.append(' ')
                    .append(t.yellow("(caveated, missing context: "
                            + TraceTree.ids(s.getPartialCaveatInfo().getMissingRequiredContextList()) + ")"));
        }
        return b.toString();
    }
}

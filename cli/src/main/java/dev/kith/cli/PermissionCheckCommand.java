package dev.kith.cli;

import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith permission check RESOURCE PERMISSION SUBJECT}: prints {@code true}, {@code false} or {@code caveated}
 * (with the missing context) and exits 0, 2 or 3; {@code --explain} adds the decision as a tree.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "May SUBJECT do PERMISSION on RESOURCE? Prints true, false or caveated (with the caveat context that is"
                    + " missing).",
            "Exit status 0 granted, 2 denied, 3 caveated (conditional), 1 an error, 4 server unavailable."
        },
        footer = {
            "%nExamples:",
            "  kith permission check document:readme view user:ann",
            "  kith permission check document:readme view group:eng#member --consistency-full",
            "  kith permission check document:plan view user:ann --caveat-context '{\"day\": \"monday\"}' --explain"
        })
final class PermissionCheckCommand extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "RESOURCE", description = "type:id, e.g. document:readme")
    String resource;

    @Parameters(index = "1", paramLabel = "PERMISSION", description = "A permission or relation, e.g. view")
    String permission;

    @Parameters(index = "2", paramLabel = "SUBJECT", description = "type:id or type:id#relation, e.g. user:ann")
    String subject;

    @Mixin
    ConsistencyOptions consistency;

    @Option(names = "--caveat-context", paramLabel = "JSON", description = "Caveat context as a JSON object.")
    String caveatContext;

    @Option(
            names = "--explain",
            description = "Ask the server for its trace and print the decision as a tree: which branch granted, which"
                    + " caveat lacked context.")
    boolean explain;

    @Option(names = "--json", description = "Print the answer as JSON (the HTTP API's CheckPermissionResponse).")
    boolean json;

    @Override
    int run(Transport transport, Terminal t) {
        CheckPermissionRequest.Builder request = CheckPermissionRequest.newBuilder()
                .setResource(Protos.object(resource, "RESOURCE"))
                .setPermission(permission)
                .setSubject(Protos.subject(subject, "SUBJECT"))
                .setWithTracing(explain);
        Consistency c = consistency.consistency();
        if (c != null) request.setConsistency(c);
        if (caveatContext != null) request.setContext(Protos.struct(caveatContext, "--caveat-context"));
        CheckPermissionResponse answer;
        try {
            answer = transport.call(Rpc.CHECK, request.build());
        } catch (RemoteException e) {
            if (explain && "ERROR_REASON_MAXIMUM_DEPTH_EXCEEDED".equals(e.reason())) {
                t.out.println(t.red("depth ran out") + ": the check followed more than "
                        + e.metadata().getOrDefault("depthLimit", "the limit of")
                        + " nested steps without an answer (a cycle, or a chain of subject sets deeper than the"
                        + " server's depth limit)");
            }
            throw e;
        }
        if (json) {
            t.out.println(Protos.json(answer));
        } else {
            t.out.println(verdict(answer, t));
            if (explain && answer.hasDebugTrace()) {
                TraceTree.print(answer.getDebugTrace().getCheck(), t);
            }
        }
        return switch (answer.getPermissionship()) {
            case PERMISSIONSHIP_HAS_PERMISSION -> Main.OK;
            case PERMISSIONSHIP_CONDITIONAL_PERMISSION -> Main.CONDITIONAL;
            default -> Main.DENIED;
        };
    }

    private static String verdict(CheckPermissionResponse answer, Terminal t) {
        return switch (answer.getPermissionship()) {
            case PERMISSIONSHIP_HAS_PERMISSION -> t.green("true");
            case PERMISSIONSHIP_CONDITIONAL_PERMISSION ->
                t.yellow("caveated") + " (missing context: "
                        + String.join(", ", answer.getPartialCaveatInfo().getMissingRequiredContextList()) + ")";
            default -> t.red("false");
        };
    }
}

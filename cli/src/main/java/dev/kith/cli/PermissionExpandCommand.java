package dev.kith.cli;

import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.PermissionRelationshipTree;
import dev.kith.proto.v1.SubjectReference;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith permission expand RESOURCE PERMISSION}: the tree of subjects the permission is computed from. */
@Command(
        name = "expand",
        mixinStandardHelpOptions = true,
        description = "Print the tree of subject sets a permission on RESOURCE is computed from (one level of it).",
        footer = {"%nExample:", "  kith permission expand document:readme view"})
final class PermissionExpandCommand extends RemoteCommand {
    @Parameters(index = "0", paramLabel = "RESOURCE", description = "type:id, e.g. document:readme")
    String resource;

    @Parameters(index = "1", paramLabel = "PERMISSION", description = "e.g. view")
    String permission;

    @Mixin
    ConsistencyOptions consistency;

    @Option(names = "--json", description = "Print the answer as JSON (ExpandPermissionTreeResponse).")
    boolean json;

    @Override
    int run(Transport transport, Terminal t) {
        ExpandPermissionTreeRequest.Builder request = ExpandPermissionTreeRequest.newBuilder()
                .setResource(Protos.object(resource, "RESOURCE"))
                .setPermission(permission);
        Consistency c = consistency.consistency();
        if (c != null) request.setConsistency(c);
        ExpandPermissionTreeResponse answer = transport.call(Rpc.EXPAND, request.build());
        if (json) {
            t.out.println(Protos.json(answer));
        } else {
            print(answer.getTreeRoot(), "", "", t);
        }
        return Main.OK;
    }

    private static void print(PermissionRelationshipTree node, String lead, String childLead, Terminal t) {
        String name = TraceTree.object(node.getExpandedObject()) + "#" + node.getExpandedRelation();
        if (node.hasLeaf()) {
            t.out.println(lead + name);
            List<SubjectReference> subjects = node.getLeaf().getSubjectsList();
            for (int i = 0; i < subjects.size(); i++) {
                boolean last = i == subjects.size() - 1;
                t.out.println(childLead + (last ? "└── " : "├── ") + TraceTree.subject(subjects.get(i)));
            }
            return;
        }
        String op = node.getIntermediate()
                .getOperation()
                .name()
                .replace("OPERATION_", "")
                .toLowerCase(java.util.Locale.ROOT);
        t.out.println(lead + name + t.dim("  (" + op + ")"));
        List<PermissionRelationshipTree> children = node.getIntermediate().getChildrenList();
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            print(children.get(i), childLead + (last ? "└── " : "├── "), childLead + (last ? "    " : "│   "), t);
        }
    }
}

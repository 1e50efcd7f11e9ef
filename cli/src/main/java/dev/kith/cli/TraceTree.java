package dev.kith.cli;

import dev.kith.proto.v1.CaveatEvalInfo;
import dev.kith.proto.v1.CheckDebugTrace;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.SubjectReference;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A check's debug trace (SpiceDB's {@code CheckDebugTrace}) as a tree of lines: each relation or permission the
 * check evaluated, its answer, the caveat evaluated on it (and the context it lacked), and its sub-problems beneath
 * it. The branch that granted is the one marked {@code granted} under a granted parent.
 */
final class TraceTree {
    private TraceTree() {}

    static void print(CheckDebugTrace root, Terminal t) {
        print(root, "", "", t);
    }

    private static void print(CheckDebugTrace node, String lead, String childLead, Terminal t) {
        StringBuilder line = new StringBuilder(lead)
                .append(result(node.getResult(), t))
                .append(' ')
                .append(object(node.getResource()))
                .append('#')
                .append(node.getPermission())
                .append(" @ ")
                .append(subject(node.getSubject()))
                .append(t.dim(
                        node.getPermissionType() == CheckDebugTrace.PermissionType.PERMISSION_TYPE_RELATION
                                ? "  (relation)"
                                : "  (permission)"));
        t.out.println(line);
        List<CheckDebugTrace> children =
                node.hasSubProblems() ? node.getSubProblems().getTracesList() : List.of();
        boolean caveat = node.hasCaveatEvaluationInfo();
        if (caveat) {
            t.out.println(
                    childLead + (children.isEmpty() ? "└── " : "├── ") + caveat(node.getCaveatEvaluationInfo(), t));
        }
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            print(children.get(i), childLead + (last ? "└── " : "├── "), childLead + (last ? "    " : "│   "), t);
        }
    }

    private static String caveat(CaveatEvalInfo c, Terminal t) {
        String outcome = switch (c.getResult()) {
            case RESULT_TRUE -> t.green("true");
            case RESULT_FALSE -> t.red("false");
            case RESULT_MISSING_SOME_CONTEXT ->
                t.yellow("missing context: "
                        + String.join(", ", c.getPartialCaveatInfo().getMissingRequiredContextList()));
            default -> "not evaluated";
        };
        String expression = c.getExpression().isEmpty() ? "" : t.dim("  (" + c.getExpression() + ")");
        return "caveat " + c.getCaveatName() + ": " + outcome + expression;
    }

    private static String result(CheckDebugTrace.Permissionship p, Terminal t) {
        return switch (p) {
            case PERMISSIONSHIP_HAS_PERMISSION -> t.green("granted");
            case PERMISSIONSHIP_CONDITIONAL_PERMISSION -> t.yellow("caveated");
            case PERMISSIONSHIP_NO_PERMISSION -> t.red("denied");
            default -> "unknown";
        };
    }

    static String object(ObjectReference o) {
        return o.getObjectType() + ":" + o.getObjectId();
    }

    static String subject(SubjectReference s) {
        return object(s.getObject()) + (s.getOptionalRelation().isEmpty() ? "" : "#" + s.getOptionalRelation());
    }

    static String ids(List<String> ids) {
        return ids.stream().collect(Collectors.joining(", "));
    }
}

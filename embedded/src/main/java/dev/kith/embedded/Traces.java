package dev.kith.embedded;

import com.google.protobuf.Duration;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.proto.v1.CaveatEvalInfo;
import dev.kith.proto.v1.CheckDebugTrace;
import dev.kith.proto.v1.DebugInformation;

/**
 * A check's trace as SpiceDB's {@code DebugInformation}, the shape a server's {@code debug_trace} has: a tree of
 * the relations and permissions the check computed, each with its result, the caveat it evaluated itself and its
 * duration; the checked permission also shows the caveat evaluation that decided it, however deep. kith's steps
 * that are neither a relation nor a permission (a subject reached, a cut) are not in this shape.
 */
final class Traces {
    private Traces() {}

    static DebugInformation debugInformation(Results.CheckTrace root, SubjectRef subject) {
        CheckDebugTrace.Builder check = trace(root, Protos.subject(subject));
        if (!check.hasCaveatEvaluationInfo()) {
            Results.CheckTrace deciding = decidingCaveat(root, root.result());
            if (deciding != null) check.setCaveatEvaluationInfo(caveat(deciding));
        }
        DebugInformation.Builder b = DebugInformation.newBuilder().setCheck(check);
        if (root.schemaUsed() != null) b.setSchemaUsed(root.schemaUsed());
        return b.build();
    }

    private static Results.CheckTrace decidingCaveat(Results.CheckTrace t, Permissionship result) {
        for (Results.CheckTrace c : t.children()) {
            if (kind(c) == Results.CheckTrace.Step.Kind.CAVEAT && c.result() == result) return c;
            Results.CheckTrace below = decidingCaveat(c, result);
            if (below != null) return below;
        }
        return null;
    }

    private static Results.CheckTrace.Step.Kind kind(Results.CheckTrace t) {
        return t.step() == null ? null : t.step().kind();
    }

    private static CheckDebugTrace.Builder trace(Results.CheckTrace t, dev.kith.proto.v1.SubjectReference subject) {
        CheckDebugTrace.Builder b =
                CheckDebugTrace.newBuilder().setSubject(subject).setResult(result(t.result()));
        Results.CheckTrace.Step step = t.step();
        if (step != null && step.resource() != null) {
            b.setResource(Protos.object(step.resource()))
                    .setPermission(step.relation())
                    .setPermissionType(
                            switch (step.kind()) {
                                case PERMISSION -> CheckDebugTrace.PermissionType.PERMISSION_TYPE_PERMISSION;
                                case RELATION -> CheckDebugTrace.PermissionType.PERMISSION_TYPE_RELATION;
                                default -> CheckDebugTrace.PermissionType.PERMISSION_TYPE_UNSPECIFIED;
                            });
        }
        Results.CheckTrace caveat = null;
        CheckDebugTrace.SubProblems.Builder subProblems = CheckDebugTrace.SubProblems.newBuilder();
        for (Results.CheckTrace c : t.children()) {
            Results.CheckTrace.Step.Kind kind = kind(c);
            if (kind == Results.CheckTrace.Step.Kind.CAVEAT) {
                if (caveat == null || (caveat.result() != t.result() && c.result() == t.result())) caveat = c;
            } else if (kind == Results.CheckTrace.Step.Kind.RELATION
                    || kind == Results.CheckTrace.Step.Kind.PERMISSION) {
                subProblems.addTraces(trace(c, subject));
            }
        }
        if (caveat != null) b.setCaveatEvaluationInfo(caveat(caveat));
        long nanos = Math.max(0, t.durationNanos());
        b.setDuration(
                Duration.newBuilder().setSeconds(nanos / 1_000_000_000L).setNanos((int) (nanos % 1_000_000_000L)));
        if (subProblems.getTracesCount() == 0) b.setWasCachedResult(false);
        else b.setSubProblems(subProblems);
        return b;
    }

    private static CaveatEvalInfo caveat(Results.CheckTrace c) {
        CaveatEvalInfo.Builder b = CaveatEvalInfo.newBuilder()
                .setResult(
                        switch (c.result()) {
                            case HAS_PERMISSION -> CaveatEvalInfo.Result.RESULT_TRUE;
                            case NO_PERMISSION -> CaveatEvalInfo.Result.RESULT_FALSE;
                            case CONDITIONAL_PERMISSION -> CaveatEvalInfo.Result.RESULT_MISSING_SOME_CONTEXT;
                        })
                .setCaveatName(c.step().caveat());
        if (c.step().expression() != null) b.setExpression(c.step().expression());
        if (c.step().context() != null) b.setContext(Protos.struct(c.step().context()));
        if (!c.missingContext().isEmpty()) b.setPartialCaveatInfo(Protos.partial(c.missingContext()));
        return b.build();
    }

    private static CheckDebugTrace.Permissionship result(Permissionship p) {
        return switch (p) {
            case HAS_PERMISSION -> CheckDebugTrace.Permissionship.PERMISSIONSHIP_HAS_PERMISSION;
            case NO_PERMISSION -> CheckDebugTrace.Permissionship.PERMISSIONSHIP_NO_PERMISSION;
            case CONDITIONAL_PERMISSION -> CheckDebugTrace.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION;
        };
    }
}

package dev.kith.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.eval.RelationshipValidator;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReflectionSchemaDiff;
import dev.kith.proto.v1.ReflectionTypeReference;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith schema diff FILE}: what writing FILE would change on the server (its DiffSchema), and whether the write
 * would be refused because stored relationships would be orphaned.
 *
 * <p>The orphan check is the server's own rule, applied here: a stored relationship survives a schema write when the
 * new schema still has its relation as a relation, with a subject type of the same type, relation, wildcard, caveat
 * and expiration. Only relations whose subject types change (or that go away) can lose relationships, so only their
 * relationships are read, at the revision the diff was computed at, and each is tested against FILE compiled here.
 */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Compare FILE with the schema of a running server: definitions, relations, permissions and caveats added"
                    + " (+), removed (-) and changed (~); then whether the server would refuse to write FILE because"
                    + " stored relationships would be orphaned (with how many and examples).",
            "Exit status 0 when the write would be accepted, 1 when it would be refused (or FILE has errors)."
        },
        footer = {"%nExample:", "  kith schema diff schema.zed"})
final class SchemaDiffCommand extends RemoteCommand {
    private static final int EXAMPLES = 5;

    @Parameters(paramLabel = "FILE", description = "The schema file, or - for standard input.")
    Path file;

    @Option(
            names = "--json",
            description =
                    "Print {\"diffs\": [ReflectionSchemaDiff…], \"readAt\": …, \"orphaned\": N, \"examples\": […]}.")
    boolean json;

    /** The relationships a write of the new schema would orphan: how many, and the first few. */
    record Orphans(long count, List<String> examples) {}

    @Override
    int run(Transport transport, Terminal t) {
        String text = SchemaRemoteCommands.text(file, System.in);
        DiffSchemaResponse diff = transport.call(
                Rpc.DIFF_SCHEMA,
                DiffSchemaRequest.newBuilder().setComparisonSchema(text).build());
        Orphans orphans = orphans(transport, text, diff);
        if (json) {
            ObjectNode n = (ObjectNode) Protos.tree(diff);
            if (!n.has("diffs")) n.putArray("diffs");
            n.put("orphaned", orphans.count());
            ArrayNode examples = n.putArray("examples");
            orphans.examples().forEach(examples::add);
            t.out.println(n.toString());
        } else {
            if (diff.getDiffsList().isEmpty()) t.out.println("no changes");
            for (ReflectionSchemaDiff d : diff.getDiffsList()) t.out.println(line(d, t));
            if (orphans.count() == 0) {
                t.out.println(
                        t.green("the server would accept this schema:") + " no stored relationship would be orphaned");
            } else {
                t.out.println(t.red("the server would refuse this schema:") + " " + orphans.count()
                        + " stored relationship" + (orphans.count() == 1 ? "" : "s") + " would be orphaned,"
                        + " e.g.");
                orphans.examples().forEach(e -> t.out.println("  " + e));
            }
        }
        return orphans.count() == 0 ? Main.OK : Main.INPUT_ERROR;
    }

    private static Orphans orphans(Transport transport, String text, DiffSchemaResponse diff) {
        ValidatedSchema next;
        try {
            next = Schemas.compile("FILE", text);
        } catch (SchemaException e) {
            throw new dev.kith.engine.KithException.InvalidArgument("FILE", e.getMessage());
        }
        String currentText;
        try {
            currentText = transport
                    .call(Rpc.READ_SCHEMA, ReadSchemaRequest.getDefaultInstance())
                    .getSchemaText();
        } catch (RemoteException e) {
            if (e.code().equals("NOT_FOUND")) return new Orphans(0, List.of());
            throw e;
        }
        ValidatedSchema current;
        try {
            current = Schemas.compile("server schema", currentText);
        } catch (SchemaException e) {
            throw new IllegalStateException("the server's schema does not compile here: " + e.getMessage(), e);
        }
        long[] count = {0};
        List<String> examples = new ArrayList<>();
        Consistency at =
                Consistency.newBuilder().setAtExactSnapshot(diff.getReadAt()).build();
        for (Definition d : current.definitions().values()) {
            for (RelationDef r : d.relations().values()) {
                if (r.isPermission() || !changes(r, next.relation(d.name(), r.name()))) continue;
                ReadRelationshipsRequest read = ReadRelationshipsRequest.newBuilder()
                        .setConsistency(
                                diff.hasReadAt()
                                        ? at
                                        : Consistency.newBuilder()
                                                .setFullyConsistent(true)
                                                .build())
                        .setRelationshipFilter(RelationshipFilter.newBuilder()
                                .setResourceType(d.name())
                                .setOptionalRelation(r.name()))
                        .build();
                transport.stream(
                        Rpc.READ_RELATIONSHIPS,
                        read,
                        (ReadRelationshipsResponse rr) -> {
                            dev.kith.engine.Relationship stored = Protos.engine(rr.getRelationship());
                            if (!RelationshipValidator.allowedBy(next, stored)) {
                                count[0]++;
                                if (examples.size() < EXAMPLES) examples.add(stored.toString());
                            }
                            return true;
                        },
                        true);
            }
        }
        return new Orphans(count[0], examples);
    }

    /** Whether relationships of {@code before} may be refused under {@code after}. */
    private static boolean changes(RelationDef before, RelationDef after) {
        return after == null
                || after.isPermission()
                || !new HashSet<>(after.allowedSubjects()).containsAll(before.allowedSubjects());
    }

    private static String line(ReflectionSchemaDiff d, Terminal t) {
        return switch (d.getDiffCase()) {
            case DEFINITION_ADDED ->
                t.green("+ definition " + d.getDefinitionAdded().getName());
            case DEFINITION_REMOVED ->
                t.red("- definition " + d.getDefinitionRemoved().getName());
            case DEFINITION_DOC_COMMENT_CHANGED ->
                "~ definition " + d.getDefinitionDocCommentChanged().getName() + ": comment changed";
            case RELATION_ADDED ->
                t.green("+ relation " + d.getRelationAdded().getParentDefinitionName() + "#"
                        + d.getRelationAdded().getName());
            case RELATION_REMOVED ->
                t.red("- relation " + d.getRelationRemoved().getParentDefinitionName() + "#"
                        + d.getRelationRemoved().getName());
            case RELATION_DOC_COMMENT_CHANGED ->
                "~ relation "
                        + d.getRelationDocCommentChanged().getParentDefinitionName() + "#"
                        + d.getRelationDocCommentChanged().getName() + ": comment changed";
            case RELATION_SUBJECT_TYPE_ADDED ->
                "~ relation "
                        + d.getRelationSubjectTypeAdded().getRelation().getParentDefinitionName() + "#"
                        + d.getRelationSubjectTypeAdded().getRelation().getName() + ": "
                        + t.green("+ subject type "
                                + type(d.getRelationSubjectTypeAdded().getChangedSubjectType()));
            case RELATION_SUBJECT_TYPE_REMOVED ->
                "~ relation "
                        + d.getRelationSubjectTypeRemoved().getRelation().getParentDefinitionName() + "#"
                        + d.getRelationSubjectTypeRemoved().getRelation().getName() + ": "
                        + t.red("- subject type "
                                + type(d.getRelationSubjectTypeRemoved().getChangedSubjectType()));
            case PERMISSION_ADDED ->
                t.green("+ permission " + d.getPermissionAdded().getParentDefinitionName() + "#"
                        + d.getPermissionAdded().getName());
            case PERMISSION_REMOVED ->
                t.red("- permission " + d.getPermissionRemoved().getParentDefinitionName() + "#"
                        + d.getPermissionRemoved().getName());
            case PERMISSION_DOC_COMMENT_CHANGED ->
                "~ permission "
                        + d.getPermissionDocCommentChanged().getParentDefinitionName() + "#"
                        + d.getPermissionDocCommentChanged().getName() + ": comment changed";
            case PERMISSION_EXPR_CHANGED ->
                "~ permission " + d.getPermissionExprChanged().getParentDefinitionName() + "#"
                        + d.getPermissionExprChanged().getName() + ": expression changed";
            case CAVEAT_ADDED -> t.green("+ caveat " + d.getCaveatAdded().getName());
            case CAVEAT_REMOVED -> t.red("- caveat " + d.getCaveatRemoved().getName());
            case CAVEAT_DOC_COMMENT_CHANGED ->
                "~ caveat " + d.getCaveatDocCommentChanged().getName() + ": comment changed";
            case CAVEAT_EXPR_CHANGED -> "~ caveat " + d.getCaveatExprChanged().getName() + ": expression changed";
            case CAVEAT_PARAMETER_ADDED ->
                "~ caveat " + d.getCaveatParameterAdded().getParentCaveatName() + ": "
                        + t.green("+ parameter " + d.getCaveatParameterAdded().getName() + " "
                                + d.getCaveatParameterAdded().getType());
            case CAVEAT_PARAMETER_REMOVED ->
                "~ caveat " + d.getCaveatParameterRemoved().getParentCaveatName() + ": "
                        + t.red("- parameter " + d.getCaveatParameterRemoved().getName());
            case CAVEAT_PARAMETER_TYPE_CHANGED ->
                "~ caveat "
                        + d.getCaveatParameterTypeChanged().getParameter().getParentCaveatName() + ": parameter "
                        + d.getCaveatParameterTypeChanged().getParameter().getName() + " is now "
                        + d.getCaveatParameterTypeChanged().getParameter().getType() + " (was "
                        + d.getCaveatParameterTypeChanged().getPreviousType() + ")";
            case DIFF_NOT_SET -> "~ (a change this version of kith does not know)";
        };
    }

    private static String type(ReflectionTypeReference r) {
        StringBuilder b = new StringBuilder(r.getSubjectDefinitionName());
        if (r.getIsPublicWildcard()) b.append(":*");
        if (!r.getOptionalRelationName().isEmpty()) b.append('#').append(r.getOptionalRelationName());
        if (!r.getOptionalCaveatName().isEmpty()) b.append(" with ").append(r.getOptionalCaveatName());
        return b.toString();
    }
}

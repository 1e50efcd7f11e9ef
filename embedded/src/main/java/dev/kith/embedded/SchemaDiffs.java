package dev.kith.embedded;

import dev.kith.proto.v1.ReflectionCaveat;
import dev.kith.proto.v1.ReflectionCaveatParameter;
import dev.kith.proto.v1.ReflectionCaveatParameterTypeChange;
import dev.kith.proto.v1.ReflectionDefinition;
import dev.kith.proto.v1.ReflectionPermission;
import dev.kith.proto.v1.ReflectionRelation;
import dev.kith.proto.v1.ReflectionRelationSubjectTypeChange;
import dev.kith.proto.v1.ReflectionSchemaDiff;
import dev.kith.proto.v1.ReflectionTypeReference;
import dev.kith.schema.AllowedSubject;
import dev.kith.schema.CaveatDef;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.SchemaChanges;
import dev.kith.schema.SchemaReflection;
import dev.kith.schema.ValidatedSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * DiffSchema's answer from {@link SchemaChanges}: each change in SpiceDB's reflection shapes, the item described as
 * it is in the schema it belongs to (the existing one for removals, the compared one otherwise), with its comment.
 */
final class SchemaDiffs {
    private final ValidatedSchema existing;
    private final ValidatedSchema compared;
    private final Map<String, String> existingComments;
    private final Map<String, String> comparedComments;

    private SchemaDiffs(ValidatedSchema existing, ValidatedSchema compared) {
        this.existing = existing;
        this.compared = compared;
        this.existingComments = existing == null ? Map.of() : SchemaReflection.comments(existing);
        this.comparedComments = SchemaReflection.comments(compared);
    }

    /** The changes from {@code existing} (null: no schema) to {@code compared}. */
    static List<ReflectionSchemaDiff> between(ValidatedSchema existing, ValidatedSchema compared) {
        SchemaDiffs d = new SchemaDiffs(existing, compared);
        List<ReflectionSchemaDiff> out = new ArrayList<>();
        for (SchemaChanges.Change c : SchemaChanges.between(existing, compared)) out.add(d.diff(c));
        return out;
    }

    private ReflectionSchemaDiff diff(SchemaChanges.Change c) {
        ValidatedSchema s = c.fromExisting() ? existing : compared;
        Map<String, String> comments = c.fromExisting() ? existingComments : comparedComments;
        ReflectionSchemaDiff.Builder b = ReflectionSchemaDiff.newBuilder();
        switch (c.kind()) {
            case DEFINITION_ADDED -> b.setDefinitionAdded(definition(s.definition(c.definition()), comments));
            case DEFINITION_REMOVED -> b.setDefinitionRemoved(definition(s.definition(c.definition()), comments));
            case DEFINITION_DOC_COMMENT_CHANGED ->
                b.setDefinitionDocCommentChanged(definition(s.definition(c.definition()), comments));
            case RELATION_ADDED -> b.setRelationAdded(relation(c.definition(), member(s, c), comments));
            case RELATION_REMOVED -> b.setRelationRemoved(relation(c.definition(), member(s, c), comments));
            case RELATION_DOC_COMMENT_CHANGED ->
                b.setRelationDocCommentChanged(relation(c.definition(), member(s, c), comments));
            case RELATION_SUBJECT_TYPE_ADDED -> b.setRelationSubjectTypeAdded(subjectTypeChange(s, c, comments));
            case RELATION_SUBJECT_TYPE_REMOVED -> b.setRelationSubjectTypeRemoved(subjectTypeChange(s, c, comments));
            case PERMISSION_ADDED -> b.setPermissionAdded(permission(c.definition(), member(s, c), comments));
            case PERMISSION_REMOVED -> b.setPermissionRemoved(permission(c.definition(), member(s, c), comments));
            case PERMISSION_DOC_COMMENT_CHANGED ->
                b.setPermissionDocCommentChanged(permission(c.definition(), member(s, c), comments));
            case PERMISSION_EXPR_CHANGED ->
                b.setPermissionExprChanged(permission(c.definition(), member(s, c), comments));
            case CAVEAT_ADDED -> b.setCaveatAdded(caveat(s, s.caveat(c.caveat()), comments));
            case CAVEAT_REMOVED -> b.setCaveatRemoved(caveat(s, s.caveat(c.caveat()), comments));
            case CAVEAT_DOC_COMMENT_CHANGED -> b.setCaveatDocCommentChanged(caveat(s, s.caveat(c.caveat()), comments));
            case CAVEAT_EXPR_CHANGED -> b.setCaveatExprChanged(caveat(s, s.caveat(c.caveat()), comments));
            case CAVEAT_PARAMETER_ADDED -> b.setCaveatParameterAdded(parameter(s.caveat(c.caveat()), c.parameter()));
            case CAVEAT_PARAMETER_REMOVED ->
                b.setCaveatParameterRemoved(parameter(s.caveat(c.caveat()), c.parameter()));
            case CAVEAT_PARAMETER_TYPE_CHANGED ->
                b.setCaveatParameterTypeChanged(ReflectionCaveatParameterTypeChange.newBuilder()
                        .setParameter(parameter(s.caveat(c.caveat()), c.parameter()))
                        .setPreviousType(SchemaReflection.typeName(c.previousType())));
        }
        return b.build();
    }

    private static RelationDef member(ValidatedSchema s, SchemaChanges.Change c) {
        return s.relation(c.definition(), c.member());
    }

    private ReflectionRelationSubjectTypeChange subjectTypeChange(
            ValidatedSchema s, SchemaChanges.Change c, Map<String, String> comments) {
        return ReflectionRelationSubjectTypeChange.newBuilder()
                .setRelation(relation(c.definition(), member(s, c), comments))
                .setChangedSubjectType(typeReference(c.subjectType()))
                .build();
    }

    private static ReflectionDefinition definition(Definition d, Map<String, String> comments) {
        ReflectionDefinition.Builder b = ReflectionDefinition.newBuilder()
                .setName(d.name())
                .setComment(comments.getOrDefault("definition " + d.name(), ""));
        for (RelationDef r : d.relations().values()) {
            if (r.isPermission()) b.addPermissions(permission(d.name(), r, comments));
            else b.addRelations(relation(d.name(), r, comments));
        }
        return b.build();
    }

    private static ReflectionRelation relation(String definition, RelationDef r, Map<String, String> comments) {
        ReflectionRelation.Builder b = ReflectionRelation.newBuilder()
                .setName(r.name())
                .setComment(comments.getOrDefault("definition " + definition + "#" + r.name(), ""))
                .setParentDefinitionName(definition);
        for (AllowedSubject s : r.allowedSubjects()) b.addSubjectTypes(typeReference(s));
        return b.build();
    }

    private static ReflectionTypeReference typeReference(AllowedSubject s) {
        ReflectionTypeReference.Builder b = ReflectionTypeReference.newBuilder()
                .setSubjectDefinitionName(s.type())
                .setOptionalCaveatName(s.caveat() == null ? "" : s.caveat());
        if (s.relation() != null) b.setOptionalRelationName(s.relation());
        else if (s.wildcard()) b.setIsPublicWildcard(true);
        else b.setIsTerminalSubject(false);
        return b.build();
    }

    private static ReflectionPermission permission(String definition, RelationDef r, Map<String, String> comments) {
        return ReflectionPermission.newBuilder()
                .setName(r.name())
                .setComment(comments.getOrDefault("definition " + definition + "#" + r.name(), ""))
                .setParentDefinitionName(definition)
                .build();
    }

    private static ReflectionCaveat caveat(ValidatedSchema s, CaveatDef c, Map<String, String> comments) {
        ReflectionCaveat.Builder b = ReflectionCaveat.newBuilder()
                .setName(c.name())
                .setComment(comments.getOrDefault("caveat " + c.name(), ""))
                .setExpression(SchemaReflection.expression(s, c.name()));
        for (String p : new TreeSet<>(c.parameters().keySet())) b.addParameters(parameter(c, p));
        return b.build();
    }

    private static ReflectionCaveatParameter parameter(CaveatDef c, String name) {
        return ReflectionCaveatParameter.newBuilder()
                .setName(name)
                .setType(SchemaReflection.typeName(c.parameters().get(name)))
                .setParentCaveatName(c.name())
                .build();
    }
}

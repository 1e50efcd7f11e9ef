package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Consistency;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.KithException.Part;
import dev.kith.engine.KithException.Where;
import dev.kith.engine.Results;
import dev.kith.schema.AllowedSubject;
import dev.kith.schema.CaveatDef;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.SchemaChanges;
import dev.kith.schema.SchemaException;
import dev.kith.schema.SchemaReflection;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * SchemaService's schema inspection endpoints, SpiceDB's answers over kith's compiled schema: reflect (the
 * definitions, relations with their subject types, permissions and caveats, with the comments written above them,
 * optionally filtered), diff (what changes from the schema in force to a given one), computable permissions (what a
 * relation feeds) and dependent relations (what a permission is computed from). The computations are {@link
 * SchemaReflection}'s and {@link SchemaChanges}'; this binds the request (a 400 naming the field), reads the schema
 * at the revision the request's consistency picks (one engine call) and renders the answer in SpiceDB's gateway
 * shape: every field present, also when empty, as grpc-gateway emits them. The experimental service's methods of
 * the same names take and answer the same JSON, so they share these handlers.
 */
final class ReflectionHandlers {
    private static final Set<String> REFLECT = Set.of("consistency", "optionalFilters");
    private static final Set<String> FILTER = Set.of(
            "optionalDefinitionNameFilter",
            "optionalCaveatNameFilter",
            "optionalRelationNameFilter",
            "optionalPermissionNameFilter");
    private static final Set<String> DIFF = Set.of("consistency", "comparisonSchema");
    private static final Set<String> COMPUTABLE =
            Set.of("consistency", "definitionName", "relationName", "optionalDefinitionNameFilter");
    private static final Set<String> DEPENDENT = Set.of("consistency", "definitionName", "permissionName");

    /** The field paths of computable permissions' and dependent relations' unknown names. */
    static final FieldPaths COMPUTABLE_PATHS = w -> w.element() == KithException.Element.REQUEST
            ? switch (w.part()) {
                case RESOURCE_TYPE -> "definitionName";
                case RELATION -> "relationName";
                default -> null;
            }
            : null;

    static final FieldPaths DEPENDENT_PATHS = w -> w.element() == KithException.Element.REQUEST
            ? switch (w.part()) {
                case RESOURCE_TYPE -> "definitionName";
                case RELATION -> "permissionName";
                default -> null;
            }
            : null;

    private final Exchange x;

    ReflectionHandlers(Exchange x) {
        this.x = x;
    }

    // ---- reflect

    void reflectSchema(RoutingContext ctx) {
        x.unary(ctx, body -> reflectSchema(body, AuditLog.entry(ctx)));
    }

    /** One filter of a reflection: prefixes, empty when not given. */
    private record Filter(String definition, String caveat, String relation, String permission) {}

    Exchange.Plan reflectSchema(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", REFLECT);
        Consistency consistency = x.in.consistency(in);
        List<JsonNode> raw = in.array("optionalFilters");
        List<Filter> filters = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String path = "optionalFilters[" + i + "]";
            JsonIn f = JsonIn.object(raw.get(i), path, FILTER);
            Filter filter = new Filter(
                    orEmpty(f.optStr("optionalDefinitionNameFilter")),
                    orEmpty(f.optStr("optionalCaveatNameFilter")),
                    orEmpty(f.optStr("optionalRelationNameFilter")),
                    orEmpty(f.optStr("optionalPermissionNameFilter")));
            String problem = null;
            if (!filter.definition.isEmpty() && !filter.caveat.isEmpty()) {
                problem = "cannot filter by both definition and caveat name";
            } else if (!filter.relation.isEmpty() && filter.definition.isEmpty()) {
                problem = "relation name match requires definition name match";
            } else if (!filter.relation.isEmpty() && !filter.permission.isEmpty()) {
                problem = "cannot filter by both relation and permission name";
            } else if (!filter.permission.isEmpty() && filter.definition.isEmpty()) {
                problem = "permission name match requires definition name match";
            }
            if (problem != null) {
                throw JsonIn.invalid(path, "the relationship filter provided is not valid: " + problem);
            }
            filters.add(filter);
        }
        AuditLog.note(entry, f -> f.put("filters", filters.size()));
        return new Exchange.Plan(true, () -> {
            Results.SchemaAt at = x.engine.schemaAt(consistency);
            AuditLog.note(entry, f -> f.put("revision", at.readAt().value()));
            ObjectNode n = x.out.object();
            ArrayNode definitions = n.putArray("definitions");
            ArrayNode caveats = n.putArray("caveats");
            ValidatedSchema s = at.schema();
            if (s != null) {
                Map<String, String> comments = SchemaReflection.comments(s);
                if (hasDefinitions(filters)) {
                    for (Definition d : sorted(s.definitions().values(), Definition::name)) {
                        if (!matchesDefinition(filters, d.name())) continue;
                        definitions.add(definition(d, comments, filters));
                    }
                }
                if (hasCaveats(filters)) {
                    for (CaveatDef c : sorted(s.caveats().values(), CaveatDef::name)) {
                        if (!matchesCaveat(filters, c.name())) continue;
                        caveats.add(caveat(s, c, comments));
                    }
                }
            }
            n.set("readAt", x.out.token(at.readAt()));
            return n;
        });
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> sorted(java.util.Collection<T> items, java.util.function.Function<T, String> name) {
        List<T> out = new ArrayList<>(items);
        out.sort(Comparator.comparing(name));
        return out;
    }

    private static boolean hasDefinitions(List<Filter> filters) {
        return filters.isEmpty() || filters.stream().anyMatch(f -> !f.definition.isEmpty());
    }

    private static boolean hasCaveats(List<Filter> filters) {
        return filters.isEmpty() || filters.stream().anyMatch(f -> !f.caveat.isEmpty());
    }

    private static boolean matchesDefinition(List<Filter> filters, String name) {
        boolean any = false;
        for (Filter f : filters) {
            if (f.definition.isEmpty()) continue;
            any = true;
            if (name.startsWith(f.definition)) return true;
        }
        return !any;
    }

    private static boolean matchesCaveat(List<Filter> filters, String name) {
        boolean any = false;
        for (Filter f : filters) {
            if (f.caveat.isEmpty()) continue;
            any = true;
            if (name.startsWith(f.caveat)) return true;
        }
        return !any;
    }

    /** Whether a relation ({@code permission} false) or permission passes the filters (SpiceDB's rule). */
    private static boolean matchesMember(List<Filter> filters, String definition, String name, boolean permission) {
        boolean any = false;
        for (Filter f : filters) {
            String prefix = permission ? f.permission : f.relation;
            if (prefix.isEmpty()) continue;
            any = true;
            if (name.startsWith(prefix) && definition.startsWith(f.definition)) return true;
        }
        return !any;
    }

    // ---- the reflection shapes

    private ObjectNode definition(Definition d, Map<String, String> comments, List<Filter> filters) {
        ObjectNode n = x.out.object();
        n.put("name", d.name());
        n.put("comment", comments.getOrDefault("definition " + d.name(), ""));
        ArrayNode relations = n.putArray("relations");
        ArrayNode permissions = n.putArray("permissions");
        for (RelationDef r : d.relations().values()) {
            if (!matchesMember(filters, d.name(), r.name(), r.isPermission())) continue;
            if (r.isPermission()) permissions.add(permission(d.name(), r, comments));
            else relations.add(relation(d.name(), r, comments));
        }
        return n;
    }

    private ObjectNode relation(String definition, RelationDef r, Map<String, String> comments) {
        ObjectNode n = x.out.object();
        n.put("name", r.name());
        n.put("comment", comments.getOrDefault("definition " + definition + "#" + r.name(), ""));
        n.put("parentDefinitionName", definition);
        ArrayNode types = n.putArray("subjectTypes");
        for (AllowedSubject s : r.allowedSubjects()) {
            types.add(typeReference(s));
        }
        return n;
    }

    /**
     * A subject type as SpiceDB reflects it. A plain subject type sets {@code isTerminalSubject} to {@code false}:
     * SpiceDB sets that member of the oneof without a value, so its wire answer (and its gateway's JSON) carries
     * false there; kith answers the same. Expiration is not part of the reflected shape.
     */
    private ObjectNode typeReference(AllowedSubject s) {
        ObjectNode n = x.out.object();
        n.put("subjectDefinitionName", s.type());
        n.put("optionalCaveatName", s.caveat() == null ? "" : s.caveat());
        if (s.relation() != null) n.put("optionalRelationName", s.relation());
        else if (s.wildcard()) n.put("isPublicWildcard", true);
        else n.put("isTerminalSubject", false);
        return n;
    }

    private ObjectNode permission(String definition, RelationDef r, Map<String, String> comments) {
        ObjectNode n = x.out.object();
        n.put("name", r.name());
        n.put("comment", comments.getOrDefault("definition " + definition + "#" + r.name(), ""));
        n.put("parentDefinitionName", definition);
        return n;
    }

    private ObjectNode caveat(ValidatedSchema s, CaveatDef c, Map<String, String> comments) {
        ObjectNode n = x.out.object();
        n.put("name", c.name());
        n.put("comment", comments.getOrDefault("caveat " + c.name(), ""));
        ArrayNode parameters = n.putArray("parameters");
        for (String p : new TreeSet<>(c.parameters().keySet())) {
            parameters.add(parameter(c, p));
        }
        n.put("expression", SchemaReflection.expression(s, c.name()));
        return n;
    }

    private ObjectNode parameter(CaveatDef c, String name) {
        ObjectNode n = x.out.object();
        n.put("name", name);
        n.put("type", SchemaReflection.typeName(c.parameters().get(name)));
        n.put("parentCaveatName", c.name());
        return n;
    }

    // ---- diff

    void diffSchema(RoutingContext ctx) {
        x.unary(ctx, body -> diffSchema(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan diffSchema(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", DIFF);
        Consistency consistency = x.in.consistency(in);
        String text = orEmpty(in.optStr("comparisonSchema"));
        return new Exchange.Plan(true, () -> {
            ValidatedSchema compared;
            try {
                compared = Schemas.compile("schema", text, x.engine.schemaLimits());
            } catch (SchemaException e) {
                throw new KithException.InvalidSchema(e.getMessage(), e.diagnostics());
            }
            Results.SchemaAt at = x.engine.schemaAt(consistency);
            ValidatedSchema existing = at.schema();
            List<SchemaChanges.Change> changes = SchemaChanges.between(existing, compared);
            AuditLog.note(entry, f -> {
                f.put("diffs", changes.size());
                f.put("revision", at.readAt().value());
            });
            Map<String, String> oldComments = existing == null ? Map.of() : SchemaReflection.comments(existing);
            Map<String, String> newComments = SchemaReflection.comments(compared);
            ObjectNode n = x.out.object();
            ArrayNode diffs = n.putArray("diffs");
            for (SchemaChanges.Change c : changes) {
                ValidatedSchema side = c.fromExisting() ? existing : compared;
                Map<String, String> comments = c.fromExisting() ? oldComments : newComments;
                diffs.add(diff(c, side, comments));
            }
            n.set("readAt", x.out.token(at.readAt()));
            return n;
        });
    }

    private ObjectNode diff(SchemaChanges.Change c, ValidatedSchema side, Map<String, String> comments) {
        ObjectNode n = x.out.object();
        String field = switch (c.kind()) {
            case DEFINITION_ADDED -> "definitionAdded";
            case DEFINITION_REMOVED -> "definitionRemoved";
            case DEFINITION_DOC_COMMENT_CHANGED -> "definitionDocCommentChanged";
            case RELATION_ADDED -> "relationAdded";
            case RELATION_REMOVED -> "relationRemoved";
            case RELATION_DOC_COMMENT_CHANGED -> "relationDocCommentChanged";
            case RELATION_SUBJECT_TYPE_ADDED -> "relationSubjectTypeAdded";
            case RELATION_SUBJECT_TYPE_REMOVED -> "relationSubjectTypeRemoved";
            case PERMISSION_ADDED -> "permissionAdded";
            case PERMISSION_REMOVED -> "permissionRemoved";
            case PERMISSION_DOC_COMMENT_CHANGED -> "permissionDocCommentChanged";
            case PERMISSION_EXPR_CHANGED -> "permissionExprChanged";
            case CAVEAT_ADDED -> "caveatAdded";
            case CAVEAT_REMOVED -> "caveatRemoved";
            case CAVEAT_DOC_COMMENT_CHANGED -> "caveatDocCommentChanged";
            case CAVEAT_EXPR_CHANGED -> "caveatExprChanged";
            case CAVEAT_PARAMETER_ADDED -> "caveatParameterAdded";
            case CAVEAT_PARAMETER_REMOVED -> "caveatParameterRemoved";
            case CAVEAT_PARAMETER_TYPE_CHANGED -> "caveatParameterTypeChanged";
        };
        ObjectNode value = switch (c.kind()) {
            case DEFINITION_ADDED, DEFINITION_REMOVED, DEFINITION_DOC_COMMENT_CHANGED ->
                definition(side.definition(c.definition()), comments, List.of());
            case RELATION_ADDED, RELATION_REMOVED, RELATION_DOC_COMMENT_CHANGED ->
                relation(c.definition(), side.relation(c.definition(), c.member()), comments);
            case RELATION_SUBJECT_TYPE_ADDED, RELATION_SUBJECT_TYPE_REMOVED -> {
                ObjectNode change = x.out.object();
                change.set("relation", relation(c.definition(), side.relation(c.definition(), c.member()), comments));
                change.set("changedSubjectType", typeReference(c.subjectType()));
                yield change;
            }
            case PERMISSION_ADDED, PERMISSION_REMOVED, PERMISSION_DOC_COMMENT_CHANGED, PERMISSION_EXPR_CHANGED ->
                permission(c.definition(), side.relation(c.definition(), c.member()), comments);
            case CAVEAT_ADDED, CAVEAT_REMOVED, CAVEAT_DOC_COMMENT_CHANGED, CAVEAT_EXPR_CHANGED ->
                caveat(side, side.caveat(c.caveat()), comments);
            case CAVEAT_PARAMETER_ADDED, CAVEAT_PARAMETER_REMOVED -> parameter(side.caveat(c.caveat()), c.parameter());
            case CAVEAT_PARAMETER_TYPE_CHANGED -> {
                ObjectNode change = x.out.object();
                change.set("parameter", parameter(side.caveat(c.caveat()), c.parameter()));
                change.put("previousType", SchemaReflection.typeName(c.previousType()));
                yield change;
            }
        };
        n.set(field, value);
        return n;
    }

    // ---- computable permissions and dependent relations

    void computablePermissions(RoutingContext ctx) {
        FieldPaths.use(ctx, COMPUTABLE_PATHS);
        x.unary(ctx, body -> computablePermissions(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan computablePermissions(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", COMPUTABLE);
        Consistency consistency = x.in.consistency(in);
        String definition = orEmpty(in.optStr("definitionName"));
        String relation = orEmpty(in.optStr("relationName"));
        String prefix = orEmpty(in.optStr("optionalDefinitionNameFilter"));
        AuditLog.note(entry, f -> {
            f.put("definition", definition);
            f.put("relation", relation);
        });
        return new Exchange.Plan(true, () -> {
            Results.SchemaAt at = x.engine.schemaAt(consistency);
            AuditLog.note(entry, f -> f.put("revision", at.readAt().value()));
            ValidatedSchema s = requireDefinition(at, definition);
            if (!relation.isEmpty() && s.relation(definition, relation) == null) {
                throw unknownRelation(definition, relation);
            }
            ObjectNode n = x.out.object();
            refs(
                    n.putArray("permissions"),
                    SchemaReflection.computablePermissions(
                            s,
                            definition,
                            relation,
                            prefix,
                            () -> Deadline.current().check("computing the computable permissions")));
            n.set("readAt", x.out.token(at.readAt()));
            return n;
        });
    }

    void dependentRelations(RoutingContext ctx) {
        FieldPaths.use(ctx, DEPENDENT_PATHS);
        x.unary(ctx, body -> dependentRelations(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan dependentRelations(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", DEPENDENT);
        Consistency consistency = x.in.consistency(in);
        String definition = orEmpty(in.optStr("definitionName"));
        String permission = orEmpty(in.optStr("permissionName"));
        AuditLog.note(entry, f -> {
            f.put("definition", definition);
            f.put("permission", permission);
        });
        return new Exchange.Plan(true, () -> {
            Results.SchemaAt at = x.engine.schemaAt(consistency);
            AuditLog.note(entry, f -> f.put("revision", at.readAt().value()));
            ValidatedSchema s = requireDefinition(at, definition);
            RelationDef r = s.relation(definition, permission);
            if (r == null) throw unknownRelation(definition, permission);
            if (!r.isPermission()) {
                throw new KithException.InvalidArgument(
                        "permissionName", "the relation `" + permission + "` is not a permission");
            }
            ObjectNode n = x.out.object();
            refs(
                    n.putArray("relations"),
                    SchemaReflection.dependentRelations(
                            s,
                            definition,
                            permission,
                            () -> Deadline.current().check("computing the dependent relations")));
            n.set("readAt", x.out.token(at.readAt()));
            return n;
        });
    }

    /**
     * The schema, which defines {@code definition}: otherwise an unknown name, as SpiceDB words it (also when no
     * schema has been written: SpiceDB then knows no definition either).
     */
    private static ValidatedSchema requireDefinition(Results.SchemaAt at, String definition) {
        ValidatedSchema s = at.schema();
        if (s == null || s.definition(definition) == null) {
            throw new KithException.NotFound(
                    Where.request(Part.RESOURCE_TYPE), definition, "object definition `" + definition + "` not found");
        }
        return s;
    }

    private static KithException unknownRelation(String definition, String relation) {
        return new KithException.NotFound(
                Where.request(Part.RELATION),
                relation,
                "relation/permission `" + relation + "` not found under definition `" + definition + "`");
    }

    private void refs(ArrayNode out, List<SchemaReflection.RelationRef> refs) {
        for (SchemaReflection.RelationRef r : refs) {
            ObjectNode n = out.addObject();
            n.put("definitionName", r.definition());
            n.put("relationName", r.relation());
            n.put("isPermission", r.permission());
        }
    }
}

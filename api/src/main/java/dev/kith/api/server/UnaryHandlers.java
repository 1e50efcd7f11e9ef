package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Consistency;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The request/response endpoints: schema, relationship writes and deletes, check, bulk check and expand. Each
 * parses its body into engine records (a 400 naming the field before the engine is touched), calls the engine
 * (inline for reads that cannot wait, on a worker for writes and for reads that may wait) and renders the
 * answer with its consistency token.
 */
final class UnaryHandlers {
    private static final Set<String> SCHEMA_WRITE = Set.of("schema");
    private static final Set<String> EMPTY = Set.of();
    private static final Set<String> WRITE = Set.of("updates", "optionalPreconditions", "optionalTransactionMetadata");
    private static final Set<String> DELETE = Set.of(
            "relationshipFilter",
            "optionalPreconditions",
            "optionalLimit",
            "optionalAllowPartialDeletions",
            "optionalTransactionMetadata");
    /** The fields a check body may have. */
    static final Set<String> CHECK = Set.of(
            "consistency", "resource", "permission", "subject", "context", "withTracing", RequestReader.CONTEXTUAL);

    private static final Set<String> CHECK_BULK =
            Set.of("consistency", "items", "withTracing", RequestReader.CONTEXTUAL);
    private static final Set<String> CHECK_BULK_ITEM = Set.of("resource", "permission", "subject", "context");
    private static final Set<String> EXPAND = Set.of("consistency", "resource", "permission", RequestReader.CONTEXTUAL);

    private final Exchange x;
    /** Reads the usual check body without a JSON tree; {@link RequestReader} reads the rest. */
    private final PlainCheckReader plainCheck;

    private final AuditLog audit;
    private final Metrics metrics;

    UnaryHandlers(Exchange x, AuditLog audit, Metrics metrics) {
        this.x = x;
        this.plainCheck = new PlainCheckReader(x.in.mapper().getFactory(), x.limits);
        this.audit = audit;
        this.metrics = metrics;
    }

    void writeSchema(RoutingContext ctx) {
        x.unary(ctx, body -> writeSchema(body, AuditLog.entry(ctx)));
    }

    /** The plan of a schema write with body {@code body}, noting on {@code entry} (null: no audit log). */
    Exchange.Plan writeSchema(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", SCHEMA_WRITE);
        String schema = in.optStr("schema");
        if (schema == null) throw JsonIn.invalid("schema", "is required");
        return new Exchange.Plan(true, () -> {
            String before = entry == null ? null : currentSchema();
            Revision at = x.engine.writeSchema(schema);
            if (entry != null) {
                AuditLog.note(entry, f -> {
                    SchemaDiff.into(SchemaDiff.of(before, schema), f);
                    f.put("revision", at.value());
                });
            }
            ObjectNode n = x.out.object();
            n.set("writtenAt", x.out.token(at));
            return n;
        });
    }

    /** The schema text before a schema write, for the audit log's diff; null when there is none yet. */
    private String currentSchema() {
        try {
            return x.engine.readSchema().text();
        } catch (KithException.NotFound e) {
            return null;
        }
    }

    void readSchema(RoutingContext ctx) {
        x.unary(ctx, body -> readSchema(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan readSchema(JsonNode body, AuditLog.Entry entry) {
        JsonIn.object(body, "", EMPTY);
        return new Exchange.Plan(false, () -> {
            Results.SchemaText s;
            try {
                s = x.engine.readSchema();
            } catch (KithException.NotFound e) {
                if (e.name() != null) throw e;
                throw HttpFailure.noSchema(e.getMessage()); // SpiceDB reads no schema as NOT_FOUND
            }
            AuditLog.note(entry, f -> f.put("revision", s.readAt().value()));
            ObjectNode n = x.out.object();
            n.put("schemaText", s.text());
            n.set("readAt", x.out.token(s.readAt()));
            return n;
        });
    }

    void writeRelationships(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.WRITE);
        x.unary(ctx, body -> writeRelationships(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan writeRelationships(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", WRITE);
        var write = new Requests.Write(
                x.in.updates(in, "updates"),
                x.in.preconditions(in, "optionalPreconditions"),
                x.in.transactionMetadata(in, "optionalTransactionMetadata"));
        AuditLog.note(entry, f -> {
            AuditLog.updates(f, write.updates());
            AuditLog.preconditions(f, write.preconditions());
            AuditLog.keys(f, "metadataKeys", write.metadata());
        });
        return new Exchange.Plan(true, () -> {
            Revision at = x.engine.write(write);
            AuditLog.note(entry, f -> f.put("revision", at.value()));
            ObjectNode n = x.out.object();
            n.set("writtenAt", x.out.token(at));
            return n;
        });
    }

    void deleteRelationships(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.filter("relationshipFilter"));
        x.unary(ctx, body -> deleteRelationships(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan deleteRelationships(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", DELETE);
        var delete = new Requests.Delete(
                x.in.filter(in, "relationshipFilter"),
                x.in.preconditions(in, "optionalPreconditions"),
                in.optUint("optionalLimit", Integer.MAX_VALUE),
                in.bool("optionalAllowPartialDeletions"),
                x.in.transactionMetadata(in, "optionalTransactionMetadata"));
        AuditLog.note(entry, f -> {
            AuditLog.filter(f.putObject("filter"), delete.filter());
            AuditLog.preconditions(f, delete.preconditions());
            if (in.has("optionalLimit")) f.put("limit", delete.limit());
            if (delete.allowPartial()) f.put("allowPartialDeletions", true);
            AuditLog.keys(f, "metadataKeys", delete.metadata());
        });
        return new Exchange.Plan(true, () -> {
            Results.Delete d = x.engine.delete(delete);
            AuditLog.note(entry, f -> {
                f.put("count", d.deletedCount());
                if (d.partial()) f.put("partial", true);
                f.put("revision", d.deletedAt().value());
            });
            ObjectNode n = x.out.object();
            n.set("deletedAt", x.out.token(d.deletedAt()));
            n.put("deletionProgress", d.partial() ? "DELETION_PROGRESS_PARTIAL" : "DELETION_PROGRESS_COMPLETE");
            n.put("relationshipsDeletedCount", Long.toString(d.deletedCount()));
            return n;
        });
    }

    void check(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.CHECK);
        Requests.Check plain = Exchange.parsed(ctx) ? null : plainCheck.read(Exchange.body(ctx));
        if (plain != null) {
            x.runJson(ctx, x.mayWait(plain.consistency()), () -> {
                Results.Check result = x.engine.check(plain);
                decided(AuditLog.entry(ctx), plain, result);
                return x.out.checkJson(result, plain.subject());
            });
            return;
        }
        x.unary(ctx, body -> check(body, AuditLog.entry(ctx)));
    }

    /**
     * The plan of a gRPC check of the plain shape ({@link PlainCheckReader#read(dev.kith.proto.v1.
     * CheckPermissionRequest)}), or null for any other: bound straight from the message, as the HTTP side binds a
     * plain body without a JSON tree; the answer is the engine's result, rendered by the caller.
     */
    Requests.Check plainCheck(dev.kith.proto.v1.CheckPermissionRequest request) {
        return plainCheck.read(request);
    }

    /** Runs a plain check (see {@link #plainCheck}) and notes its decision, as the HTTP route does. */
    Results.Check check(Requests.Check plain, AuditLog.Entry entry) {
        Results.Check result = x.engine.check(plain);
        decided(entry, plain, result);
        return result;
    }

    Exchange.Plan check(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", CHECK);
        Consistency consistency = x.in.consistency(in);
        Requests.Check check = x.in.check(in, consistency, in.bool("withTracing"), x.in.contextualRelationships(in));
        return new Exchange.Plan(x.mayWait(consistency) || carriesContext(check), () -> {
            Results.Check result = x.engine.check(check);
            decided(entry, check, result);
            return x.out.check(result, check.subject());
        });
    }

    /**
     * Whether a check carries a caveat context, and so goes to a worker even when it need not wait. A check's
     * caveats evaluate over the stored contexts laid over the request's: each evaluation is bounded by the
     * caveat cost limit and every context by the caveat context limits, but a caller-chosen context is what lets
     * one request pick the expensive end of those bounds (the largest lists into a nested comprehension) on every
     * caveated relationship the check visits. On a worker that work is under the request deadline and its timer
     * (a 504 and a stop), and the event loop keeps serving everything else; inline it would hold the loop. A
     * check without a context (the plain check, the hot path) evaluates caveats only over stored contexts, which
     * were bounded when written, and stays inline.
     */
    private static boolean carriesContext(Requests.Check check) {
        return !check.context().isEmpty() || !check.contextualRelationships().isEmpty();
    }

    void checkBulk(RoutingContext ctx) {
        // an error in the request's own contextual relationships fails the whole request; items name their own
        FieldPaths.use(ctx, FieldPaths.CONTEXTUAL);
        x.unary(ctx, body -> checkBulk(body, AuditLog.entry(ctx), (e, i) -> {}));
    }

    /**
     * The plan of a bulk check; {@code itemErrors} is told each item's error as it is rendered (the gRPC side
     * answers them as {@code google.rpc.Status}).
     */
    Exchange.Plan checkBulk(
            JsonNode body, AuditLog.Entry entry, java.util.function.ObjIntConsumer<ErrorMapper.ApiError> itemErrors) {
        JsonIn in = JsonIn.object(body, "", CHECK_BULK);
        Consistency consistency = x.in.consistency(in);
        boolean tracing = in.bool("withTracing");
        List<Relationship> contextual = x.in.contextualRelationships(in);
        List<JsonNode> items = in.array("items");
        if (items.size() > x.limits.maxCheckBulkItems()) {
            // SpiceDB answers too many checks with INVALID_ARGUMENT and no particular reason
            throw HttpFailure.tooMany(
                            "items",
                            "items: " + items.size() + " items; at most " + x.limits.maxCheckBulkItems()
                                    + " are allowed per bulk check",
                            dev.kith.proto.v1.ErrorReason.ERROR_REASON_UNSPECIFIED)
                    .with("check_count", String.valueOf(items.size()))
                    .with("maximum_checks_allowed", String.valueOf(x.limits.maxCheckBulkItems()));
        }
        // Each item is parsed on its own: a malformed item gets its own error and the others are answered.
        List<Requests.Check> checks = new ArrayList<>(items.size());
        List<RuntimeException> parseErrors = new ArrayList<>(items.size());
        List<Integer> engineIndex = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                JsonIn item = JsonIn.object(items.get(i), "items[" + i + "]", CHECK_BULK_ITEM);
                checks.add(x.in.check(item, consistency, tracing, contextual));
                parseErrors.add(null);
                engineIndex.add(checks.size() - 1);
            } catch (KithException | HttpFailure e) {
                parseErrors.add(e);
                engineIndex.add(-1);
            }
        }
        boolean blocking = x.mayWait(consistency) || checks.stream().anyMatch(UnaryHandlers::carriesContext);
        return new Exchange.Plan(blocking, () -> {
            List<Results.CheckBulkItem> answers = checks.isEmpty() ? List.of() : x.engine.checkBulk(checks);
            ObjectNode n = x.out.object();
            Revision at = null;
            ArrayNode pairs = n.putArray("pairs");
            ArrayNode audited = entry == null ? null : x.out.object().arrayNode();
            for (int i = 0; i < items.size(); i++) {
                ObjectNode pair = pairs.addObject();
                pair.set("request", items.get(i));
                int e = engineIndex.get(i);
                if (e < 0) {
                    ErrorMapper.ApiError error = ErrorMapper.map(parseErrors.get(i));
                    pair.set("error", error.body());
                    itemErrors.accept(error, i);
                    if (audited != null) audited.addObject().put("error", error.code());
                    continue;
                }
                Results.CheckBulkItem answer = answers.get(e);
                ObjectNode auditItem = audited == null ? null : audited.addObject();
                if (auditItem != null) AuditLog.check(auditItem, checks.get(e));
                if (answer.error() != null) {
                    FieldPaths item = FieldPaths.CHECK.under("items[" + i + "]");
                    ErrorMapper.ApiError error = ErrorMapper.map(answer.error(), item);
                    pair.set("error", error.body());
                    itemErrors.accept(error, i);
                    if (auditItem != null) auditItem.put("error", error.code());
                } else {
                    metrics.check(answer.result().permissionship());
                    if (auditItem != null) AuditLog.checkResult(auditItem, answer.result());
                    if (at == null) at = answer.result().checkedAt();
                    pair.set(
                            "item",
                            x.out.checkItem(answer.result(), checks.get(e).subject()));
                }
            }
            Revision checkedAt = at == null ? x.engine.appliedRevision() : at;
            if (audited != null) {
                AuditLog.note(entry, f -> {
                    f.set("items", audited);
                    f.put("revision", checkedAt.value());
                });
            }
            n.set("checkedAt", x.out.token(checkedAt));
            return n;
        });
    }

    void expand(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.CHECK);
        x.unary(ctx, body -> expand(body, AuditLog.entry(ctx)));
    }

    Exchange.Plan expand(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", EXPAND);
        Consistency consistency = x.in.consistency(in);
        var expand = new Requests.Expand(
                x.in.objectRef(in, "resource"),
                x.in.relationName(in.str("permission"), "permission"),
                consistency,
                x.in.contextualRelationships(in));
        AuditLog.note(entry, f -> {
            f.put("resource", expand.resource().toString());
            f.put("permission", expand.permission());
        });
        return new Exchange.Plan(
                x.mayWait(consistency) || !expand.contextualRelationships().isEmpty(), () -> {
                    Results.Expand e = x.engine.expand(expand);
                    AuditLog.note(entry, f -> f.put("revision", e.expandedAt().value()));
                    ObjectNode n = x.out.object();
                    n.set("expandedAt", x.out.token(e.expandedAt()));
                    n.set("treeRoot", x.out.expandNode(e.root()));
                    return n;
                });
    }

    private void decided(AuditLog.Entry entry, Requests.Check check, Results.Check result) {
        metrics.check(result.permissionship());
        if (entry != null) {
            AuditLog.note(entry, f -> {
                AuditLog.check(f, check);
                AuditLog.checkResult(f, result);
                f.put("revision", result.checkedAt().value());
            });
        }
    }
}

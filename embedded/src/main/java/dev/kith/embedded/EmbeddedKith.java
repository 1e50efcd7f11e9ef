package dev.kith.embedded;

import dev.kith.client.Kith;
import dev.kith.client.KithCallException;
import dev.kith.engine.Deadline;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.runtime.Engines;
import dev.kith.proto.v1.AlgebraicSubjectSet;
import dev.kith.proto.v1.CheckBulkPermissionsPair;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsRequestItem;
import dev.kith.proto.v1.CheckBulkPermissionsResponse;
import dev.kith.proto.v1.CheckBulkPermissionsResponseItem;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.DirectSubjectSet;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.PermissionRelationshipTree;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.ResolvedSubject;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@link Kith} over an engine in this process ({@code Kith.connect("embedded:")}): the same calls, messages,
 * answers and errors as a kith server's, without a network, a server or a database. Each call runs on the caller's
 * thread under its deadline (the engine stops work at it, as the server's does); streams read the engine a page at a
 * time as they are taken; nothing needs retrying. Consistency tokens are the engine's revisions ({@code e.12}),
 * readable only by the engine that wrote them.
 */
public final class EmbeddedKith implements Kith {
    private final Engine engine;
    private final boolean owned;
    private final Duration deadline;
    private final Duration streamDeadline;

    private EmbeddedKith(Engine engine, boolean owned, Duration deadline, Duration streamDeadline) {
        this.engine = engine;
        this.owned = owned;
        this.deadline = deadline;
        this.streamDeadline = streamDeadline;
    }

    /**
     * A new in-memory engine with the default options, closed by {@link #close()}; deadlines 10 s and 5 min.
     *
     * @return a new in-memory engine with the default options, closed by {@link #close()}
     */
    public static EmbeddedKith start() {
        return start(EngineOptions.defaults(), Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /**
     * A new in-memory engine with {@code options}, closed by {@link #close()}.
     *
     * @param options the engine's options
     * @param deadline the deadline of each unary call
     * @param streamDeadline the deadline of each stream as a whole
     * @return a new in-memory engine with {@code options}, closed by {@link #close()}
     */
    public static EmbeddedKith start(EngineOptions options, Duration deadline, Duration streamDeadline) {
        return new EmbeddedKith(Engines.inMemory(options), true, deadline, streamDeadline);
    }

    /**
     * A client of an engine the caller keeps ({@link #close()} leaves it open).
     *
     * @param engine the engine to answer from
     * @return a client of an engine the caller keeps ({@link #close()} leaves it open)
     */
    public static EmbeddedKith over(Engine engine) {
        return new EmbeddedKith(engine, false, Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    // ---- running a call

    /** Runs {@code work} under {@code budget}, turning the engine's failures into the server's errors. */
    private static <T> T call(String method, Duration budget, Callable<T> work) {
        try {
            return Deadline.after(budget).call(work);
        } catch (KithException e) {
            throw Errors.of(method, e);
        } catch (KithCallException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw Errors.invalid(method, e);
        } catch (NullPointerException e) {
            throw Errors.invalid(
                    method, new IllegalArgumentException("a required field is missing: " + e.getMessage()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(method + " failed: " + e.getMessage(), e);
        }
    }

    private <T> T unary(String method, Callable<T> work) {
        return call(method, deadline, work);
    }

    /** Pages read under one deadline for the whole stream, starting when the stream is created. */
    private <R> Stream<R> paged(String method, Pages.Reader<R> reader, String cursor, long limit) {
        long end = System.nanoTime() + streamDeadline.toNanos();
        return Pages.stream(
                (c, size) -> {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        throw new KithCallException(
                                method,
                                Status.Code.DEADLINE_EXCEEDED,
                                null,
                                null,
                                null,
                                "the deadline of " + streamDeadline.toMillis() + " ms passed");
                    }
                    return call(method, Duration.ofNanos(left), () -> reader.read(c, size));
                },
                cursor,
                limit);
    }

    // ---- PermissionsService

    @Override
    public CheckPermissionResponse checkPermission(CheckPermissionRequest q) {
        return unary("CheckPermission", () -> {
            Results.Check r = engine.check(new Requests.Check(
                    Protos.object(q.getResource()),
                    q.getPermission(),
                    Protos.subject(q.getSubject()),
                    Protos.map(q.getContext()),
                    Protos.consistency(q.getConsistency()),
                    q.getWithTracing(),
                    Protos.relationships(q.getContextualRelationshipsList())));
            CheckPermissionResponse.Builder b = CheckPermissionResponse.newBuilder()
                    .setCheckedAt(Protos.token(r.checkedAt()))
                    .setPermissionship(Protos.permissionship(r.permissionship()));
            if (!r.missingContext().isEmpty()) b.setPartialCaveatInfo(Protos.partial(r.missingContext()));
            if (r.trace() != null) b.setDebugTrace(Traces.debugInformation(r.trace(), Protos.subject(q.getSubject())));
            return b.build();
        });
    }

    @Override
    public CheckBulkPermissionsResponse checkBulkPermissions(CheckBulkPermissionsRequest q) {
        return unary("CheckBulkPermissions", () -> {
            dev.kith.engine.Consistency consistency = Protos.consistency(q.getConsistency());
            List<Relationship> contextual = Protos.relationships(q.getContextualRelationshipsList());
            List<Requests.Check> checks = new ArrayList<>();
            for (CheckBulkPermissionsRequestItem i : q.getItemsList()) {
                checks.add(new Requests.Check(
                        Protos.object(i.getResource()),
                        i.getPermission(),
                        Protos.subject(i.getSubject()),
                        Protos.map(i.getContext()),
                        consistency,
                        q.getWithTracing(),
                        contextual));
            }
            List<Results.CheckBulkItem> items = engine.checkBulk(checks);
            CheckBulkPermissionsResponse.Builder b = CheckBulkPermissionsResponse.newBuilder();
            dev.kith.engine.Revision at = null;
            for (int i = 0; i < items.size(); i++) {
                Results.CheckBulkItem item = items.get(i);
                CheckBulkPermissionsPair.Builder pair =
                        CheckBulkPermissionsPair.newBuilder().setRequest(q.getItems(i));
                if (item.error() != null) {
                    KithCallException e = Errors.of("CheckBulkPermissions", item.error());
                    pair.setError(com.google.rpc.Status.newBuilder()
                            .setCode(e.code().value())
                            .setMessage(item.error().getMessage()));
                } else {
                    Results.Check r = item.result();
                    at = r.checkedAt();
                    CheckBulkPermissionsResponseItem.Builder ri = CheckBulkPermissionsResponseItem.newBuilder()
                            .setPermissionship(Protos.permissionship(r.permissionship()));
                    if (!r.missingContext().isEmpty()) ri.setPartialCaveatInfo(Protos.partial(r.missingContext()));
                    if (r.trace() != null) {
                        ri.setDebugTrace(Traces.debugInformation(
                                r.trace(), Protos.subject(q.getItems(i).getSubject())));
                    }
                    pair.setItem(ri);
                }
                b.addPairs(pair);
            }
            return b.setCheckedAt(Protos.token(at == null ? engine.appliedRevision() : at))
                    .build();
        });
    }

    @Override
    public ExpandPermissionTreeResponse expandPermissionTree(ExpandPermissionTreeRequest q) {
        return unary("ExpandPermissionTree", () -> {
            Results.Expand r = engine.expand(new Requests.Expand(
                    Protos.object(q.getResource()),
                    q.getPermission(),
                    Protos.consistency(q.getConsistency()),
                    Protos.relationships(q.getContextualRelationshipsList())));
            return ExpandPermissionTreeResponse.newBuilder()
                    .setExpandedAt(Protos.token(r.expandedAt()))
                    .setTreeRoot(tree(r.root()))
                    .build();
        });
    }

    private static PermissionRelationshipTree tree(Results.ExpandNode node) {
        PermissionRelationshipTree.Builder b = PermissionRelationshipTree.newBuilder();
        if (node.object() != null) b.setExpandedObject(Protos.object(node.object()));
        if (node.relation() != null) b.setExpandedRelation(node.relation());
        switch (node.kind()) {
            case LEAF -> {
                DirectSubjectSet.Builder leaf = DirectSubjectSet.newBuilder();
                for (Results.ExpandedSubject s : node.subjects()) leaf.addSubjects(Protos.subject(s.subject()));
                b.setLeaf(leaf);
            }
            case UNION, INTERSECTION, EXCLUSION -> {
                AlgebraicSubjectSet.Builder i = AlgebraicSubjectSet.newBuilder()
                        .setOperation(AlgebraicSubjectSet.Operation.valueOf(
                                "OPERATION_" + node.kind().name()));
                for (Results.ExpandNode c : node.children()) i.addChildren(tree(c));
                b.setIntermediate(i);
            }
        }
        return b.build();
    }

    @Override
    public Stream<LookupResourcesResponse> lookupResources(LookupResourcesRequest q) {
        return paged(
                "LookupResources",
                (cursor, size) -> {
                    Results.Page<Results.LookupResource> p = engine.lookupResources(new Requests.LookupResources(
                            q.getResourceObjectType(),
                            q.getPermission(),
                            Protos.subject(q.getSubject()),
                            Protos.map(q.getContext()),
                            Protos.consistency(q.getConsistency()),
                            cursor,
                            size,
                            Protos.relationships(q.getContextualRelationshipsList())));
                    List<LookupResourcesResponse> out = new ArrayList<>();
                    for (Results.LookupResource r : p.items()) {
                        LookupResourcesResponse.Builder b = LookupResourcesResponse.newBuilder()
                                .setLookedUpAt(Protos.token(p.revision()))
                                .setResourceObjectId(r.resourceId())
                                .setPermissionship(Protos.lookupPermissionship(r.permissionship()));
                        if (!r.missingContext().isEmpty()) b.setPartialCaveatInfo(Protos.partial(r.missingContext()));
                        if (r.afterCursor() != null) b.setAfterResultCursor(Protos.cursor(r.afterCursor()));
                        out.add(b.build());
                    }
                    return new Pages.Page<>(out, p.nextCursor());
                },
                Protos.cursor(q.getOptionalCursor()),
                q.getOptionalLimit());
    }

    @Override
    public Stream<LookupSubjectsResponse> lookupSubjects(LookupSubjectsRequest q) {
        boolean excludeWildcards =
                q.getWildcardOption() == LookupSubjectsRequest.WildcardOption.WILDCARD_OPTION_EXCLUDE_WILDCARDS;
        return paged(
                "LookupSubjects",
                (cursor, size) -> {
                    Results.Page<Results.LookupSubject> p = engine.lookupSubjects(new Requests.LookupSubjects(
                            Protos.object(q.getResource()),
                            q.getPermission(),
                            q.getSubjectObjectType(),
                            q.getOptionalSubjectRelation(),
                            Protos.map(q.getContext()),
                            Protos.consistency(q.getConsistency()),
                            cursor,
                            size,
                            excludeWildcards,
                            Protos.relationships(q.getContextualRelationshipsList())));
                    List<LookupSubjectsResponse> out = new ArrayList<>();
                    for (Results.LookupSubject s : p.items()) {
                        LookupSubjectsResponse.Builder b = LookupSubjectsResponse.newBuilder()
                                .setLookedUpAt(Protos.token(p.revision()))
                                .setSubjectObjectId(s.subjectId())
                                .setPermissionship(Protos.lookupPermissionship(s.permissionship()))
                                .setSubject(resolved(s));
                        if (!s.missingContext().isEmpty()) b.setPartialCaveatInfo(Protos.partial(s.missingContext()));
                        for (Results.LookupSubject x : s.excludedSubjects()) {
                            b.addExcludedSubjectIds(x.subjectId());
                            b.addExcludedSubjects(resolved(x));
                        }
                        if (s.afterCursor() != null) b.setAfterResultCursor(Protos.cursor(s.afterCursor()));
                        out.add(b.build());
                    }
                    return new Pages.Page<>(out, p.nextCursor());
                },
                Protos.cursor(q.getOptionalCursor()),
                q.getOptionalConcreteLimit());
    }

    private static ResolvedSubject resolved(Results.LookupSubject s) {
        ResolvedSubject.Builder b = ResolvedSubject.newBuilder()
                .setSubjectObjectId(s.subjectId())
                .setPermissionship(Protos.lookupPermissionship(s.permissionship()));
        if (!s.missingContext().isEmpty()) b.setPartialCaveatInfo(Protos.partial(s.missingContext()));
        return b.build();
    }

    @Override
    public Stream<ReadRelationshipsResponse> readRelationships(ReadRelationshipsRequest q) {
        return paged(
                "ReadRelationships",
                (cursor, size) -> {
                    Results.Page<Results.ReadRelationship> p = engine.readRelationships(new Requests.ReadRelationships(
                            Protos.filter(q.getRelationshipFilter()),
                            Protos.consistency(q.getConsistency()),
                            cursor,
                            size));
                    List<ReadRelationshipsResponse> out = new ArrayList<>();
                    for (Results.ReadRelationship r : p.items()) {
                        ReadRelationshipsResponse.Builder b = ReadRelationshipsResponse.newBuilder()
                                .setReadAt(Protos.token(p.revision()))
                                .setRelationship(Protos.relationship(r.relationship()));
                        if (r.afterCursor() != null) b.setAfterResultCursor(Protos.cursor(r.afterCursor()));
                        out.add(b.build());
                    }
                    return new Pages.Page<>(out, p.nextCursor());
                },
                Protos.cursor(q.getOptionalCursor()),
                q.getOptionalLimit());
    }

    @Override
    public WriteRelationshipsResponse writeRelationships(WriteRelationshipsRequest q) {
        return unary("WriteRelationships", () -> {
            List<dev.kith.engine.RelationshipUpdate> updates = new ArrayList<>();
            for (int i = 0; i < q.getUpdatesCount(); i++) updates.add(Protos.update(q.getUpdates(i), i));
            dev.kith.engine.Revision r = engine.write(new Requests.Write(
                    updates,
                    Protos.preconditions(q.getOptionalPreconditionsList()),
                    Protos.map(q.getOptionalTransactionMetadata())));
            return WriteRelationshipsResponse.newBuilder()
                    .setWrittenAt(Protos.token(r))
                    .build();
        });
    }

    @Override
    public DeleteRelationshipsResponse deleteRelationships(DeleteRelationshipsRequest q) {
        return unary("DeleteRelationships", () -> {
            Results.Delete d = engine.delete(new Requests.Delete(
                    Protos.filter(q.getRelationshipFilter()),
                    Protos.preconditions(q.getOptionalPreconditionsList()),
                    q.getOptionalLimit(),
                    q.getOptionalAllowPartialDeletions(),
                    Protos.map(q.getOptionalTransactionMetadata())));
            return DeleteRelationshipsResponse.newBuilder()
                    .setDeletedAt(Protos.token(d.deletedAt()))
                    .setDeletionProgress(
                            d.partial()
                                    ? DeleteRelationshipsResponse.DeletionProgress.DELETION_PROGRESS_PARTIAL
                                    : DeleteRelationshipsResponse.DeletionProgress.DELETION_PROGRESS_COMPLETE)
                    .setRelationshipsDeletedCount(d.deletedCount())
                    .build();
        });
    }

    @Override
    public ImportBulkRelationshipsResponse importBulkRelationships(
            Iterable<dev.kith.proto.v1.Relationship> relationships) {
        return call("ImportBulkRelationships", streamDeadline, () -> {
            long[] count = {0};
            Iterator<dev.kith.proto.v1.Relationship> in = relationships.iterator();
            engine.importBulk(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public Relationship next() {
                    count[0]++;
                    return Protos.relationship(in.next());
                }
            });
            return ImportBulkRelationshipsResponse.newBuilder()
                    .setNumLoaded(count[0])
                    .build();
        });
    }

    @Override
    public Stream<ExportBulkRelationshipsResponse> exportBulkRelationships(ExportBulkRelationshipsRequest q) {
        int batch = q.getOptionalLimit() > 0 ? q.getOptionalLimit() : Pages.PAGE;
        dev.kith.engine.RelationshipFilter filter =
                q.hasOptionalRelationshipFilter() ? Protos.filter(q.getOptionalRelationshipFilter()) : null;
        return paged(
                "ExportBulkRelationships",
                (cursor, size) -> {
                    Results.Page<Results.ReadRelationship> p = engine.exportRelationships(
                            new Requests.Export(filter, Protos.consistency(q.getConsistency()), cursor, batch));
                    if (p.items().isEmpty()) return new Pages.Page<>(List.of(), null);
                    ExportBulkRelationshipsResponse.Builder b = ExportBulkRelationshipsResponse.newBuilder();
                    for (Results.ReadRelationship r : p.items())
                        b.addRelationships(Protos.relationship(r.relationship()));
                    String after = p.items().getLast().afterCursor();
                    if (after != null) b.setAfterResultCursor(Protos.cursor(after));
                    return new Pages.Page<>(List.of(b.build()), p.nextCursor());
                },
                Protos.cursor(q.getOptionalCursor()),
                0);
    }

    // ---- WatchService

    @Override
    public Stream<WatchResponse> watch(WatchRequest q) {
        return call("Watch", deadline, () -> EmbeddedWatch.open(engine, q));
    }

    // ---- SchemaService

    @Override
    public ReadSchemaResponse readSchema(ReadSchemaRequest q) {
        return unary("ReadSchema", () -> {
            Results.SchemaText s;
            try {
                s = engine.readSchema();
            } catch (KithException.NotFound e) {
                throw new KithCallException(
                        "ReadSchema", Status.Code.NOT_FOUND, null, "NO_SCHEMA", null, e.getMessage());
            }
            return ReadSchemaResponse.newBuilder()
                    .setSchemaText(s.text())
                    .setReadAt(Protos.token(s.readAt()))
                    .build();
        });
    }

    @Override
    public WriteSchemaResponse writeSchema(WriteSchemaRequest q) {
        return unary(
                "WriteSchema",
                () -> WriteSchemaResponse.newBuilder()
                        .setWrittenAt(Protos.token(engine.writeSchema(q.getSchema())))
                        .build());
    }

    @Override
    public DiffSchemaResponse diffSchema(DiffSchemaRequest q) {
        return unary("DiffSchema", () -> {
            ValidatedSchema compared;
            try {
                compared = Schemas.compile("schema", q.getComparisonSchema(), engine.schemaLimits());
            } catch (SchemaException e) {
                throw new KithException.InvalidSchema(e.getMessage(), e.diagnostics());
            }
            Results.SchemaAt at = engine.schemaAt(Protos.consistency(q.getConsistency()));
            return DiffSchemaResponse.newBuilder()
                    .addAllDiffs(SchemaDiffs.between(at.schema(), compared))
                    .setReadAt(Protos.token(at.readAt()))
                    .build();
        });
    }

    // ---- the client

    @Override
    public Kith withDeadline(Duration d) {
        if (d == null || !d.isPositive()) throw new IllegalArgumentException("a deadline must be positive: " + d);
        return new EmbeddedKith(engine, owned, d, d);
    }

    /** Closes the engine if this client started it. */
    @Override
    public void close() {
        if (owned) engine.close();
    }
}

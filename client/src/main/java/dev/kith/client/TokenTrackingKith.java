package dev.kith.client;

import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsResponse;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import dev.kith.proto.v1.ZedToken;
import java.time.Duration;
import java.util.stream.Stream;

/** A {@link Kith} whose reads and writes go through {@link ConsistencyTokens} (the rules are stated there). */
final class TokenTrackingKith implements Kith {
    private final Kith delegate;
    private final ConsistencyTokens tokens;

    TokenTrackingKith(Kith delegate, ConsistencyTokens tokens) {
        this.delegate = delegate instanceof TokenTrackingKith t ? t.delegate : delegate;
        this.tokens = java.util.Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public CheckPermissionResponse checkPermission(CheckPermissionRequest request) {
        return delegate.checkPermission(withTokens(request));
    }

    private CheckPermissionRequest withTokens(CheckPermissionRequest request) {
        if (request.hasConsistency()) return request;
        return request.toBuilder()
                .setConsistency(tokens.consistencyFor(Refs.text(request.getResource())))
                .build();
    }

    /** The same calls answered asynchronously; a check goes to the wrapped client's own asynchronous check. */
    @Override
    public AsyncKith async() {
        AsyncKith inner = delegate.async();
        return new ExecutorAsyncKith(this, request -> inner.checkPermission(withTokens(request)));
    }

    @Override
    public CheckBulkPermissionsResponse checkBulkPermissions(CheckBulkPermissionsRequest request) {
        if (request.hasConsistency()) return delegate.checkBulkPermissions(request);
        return delegate.checkBulkPermissions(
                request.toBuilder().setConsistency(tokens.consistencyForAll()).build());
    }

    @Override
    public ExpandPermissionTreeResponse expandPermissionTree(ExpandPermissionTreeRequest request) {
        if (request.hasConsistency()) return delegate.expandPermissionTree(request);
        return delegate.expandPermissionTree(request.toBuilder()
                .setConsistency(tokens.consistencyFor(Refs.text(request.getResource())))
                .build());
    }

    @Override
    public Stream<LookupResourcesResponse> lookupResources(LookupResourcesRequest request) {
        if (request.hasConsistency()) return delegate.lookupResources(request);
        return delegate.lookupResources(request.toBuilder()
                .setConsistency(tokens.consistencyFor(request.getResourceObjectType()))
                .build());
    }

    @Override
    public Stream<LookupSubjectsResponse> lookupSubjects(LookupSubjectsRequest request) {
        if (request.hasConsistency()) return delegate.lookupSubjects(request);
        return delegate.lookupSubjects(request.toBuilder()
                .setConsistency(tokens.consistencyFor(Refs.text(request.getResource())))
                .build());
    }

    @Override
    public Stream<ReadRelationshipsResponse> readRelationships(ReadRelationshipsRequest request) {
        if (request.hasConsistency()) return delegate.readRelationships(request);
        return delegate.readRelationships(request.toBuilder()
                .setConsistency(forFilter(request.getRelationshipFilter()))
                .build());
    }

    @Override
    public Stream<ExportBulkRelationshipsResponse> exportBulkRelationships(ExportBulkRelationshipsRequest request) {
        if (request.hasConsistency()) return delegate.exportBulkRelationships(request);
        Consistency c = request.hasOptionalRelationshipFilter()
                ? forFilter(request.getOptionalRelationshipFilter())
                : tokens.consistencyForAll();
        return delegate.exportBulkRelationships(
                request.toBuilder().setConsistency(c).build());
    }

    private Consistency forFilter(RelationshipFilter f) {
        if (f.getResourceType().isEmpty()) return tokens.consistencyForAll();
        if (!f.getOptionalResourceId().isEmpty()) {
            return tokens.consistencyFor(f.getResourceType() + ":" + f.getOptionalResourceId());
        }
        return tokens.consistencyFor(f.getResourceType());
    }

    @Override
    public WriteRelationshipsResponse writeRelationships(WriteRelationshipsRequest request) {
        WriteRelationshipsResponse r = delegate.writeRelationships(request);
        ZedToken t = r.getWrittenAt();
        for (RelationshipUpdate u : request.getUpdatesList()) {
            Relationship rel = u.getRelationship();
            tokens.record(rel.getResource().getObjectType(), t);
            tokens.record(Refs.text(rel.getResource()), t);
        }
        tokens.recordNewest(t);
        return r;
    }

    @Override
    public DeleteRelationshipsResponse deleteRelationships(DeleteRelationshipsRequest request) {
        DeleteRelationshipsResponse r = delegate.deleteRelationships(request);
        RelationshipFilter f = request.getRelationshipFilter();
        ZedToken t = r.getDeletedAt();
        if (!f.getResourceType().isEmpty()) {
            tokens.record(f.getResourceType(), t);
            if (!f.getOptionalResourceId().isEmpty()) {
                tokens.record(f.getResourceType() + ":" + f.getOptionalResourceId(), t);
            }
        }
        tokens.recordNewest(t);
        return r;
    }

    @Override
    public ImportBulkRelationshipsResponse importBulkRelationships(Iterable<Relationship> relationships) {
        return delegate.importBulkRelationships(relationships);
    }

    @Override
    public Stream<WatchResponse> watch(WatchRequest request) {
        return delegate.watch(request);
    }

    @Override
    public ReadSchemaResponse readSchema(ReadSchemaRequest request) {
        return delegate.readSchema(request);
    }

    @Override
    public WriteSchemaResponse writeSchema(WriteSchemaRequest request) {
        WriteSchemaResponse r = delegate.writeSchema(request);
        tokens.recordNewest(r.getWrittenAt());
        return r;
    }

    @Override
    public DiffSchemaResponse diffSchema(DiffSchemaRequest request) {
        if (request.hasConsistency()) return delegate.diffSchema(request);
        return delegate.diffSchema(
                request.toBuilder().setConsistency(tokens.consistencyForAll()).build());
    }

    @Override
    public Kith withDeadline(Duration deadline) {
        return new TokenTrackingKith(delegate.withDeadline(deadline), tokens);
    }

    @Override
    public Kith withConsistencyTokens(ConsistencyTokens other) {
        return new TokenTrackingKith(delegate, other);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

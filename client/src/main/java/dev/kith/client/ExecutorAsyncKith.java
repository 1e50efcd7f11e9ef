package dev.kith.client;

import com.google.protobuf.Struct;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsResponse;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
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
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** {@link AsyncKith} over a blocking {@link Kith}: each call on a new virtual thread. */
final class ExecutorAsyncKith implements AsyncKith {
    /** Virtual threads need no pool to size or shut down: one per call, gone when it ends. */
    private static final Executor VIRTUAL =
            r -> Thread.ofVirtual().name("kith-async").start(r);

    private final Kith kith;
    /** How a check is answered: the blocking call on a virtual thread, or the client's own non-blocking call. */
    private final java.util.function.Function<CheckPermissionRequest, CompletionStage<CheckPermissionResponse>> checks;

    ExecutorAsyncKith(Kith kith) {
        this.kith = kith;
        this.checks = request -> run(() -> kith.checkPermission(request));
    }

    /** As {@link #ExecutorAsyncKith(Kith)}, with checks answered by {@code checks} (the hot call, made without a thread). */
    ExecutorAsyncKith(
            Kith kith,
            java.util.function.Function<CheckPermissionRequest, CompletionStage<CheckPermissionResponse>> checks) {
        this.kith = kith;
        this.checks = checks;
    }

    private static <T> CompletionStage<T> run(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, VIRTUAL);
    }

    private static <T> CompletionStage<List<T>> collect(Supplier<Stream<T>> call) {
        return run(() -> {
            try (Stream<T> s = call.get()) {
                return s.toList();
            }
        });
    }

    @Override
    public CompletionStage<CheckPermissionResponse> checkPermission(CheckPermissionRequest request) {
        return checks.apply(request);
    }

    @Override
    public CompletionStage<CheckBulkPermissionsResponse> checkBulkPermissions(CheckBulkPermissionsRequest request) {
        return run(() -> kith.checkBulkPermissions(request));
    }

    @Override
    public CompletionStage<ExpandPermissionTreeResponse> expandPermissionTree(ExpandPermissionTreeRequest request) {
        return run(() -> kith.expandPermissionTree(request));
    }

    @Override
    public CompletionStage<List<LookupResourcesResponse>> lookupResources(LookupResourcesRequest request) {
        return collect(() -> kith.lookupResources(request));
    }

    @Override
    public CompletionStage<List<LookupSubjectsResponse>> lookupSubjects(LookupSubjectsRequest request) {
        return collect(() -> kith.lookupSubjects(request));
    }

    @Override
    public CompletionStage<List<ReadRelationshipsResponse>> readRelationships(ReadRelationshipsRequest request) {
        return collect(() -> kith.readRelationships(request));
    }

    @Override
    public CompletionStage<WriteRelationshipsResponse> writeRelationships(WriteRelationshipsRequest request) {
        return run(() -> kith.writeRelationships(request));
    }

    @Override
    public CompletionStage<DeleteRelationshipsResponse> deleteRelationships(DeleteRelationshipsRequest request) {
        return run(() -> kith.deleteRelationships(request));
    }

    @Override
    public CompletionStage<ImportBulkRelationshipsResponse> importBulkRelationships(
            Iterable<Relationship> relationships) {
        return run(() -> kith.importBulkRelationships(relationships));
    }

    @Override
    public CompletionStage<ReadSchemaResponse> readSchema(ReadSchemaRequest request) {
        return run(() -> kith.readSchema(request));
    }

    @Override
    public CompletionStage<WriteSchemaResponse> writeSchema(WriteSchemaRequest request) {
        return run(() -> kith.writeSchema(request));
    }

    @Override
    public CompletionStage<DiffSchemaResponse> diffSchema(DiffSchemaRequest request) {
        return run(() -> kith.diffSchema(request));
    }

    @Override
    public CompletionStage<CheckResult> check(String subject, String permission, String resource) {
        return run(() -> kith.check(subject, permission, resource));
    }

    @Override
    public CompletionStage<CheckResult> check(String subject, String permission, String resource, Struct context) {
        return run(() -> kith.check(subject, permission, resource, context));
    }
}

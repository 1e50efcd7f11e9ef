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
import java.util.concurrent.CompletionStage;

/**
 * {@link Kith}'s calls answered by {@link CompletionStage}s (from {@link Kith#async()}), with the same deadlines,
 * retries, bound and tokens: each call runs the blocking call on a virtual thread of its own, which costs a few
 * hundred bytes while it waits, and completes the stage with its answer or its {@link KithCallException}. Lookups
 * and reads complete with every answer collected in a list; take the blocking {@link Kith} methods to stream them.
 */
public interface AsyncKith {
    CompletionStage<CheckPermissionResponse> checkPermission(CheckPermissionRequest request);

    CompletionStage<CheckBulkPermissionsResponse> checkBulkPermissions(CheckBulkPermissionsRequest request);

    CompletionStage<ExpandPermissionTreeResponse> expandPermissionTree(ExpandPermissionTreeRequest request);

    CompletionStage<List<LookupResourcesResponse>> lookupResources(LookupResourcesRequest request);

    CompletionStage<List<LookupSubjectsResponse>> lookupSubjects(LookupSubjectsRequest request);

    CompletionStage<List<ReadRelationshipsResponse>> readRelationships(ReadRelationshipsRequest request);

    CompletionStage<WriteRelationshipsResponse> writeRelationships(WriteRelationshipsRequest request);

    CompletionStage<DeleteRelationshipsResponse> deleteRelationships(DeleteRelationshipsRequest request);

    CompletionStage<ImportBulkRelationshipsResponse> importBulkRelationships(Iterable<Relationship> relationships);

    CompletionStage<ReadSchemaResponse> readSchema(ReadSchemaRequest request);

    CompletionStage<WriteSchemaResponse> writeSchema(WriteSchemaRequest request);

    CompletionStage<DiffSchemaResponse> diffSchema(DiffSchemaRequest request);

    /** {@link Kith#check(String, String, String)}. */
    CompletionStage<CheckResult> check(String subject, String permission, String resource);

    /** {@link Kith#check(String, String, String, Struct)}. */
    CompletionStage<CheckResult> check(String subject, String permission, String resource, Struct context);
}

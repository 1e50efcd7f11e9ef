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
    /**
     * {@link Kith#checkPermission}, answered asynchronously.
     *
     * @param request as for {@link Kith#checkPermission}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<CheckPermissionResponse> checkPermission(CheckPermissionRequest request);

    /**
     * {@link Kith#checkBulkPermissions}, answered asynchronously.
     *
     * @param request as for {@link Kith#checkBulkPermissions}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<CheckBulkPermissionsResponse> checkBulkPermissions(CheckBulkPermissionsRequest request);

    /**
     * {@link Kith#expandPermissionTree}, answered asynchronously.
     *
     * @param request as for {@link Kith#expandPermissionTree}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<ExpandPermissionTreeResponse> expandPermissionTree(ExpandPermissionTreeRequest request);

    /**
     * {@link Kith#lookupResources}, answered asynchronously.
     *
     * @param request as for {@link Kith#lookupResources}
     * @return a stage completed with every answer, in a list, or with the call's {@link KithCallException}
     */
    CompletionStage<List<LookupResourcesResponse>> lookupResources(LookupResourcesRequest request);

    /**
     * {@link Kith#lookupSubjects}, answered asynchronously.
     *
     * @param request as for {@link Kith#lookupSubjects}
     * @return a stage completed with every answer, in a list, or with the call's {@link KithCallException}
     */
    CompletionStage<List<LookupSubjectsResponse>> lookupSubjects(LookupSubjectsRequest request);

    /**
     * {@link Kith#readRelationships}, answered asynchronously.
     *
     * @param request as for {@link Kith#readRelationships}
     * @return a stage completed with every answer, in a list, or with the call's {@link KithCallException}
     */
    CompletionStage<List<ReadRelationshipsResponse>> readRelationships(ReadRelationshipsRequest request);

    /**
     * {@link Kith#writeRelationships}, answered asynchronously.
     *
     * @param request as for {@link Kith#writeRelationships}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<WriteRelationshipsResponse> writeRelationships(WriteRelationshipsRequest request);

    /**
     * {@link Kith#deleteRelationships}, answered asynchronously.
     *
     * @param request as for {@link Kith#deleteRelationships}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<DeleteRelationshipsResponse> deleteRelationships(DeleteRelationshipsRequest request);

    /**
     * {@link Kith#importBulkRelationships}, answered asynchronously.
     *
     * @param relationships as for {@link Kith#importBulkRelationships}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<ImportBulkRelationshipsResponse> importBulkRelationships(Iterable<Relationship> relationships);

    /**
     * {@link Kith#readSchema}, answered asynchronously.
     *
     * @param request as for {@link Kith#readSchema}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<ReadSchemaResponse> readSchema(ReadSchemaRequest request);

    /**
     * {@link Kith#writeSchema}, answered asynchronously.
     *
     * @param request as for {@link Kith#writeSchema}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<WriteSchemaResponse> writeSchema(WriteSchemaRequest request);

    /**
     * {@link Kith#diffSchema}, answered asynchronously.
     *
     * @param request as for {@link Kith#diffSchema}
     * @return a stage completed with the answer, or with the call's {@link KithCallException}
     */
    CompletionStage<DiffSchemaResponse> diffSchema(DiffSchemaRequest request);

    /**
     * {@link Kith#check(String, String, String)}, answered asynchronously.
     *
     * @param subject the subject, {@code type:id} or {@code type:id#relation}
     * @param permission the permission or relation
     * @param resource the resource, {@code type:id}
     * @return a stage completed with ALLOWED, DENIED or CONDITIONAL, or with the call's {@link KithCallException}
     */
    CompletionStage<CheckResult> check(String subject, String permission, String resource);

    /**
     * {@link Kith#check(String, String, String, Struct)}, answered asynchronously.
     *
     * @param subject the subject, {@code type:id} or {@code type:id#relation}
     * @param permission the permission or relation
     * @param resource the resource, {@code type:id}
     * @param context the caveat context (empty: none)
     * @return a stage completed with ALLOWED, DENIED or CONDITIONAL, or with the call's {@link KithCallException}
     */
    CompletionStage<CheckResult> check(String subject, String permission, String resource, Struct context);
}

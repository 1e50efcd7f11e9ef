package dev.kith.cli.remote;

import com.google.protobuf.Message;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ImportBulkRelationshipsRequest;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WatchServiceGrpc;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import io.grpc.MethodDescriptor;

/**
 * One method of the v1 API under both of its names: the gRPC method and the HTTP path that takes the same message as
 * JSON. {@code prototype} is the answer's default instance, from which a transport builds the answers it reads.
 *
 * @param <Q> the request message
 * @param <R> the answer message (one per call, or one per streamed result)
 */
public record Rpc<Q extends Message, R extends Message>(String httpPath, MethodDescriptor<Q, R> method, R prototype) {

    public static final Rpc<ReadSchemaRequest, ReadSchemaResponse> READ_SCHEMA = new Rpc<>(
            "/v1/schema/read", SchemaServiceGrpc.getReadSchemaMethod(), ReadSchemaResponse.getDefaultInstance());
    public static final Rpc<WriteSchemaRequest, WriteSchemaResponse> WRITE_SCHEMA = new Rpc<>(
            "/v1/schema/write", SchemaServiceGrpc.getWriteSchemaMethod(), WriteSchemaResponse.getDefaultInstance());
    public static final Rpc<DiffSchemaRequest, DiffSchemaResponse> DIFF_SCHEMA = new Rpc<>(
            "/v1/schema/diffschema", SchemaServiceGrpc.getDiffSchemaMethod(), DiffSchemaResponse.getDefaultInstance());
    public static final Rpc<WriteRelationshipsRequest, WriteRelationshipsResponse> WRITE_RELATIONSHIPS = new Rpc<>(
            "/v1/relationships/write",
            PermissionsServiceGrpc.getWriteRelationshipsMethod(),
            WriteRelationshipsResponse.getDefaultInstance());
    public static final Rpc<DeleteRelationshipsRequest, DeleteRelationshipsResponse> DELETE_RELATIONSHIPS = new Rpc<>(
            "/v1/relationships/delete",
            PermissionsServiceGrpc.getDeleteRelationshipsMethod(),
            DeleteRelationshipsResponse.getDefaultInstance());
    public static final Rpc<ReadRelationshipsRequest, ReadRelationshipsResponse> READ_RELATIONSHIPS = new Rpc<>(
            "/v1/relationships/read",
            PermissionsServiceGrpc.getReadRelationshipsMethod(),
            ReadRelationshipsResponse.getDefaultInstance());
    public static final Rpc<CheckPermissionRequest, CheckPermissionResponse> CHECK = new Rpc<>(
            "/v1/permissions/check",
            PermissionsServiceGrpc.getCheckPermissionMethod(),
            CheckPermissionResponse.getDefaultInstance());
    public static final Rpc<ExpandPermissionTreeRequest, ExpandPermissionTreeResponse> EXPAND = new Rpc<>(
            "/v1/permissions/expand",
            PermissionsServiceGrpc.getExpandPermissionTreeMethod(),
            ExpandPermissionTreeResponse.getDefaultInstance());
    public static final Rpc<LookupResourcesRequest, LookupResourcesResponse> LOOKUP_RESOURCES = new Rpc<>(
            "/v1/permissions/resources",
            PermissionsServiceGrpc.getLookupResourcesMethod(),
            LookupResourcesResponse.getDefaultInstance());
    public static final Rpc<LookupSubjectsRequest, LookupSubjectsResponse> LOOKUP_SUBJECTS = new Rpc<>(
            "/v1/permissions/subjects",
            PermissionsServiceGrpc.getLookupSubjectsMethod(),
            LookupSubjectsResponse.getDefaultInstance());
    public static final Rpc<ImportBulkRelationshipsRequest, ImportBulkRelationshipsResponse> IMPORT_BULK = new Rpc<>(
            "/v1/relationships/importbulk",
            PermissionsServiceGrpc.getImportBulkRelationshipsMethod(),
            ImportBulkRelationshipsResponse.getDefaultInstance());
    public static final Rpc<ExportBulkRelationshipsRequest, ExportBulkRelationshipsResponse> EXPORT_BULK = new Rpc<>(
            "/v1/relationships/exportbulk",
            PermissionsServiceGrpc.getExportBulkRelationshipsMethod(),
            ExportBulkRelationshipsResponse.getDefaultInstance());
    public static final Rpc<WatchRequest, WatchResponse> WATCH =
            new Rpc<>("/v1/watch", WatchServiceGrpc.getWatchMethod(), WatchResponse.getDefaultInstance());
}

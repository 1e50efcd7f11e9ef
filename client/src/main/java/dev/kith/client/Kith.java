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
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import dev.kith.proto.v1.ZedToken;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * kith's API, one method per method of SpiceDB's {@code authzed.api.v1} (PermissionsService, SchemaService,
 * WatchService), taking and returning SpiceDB's own messages, plus a few conveniences ({@link #check(String,
 * String, String)}, {@link #touch}, …). {@link #connect} gives one over gRPC ({@code grpc://}, {@code grpcs://}) or
 * over an engine in this process ({@code embedded:}, with the {@code kith-embedded} module on the class path): the
 * same calls, answers and errors ({@link KithCallException}).
 *
 * <p><b>Deadlines.</b> Every call has one: the configuration's ({@link KithConfig#deadline()} for unary calls, {@link
 * KithConfig#streamDeadline()} for a stream as a whole; watches have none), or the one of {@link #withDeadline}.
 * Retries happen within it.
 *
 * <p><b>Retries.</b> A call answered {@code UNAVAILABLE} is tried again ({@link RetryPolicy}) only when repeating it
 * cannot change the outcome: checks, bulk checks, expand, lookups, reads, exports, schema reads and diffs; a write
 * whose updates are all TOUCH or DELETE and that has no preconditions; a delete by filter without preconditions and
 * without a limit; a schema write. CREATE writes, writes or deletes with preconditions, limited deletes and imports
 * are never retried: the first attempt may have committed.
 *
 * <p><b>Streams</b> (lookups, read, export, watch) are pulled: the next answer is asked of the server only when the
 * caller takes one, so a slow consumer slows the server's stream rather than filling memory. Close them (try with
 * resources) when not read to the end. A stream cut with {@code UNAVAILABLE} is resumed after the last answer taken
 * (its cursor; a watch from its last {@code changes_through} token), so each answer is delivered exactly once.
 *
 * <p><b>Consistency.</b> With {@link ConsistencyTokens} (on by default in {@link #connect}) a read that names no
 * consistency reads at least as fresh as this client's last write of the same resource (see there).
 *
 * <p>Implementations are thread-safe.
 */
public interface Kith extends AutoCloseable {

    /**
     * A client for {@code config}: gRPC for {@code grpc://} and {@code grpcs://}, else a {@link KithProvider}.
     *
     * @param config the target and settings
     * @return the client; close it when done
     * @throws IllegalArgumentException if the target is malformed or no provider serves its scheme
     */
    static Kith connect(KithConfig config) {
        String scheme = config.scheme();
        Kith kith = null;
        if (scheme.equals("grpc") || scheme.equals("grpcs")) {
            kith = GrpcKith.connect(config);
        } else {
            for (KithProvider p : ServiceLoader.load(KithProvider.class, Kith.class.getClassLoader())) {
                if (p.scheme().equals(scheme)) {
                    kith = p.open(config);
                    break;
                }
            }
            if (kith == null) {
                throw new IllegalArgumentException("kith target `" + config.target() + "`: no client for `" + scheme
                        + ":`: expected grpc://host:port, grpcs://host:port, or embedded: (with the kith-embedded"
                        + " module)");
            }
        }
        return config.consistencyTokens() == null ? kith : kith.withConsistencyTokens(config.consistencyTokens());
    }

    /**
     * A client for the target URL with the default configuration: {@code KithConfig.builder(target).build()}.
     *
     * @param target {@code grpc://host:port}, {@code grpcs://host:port} or {@code embedded:}
     * @return the client; close it when done
     * @throws IllegalArgumentException if the target is malformed or no provider serves its scheme
     */
    static Kith connect(String target) {
        return connect(KithConfig.builder(target).build());
    }

    /**
     * A client over a channel the caller built and keeps (closing the client does not shut it down), with {@code
     * config}'s key, deadlines, retries, bound and tokens (its target and CA are not used).
     *
     * @param channel the channel to call over, left open by {@link #close()}
     * @param config the settings
     * @return the client
     */
    static Kith over(ManagedChannel channel, KithConfig config) {
        Kith kith = new GrpcKith(channel, false, config);
        return config.consistencyTokens() == null ? kith : kith.withConsistencyTokens(config.consistencyTokens());
    }

    // ---- PermissionsService

    /**
     * PermissionsService/CheckPermission: whether the subject has the permission on the resource.
     *
     * @param request the resource, permission, subject, and optionally consistency and caveat context
     * @return the permissionship, with the missing caveat context of a conditional answer
     * @throws KithCallException if the call fails
     */
    CheckPermissionResponse checkPermission(CheckPermissionRequest request);

    /**
     * PermissionsService/CheckBulkPermissions: many checks in one call, each answered (or failed) on its own.
     *
     * @param request the checks
     * @return one pair per item, in the request's order
     * @throws KithCallException if the call as a whole fails
     */
    CheckBulkPermissionsResponse checkBulkPermissions(CheckBulkPermissionsRequest request);

    /**
     * PermissionsService/ExpandPermissionTree: the userset tree of a permission on a resource.
     *
     * @param request the resource and permission
     * @return the tree
     * @throws KithCallException if the call fails
     */
    ExpandPermissionTreeResponse expandPermissionTree(ExpandPermissionTreeRequest request);

    /**
     * PermissionsService/LookupResources: the resources found, pulled from the server as they are taken; resumed by
     * cursor if the stream is cut.
     *
     * @param request the resource type, permission and subject, optionally a limit and a cursor
     * @return the stream of answers; close it if not read to the end
     */
    Stream<LookupResourcesResponse> lookupResources(LookupResourcesRequest request);

    /**
     * PermissionsService/LookupSubjects: the subjects found, pulled from the server as they are taken; resumed by
     * cursor if the stream is cut.
     *
     * @param request the resource, permission and subject type, optionally a limit and a cursor
     * @return the stream of answers; close it if not read to the end
     */
    Stream<LookupSubjectsResponse> lookupSubjects(LookupSubjectsRequest request);

    /**
     * PermissionsService/ReadRelationships: the relationships matching the filter; resumed by cursor if the stream
     * is cut.
     *
     * @param request the filter, optionally a limit and a cursor
     * @return the stream of relationships; close it if not read to the end
     */
    Stream<ReadRelationshipsResponse> readRelationships(ReadRelationshipsRequest request);

    /**
     * PermissionsService/WriteRelationships: applies the updates atomically if the preconditions hold.
     *
     * @param request the updates (CREATE, TOUCH, DELETE) and preconditions
     * @return the token of the write
     * @throws KithCallException if the write fails (nothing is written then)
     */
    WriteRelationshipsResponse writeRelationships(WriteRelationshipsRequest request);

    /**
     * PermissionsService/DeleteRelationships: deletes every relationship matching the filter if the preconditions
     * hold.
     *
     * @param request the filter, preconditions and optional limit
     * @return the token of the deletion and whether it deleted them all (with a limit)
     * @throws KithCallException if the deletion fails
     */
    DeleteRelationshipsResponse deleteRelationships(DeleteRelationshipsRequest request);

    /**
     * Loads {@code relationships} in one atomic batch (CREATE semantics: one that exists fails the whole import),
     * sent in messages of up to 1,000 as fast as the server takes them. Never retried.
     *
     * @param relationships the relationships to create
     * @return how many were loaded
     * @throws KithCallException if the import fails (nothing is loaded then)
     */
    ImportBulkRelationshipsResponse importBulkRelationships(Iterable<Relationship> relationships);

    /**
     * Every relationship (or those of the request's filter) in batches; resumed by cursor if the stream is cut.
     *
     * @param request the optional filter and cursor
     * @return the stream of batches; close it if not read to the end
     */
    Stream<ExportBulkRelationshipsResponse> exportBulkRelationships(ExportBulkRelationshipsRequest request);

    // ---- WatchService

    /**
     * The changes after the request's start token (or from now), without end until closed. A stream cut with
     * {@code UNAVAILABLE} is opened again from the last {@code changes_through} token taken, so each change is
     * delivered once, in order. No deadline applies.
     *
     * @param request the start token and the object types or filters to watch
     * @return the endless stream of changes; close it to stop watching
     */
    Stream<WatchResponse> watch(WatchRequest request);

    // ---- SchemaService

    /**
     * SchemaService/ReadSchema: the current schema.
     *
     * @param request the (empty) request
     * @return the schema text and the revision it was read at
     * @throws KithCallException if the call fails (NOT_FOUND when no schema was written)
     */
    ReadSchemaResponse readSchema(ReadSchemaRequest request);

    /**
     * SchemaService/WriteSchema: replaces the schema.
     *
     * @param request the schema text
     * @return the token of the write
     * @throws KithCallException if kith refuses the schema (nothing changes then)
     */
    WriteSchemaResponse writeSchema(WriteSchemaRequest request);

    /**
     * SchemaService/DiffSchema: what would change between the current schema and another.
     *
     * @param request the other schema
     * @return the differences
     * @throws KithCallException if the call fails
     */
    DiffSchemaResponse diffSchema(DiffSchemaRequest request);

    // ---- the client

    /**
     * This client with another deadline for each call (for a stream: the whole stream).
     *
     * @param deadline the deadline, positive
     * @return a client sharing this one's connection
     */
    Kith withDeadline(Duration deadline);

    /**
     * This client with {@code tokens} filling in the consistency of reads that name none, and recording the tokens
     * of its writes (one {@code ConsistencyTokens} per user session, say); replaces the configuration's.
     *
     * @param tokens the tokens to read and record
     * @return a client sharing this one's connection
     */
    default Kith withConsistencyTokens(ConsistencyTokens tokens) {
        return new TokenTrackingKith(this, tokens);
    }

    /**
     * The same calls, each answered by a {@link java.util.concurrent.CompletionStage}.
     *
     * @return the asynchronous view of this client
     */
    default AsyncKith async() {
        return new ExecutorAsyncKith(this);
    }

    /** Closes the channel (or the embedded engine) this client opened. */
    @Override
    void close();

    // ---- conveniences

    /**
     * May {@code subject} (as {@code user:ann}) do {@code permission} on {@code resource} (as {@code doc:1})?
     *
     * @param subject the subject, {@code type:id} or {@code type:id#relation}
     * @param permission the permission or relation
     * @param resource the resource, {@code type:id}
     * @return ALLOWED, DENIED, or CONDITIONAL when a caveat lacks context
     * @throws KithCallException if the check fails
     * @throws IllegalArgumentException if a reference is malformed
     */
    default CheckResult check(String subject, String permission, String resource) {
        return check(subject, permission, resource, Struct.getDefaultInstance());
    }

    /**
     * {@link #check(String, String, String)} with a caveat context.
     *
     * @param subject the subject, {@code type:id} or {@code type:id#relation}
     * @param permission the permission or relation
     * @param resource the resource, {@code type:id}
     * @param context the caveat context (empty: none)
     * @return ALLOWED, DENIED, or CONDITIONAL when a caveat still lacks context
     * @throws KithCallException if the check fails
     * @throws IllegalArgumentException if a reference is malformed
     */
    default CheckResult check(String subject, String permission, String resource, Struct context) {
        CheckPermissionRequest.Builder b = CheckPermissionRequest.newBuilder()
                .setSubject(Refs.subject(subject))
                .setPermission(permission)
                .setResource(Refs.object(resource));
        if (context.getFieldsCount() > 0) b.setContext(context);
        return CheckResult.of(checkPermission(b.build()).getPermissionship());
    }

    /**
     * The ids of the resources of {@code resourceType} on which {@code subject} has {@code permission}.
     *
     * @param subject the subject, {@code type:id} or {@code type:id#relation}
     * @param permission the permission or relation
     * @param resourceType the type of the resources
     * @return every id found
     * @throws KithCallException if the lookup fails
     */
    default List<String> lookupResourceIds(String subject, String permission, String resourceType) {
        try (Stream<LookupResourcesResponse> s = lookupResources(LookupResourcesRequest.newBuilder()
                .setSubject(Refs.subject(subject))
                .setPermission(permission)
                .setResourceObjectType(resourceType)
                .build())) {
            return s.map(LookupResourcesResponse::getResourceObjectId).toList();
        }
    }

    /**
     * TOUCHes each relationship (as {@code doc:1#viewer@user:ann}) in one write.
     *
     * @param relationships the relationships, in {@code zed}'s text form
     * @return the token of the write
     * @throws KithCallException if the write fails
     */
    default ZedToken touch(String... relationships) {
        return write(Arrays.stream(relationships).map(Refs::touch).toList());
    }

    /**
     * DELETEs each relationship (as {@code doc:1#viewer@user:ann}) in one write.
     *
     * @param relationships the relationships, in {@code zed}'s text form
     * @return the token of the write
     * @throws KithCallException if the write fails
     */
    default ZedToken delete(String... relationships) {
        return write(Arrays.stream(relationships).map(Refs::delete).toList());
    }

    /**
     * Writes {@code updates} in one atomic write.
     *
     * @param updates the updates
     * @return the token of the write
     * @throws KithCallException if the write fails
     */
    default ZedToken write(List<RelationshipUpdate> updates) {
        return writeRelationships(WriteRelationshipsRequest.newBuilder()
                        .addAllUpdates(updates)
                        .build())
                .getWrittenAt();
    }

    /**
     * Replaces the schema with {@code schema} (SpiceDB's schema language).
     *
     * @param schema the schema text
     * @return the token of the write
     * @throws KithCallException if kith refuses the schema
     */
    default ZedToken writeSchema(String schema) {
        return writeSchema(WriteSchemaRequest.newBuilder().setSchema(schema).build())
                .getWrittenAt();
    }
}

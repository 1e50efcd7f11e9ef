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

    /** A client for {@code config}: gRPC for {@code grpc://} and {@code grpcs://}, else a {@link KithProvider}. */
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

    /** A client for the target URL with the default configuration: {@code KithConfig.builder(target).build()}. */
    static Kith connect(String target) {
        return connect(KithConfig.builder(target).build());
    }

    /**
     * A client over a channel the caller built and keeps (closing the client does not shut it down), with {@code
     * config}'s key, deadlines, retries, bound and tokens (its target and CA are not used).
     */
    static Kith over(ManagedChannel channel, KithConfig config) {
        Kith kith = new GrpcKith(channel, false, config);
        return config.consistencyTokens() == null ? kith : kith.withConsistencyTokens(config.consistencyTokens());
    }

    // ---- PermissionsService

    CheckPermissionResponse checkPermission(CheckPermissionRequest request);

    CheckBulkPermissionsResponse checkBulkPermissions(CheckBulkPermissionsRequest request);

    ExpandPermissionTreeResponse expandPermissionTree(ExpandPermissionTreeRequest request);

    /** The resources found, pulled from the server as they are taken; resumed by cursor if the stream is cut. */
    Stream<LookupResourcesResponse> lookupResources(LookupResourcesRequest request);

    /** The subjects found, pulled from the server as they are taken; resumed by cursor if the stream is cut. */
    Stream<LookupSubjectsResponse> lookupSubjects(LookupSubjectsRequest request);

    /** The relationships matching the filter; resumed by cursor if the stream is cut. */
    Stream<ReadRelationshipsResponse> readRelationships(ReadRelationshipsRequest request);

    WriteRelationshipsResponse writeRelationships(WriteRelationshipsRequest request);

    DeleteRelationshipsResponse deleteRelationships(DeleteRelationshipsRequest request);

    /**
     * Loads {@code relationships} in one atomic batch (CREATE semantics: one that exists fails the whole import),
     * sent in messages of up to 1,000 as fast as the server takes them. Never retried.
     */
    ImportBulkRelationshipsResponse importBulkRelationships(Iterable<Relationship> relationships);

    /** Every relationship (or those of the request's filter) in batches; resumed by cursor if the stream is cut. */
    Stream<ExportBulkRelationshipsResponse> exportBulkRelationships(ExportBulkRelationshipsRequest request);

    // ---- WatchService

    /**
     * The changes after the request's start token (or from now), without end until closed. A stream cut with
     * {@code UNAVAILABLE} is opened again from the last {@code changes_through} token taken, so each change is
     * delivered once, in order. No deadline applies.
     */
    Stream<WatchResponse> watch(WatchRequest request);

    // ---- SchemaService

    ReadSchemaResponse readSchema(ReadSchemaRequest request);

    WriteSchemaResponse writeSchema(WriteSchemaRequest request);

    DiffSchemaResponse diffSchema(DiffSchemaRequest request);

    // ---- the client

    /** This client with another deadline for each call (for a stream: the whole stream). */
    Kith withDeadline(Duration deadline);

    /**
     * This client with {@code tokens} filling in the consistency of reads that name none, and recording the tokens
     * of its writes (one {@code ConsistencyTokens} per user session, say); replaces the configuration's.
     */
    default Kith withConsistencyTokens(ConsistencyTokens tokens) {
        return new TokenTrackingKith(this, tokens);
    }

    /** The same calls, each answered by a {@link java.util.concurrent.CompletionStage}. */
    default AsyncKith async() {
        return new ExecutorAsyncKith(this);
    }

    /** Closes the channel (or the embedded engine) this client opened. */
    @Override
    void close();

    // ---- conveniences

    /** May {@code subject} (as {@code user:ann}) do {@code permission} on {@code resource} (as {@code doc:1})? */
    default CheckResult check(String subject, String permission, String resource) {
        return check(subject, permission, resource, Struct.getDefaultInstance());
    }

    /** {@link #check(String, String, String)} with a caveat context. */
    default CheckResult check(String subject, String permission, String resource, Struct context) {
        CheckPermissionRequest.Builder b = CheckPermissionRequest.newBuilder()
                .setSubject(Refs.subject(subject))
                .setPermission(permission)
                .setResource(Refs.object(resource));
        if (context.getFieldsCount() > 0) b.setContext(context);
        return CheckResult.of(checkPermission(b.build()).getPermissionship());
    }

    /** The ids of the resources of {@code resourceType} on which {@code subject} has {@code permission}. */
    default List<String> lookupResourceIds(String subject, String permission, String resourceType) {
        try (Stream<LookupResourcesResponse> s = lookupResources(LookupResourcesRequest.newBuilder()
                .setSubject(Refs.subject(subject))
                .setPermission(permission)
                .setResourceObjectType(resourceType)
                .build())) {
            return s.map(LookupResourcesResponse::getResourceObjectId).toList();
        }
    }

    /** TOUCHes each relationship (as {@code doc:1#viewer@user:ann}) in one write; returns its token. */
    default ZedToken touch(String... relationships) {
        return write(Arrays.stream(relationships).map(Refs::touch).toList());
    }

    /** DELETEs each relationship (as {@code doc:1#viewer@user:ann}) in one write; returns its token. */
    default ZedToken delete(String... relationships) {
        return write(Arrays.stream(relationships).map(Refs::delete).toList());
    }

    /** Writes {@code updates} in one atomic write; returns its token. */
    default ZedToken write(List<RelationshipUpdate> updates) {
        return writeRelationships(WriteRelationshipsRequest.newBuilder()
                        .addAllUpdates(updates)
                        .build())
                .getWrittenAt();
    }

    /** Replaces the schema with {@code schema} (SpiceDB's schema language); returns its token. */
    default ZedToken writeSchema(String schema) {
        return writeSchema(WriteSchemaRequest.newBuilder().setSchema(schema).build())
                .getWrittenAt();
    }
}

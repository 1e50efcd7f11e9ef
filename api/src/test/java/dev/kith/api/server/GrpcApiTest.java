package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import dev.kith.proto.v1.CheckBulkPermissionsPair;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsRequestItem;
import dev.kith.proto.v1.CheckBulkPermissionsResponse;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ImportBulkRelationshipsRequest;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupPermissionship;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.Precondition;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.SubjectReference;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WatchServiceGrpc;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.ZedToken;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC API ({@code authzed.api.v1}) of a real server on random ports, through grpc-java's generated blocking
 * and async stubs: every supported method, consistency tokens, streams with cursors, and each error's status
 * code and {@code google.rpc.ErrorInfo}.
 */
class GrpcApiTest {
    private ServerFixture fx;
    private ManagedChannel channel;
    private PermissionsServiceGrpc.PermissionsServiceBlockingStub permissions;
    private SchemaServiceGrpc.SchemaServiceBlockingStub schema;

    @BeforeEach
    void start() {
        fx = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0));
        assertThat(fx.server.grpcPort()).isPositive();
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", fx.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        permissions = PermissionsServiceGrpc.newBlockingStub(channel).withInterceptors(key(ServerFixture.KEY));
        schema = SchemaServiceGrpc.newBlockingStub(channel).withInterceptors(key(ServerFixture.KEY));
        schema.writeSchema(
                WriteSchemaRequest.newBuilder().setSchema(ServerFixture.SCHEMA).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        fx.close();
    }

    private static io.grpc.ClientInterceptor key(String key) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    private static ObjectReference obj(String type, String id) {
        return ObjectReference.newBuilder().setObjectType(type).setObjectId(id).build();
    }

    private static SubjectReference subject(String type, String id) {
        return SubjectReference.newBuilder().setObject(obj(type, id)).build();
    }

    private static Relationship rel(String type, String id, String relation, String subjectType, String subjectId) {
        return Relationship.newBuilder()
                .setResource(obj(type, id))
                .setRelation(relation)
                .setSubject(subject(subjectType, subjectId))
                .build();
    }

    private static RelationshipUpdate touch(Relationship r) {
        return RelationshipUpdate.newBuilder()
                .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                .setRelationship(r)
                .build();
    }

    private ZedToken write(Relationship... rels) {
        WriteRelationshipsRequest.Builder b = WriteRelationshipsRequest.newBuilder();
        for (Relationship r : rels) b.addUpdates(touch(r));
        WriteRelationshipsResponse w = permissions.writeRelationships(b.build());
        assertThat(w.getWrittenAt().getToken()).isNotEmpty();
        return w.getWrittenAt();
    }

    private static Consistency fully() {
        return Consistency.newBuilder().setFullyConsistent(true).build();
    }

    private CheckPermissionResponse check(String doc, String user, Struct context, Consistency consistency) {
        CheckPermissionRequest.Builder b = CheckPermissionRequest.newBuilder()
                .setConsistency(consistency)
                .setResource(obj("document", doc))
                .setPermission("view")
                .setSubject(subject("user", user));
        if (context != null) b.setContext(context);
        return permissions.checkPermission(b.build());
    }

    /** The ErrorInfo of a failed call, after checking its status code. */
    private static ErrorInfo errorInfo(StatusRuntimeException e, Status.Code code) throws Exception {
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).as("grpc-status-details-bin").isNotNull();
        assertThat(status.getMessage()).isNotBlank().doesNotContain("Exception");
        ErrorInfo info = status.getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getDomain()).isEqualTo("authzed.com");
        return info;
    }

    private static StatusRuntimeException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void schemaWriteAndRead() throws Exception {
        var read = schema.readSchema(ReadSchemaRequest.getDefaultInstance());
        assertThat(read.getSchemaText()).contains("definition document").contains("caveat on_day");
        assertThat(read.getReadAt().getToken()).isNotEmpty();

        StatusRuntimeException bad = failure(() -> schema.writeSchema(WriteSchemaRequest.newBuilder()
                .setSchema("definition usr {\n  relation x: nope\n")
                .build()));
        ErrorInfo info = errorInfo(bad, Status.Code.INVALID_ARGUMENT);
        assertThat(info.getReason()).isEqualTo("ERROR_REASON_SCHEMA_PARSE_ERROR");
        assertThat(info.getMetadataMap())
                .containsEntry("code", "INVALID_SCHEMA")
                .containsEntry("field", "schema");
        // the schema is unchanged
        assertThat(schema.readSchema(ReadSchemaRequest.getDefaultInstance()).getSchemaText())
                .isEqualTo(read.getSchemaText());
    }

    @Test
    void checksAnswerHasNoAndConditionalWithCaveatContext() {
        Relationship caveated = rel("document", "doc1", "viewer", "user", "ann").toBuilder()
                .setOptionalCaveat(ContextualizedCaveat.newBuilder().setCaveatName("on_day"))
                .build();
        ZedToken token = write(caveated, rel("document", "doc2", "viewer", "user", "bob"));
        Consistency fresh = Consistency.newBuilder().setAtLeastAsFresh(token).build();

        assertThat(check("doc2", "bob", null, fresh).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(check("doc2", "ann", null, fresh).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        CheckPermissionResponse conditional = check("doc1", "ann", null, fresh);
        assertThat(conditional.getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(conditional.getPartialCaveatInfo().getMissingRequiredContextList())
                .containsExactly("day");
        Struct monday = Struct.newBuilder()
                .putFields("day", Value.newBuilder().setStringValue("monday").build())
                .build();
        Struct tuesday = Struct.newBuilder()
                .putFields("day", Value.newBuilder().setStringValue("tuesday").build())
                .build();
        assertThat(check("doc1", "ann", monday, fresh).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(check("doc1", "ann", tuesday, fresh).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
    }

    @Test
    void tokensRoundTripThroughAtLeastAsFreshAndAtExactSnapshot() throws Exception {
        ZedToken before = write(rel("document", "doc1", "viewer", "user", "ann"));
        ZedToken after = write(rel("document", "doc1", "banned", "user", "ann"));
        CheckPermissionResponse atBefore = check(
                "doc1",
                "ann",
                null,
                Consistency.newBuilder().setAtExactSnapshot(before).build());
        assertThat(atBefore.getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(atBefore.getCheckedAt()).isEqualTo(before);
        CheckPermissionResponse fresh = check(
                "doc1",
                "ann",
                null,
                Consistency.newBuilder().setAtLeastAsFresh(after).build());
        assertThat(fresh.getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);

        StatusRuntimeException forged = failure(() -> check(
                "doc1",
                "ann",
                null,
                Consistency.newBuilder()
                        .setAtExactSnapshot(ZedToken.newBuilder().setToken("not-a-token"))
                        .build()));
        ErrorInfo info = errorInfo(forged, Status.Code.INVALID_ARGUMENT);
        assertThat(info.getMetadataMap()).containsKey("field");
        assertThat(forged.getStatus().getDescription()).contains("consistency token");
    }

    @Test
    void writePreconditionsAndCreateConflicts() throws Exception {
        Relationship ann = rel("document", "doc1", "viewer", "user", "ann");
        RelationshipFilter bobs = RelationshipFilter.newBuilder()
                .setResourceType("document")
                .setOptionalResourceId("doc1")
                .setOptionalRelation("owner")
                .build();
        WriteRelationshipsRequest guarded = WriteRelationshipsRequest.newBuilder()
                .addUpdates(touch(ann))
                .addOptionalPreconditions(Precondition.newBuilder()
                        .setOperation(Precondition.Operation.OPERATION_MUST_MATCH)
                        .setFilter(bobs))
                .build();
        ErrorInfo info =
                errorInfo(failure(() -> permissions.writeRelationships(guarded)), Status.Code.FAILED_PRECONDITION);
        assertThat(info.getReason()).isEqualTo("ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE");
        assertThat(check("doc1", "ann", null, fully()).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);

        write(rel("document", "doc1", "owner", "user", "bob"));
        permissions.writeRelationships(guarded);
        assertThat(check("doc1", "ann", null, fully()).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);

        WriteRelationshipsRequest create = WriteRelationshipsRequest.newBuilder()
                .addUpdates(RelationshipUpdate.newBuilder()
                        .setOperation(RelationshipUpdate.Operation.OPERATION_CREATE)
                        .setRelationship(ann))
                .build();
        ErrorInfo exists = errorInfo(failure(() -> permissions.writeRelationships(create)), Status.Code.ALREADY_EXISTS);
        assertThat(exists.getReason()).isEqualTo("ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP");
    }

    @Test
    void unknownNamesAreFailedPreconditionsNamingTheField() throws Exception {
        CheckPermissionRequest unknownPermission = CheckPermissionRequest.newBuilder()
                .setConsistency(fully())
                .setResource(obj("document", "doc1"))
                .setPermission("nosuch")
                .setSubject(subject("user", "ann"))
                .build();
        ErrorInfo info = errorInfo(
                failure(() -> permissions.checkPermission(unknownPermission)), Status.Code.FAILED_PRECONDITION);
        assertThat(info.getReason()).isEqualTo("ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION");
        assertThat(info.getMetadataMap())
                .containsEntry("code", "UNKNOWN_NAME")
                .containsEntry("name", "nosuch")
                .containsEntry("field", "permission");

        CheckPermissionRequest unknownType =
                unknownPermission.toBuilder().setResource(obj("folder", "f1")).build();
        ErrorInfo type =
                errorInfo(failure(() -> permissions.checkPermission(unknownType)), Status.Code.FAILED_PRECONDITION);
        assertThat(type.getReason()).isEqualTo("ERROR_REASON_UNKNOWN_DEFINITION");

        CheckPermissionRequest badId = unknownPermission.toBuilder()
                .setPermission("view")
                .setResource(obj("document", "has space"))
                .build();
        ErrorInfo id = errorInfo(failure(() -> permissions.checkPermission(badId)), Status.Code.INVALID_ARGUMENT);
        assertThat(id.getMetadataMap()).containsEntry("field", "resource.objectId");

        // a wildcard is asked about with lookup-subjects: check refuses it with SpiceDB's reason
        CheckPermissionRequest wildcard = unknownPermission.toBuilder()
                .setPermission("view")
                .setSubject(subject("user", "*"))
                .build();
        StatusRuntimeException refused = failure(() -> permissions.checkPermission(wildcard));
        assertThat(refused.getStatus().getDescription()).contains("cannot perform check on wildcard subject");
        ErrorInfo wild = errorInfo(refused, Status.Code.INVALID_ARGUMENT);
        assertThat(wild.getReason()).isEqualTo("ERROR_REASON_WILDCARD_NOT_ALLOWED");
    }

    @Test
    void keysAreCheckedLikeSpiceDb() throws Exception {
        var anonymous = SchemaServiceGrpc.newBlockingStub(channel);
        StatusRuntimeException missing = failure(() -> anonymous.readSchema(ReadSchemaRequest.getDefaultInstance()));
        errorInfo(missing, Status.Code.UNAUTHENTICATED);

        var wrong = SchemaServiceGrpc.newBlockingStub(channel).withInterceptors(key("not-the-key"));
        StatusRuntimeException denied = failure(() -> wrong.readSchema(ReadSchemaRequest.getDefaultInstance()));
        errorInfo(denied, Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("invalid preshared key");

        // health answers without a key
        var health = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder()
                        .setService("authzed.api.v1.PermissionsService")
                        .build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void methodsNotServedYetAnswerUnimplemented() {
        StatusRuntimeException e = failure(() -> dev.kith.proto.v1.ExperimentalServiceGrpc.newBlockingStub(channel)
                .withInterceptors(key(ServerFixture.KEY))
                .experimentalRegisterRelationshipCounter(
                        dev.kith.proto.v1.ExperimentalRegisterRelationshipCounterRequest.newBuilder()
                                .setName("docs")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void bulkCheckAnswersEachItemOrItsError() throws Exception {
        write(rel("document", "doc1", "viewer", "user", "ann"));
        CheckBulkPermissionsRequestItem good = CheckBulkPermissionsRequestItem.newBuilder()
                .setResource(obj("document", "doc1"))
                .setPermission("view")
                .setSubject(subject("user", "ann"))
                .build();
        CheckBulkPermissionsRequestItem unknown =
                good.toBuilder().setPermission("nosuch").build();
        CheckBulkPermissionsResponse r = permissions.checkBulkPermissions(CheckBulkPermissionsRequest.newBuilder()
                .setConsistency(fully())
                .addItems(good)
                .addItems(unknown)
                .build());
        assertThat(r.getCheckedAt().getToken()).isNotEmpty();
        assertThat(r.getPairsList()).hasSize(2);
        CheckBulkPermissionsPair first = r.getPairs(0);
        assertThat(first.getRequest()).isEqualTo(good);
        assertThat(first.getItem().getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        CheckBulkPermissionsPair second = r.getPairs(1);
        assertThat(second.hasError()).isTrue();
        assertThat(second.getError().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        ErrorInfo info = second.getError().getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION");
        assertThat(info.getMetadataMap()).containsEntry("field", "items[1].permission");
    }

    @Test
    void expandReturnsTheTree() {
        write(rel("document", "doc1", "viewer", "user", "ann"), rel("document", "doc1", "owner", "user", "bob"));
        ExpandPermissionTreeResponse e = permissions.expandPermissionTree(ExpandPermissionTreeRequest.newBuilder()
                .setConsistency(fully())
                .setResource(obj("document", "doc1"))
                .setPermission("view")
                .build());
        assertThat(e.getExpandedAt().getToken()).isNotEmpty();
        assertThat(e.getTreeRoot().getExpandedObject()).isEqualTo(obj("document", "doc1"));
        assertThat(e.getTreeRoot().getExpandedRelation()).isEqualTo("view");
        assertThat(e.getTreeRoot().hasIntermediate()).isTrue();
        assertThat(e.getTreeRoot().toString()).contains("ann").contains("bob");
    }

    @Test
    void lookupsStreamWithCursorContinuation() {
        List<Relationship> rels = new ArrayList<>();
        for (int i = 0; i < 5; i++) rels.add(rel("document", "doc" + i, "viewer", "user", "ann"));
        for (int i = 0; i < 3; i++) rels.add(rel("document", "doc0", "viewer", "user", "usr" + i));
        write(rels.toArray(Relationship[]::new));

        LookupResourcesRequest lookup = LookupResourcesRequest.newBuilder()
                .setConsistency(fully())
                .setResourceObjectType("document")
                .setPermission("view")
                .setSubject(subject("user", "ann"))
                .setOptionalLimit(2)
                .build();
        List<String> found = new ArrayList<>();
        Cursor cursor = null;
        int calls = 0;
        while (true) {
            LookupResourcesRequest page = cursor == null
                    ? lookup
                    : lookup.toBuilder()
                            .setConsistency(Consistency.newBuilder().setMinimizeLatency(true))
                            .setOptionalCursor(cursor)
                            .build();
            List<LookupResourcesResponse> answers = new ArrayList<>();
            permissions.lookupResources(page).forEachRemaining(answers::add);
            calls++;
            assertThat(answers.size()).isLessThanOrEqualTo(2);
            if (answers.isEmpty()) break;
            for (LookupResourcesResponse a : answers) {
                assertThat(a.getPermissionship()).isEqualTo(LookupPermissionship.LOOKUP_PERMISSIONSHIP_HAS_PERMISSION);
                found.add(a.getResourceObjectId());
            }
            cursor = answers.getLast().getAfterResultCursor();
            if (answers.size() < 2) break;
        }
        assertThat(calls).isGreaterThanOrEqualTo(3);
        assertThat(found).containsExactlyInAnyOrder("doc0", "doc1", "doc2", "doc3", "doc4");

        LookupSubjectsRequest subjects = LookupSubjectsRequest.newBuilder()
                .setConsistency(fully())
                .setResource(obj("document", "doc0"))
                .setPermission("view")
                .setSubjectObjectType("user")
                .setOptionalConcreteLimit(3)
                .build();
        List<LookupSubjectsResponse> first = new ArrayList<>();
        permissions.lookupSubjects(subjects).forEachRemaining(first::add);
        assertThat(first).hasSize(3);
        List<LookupSubjectsResponse> rest = new ArrayList<>();
        permissions
                .lookupSubjects(subjects.toBuilder()
                        .setOptionalCursor(first.getLast().getAfterResultCursor())
                        .build())
                .forEachRemaining(rest::add);
        List<String> ids = new ArrayList<>();
        first.forEach(s -> ids.add(s.getSubject().getSubjectObjectId()));
        rest.forEach(s -> ids.add(s.getSubject().getSubjectObjectId()));
        assertThat(ids).containsExactlyInAnyOrder("ann", "usr0", "usr1", "usr2");
    }

    @Test
    void readAndDeleteByFilter() {
        write(
                rel("document", "doc1", "viewer", "user", "ann"),
                rel("document", "doc1", "viewer", "user", "bob"),
                rel("document", "doc2", "viewer", "user", "ann"));
        RelationshipFilter doc1 = RelationshipFilter.newBuilder()
                .setResourceType("document")
                .setOptionalResourceId("doc1")
                .build();
        List<ReadRelationshipsResponse> read = new ArrayList<>();
        permissions
                .readRelationships(ReadRelationshipsRequest.newBuilder()
                        .setConsistency(fully())
                        .setRelationshipFilter(doc1)
                        .build())
                .forEachRemaining(read::add);
        assertThat(read)
                .extracting(r -> r.getRelationship().getSubject().getObject().getObjectId())
                .containsExactlyInAnyOrder("ann", "bob");
        assertThat(read.getFirst().getReadAt().getToken()).isNotEmpty();

        DeleteRelationshipsResponse deleted = permissions.deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                .setRelationshipFilter(doc1)
                .build());
        assertThat(deleted.getRelationshipsDeletedCount()).isEqualTo(2);
        assertThat(deleted.getDeletionProgress())
                .isEqualTo(DeleteRelationshipsResponse.DeletionProgress.DELETION_PROGRESS_COMPLETE);
        List<ReadRelationshipsResponse> after = new ArrayList<>();
        permissions
                .readRelationships(ReadRelationshipsRequest.newBuilder()
                        .setConsistency(Consistency.newBuilder().setAtLeastAsFresh(deleted.getDeletedAt()))
                        .setRelationshipFilter(RelationshipFilter.newBuilder().setResourceType("document"))
                        .build())
                .forEachRemaining(after::add);
        assertThat(after)
                .extracting(r -> r.getRelationship().getResource().getObjectId())
                .containsExactly("doc2");
    }

    @Test
    void importStreamThenExport() throws Exception {
        var async = PermissionsServiceGrpc.newStub(channel).withInterceptors(key(ServerFixture.KEY));
        CompletableFuture<ImportBulkRelationshipsResponse> done = new CompletableFuture<>();
        StreamObserver<ImportBulkRelationshipsRequest> upload = async.importBulkRelationships(new StreamObserver<>() {
            @Override
            public void onNext(ImportBulkRelationshipsResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        for (int m = 0; m < 3; m++) {
            ImportBulkRelationshipsRequest.Builder b = ImportBulkRelationshipsRequest.newBuilder();
            for (int i = 0; i < 4; i++) b.addRelationships(rel("document", "doc" + m, "viewer", "user", "usr" + i));
            upload.onNext(b.build());
        }
        upload.onCompleted();
        assertThat(done.get(30, TimeUnit.SECONDS).getNumLoaded()).isEqualTo(12);

        List<Relationship> exported = new ArrayList<>();
        List<ExportBulkRelationshipsResponse> pages = new ArrayList<>();
        permissions
                .exportBulkRelationships(ExportBulkRelationshipsRequest.newBuilder()
                        .setConsistency(fully())
                        .setOptionalLimit(5)
                        .build())
                .forEachRemaining(pages::add);
        pages.forEach(p -> exported.addAll(p.getRelationshipsList()));
        assertThat(pages).hasSize(3);
        assertThat(exported).hasSize(12);

        // a bad relationship in the stream fails the import, naming it, and loads nothing
        CompletableFuture<ImportBulkRelationshipsResponse> refused = new CompletableFuture<>();
        StreamObserver<ImportBulkRelationshipsRequest> bad = async.importBulkRelationships(new StreamObserver<>() {
            @Override
            public void onNext(ImportBulkRelationshipsResponse r) {
                refused.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                refused.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        bad.onNext(ImportBulkRelationshipsRequest.newBuilder()
                .addRelationships(rel("document", "doc9", "viewer", "user", "ann"))
                .addRelationships(rel("document", "doc9", "nosuch", "user", "ann"))
                .build());
        bad.onCompleted();
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("message 1.relationships[1]");
                });
        assertThat(check("doc9", "ann", null, fully()).getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
    }

    @Test
    void watchStreamsTheChangesAfterItsStartToken() throws Exception {
        ZedToken start = write(rel("document", "doc1", "viewer", "user", "ann"));
        ZedToken next = write(rel("document", "doc2", "viewer", "user", "bob"));
        var watch = WatchServiceGrpc.newBlockingStub(channel).withInterceptors(key(ServerFixture.KEY));
        Context.CancellableContext scope = Context.current().withCancellation();
        try {
            WatchResponse first = scope.call(() -> watch.watch(WatchRequest.newBuilder()
                            .setOptionalStartCursor(start)
                            .build())
                    .next());
            assertThat(first.getUpdatesList())
                    .extracting(u -> u.getRelationship().getResource().getObjectId())
                    .containsExactly("doc2");
            assertThat(first.getUpdates(0).getOperation()).isEqualTo(RelationshipUpdate.Operation.OPERATION_TOUCH);
            assertThat(first.getChangesThrough()).isEqualTo(next);
        } finally {
            scope.cancel(null);
        }

        StatusRuntimeException forged = failure(() -> watch.watch(WatchRequest.newBuilder()
                        .setOptionalStartCursor(ZedToken.newBuilder().setToken("forged"))
                        .build())
                .next());
        errorInfo(forged, Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aSlowReaderGetsEveryResultInOrder() throws Exception {
        int n = 12_000;
        List<dev.kith.engine.Relationship> rels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rels.add(dev.kith.engine.Relationship.parse("document:" + String.format("d%05d", i) + "#viewer@user:ann"));
        }
        fx.engine.importBulk(rels.iterator());
        var async = PermissionsServiceGrpc.newStub(channel).withInterceptors(key(ServerFixture.KEY));
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> done = new CompletableFuture<>();
        // the client takes one message at a time, asking for the next only after it has handled the last, so the
        // server meets a full flow-control window again and again
        async.lookupResources(
                LookupResourcesRequest.newBuilder()
                        .setConsistency(fully())
                        .setResourceObjectType("document")
                        .setPermission("view")
                        .setSubject(subject("user", "ann"))
                        .build(),
                new io.grpc.stub.ClientResponseObserver<LookupResourcesRequest, LookupResourcesResponse>() {
                    private io.grpc.stub.ClientCallStreamObserver<LookupResourcesRequest> call;

                    @Override
                    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<LookupResourcesRequest> c) {
                        call = c;
                        c.disableAutoRequestWithInitial(1);
                    }

                    @Override
                    public void onNext(LookupResourcesResponse r) {
                        got.add(r.getResourceObjectId());
                        call.request(1);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        done.get(120, TimeUnit.SECONDS);
        assertThat(got).hasSize(n).doesNotHaveDuplicates().allMatch(id -> id.matches("d\\d{5}"));
    }
}

package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import dev.kith.proto.v1.CaveatEvalInfo;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsRequestItem;
import dev.kith.proto.v1.CheckDebugTrace;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupPermissionship;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.SubjectReference;
import dev.kith.proto.v1.WatchKind;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WatchServiceGrpc;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.ZedToken;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The details of SpiceDB's messages a client expects to find, over gRPC (generated stubs) and HTTP alike: watch
 * update kinds (schema updates, checkpoints), {@code optionalExpiresAt} wherever a relationship is returned,
 * lookup-subjects' deprecated fields, {@code DebugInformation} traces, and cursors that are signed and bound to
 * the request that produced them.
 */
class SpiceDbDetailsTest {
    /** The test schema, and notes whose viewers expire. */
    private static final String SCHEMA = "use expiration\n" + ServerFixture.SCHEMA + """
            definition note {
                relation viewer: user with expiration
            }
            definition folder {
                relation viewer: user | user with on_day
                permission view = viewer
            }
            definition file {
                relation parent: folder
                relation editor: user
                permission view = editor + parent->view
            }
            """;

    private ServerFixture fx;
    private ManagedChannel channel;
    private PermissionsServiceGrpc.PermissionsServiceBlockingStub permissions;
    private SchemaServiceGrpc.SchemaServiceBlockingStub schema;
    private WatchServiceGrpc.WatchServiceBlockingStub watch;

    @BeforeEach
    void start() {
        fx = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0));
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", fx.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ServerFixture.KEY);
        var key = MetadataUtils.newAttachHeadersInterceptor(m);
        permissions = PermissionsServiceGrpc.newBlockingStub(channel).withInterceptors(key);
        schema = SchemaServiceGrpc.newBlockingStub(channel).withInterceptors(key);
        watch = WatchServiceGrpc.newBlockingStub(channel).withInterceptors(key);
        schema.writeSchema(WriteSchemaRequest.newBuilder().setSchema(SCHEMA).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        fx.close();
    }

    private static ObjectReference obj(String type, String id) {
        return ObjectReference.newBuilder().setObjectType(type).setObjectId(id).build();
    }

    private static SubjectReference subject(String type, String id) {
        return SubjectReference.newBuilder().setObject(obj(type, id)).build();
    }

    private static Relationship.Builder rel(String type, String id, String relation, String subjectType, String sid) {
        return Relationship.newBuilder()
                .setResource(obj(type, id))
                .setRelation(relation)
                .setSubject(subject(subjectType, sid));
    }

    private ZedToken write(Relationship.Builder... rels) {
        WriteRelationshipsRequest.Builder b = WriteRelationshipsRequest.newBuilder();
        for (Relationship.Builder r : rels) {
            b.addUpdates(RelationshipUpdate.newBuilder()
                    .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                    .setRelationship(r));
        }
        return permissions.writeRelationships(b.build()).getWrittenAt();
    }

    private static Consistency fully() {
        return Consistency.newBuilder().setFullyConsistent(true).build();
    }

    private static StatusRuntimeException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    /** The failure's status is INVALID_ARGUMENT and its ErrorInfo names {@code field}; returns its message. */
    private static String invalid(StatusRuntimeException e, String field) throws Exception {
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        ErrorInfo info = status.getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getMetadataMap().get("field")).as(info.toString()).isEqualTo(field);
        return status.getMessage();
    }

    /** Takes the next message of a watch within 10 s. */
    private static WatchResponse next(Iterator<WatchResponse> it) throws Exception {
        return CompletableFuture.supplyAsync(it::next).get(10, TimeUnit.SECONDS);
    }

    // ---- watch update kinds

    @Test
    void aWatchOfSchemaUpdatesAndCheckpointsGetsThemBesideTheRelationshipChanges() throws Exception {
        ZedToken start = write(rel("document", "w0", "viewer", "user", "ann"));
        Context.CancellableContext scope = Context.current().withCancellation();
        try {
            Iterator<WatchResponse> it = scope.call(() -> watch.watch(WatchRequest.newBuilder()
                    .setOptionalStartCursor(start)
                    .addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_SCHEMA_UPDATES)
                    .addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_CHECKPOINTS)
                    .build()));
            ZedToken written = write(rel("document", "w1", "viewer", "user", "bob"));
            // as in SpiceDB, the kinds add to the relationship changes, which are always sent
            WatchResponse change = next(it);
            assertThat(change.getIsCheckpoint()).isFalse();
            assertThat(change.getUpdatesList()).hasSize(1);
            assertThat(change.getChangesThrough()).isEqualTo(written);
            WatchResponse checkpoint = next(it);
            assertThat(checkpoint.getIsCheckpoint()).isTrue();
            assertThat(checkpoint.getUpdatesList()).isEmpty();
            assertThat(checkpoint.getSchemaUpdated()).isFalse();
            assertThat(checkpoint.getChangesThrough()).isEqualTo(written);

            ZedToken schemaWritten = schema.writeSchema(WriteSchemaRequest.newBuilder()
                            .setSchema(SCHEMA + "\ndefinition extra {}\n")
                            .build())
                    .getWrittenAt();
            WatchResponse updated = next(it);
            assertThat(updated.getSchemaUpdated()).isTrue();
            assertThat(updated.getIsCheckpoint()).isFalse();
            assertThat(updated.getUpdatesList()).isEmpty();
            assertThat(updated.getChangesThrough()).isEqualTo(schemaWritten);
            WatchResponse after = next(it);
            assertThat(after.getIsCheckpoint()).isTrue();
            assertThat(after.getChangesThrough()).isEqualTo(schemaWritten);
        } finally {
            scope.cancel(null);
        }
    }

    @Test
    void aWatchOfRelationshipsAndCheckpointsGetsEachChangeSetThenItsCheckpoint() throws Exception {
        ZedToken start = write(rel("document", "w0", "viewer", "user", "ann"));
        Context.CancellableContext scope = Context.current().withCancellation();
        try {
            Iterator<WatchResponse> it = scope.call(() -> watch.watch(WatchRequest.newBuilder()
                    .setOptionalStartCursor(start)
                    .addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_RELATIONSHIP_UPDATES)
                    .addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_CHECKPOINTS)
                    .addOptionalRelationshipFilters(
                            RelationshipFilter.newBuilder().setResourceType("note"))
                    .build()));
            // a change the filter leaves out still moves the checkpoint on
            ZedToken group = write(rel("group", "g", "member", "user", "ann"));
            WatchResponse first = next(it);
            assertThat(first.getIsCheckpoint()).isTrue();
            assertThat(first.getChangesThrough()).isEqualTo(group);
            Instant expires = Instant.parse("2031-02-03T04:05:06Z");
            ZedToken doc = write(rel("note", "w1", "viewer", "user", "bob")
                    .setOptionalExpiresAt(Timestamp.newBuilder().setSeconds(expires.getEpochSecond())));
            WatchResponse change = next(it);
            assertThat(change.getIsCheckpoint()).isFalse();
            assertThat(change.getUpdatesList()).hasSize(1);
            assertThat(change.getUpdates(0)
                            .getRelationship()
                            .getOptionalExpiresAt()
                            .getSeconds())
                    .isEqualTo(expires.getEpochSecond());
            assertThat(change.getChangesThrough()).isEqualTo(doc);
            WatchResponse checkpoint = next(it);
            assertThat(checkpoint.getIsCheckpoint()).isTrue();
            assertThat(checkpoint.getUpdatesList()).isEmpty();
            assertThat(checkpoint.getChangesThrough()).isEqualTo(doc);
        } finally {
            scope.cancel(null);
        }
    }

    @Test
    void aDefaultWatchSendsRelationshipChangesOnlyWithTheirMetadata() throws Exception {
        ZedToken start = write(rel("document", "w0", "viewer", "user", "ann"));
        Context.CancellableContext scope = Context.current().withCancellation();
        try {
            Iterator<WatchResponse> it = scope.call(() -> watch.watch(
                    WatchRequest.newBuilder().setOptionalStartCursor(start).build()));
            schema.writeSchema(WriteSchemaRequest.newBuilder()
                    .setSchema(SCHEMA + "\ndefinition extra {}\n")
                    .build());
            Struct metadata = Struct.newBuilder()
                    .putFields("why", Value.newBuilder().setStringValue("test").build())
                    .build();
            ZedToken written = permissions
                    .writeRelationships(WriteRelationshipsRequest.newBuilder()
                            .addUpdates(RelationshipUpdate.newBuilder()
                                    .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                                    .setRelationship(rel("document", "w1", "viewer", "user", "bob")))
                            .setOptionalTransactionMetadata(metadata)
                            .build())
                    .getWrittenAt();
            WatchResponse first = next(it);
            assertThat(first.getSchemaUpdated()).isFalse();
            assertThat(first.getIsCheckpoint()).isFalse();
            assertThat(first.getUpdatesList()).hasSize(1);
            assertThat(first.getChangesThrough()).isEqualTo(written);
            assertThat(first.getOptionalTransactionMetadata()).isEqualTo(metadata);
            assertThat(first.getFullRevisionMetadataList()).containsExactly(metadata);
        } finally {
            scope.cancel(null);
        }
    }

    @Test
    void watchRequestsSpiceDbRefusesAreRefused() throws Exception {
        String both = invalid(
                failure(() -> watch.watch(WatchRequest.newBuilder()
                                .addOptionalObjectTypes("document")
                                .addOptionalRelationshipFilters(
                                        RelationshipFilter.newBuilder().setResourceType("document"))
                                .build())
                        .next()),
                "optionalRelationshipFilters");
        assertThat(both).contains("cannot specify both object types and relationship filters");
        // when the kinds do not name relationship updates, both are taken, and a change must match both
        Context.CancellableContext scope = Context.current().withCancellation();
        try {
            ZedToken start = write(rel("document", "w0", "viewer", "user", "ann"));
            Iterator<WatchResponse> it = scope.call(() -> watch.watch(WatchRequest.newBuilder()
                    .setOptionalStartCursor(start)
                    .addOptionalObjectTypes("document")
                    .addOptionalRelationshipFilters(
                            RelationshipFilter.newBuilder().setResourceType("document"))
                    .addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_CHECKPOINTS)
                    .build()));
            ZedToken written =
                    write(rel("document", "w1", "viewer", "user", "bob"), rel("group", "g", "member", "user", "bob"));
            WatchResponse change = next(it);
            assertThat(change.getUpdatesList())
                    .extracting(u -> u.getRelationship().getResource().getObjectType())
                    .containsExactly("document");
            assertThat(change.getChangesThrough()).isEqualTo(written);
            assertThat(next(it).getIsCheckpoint()).isTrue();
        } finally {
            scope.cancel(null);
        }

        var http = fx.post("/v1/watch", "{\"optionalUpdateKinds\":[\"WATCH_KIND_INCLUDE_CHECKPOINTS\",\"SOMETIMES\"]}");
        assertThat(http.status).as(http.text).isEqualTo(400);
        assertThat(http.text).contains("optionalUpdateKinds[1]").contains("WATCH_KIND_INCLUDE_SCHEMA_UPDATES");
    }

    @Test
    void anHttpWatchTakesUpdateKindsByNameOrNumber() throws Exception {
        String start = fx.touch("document:h0#viewer@user:ann");
        String body = "{\"optionalUpdateKinds\":[1, \"WATCH_KIND_INCLUDE_CHECKPOINTS\", 2],"
                + "\"optionalStartCursor\":{\"token\":\"" + start + "\"}}";
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.server.port() + "/v1/watch"))
                                .header("Authorization", "Bearer " + ServerFixture.KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String written = fx.touch("note:h1#viewer@user:bob[expiration:2031-01-01T00:00:00Z]");
            JsonObject change = line(lines);
            JsonObject relationship =
                    change.getJsonArray("updates").getJsonObject(0).getJsonObject("relationship");
            assertThat(relationship.getString("optionalExpiresAt")).isEqualTo("2031-01-01T00:00:00Z");
            assertThat(change.getJsonObject("changesThrough").getString("token"))
                    .isEqualTo(written);
            JsonObject checkpoint = line(lines);
            assertThat(checkpoint.getBoolean("isCheckpoint")).isTrue();
            assertThat(checkpoint.getJsonArray("updates")).isEmpty();
            assertThat(checkpoint.getJsonObject("changesThrough").getString("token"))
                    .isEqualTo(written);
            String schemaWritten = fx.post(
                            "/v1/schema/write",
                            new JsonObject()
                                    .put("schema", SCHEMA + "definition more {}\n")
                                    .encode())
                    .json()
                    .getJsonObject("writtenAt")
                    .getString("token");
            JsonObject updated = line(lines);
            assertThat(updated.getBoolean("schemaUpdated")).isTrue();
            assertThat(updated.getJsonObject("changesThrough").getString("token"))
                    .isEqualTo(schemaWritten);
        }
    }

    private static JsonObject line(BufferedReader lines) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return new JsonObject(lines.readLine()).getJsonObject("result");
                    } catch (java.io.IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                })
                .get(10, TimeUnit.SECONDS);
    }

    // ---- optionalExpiresAt

    @Test
    void readAndExportCarryTheExpiration() {
        Instant expires = Instant.parse("2032-05-06T07:08:09Z");
        write(rel("note", "e1", "viewer", "user", "ann")
                .setOptionalExpiresAt(Timestamp.newBuilder().setSeconds(expires.getEpochSecond())));
        List<ReadRelationshipsResponse> read = new ArrayList<>();
        permissions
                .readRelationships(ReadRelationshipsRequest.newBuilder()
                        .setConsistency(fully())
                        .setRelationshipFilter(RelationshipFilter.newBuilder()
                                .setResourceType("note")
                                .setOptionalResourceId("e1"))
                        .build())
                .forEachRemaining(read::add);
        assertThat(read).hasSize(1);
        assertThat(read.getFirst().getRelationship().getOptionalExpiresAt().getSeconds())
                .isEqualTo(expires.getEpochSecond());
        List<ExportBulkRelationshipsResponse> export = new ArrayList<>();
        permissions
                .exportBulkRelationships(ExportBulkRelationshipsRequest.newBuilder()
                        .setConsistency(fully())
                        .build())
                .forEachRemaining(export::add);
        assertThat(export.getFirst().getRelationships(0).getOptionalExpiresAt().getSeconds())
                .isEqualTo(expires.getEpochSecond());
        var http = fx.post("/v1/relationships/read", "{\"relationshipFilter\":{\"resourceType\":\"note\"}}");
        assertThat(http.results().getFirst().getJsonObject("relationship").getString("optionalExpiresAt"))
                .isEqualTo("2032-05-06T07:08:09Z");
    }

    // ---- lookup subjects' deprecated fields

    @Test
    void lookupSubjectsFillsTheDeprecatedFieldsAsSpiceDbDoes() {
        write(
                rel("document", "ls", "viewer", "user", "*"),
                rel("document", "ls", "banned", "user", "bob"),
                rel("document", "ls", "viewer", "user", "cat")
                        .setOptionalCaveat(ContextualizedCaveat.newBuilder().setCaveatName("on_day")));
        List<LookupSubjectsResponse> found = new ArrayList<>();
        permissions
                .lookupSubjects(LookupSubjectsRequest.newBuilder()
                        .setConsistency(fully())
                        .setResource(obj("document", "ls"))
                        .setPermission("view")
                        .setSubjectObjectType("user")
                        .build())
                .forEachRemaining(found::add);
        LookupSubjectsResponse wildcard = found.stream()
                .filter(r -> r.getSubject().getSubjectObjectId().equals("*"))
                .findFirst()
                .orElseThrow();
        assertThat(wildcard.getSubjectObjectId()).isEqualTo("*");
        assertThat(wildcard.getExcludedSubjectIdsList()).containsExactly("bob");
        assertThat(wildcard.getExcludedSubjectsList())
                .extracting(s -> s.getSubjectObjectId())
                .containsExactly("bob");
        assertThat(wildcard.getPermissionship())
                .isEqualTo(wildcard.getSubject().getPermissionship())
                .isEqualTo(LookupPermissionship.LOOKUP_PERMISSIONSHIP_HAS_PERMISSION);
        LookupSubjectsResponse cat = found.stream()
                .filter(r -> r.getSubject().getSubjectObjectId().equals("cat"))
                .findFirst()
                .orElseThrow();
        assertThat(cat.getSubjectObjectId()).isEqualTo("cat");
        assertThat(cat.getPermissionship())
                .isEqualTo(LookupPermissionship.LOOKUP_PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(cat.getPartialCaveatInfo().getMissingRequiredContextList()).containsExactly("day");
        assertThat(cat.getPartialCaveatInfo()).isEqualTo(cat.getSubject().getPartialCaveatInfo());
        assertThat(cat.getLookedUpAt().getToken()).isNotEmpty();

        var http = fx.post(
                "/v1/permissions/subjects",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"ls\"},\"permission\":\"view\","
                        + "\"subjectObjectType\":\"user\"}");
        JsonObject star = http.results().stream()
                .filter(r -> r.getString("subjectObjectId").equals("*"))
                .findFirst()
                .orElseThrow();
        assertThat(star.getJsonArray("excludedSubjectIds")).isEqualTo(new JsonArray().add("bob"));
        assertThat(star.getString("permissionship")).isEqualTo("LOOKUP_PERMISSIONSHIP_HAS_PERMISSION");
    }

    // ---- debug traces

    @Test
    void aTraceOfAnArrowThroughACaveatHasEachNodesPermissionship() {
        write(
                rel("report", "r", "source", "group", "g")
                        .setOptionalCaveat(ContextualizedCaveat.newBuilder().setCaveatName("on_day")),
                rel("group", "g", "member", "user", "ann"));
        CheckPermissionResponse conditional = permissions.checkPermission(CheckPermissionRequest.newBuilder()
                .setConsistency(fully())
                .setResource(obj("report", "r"))
                .setPermission("read")
                .setSubject(subject("user", "ann"))
                .setWithTracing(true)
                .build());
        assertThat(conditional.getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        CheckDebugTrace root = conditional.getDebugTrace().getCheck();
        assertThat(conditional.getDebugTrace().getSchemaUsed()).contains("definition report");
        assertThat(root.getResource()).isEqualTo(obj("report", "r"));
        assertThat(root.getPermission()).isEqualTo("read");
        assertThat(root.getPermissionType()).isEqualTo(CheckDebugTrace.PermissionType.PERMISSION_TYPE_PERMISSION);
        assertThat(root.getSubject()).isEqualTo(subject("user", "ann"));
        assertThat(root.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(root.hasDuration()).isTrue();
        CaveatEvalInfo caveat = root.getCaveatEvaluationInfo();
        assertThat(caveat.getCaveatName()).isEqualTo("on_day");
        assertThat(caveat.getExpression()).contains("monday");
        assertThat(caveat.getResult()).isEqualTo(CaveatEvalInfo.Result.RESULT_MISSING_SOME_CONTEXT);
        assertThat(caveat.getPartialCaveatInfo().getMissingRequiredContextList())
                .containsExactly("day");
        assertThat(root.getSubProblems().getTracesList()).hasSize(1);
        CheckDebugTrace member = root.getSubProblems().getTraces(0);
        assertThat(member.getResource()).isEqualTo(obj("group", "g"));
        assertThat(member.getPermission()).isEqualTo("member");
        assertThat(member.getPermissionType()).isEqualTo(CheckDebugTrace.PermissionType.PERMISSION_TYPE_RELATION);
        assertThat(member.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(member.hasWasCachedResult()).isTrue();

        CheckPermissionResponse monday = permissions.checkPermission(CheckPermissionRequest.newBuilder()
                .setConsistency(fully())
                .setResource(obj("report", "r"))
                .setPermission("read")
                .setSubject(subject("user", "ann"))
                .setContext(Struct.newBuilder()
                        .putFields(
                                "day",
                                Value.newBuilder().setStringValue("monday").build()))
                .setWithTracing(true)
                .build());
        CheckDebugTrace yes = monday.getDebugTrace().getCheck();
        assertThat(yes.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(yes.getCaveatEvaluationInfo().getResult()).isEqualTo(CaveatEvalInfo.Result.RESULT_TRUE);
        assertThat(yes.getCaveatEvaluationInfo()
                        .getContext()
                        .getFieldsMap()
                        .get("day")
                        .getStringValue())
                .isEqualTo("monday");
    }

    @Test
    void aTraceOfAUnionWithAnExclusionHasASubProblemPerRelation() {
        write(rel("document", "t", "viewer", "user", "bob"), rel("document", "t", "banned", "user", "eve"));
        CheckDebugTrace bob =
                permissions.checkPermission(traced("t", "bob")).getDebugTrace().getCheck();
        assertThat(bob.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(bob.getSubProblems().getTracesList())
                .extracting(t -> t.getPermission() + "=" + t.getResult().name())
                .contains("viewer=PERMISSIONSHIP_HAS_PERMISSION", "banned=PERMISSIONSHIP_NO_PERMISSION");
        CheckDebugTrace eve =
                permissions.checkPermission(traced("t", "eve")).getDebugTrace().getCheck();
        assertThat(eve.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        assertThat(eve.getSubProblems().getTracesList())
                .extracting(t -> t.getPermission() + "=" + t.getResult().name())
                .contains("viewer=PERMISSIONSHIP_NO_PERMISSION", "edit=PERMISSIONSHIP_NO_PERMISSION");
        CheckDebugTrace edit = eve.getSubProblems().getTracesList().stream()
                .filter(t -> t.getPermission().equals("edit"))
                .findFirst()
                .orElseThrow();
        assertThat(edit.getPermissionType()).isEqualTo(CheckDebugTrace.PermissionType.PERMISSION_TYPE_PERMISSION);
        assertThat(edit.getSubProblems().getTracesList())
                .extracting(CheckDebugTrace::getPermission)
                .containsExactly("owner");

        // a bulk check traces each item
        var bulk = permissions.checkBulkPermissions(CheckBulkPermissionsRequest.newBuilder()
                .setConsistency(fully())
                .setWithTracing(true)
                .addItems(CheckBulkPermissionsRequestItem.newBuilder()
                        .setResource(obj("document", "t"))
                        .setPermission("view")
                        .setSubject(subject("user", "bob")))
                .build());
        assertThat(bulk.getPairs(0).getItem().getDebugTrace().getCheck().getSubject())
                .isEqualTo(subject("user", "bob"));

        // HTTP: the same shape as debugTrace, kith's own trace beside it
        JsonObject http = fx.post(
                        "/v1/permissions/check",
                        new JsonObject(ServerFixture.checkJson("document", "t", "view", "user", "eve"))
                                .put("withTracing", true)
                                .encode())
                .json();
        JsonObject check = http.getJsonObject("debugTrace").getJsonObject("check");
        assertThat(check.getString("permissionType")).isEqualTo("PERMISSION_TYPE_PERMISSION");
        assertThat(check.getString("result")).isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        assertThat(check.getString("duration")).matches("\\d+\\.\\d{9}s");
        assertThat(check.getJsonObject("subProblems").getJsonArray("traces")).isNotEmpty();
        assertThat(http.getJsonObject("debugTrace").getString("schemaUsed")).contains("definition document");
        assertThat(http.getJsonObject("kithDebugTrace").getString("description"))
                .isEqualTo("document:t#view");
    }

    @Test
    void aTraceOfAUnionWithAnArrowShowsTheCaveatWhereItWasEvaluatedAndOnTheCheckedPermission() {
        write(
                rel("file", "f", "parent", "folder", "x"),
                rel("folder", "x", "viewer", "user", "ann")
                        .setOptionalCaveat(ContextualizedCaveat.newBuilder().setCaveatName("on_day")));
        CheckDebugTrace root = permissions
                .checkPermission(CheckPermissionRequest.newBuilder()
                        .setConsistency(fully())
                        .setResource(obj("file", "f"))
                        .setPermission("view")
                        .setSubject(subject("user", "ann"))
                        .setWithTracing(true)
                        .build())
                .getDebugTrace()
                .getCheck();
        assertThat(root.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(root.getCaveatEvaluationInfo().getResult())
                .isEqualTo(CaveatEvalInfo.Result.RESULT_MISSING_SOME_CONTEXT);
        assertThat(root.getSubProblems().getTracesList())
                .extracting(t ->
                        t.getResource().getObjectType() + ":" + t.getResource().getObjectId() + "#" + t.getPermission()
                                + "=" + t.getResult().name())
                .containsExactly(
                        "file:f#editor=PERMISSIONSHIP_NO_PERMISSION",
                        "folder:x#view=PERMISSIONSHIP_CONDITIONAL_PERMISSION");
        CheckDebugTrace view = root.getSubProblems().getTraces(1);
        assertThat(view.getPermissionType()).isEqualTo(CheckDebugTrace.PermissionType.PERMISSION_TYPE_PERMISSION);
        assertThat(view.hasCaveatEvaluationInfo()).isFalse();
        CheckDebugTrace viewer = view.getSubProblems().getTraces(0);
        assertThat(viewer.getPermission()).isEqualTo("viewer");
        assertThat(viewer.getPermissionType()).isEqualTo(CheckDebugTrace.PermissionType.PERMISSION_TYPE_RELATION);
        assertThat(viewer.getResult()).isEqualTo(CheckDebugTrace.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(viewer.getCaveatEvaluationInfo().getCaveatName()).isEqualTo("on_day");
        assertThat(viewer.getWasCachedResult()).isFalse();
        assertThat(viewer.hasSubProblems()).isFalse();
    }

    private static CheckPermissionRequest traced(String doc, String user) {
        return CheckPermissionRequest.newBuilder()
                .setConsistency(fully())
                .setResource(obj("document", doc))
                .setPermission("view")
                .setSubject(subject("user", user))
                .setWithTracing(true)
                .build();
    }

    // ---- cursors

    private List<LookupResourcesResponse> lookup(String permission, String user, int limit, Cursor cursor) {
        LookupResourcesRequest.Builder b = LookupResourcesRequest.newBuilder()
                .setConsistency(fully())
                .setResourceObjectType("document")
                .setPermission(permission)
                .setSubject(subject("user", user))
                .setOptionalLimit(limit);
        if (cursor != null) b.setOptionalCursor(cursor);
        List<LookupResourcesResponse> out = new ArrayList<>();
        permissions.lookupResources(b.build()).forEachRemaining(out::add);
        return out;
    }

    @Test
    void cursorsAreUrlSafeAndBoundToTheRequestThatProducedThem() throws Exception {
        for (int i = 0; i < 5; i++) {
            write(rel("document", "c" + i, "owner", "user", "ann"));
        }
        List<LookupResourcesResponse> first = lookup("view", "ann", 2, null);
        assertThat(first).hasSize(2);
        Cursor cursor = first.get(1).getAfterResultCursor();
        assertThat(cursor.getToken()).matches("[A-Za-z0-9_-]+");
        assertThat(lookup("view", "ann", 0, cursor))
                .extracting(LookupResourcesResponse::getResourceObjectId)
                .hasSize(3)
                .doesNotContainAnyElementsOf(first.stream()
                        .map(LookupResourcesResponse::getResourceObjectId)
                        .toList());

        String other = invalid(failure(() -> lookup("edit", "ann", 0, cursor)), "optionalCursor");
        assertThat(other).contains("another request");
        invalid(failure(() -> lookup("view", "bob", 0, cursor)), "optionalCursor");
        char[] chars = cursor.getToken().toCharArray();
        chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
        String edited = invalid(
                failure(() -> lookup(
                        "view",
                        "ann",
                        0,
                        Cursor.newBuilder().setToken(new String(chars)).build())),
                "optionalCursor");
        assertThat(edited).contains("altered or forged");

        // a read cursor resumes the same filter only, and no other kind of listing
        List<ReadRelationshipsResponse> page = new ArrayList<>();
        permissions
                .readRelationships(ReadRelationshipsRequest.newBuilder()
                        .setConsistency(fully())
                        .setRelationshipFilter(RelationshipFilter.newBuilder().setResourceType("document"))
                        .setOptionalLimit(1)
                        .build())
                .forEachRemaining(page::add);
        String read = page.getFirst().getAfterResultCursor().getToken();
        var sameFilter = fx.post(
                "/v1/relationships/read",
                "{\"relationshipFilter\":{\"resourceType\":\"document\"},\"optionalCursor\":{\"token\":\"" + read
                        + "\"}}");
        assertThat(sameFilter.status).as(sameFilter.text).isEqualTo(200);
        assertThat(sameFilter.results()).hasSize(4);
        var otherFilter = fx.post(
                "/v1/relationships/read",
                "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalRelation\":\"owner\"},"
                        + "\"optionalCursor\":{\"token\":\"" + read + "\"}}");
        assertThat(otherFilter.status).isEqualTo(400);
        assertThat(otherFilter.text).contains("optionalCursor").contains("another request");
        var export = fx.post("/v1/relationships/exportbulk", "{\"optionalCursor\":{\"token\":\"" + read + "\"}}");
        assertThat(export.status).isEqualTo(400);
        assertThat(export.text).contains("optionalCursor").contains("another request");
        var lookupHttp = fx.post(
                "/v1/permissions/resources",
                "{\"resourceObjectType\":\"document\",\"permission\":\"view\",\"subject\":{\"object\":"
                        + "{\"objectType\":\"user\",\"objectId\":\"ann\"}},\"optionalCursor\":{\"token\":\""
                        + cursor.getToken() + "\"}}");
        assertThat(lookupHttp.status).as(lookupHttp.text).isEqualTo(200);
        assertThat(lookupHttp.results()).hasSize(3);
        var otherType = fx.post(
                "/v1/permissions/resources",
                "{\"resourceObjectType\":\"report\",\"permission\":\"read\",\"subject\":{\"object\":"
                        + "{\"objectType\":\"user\",\"objectId\":\"ann\"}},\"optionalCursor\":{\"token\":\""
                        + cursor.getToken() + "\"}}");
        assertThat(otherType.status).isEqualTo(400);
        assertThat(otherType.text).contains("optionalCursor").contains("another request");

        // a lookup-subjects cursor is bound to its wildcard option as well
        String subjects = "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"c0\"},\"permission\":\"view\","
                + "\"subjectObjectType\":\"user\",\"optionalConcreteLimit\":1%s}";
        write(rel("document", "c0", "viewer", "user", "bob"));
        var firstSubject = fx.post("/v1/permissions/subjects", subjects.formatted(""));
        String subjectCursor = firstSubject
                .results()
                .getFirst()
                .getJsonObject("afterResultCursor")
                .getString("token");
        String resume = ",\"optionalCursor\":{\"token\":\"" + subjectCursor + "\"}";
        var rest = fx.post("/v1/permissions/subjects", subjects.formatted(resume));
        assertThat(rest.status).as(rest.text).isEqualTo(200);
        assertThat(rest.results()).hasSize(1);
        var excluding = fx.post(
                "/v1/permissions/subjects",
                subjects.formatted(",\"wildcardOption\":\"WILDCARD_OPTION_EXCLUDE_WILDCARDS\"" + resume));
        assertThat(excluding.status).isEqualTo(400);
        assertThat(excluding.text).contains("optionalCursor").contains("another request");
    }
}

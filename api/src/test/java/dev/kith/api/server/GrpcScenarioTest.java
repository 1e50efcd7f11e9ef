package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import dev.kith.proto.v1.CheckBulkPermissionsPair;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsRequestItem;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
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
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.SubjectFilter;
import dev.kith.proto.v1.SubjectReference;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.ZedToken;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The steps of the Node client scenario ({@code conformance/clients/node/scenario.mjs}) that {@link GrpcApiTest} does
 * not already take, through grpc-java's generated stubs against a real server on a random port: preconditions on
 * writes and deletes, a bulk check whose items carry their own caveat context, expiring relationships, lookups and
 * exports resumed by cursor until done, and consistency tokens carried from a write and a delete into checks,
 * lookups and reads at that revision or at an earlier snapshot. The answers asserted are the ones the scenario
 * finds SpiceDB giving.
 */
class GrpcScenarioTest {
    private static final String SCHEMA = """
            use expiration

            caveat in_region(region string, allowed list<string>) {
              region in allowed
            }

            definition user {}

            definition team {
              relation member: user | user with expiration
            }

            definition folder {
              relation viewer: user | team#member
              permission view = viewer
            }

            definition document {
              relation parent: folder
              relation owner: user
              relation editor: user | team#member
              relation viewer: user | user:* | user with in_region
              relation banned: user
              permission edit = owner + editor
              permission view = (viewer + edit + parent->view) - banned
            }
            """;

    private ServerFixture fx;
    private ManagedChannel channel;
    private PermissionsServiceGrpc.PermissionsServiceBlockingStub permissions;

    @BeforeEach
    void start() {
        fx = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0));
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", fx.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ServerFixture.KEY);
        permissions = PermissionsServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
        SchemaServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m))
                .writeSchema(WriteSchemaRequest.newBuilder().setSchema(SCHEMA).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        fx.close();
    }

    private static ObjectReference obj(String text) {
        String[] p = text.split(":", 2);
        return ObjectReference.newBuilder()
                .setObjectType(p[0])
                .setObjectId(p[1])
                .build();
    }

    private static SubjectReference subject(String text) {
        String[] p = text.split("#", 2);
        SubjectReference.Builder b = SubjectReference.newBuilder().setObject(obj(p[0]));
        if (p.length == 2) b.setOptionalRelation(p[1]);
        return b.build();
    }

    /** {@code document:plan#viewer@user:erin}. */
    private static Relationship rel(String text) {
        String[] at = text.split("@", 2);
        String[] res = at[0].split("#", 2);
        return Relationship.newBuilder()
                .setResource(obj(res[0]))
                .setRelation(res[1])
                .setSubject(subject(at[1]))
                .build();
    }

    private static String text(Relationship r) {
        SubjectReference s = r.getSubject();
        return r.getResource().getObjectType() + ":" + r.getResource().getObjectId() + "#" + r.getRelation() + "@"
                + s.getObject().getObjectType() + ":" + s.getObject().getObjectId()
                + (s.getOptionalRelation().isEmpty() ? "" : "#" + s.getOptionalRelation());
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
        return permissions.writeRelationships(b.build()).getWrittenAt();
    }

    private static Consistency fresh(ZedToken t) {
        return Consistency.newBuilder().setAtLeastAsFresh(t).build();
    }

    private static Consistency exact(ZedToken t) {
        return Consistency.newBuilder().setAtExactSnapshot(t).build();
    }

    private CheckPermissionResponse.Permissionship check(
            String resource, String permission, String subject, Consistency consistency) {
        return permissions
                .checkPermission(CheckPermissionRequest.newBuilder()
                        .setConsistency(consistency)
                        .setResource(obj(resource))
                        .setPermission(permission)
                        .setSubject(subject(subject))
                        .build())
                .getPermissionship();
    }

    private static StatusRuntimeException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    private static String reason(StatusRuntimeException e, Status.Code code) throws Exception {
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        return StatusProto.fromThrowable(e)
                .getDetails(0)
                .unpack(ErrorInfo.class)
                .getReason();
    }

    private static Precondition precondition(Precondition.Operation op, RelationshipFilter filter) {
        return Precondition.newBuilder().setOperation(op).setFilter(filter).build();
    }

    @Test
    void preconditionsGuardWritesAndDeletes() throws Exception {
        write(rel("document:plan#owner@user:alice"), rel("document:plan#viewer@user:bob"));
        RelationshipFilter alicesOwnership = RelationshipFilter.newBuilder()
                .setResourceType("document")
                .setOptionalResourceId("plan")
                .setOptionalRelation("owner")
                .setOptionalSubjectFilter(
                        SubjectFilter.newBuilder().setSubjectType("user").setOptionalSubjectId("alice"))
                .build();
        RelationshipFilter carolsOwnership = alicesOwnership.toBuilder()
                .setOptionalSubjectFilter(
                        SubjectFilter.newBuilder().setSubjectType("user").setOptionalSubjectId("carol"))
                .build();

        // MUST_NOT_MATCH of something absent holds: the write goes through
        ZedToken guarded = permissions
                .writeRelationships(WriteRelationshipsRequest.newBuilder()
                        .addUpdates(touch(rel("document:plan#editor@user:grace")))
                        .addOptionalPreconditions(
                                precondition(Precondition.Operation.OPERATION_MUST_NOT_MATCH, carolsOwnership))
                        .build())
                .getWrittenAt();
        assertThat(check("document:plan", "edit", "user:grace", fresh(guarded)))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);

        // MUST_NOT_MATCH of something present fails, and writes nothing
        StatusRuntimeException refused =
                failure(() -> permissions.writeRelationships(WriteRelationshipsRequest.newBuilder()
                        .addUpdates(touch(rel("document:plan#editor@user:heidi")))
                        .addOptionalPreconditions(
                                precondition(Precondition.Operation.OPERATION_MUST_NOT_MATCH, alicesOwnership))
                        .build()));
        assertThat(reason(refused, Status.Code.FAILED_PRECONDITION))
                .isEqualTo("ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE");
        assertThat(check(
                        "document:plan",
                        "edit",
                        "user:heidi",
                        Consistency.newBuilder().setFullyConsistent(true).build()))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);

        // a delete by filter guarded by a precondition that fails deletes nothing
        RelationshipFilter planViewers = RelationshipFilter.newBuilder()
                .setResourceType("document")
                .setOptionalResourceId("plan")
                .setOptionalRelation("viewer")
                .build();
        StatusRuntimeException notDeleted =
                failure(() -> permissions.deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                        .setRelationshipFilter(planViewers)
                        .addOptionalPreconditions(
                                precondition(Precondition.Operation.OPERATION_MUST_MATCH, carolsOwnership))
                        .build()));
        assertThat(reason(notDeleted, Status.Code.FAILED_PRECONDITION))
                .isEqualTo("ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE");
        assertThat(check(
                        "document:plan",
                        "view",
                        "user:bob",
                        Consistency.newBuilder().setFullyConsistent(true).build()))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);

        // and one whose precondition holds deletes
        DeleteRelationshipsResponse deleted = permissions.deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                .setRelationshipFilter(planViewers)
                .addOptionalPreconditions(precondition(Precondition.Operation.OPERATION_MUST_MATCH, alicesOwnership))
                .build());
        assertThat(check("document:plan", "view", "user:bob", fresh(deleted.getDeletedAt())))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
    }

    @Test
    void bulkCheckItemsCarryTheirOwnCaveatContext() {
        Relationship erin = rel("document:plan#viewer@user:erin").toBuilder()
                .setOptionalCaveat(ContextualizedCaveat.newBuilder()
                        .setCaveatName("in_region")
                        .setContext(Struct.newBuilder()
                                .putFields(
                                        "allowed",
                                        Value.newBuilder()
                                                .setListValue(com.google.protobuf.ListValue.newBuilder()
                                                        .addValues(Value.newBuilder()
                                                                .setStringValue("eu")))
                                                .build())))
                .build();
        ZedToken token = write(erin);
        CheckBulkPermissionsRequestItem item = CheckBulkPermissionsRequestItem.newBuilder()
                .setResource(obj("document:plan"))
                .setPermission("view")
                .setSubject(subject("user:erin"))
                .build();
        CheckBulkPermissionsRequest request = CheckBulkPermissionsRequest.newBuilder()
                .setConsistency(fresh(token))
                .addItems(item.toBuilder().setContext(region("eu")))
                .addItems(item.toBuilder().setContext(region("us")))
                .addItems(item)
                .build();
        List<CheckBulkPermissionsPair> pairs =
                permissions.checkBulkPermissions(request).getPairsList();
        assertThat(pairs)
                .extracting(p -> p.getItem().getPermissionship())
                .containsExactly(
                        CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION,
                        CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION,
                        CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(pairs.get(2).getItem().getPartialCaveatInfo().getMissingRequiredContextList())
                .containsExactly("region");
        assertThat(pairs.get(0).getRequest().getContext()).isEqualTo(region("eu"));
    }

    private static Struct region(String region) {
        return Struct.newBuilder()
                .putFields("region", Value.newBuilder().setStringValue(region).build())
                .build();
    }

    @Test
    void expiredRelationshipsNeitherGrantNorRead() {
        Timestamp past = Timestamp.newBuilder().setSeconds(978_307_200L).build(); // 2001-01-01
        Timestamp future = Timestamp.newBuilder().setSeconds(4_102_444_800L).build(); // 2100-01-01
        ZedToken token = write(
                rel("document:plan#parent@folder:eng"),
                rel("folder:eng#viewer@team:eng#member"),
                rel("team:eng#member@user:carol").toBuilder()
                        .setOptionalExpiresAt(future)
                        .build(),
                rel("team:eng#member@user:dave").toBuilder()
                        .setOptionalExpiresAt(past)
                        .build());
        assertThat(check("document:plan", "view", "user:carol", fresh(token)))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(check("document:plan", "view", "user:dave", fresh(token)))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        List<ReadRelationshipsResponse> members = new ArrayList<>();
        permissions
                .readRelationships(ReadRelationshipsRequest.newBuilder()
                        .setConsistency(fresh(token))
                        .setRelationshipFilter(RelationshipFilter.newBuilder().setResourceType("team"))
                        .build())
                .forEachRemaining(members::add);
        assertThat(members).hasSize(1);
        assertThat(members.getFirst().getRelationship().getOptionalExpiresAt()).isEqualTo(future);
    }

    @Test
    void lookupSubjectsPagedByCursorUntilDone() {
        List<Relationship> rels = new ArrayList<>();
        IntStream.range(0, 7).forEach(i -> rels.add(rel("document:plan#viewer@user:u" + i)));
        rels.add(rel("document:plan#parent@folder:eng"));
        rels.add(rel("folder:eng#viewer@team:eng#member"));
        rels.add(rel("team:eng#member@user:bob"));
        rels.add(rel("document:plan#banned@user:u3"));
        ZedToken token = write(rels.toArray(Relationship[]::new));
        LookupSubjectsRequest request = LookupSubjectsRequest.newBuilder()
                .setConsistency(fresh(token))
                .setResource(obj("document:plan"))
                .setPermission("view")
                .setSubjectObjectType("user")
                .build();
        List<String> all = new ArrayList<>();
        permissions
                .lookupSubjects(request)
                .forEachRemaining(s -> all.add(s.getSubject().getSubjectObjectId()));
        assertThat(all).containsExactlyInAnyOrder("u0", "u1", "u2", "u4", "u5", "u6", "bob");

        List<String> paged = new ArrayList<>();
        Cursor cursor = null;
        int calls = 0;
        while (true) {
            LookupSubjectsRequest.Builder page = request.toBuilder().setOptionalConcreteLimit(2);
            if (cursor != null) page.setOptionalCursor(cursor);
            List<LookupSubjectsResponse> answers = new ArrayList<>();
            permissions.lookupSubjects(page.build()).forEachRemaining(answers::add);
            calls++;
            assertThat(answers.size()).isLessThanOrEqualTo(2);
            answers.forEach(a -> {
                assertThat(a.getSubject().getPermissionship())
                        .isEqualTo(LookupPermissionship.LOOKUP_PERMISSIONSHIP_HAS_PERMISSION);
                paged.add(a.getSubject().getSubjectObjectId());
            });
            if (answers.size() < 2) break;
            cursor = answers.getLast().getAfterResultCursor();
            assertThat(calls).isLessThan(20);
        }
        assertThat(calls).isEqualTo(4);
        assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void exportResumesFromTheCursorOfAnyPage() {
        List<Relationship> rels = new ArrayList<>();
        IntStream.range(0, 12).forEach(i -> rels.add(rel("document:d" + (i % 4) + "#viewer@user:u" + i)));
        write(rels.toArray(Relationship[]::new));
        ExportBulkRelationshipsRequest request = ExportBulkRelationshipsRequest.newBuilder()
                .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                .setOptionalLimit(5)
                .build();
        List<ExportBulkRelationshipsResponse> pages = new ArrayList<>();
        permissions.exportBulkRelationships(request).forEachRemaining(pages::add);
        assertThat(pages)
                .extracting(ExportBulkRelationshipsResponse::getRelationshipsCount)
                .containsExactly(5, 5, 2);
        List<String> all = pages.stream()
                .flatMap(p -> p.getRelationshipsList().stream())
                .map(GrpcScenarioTest::text)
                .toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(12);

        for (int k = 0; k < 2; k++) {
            List<ExportBulkRelationshipsResponse> rest = new ArrayList<>();
            permissions
                    .exportBulkRelationships(request.toBuilder()
                            .setOptionalCursor(pages.get(k).getAfterResultCursor())
                            .build())
                    .forEachRemaining(rest::add);
            assertThat(rest.stream()
                            .flatMap(p -> p.getRelationshipsList().stream())
                            .map(GrpcScenarioTest::text)
                            .toList())
                    .as("resumed after page %d", k)
                    .containsExactlyElementsOf(all.subList(5 * (k + 1), 12));
        }
    }

    @Test
    void tokensOfWritesAndDeletesRoundTripIntoChecksLookupsAndReads() {
        List<Relationship> franks = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> franks.add(rel("document:doc" + i + "#viewer@user:frank")));
        ZedToken written = write(franks.toArray(Relationship[]::new));
        DeleteRelationshipsResponse deleted = permissions.deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                .setRelationshipFilter(RelationshipFilter.newBuilder()
                        .setResourceType("document")
                        .setOptionalRelation("viewer")
                        .setOptionalSubjectFilter(SubjectFilter.newBuilder()
                                .setSubjectType("user")
                                .setOptionalSubjectId("frank")))
                .build());
        assertThat(deleted.getRelationshipsDeletedCount()).isEqualTo(5);
        ZedToken after = deleted.getDeletedAt();
        assertThat(after.getToken()).isNotEqualTo(written.getToken());

        assertThat(check("document:doc0", "view", "user:frank", fresh(after)))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        assertThat(check("document:doc0", "view", "user:frank", exact(written)))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);

        // a lookup at the earlier snapshot, paged: every page answers at that snapshot
        List<String> then = new ArrayList<>();
        Cursor cursor = null;
        while (true) {
            LookupResourcesRequest.Builder page = LookupResourcesRequest.newBuilder()
                    .setConsistency(exact(written))
                    .setResourceObjectType("document")
                    .setPermission("view")
                    .setSubject(subject("user:frank"))
                    .setOptionalLimit(2);
            if (cursor != null) page.setOptionalCursor(cursor);
            List<LookupResourcesResponse> answers = new ArrayList<>();
            permissions.lookupResources(page.build()).forEachRemaining(answers::add);
            answers.forEach(a -> {
                assertThat(a.getLookedUpAt()).isEqualTo(written);
                then.add(a.getResourceObjectId());
            });
            if (answers.size() < 2) break;
            cursor = answers.getLast().getAfterResultCursor();
        }
        assertThat(then).containsExactlyInAnyOrder("doc0", "doc1", "doc2", "doc3", "doc4");

        List<LookupResourcesResponse> now = new ArrayList<>();
        permissions
                .lookupResources(LookupResourcesRequest.newBuilder()
                        .setConsistency(fresh(after))
                        .setResourceObjectType("document")
                        .setPermission("view")
                        .setSubject(subject("user:frank"))
                        .build())
                .forEachRemaining(now::add);
        assertThat(now).isEmpty();

        List<ReadRelationshipsResponse> read = new ArrayList<>();
        permissions
                .readRelationships(ReadRelationshipsRequest.newBuilder()
                        .setConsistency(exact(written))
                        .setRelationshipFilter(RelationshipFilter.newBuilder().setResourceType("document"))
                        .build())
                .forEachRemaining(read::add);
        assertThat(read).hasSize(5).allSatisfy(r -> assertThat(r.getReadAt()).isEqualTo(written));
    }
}

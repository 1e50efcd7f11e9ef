package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsRequestItem;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.SubjectReference;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kith's contextual relationships over gRPC: the {@code contextual_relationships} field (1001, far above SpiceDB's
 * numbers) of check, bulk check, expand and both lookups counts for that call only, is validated as over HTTP,
 * and is never stored.
 */
class GrpcContextualTest {
    private ServerFixture fx;
    private ManagedChannel channel;
    private PermissionsServiceGrpc.PermissionsServiceBlockingStub permissions;

    @BeforeEach
    void start() {
        fx = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0));
        fx.engine.writeSchema(ServerFixture.SCHEMA);
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", fx.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ServerFixture.KEY);
        permissions = PermissionsServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        fx.close();
    }

    private static ObjectReference obj(String type, String id) {
        return ObjectReference.newBuilder().setObjectType(type).setObjectId(id).build();
    }

    private static SubjectReference user(String id) {
        return SubjectReference.newBuilder().setObject(obj("user", id)).build();
    }

    /** {@code document:plan#viewer@group:staff#member} and {@code group:staff#member@user:ann}. */
    private static List<Relationship> staffView() {
        return List.of(
                Relationship.newBuilder()
                        .setResource(obj("document", "plan"))
                        .setRelation("viewer")
                        .setSubject(SubjectReference.newBuilder()
                                .setObject(obj("group", "staff"))
                                .setOptionalRelation("member"))
                        .build(),
                Relationship.newBuilder()
                        .setResource(obj("group", "staff"))
                        .setRelation("member")
                        .setSubject(user("ann"))
                        .build());
    }

    private CheckPermissionResponse.Permissionship check(String userId, List<Relationship> contextual) {
        return permissions
                .checkPermission(CheckPermissionRequest.newBuilder()
                        .setResource(obj("document", "plan"))
                        .setPermission("view")
                        .setSubject(user(userId))
                        .addAllContextualRelationships(contextual)
                        .build())
                .getPermissionship();
    }

    @Test
    void aCheckCountsThemForThatCallOnly() {
        assertThat(check("ann", staffView()))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(check("bob", staffView()))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        assertThat(check("ann", List.of()))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        // never stored: a read of everything finds nothing
        var read = permissions.readRelationships(ReadRelationshipsRequest.newBuilder()
                .setRelationshipFilter(RelationshipFilter.newBuilder().setResourceType("document"))
                .build());
        assertThat(read.hasNext()).isFalse();
    }

    @Test
    void aCaveatedOneNeedsItsContext() {
        Relationship caveated = Relationship.newBuilder()
                .setResource(obj("document", "plan"))
                .setRelation("viewer")
                .setSubject(user("cy"))
                .setOptionalCaveat(ContextualizedCaveat.newBuilder().setCaveatName("on_day"))
                .build();
        assertThat(check("cy", List.of(caveated)))
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        var answer = permissions.checkPermission(CheckPermissionRequest.newBuilder()
                .setResource(obj("document", "plan"))
                .setPermission("view")
                .setSubject(user("cy"))
                .setContext(Struct.newBuilder()
                        .putFields(
                                "day",
                                Value.newBuilder().setStringValue("monday").build()))
                .addContextualRelationships(caveated)
                .build());
        assertThat(answer.getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
    }

    @Test
    void bulkCheckExpandAndBothLookupsTakeThem() {
        var bulk = permissions.checkBulkPermissions(CheckBulkPermissionsRequest.newBuilder()
                .addItems(CheckBulkPermissionsRequestItem.newBuilder()
                        .setResource(obj("document", "plan"))
                        .setPermission("view")
                        .setSubject(user("ann")))
                .addAllContextualRelationships(staffView())
                .build());
        assertThat(bulk.getPairs(0).getItem().getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);

        var tree = permissions.expandPermissionTree(ExpandPermissionTreeRequest.newBuilder()
                .setResource(obj("document", "plan"))
                .setPermission("viewer")
                .addAllContextualRelationships(staffView())
                .build());
        assertThat(tree.getTreeRoot().toString()).contains("staff");

        List<String> resources = new ArrayList<>();
        permissions
                .lookupResources(LookupResourcesRequest.newBuilder()
                        .setResourceObjectType("document")
                        .setPermission("view")
                        .setSubject(user("ann"))
                        .addAllContextualRelationships(staffView())
                        .build())
                .forEachRemaining((LookupResourcesResponse r) -> resources.add(r.getResourceObjectId()));
        assertThat(resources).containsExactly("plan");

        List<String> subjects = new ArrayList<>();
        permissions
                .lookupSubjects(LookupSubjectsRequest.newBuilder()
                        .setResource(obj("document", "plan"))
                        .setPermission("view")
                        .setSubjectObjectType("user")
                        .addAllContextualRelationships(staffView())
                        .build())
                .forEachRemaining((LookupSubjectsResponse r) ->
                        subjects.add(r.getSubject().getSubjectObjectId()));
        assertThat(subjects).containsExactly("ann");
    }

    @Test
    void anInvalidOneIsRefusedNamingIt() {
        Relationship toPermission = Relationship.newBuilder()
                .setResource(obj("document", "plan"))
                .setRelation("view")
                .setSubject(user("ann"))
                .build();
        assertThatThrownBy(() -> check("ann", List.of(staffView().get(0), toPermission)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode())
                            .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).startsWith("contextualRelationships[1].relation");
                });
    }
}

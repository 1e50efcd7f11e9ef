package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorInfo;
import dev.kith.engine.EngineOptions;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteSchemaRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each row of the error table over both transports of one real server: the HTTP answer is grpc-gateway's (the
 * status {@code runtime.HTTPStatusFromCode} gives for the gRPC code, and the {@code google.rpc.Status} in proto3
 * JSON with one ErrorInfo), and the same request over gRPC fails with the very same Status in its trailers: code,
 * message, reason, domain and metadata.
 */
class GatewayErrorsTest {
    static ServerFixture f;
    static ManagedChannel channel;
    static PermissionsServiceGrpc.PermissionsServiceBlockingStub permissions;
    static SchemaServiceGrpc.SchemaServiceBlockingStub schema;

    @BeforeAll
    static void start() {
        Limits small = new Limits.Builder()
                .maxUpdatesPerWrite(3)
                .maxPreconditionsPerWrite(2)
                .maxCheckBulkItems(4)
                .build();
        f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY))
                        .withLimits(small)
                        .withGrpcPort(0),
                EngineOptions.defaults().withDepthLimit(3));
        f.engine.writeSchema(ServerFixture.SCHEMA);
        f.touch("document:d1#viewer@user:ann", "document:d2#viewer@user:ann", "document:d3#viewer@group:g1#member");
        f.touch("group:g1#member@group:g2#member", "group:g2#member@group:g3#member");
        f.touch("group:g3#member@group:g4#member", "group:g4#member@user:bob");
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", f.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        permissions = PermissionsServiceGrpc.newBlockingStub(channel).withInterceptors(key(ServerFixture.KEY));
        schema = SchemaServiceGrpc.newBlockingStub(channel).withInterceptors(key(ServerFixture.KEY));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        f.close();
    }

    private static io.grpc.ClientInterceptor key(String key) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    private static final JsonFormat.Printer STATUS_JSON = JsonFormat.printer()
            .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
                    .add(ErrorInfo.getDescriptor())
                    .build());

    /**
     * POSTs {@code json} to {@code path} and asserts the exact answer: {@code httpStatus}, and a Status body with
     * gRPC {@code code}, {@code reason} and at least {@code metadata}; then sends the same request over gRPC
     * ({@code request}, parsed from the same JSON, through {@code call}) and asserts the trailers carry the same
     * Status. Returns the HTTP body.
     */
    private static <Q extends Message> JsonObject row(
            String path,
            String json,
            Message.Builder request,
            Function<Q, ?> call,
            int httpStatus,
            int code,
            String reason,
            Map<String, String> metadata)
            throws Exception {
        ServerFixture.Answer a = f.post(path, json);
        JsonObject body = a.error(httpStatus);
        assertThat(a.contentType).isEqualTo("application/json");
        assertThat(body.getInteger("code")).as(a.text).isEqualTo(code);
        assertThat(ServerFixture.reason(body)).as(a.text).isEqualTo(reason);
        assertThat(ServerFixture.meta(body).getMap()).as(a.text).containsAllEntriesOf(metadata);
        String field = ServerFixture.meta(body).getString("field");
        if (field != null) assertThat(body.getString("message")).startsWith(field);

        JsonFormat.parser().merge(json, request);
        @SuppressWarnings("unchecked")
        Q q = (Q) request.build();
        StatusRuntimeException failure = null;
        try {
            Object answer = call.apply(q);
            assertThat(answer).as("no answer to a failing call: " + answer).isNull();
        } catch (StatusRuntimeException e) {
            failure = e;
        }
        assertThat(failure).as("the gRPC call of " + path + " fails too").isNotNull();
        com.google.rpc.Status grpc = StatusProto.fromThrowable(failure);
        assertThat(grpc).isNotNull();
        assertThat(new JsonObject(STATUS_JSON.print(grpc)))
                .as("gRPC and HTTP answer the same Status")
                .isEqualTo(body);
        return body;
    }

    private static String check(String type, String id, String permission, String subjectType, String subjectId) {
        return ServerFixture.checkJson(type, id, permission, subjectType, subjectId);
    }

    private static String touch(String... relationships) {
        StringBuilder b = new StringBuilder("{\"updates\":[");
        for (int i = 0; i < relationships.length; i++) {
            if (i > 0) b.append(',');
            b.append("{\"operation\":\"OPERATION_TOUCH\",\"relationship\":")
                    .append(ServerFixture.relationshipJson(relationships[i]))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    @Test
    void aBadArgumentIsInvalidArgument400() throws Exception {
        row(
                "/v1/permissions/check",
                check("document", "no spaces", "view", "user", "ann"),
                CheckPermissionRequest.newBuilder(),
                permissions::checkPermission,
                400,
                3,
                "ERROR_REASON_UNSPECIFIED",
                Map.of("code", "INVALID_ARGUMENT", "field", "resource.objectId"));
    }

    @Test
    void anUnknownDefinitionIsFailedPrecondition400() throws Exception {
        row(
                "/v1/permissions/check",
                check("folder", "f1", "view", "user", "ann"),
                CheckPermissionRequest.newBuilder(),
                permissions::checkPermission,
                400,
                9,
                "ERROR_REASON_UNKNOWN_DEFINITION",
                Map.of("code", "UNKNOWN_NAME", "field", "resource.objectType", "name", "folder"));
    }

    @Test
    void anUnknownPermissionIsFailedPrecondition400() throws Exception {
        row(
                "/v1/permissions/check",
                check("document", "d1", "fly", "user", "ann"),
                CheckPermissionRequest.newBuilder(),
                permissions::checkPermission,
                400,
                9,
                "ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION",
                Map.of("code", "UNKNOWN_NAME", "field", "permission", "name", "fly"));
    }

    @Test
    void aFailedWritePreconditionIsFailedPrecondition400() throws Exception {
        String write = touch("document:d9#viewer@user:ann")
                .replace(
                        "]}",
                        "],\"optionalPreconditions\":[{\"operation\":\"OPERATION_MUST_MATCH\","
                                + "\"filter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"nothing\"}}]}");
        row(
                "/v1/relationships/write",
                write,
                WriteRelationshipsRequest.newBuilder(),
                permissions::writeRelationships,
                400,
                9,
                "ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE",
                Map.of("code", "FAILED_PRECONDITION"));
    }

    @Test
    void creatingAnExistingRelationshipIsAlreadyExists409() throws Exception {
        String create = touch("document:d1#viewer@user:ann").replace("OPERATION_TOUCH", "OPERATION_CREATE");
        row(
                "/v1/relationships/write",
                create,
                WriteRelationshipsRequest.newBuilder(),
                permissions::writeRelationships,
                409,
                6,
                "ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP",
                Map.of("code", "ALREADY_EXISTS"));
    }

    @Test
    void tooManyUpdatesIsInvalidArgument400WithSpiceDbsReason() throws Exception {
        row(
                "/v1/relationships/write",
                touch(
                        "document:a#viewer@user:ann",
                        "document:b#viewer@user:ann",
                        "document:c#viewer@user:ann",
                        "document:d#viewer@user:ann"),
                WriteRelationshipsRequest.newBuilder(),
                permissions::writeRelationships,
                400,
                3,
                "ERROR_REASON_TOO_MANY_UPDATES_IN_REQUEST",
                Map.of(
                        "code",
                        "INVALID_ARGUMENT",
                        "field",
                        "updates",
                        "update_count",
                        "4",
                        "maximum_updates_allowed",
                        "3"));
    }

    @Test
    void tooManyPreconditionsIsInvalidArgument400WithSpiceDbsReason() throws Exception {
        String pre = "{\"operation\":\"OPERATION_MUST_NOT_MATCH\",\"filter\":{\"resourceType\":\"document\"}}";
        String write = touch("document:d1#viewer@user:ann")
                .replace("]}", "],\"optionalPreconditions\":[" + pre + "," + pre + "," + pre + "]}");
        row(
                "/v1/relationships/write",
                write,
                WriteRelationshipsRequest.newBuilder(),
                permissions::writeRelationships,
                400,
                3,
                "ERROR_REASON_TOO_MANY_PRECONDITIONS_IN_REQUEST",
                Map.of("code", "INVALID_ARGUMENT", "field", "optionalPreconditions", "precondition_count", "3"));
    }

    @Test
    void tooManyBulkCheckItemsIsInvalidArgument400() throws Exception {
        String item = check("document", "d1", "view", "user", "ann");
        String items = String.join(",", item, item, item, item, item);
        row(
                "/v1/permissions/checkbulk",
                "{\"items\":[" + items + "]}",
                CheckBulkPermissionsRequest.newBuilder(),
                permissions::checkBulkPermissions,
                400,
                3,
                "ERROR_REASON_UNSPECIFIED",
                Map.of("code", "INVALID_ARGUMENT", "check_count", "5", "maximum_checks_allowed", "4"));
    }

    @Test
    void aDeleteOverItsLimitIsInvalidArgument400WithSpiceDbsReason() throws Exception {
        row(
                "/v1/relationships/delete",
                "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalRelation\":\"viewer\"},"
                        + "\"optionalLimit\":1}",
                DeleteRelationshipsRequest.newBuilder(),
                permissions::deleteRelationships,
                400,
                3,
                "ERROR_REASON_TOO_MANY_RELATIONSHIPS_FOR_TRANSACTIONAL_DELETE",
                Map.of("code", "INVALID_ARGUMENT"));
    }

    @Test
    void anInvalidSchemaIsInvalidArgument400WithDiagnostics() throws Exception {
        JsonObject e = row(
                "/v1/schema/write",
                "{\"schema\":\"definition doc {\\n  relation viewer: usr\\n}\"}",
                WriteSchemaRequest.newBuilder(),
                schema::writeSchema,
                400,
                3,
                "ERROR_REASON_SCHEMA_PARSE_ERROR",
                Map.of("code", "INVALID_SCHEMA", "field", "schema"));
        assertThat(new io.vertx.core.json.JsonArray(ServerFixture.meta(e).getString("diagnostics")))
                .isNotEmpty();
    }

    @Test
    void tooDeepAGraphIsResourceExhausted429() throws Exception {
        row(
                "/v1/permissions/check",
                check("document", "d3", "view", "user", "bob"),
                CheckPermissionRequest.newBuilder(),
                permissions::checkPermission,
                429,
                8,
                "ERROR_REASON_MAXIMUM_DEPTH_EXCEEDED",
                Map.of("code", "MAX_DEPTH_EXCEEDED", "depthLimit", "3", "maximum_depth_allowed", "3"));
    }

    @Test
    void aWildcardSubjectInACheckIsInvalidArgument400WithSpiceDbsReason() throws Exception {
        row(
                "/v1/permissions/check",
                check("document", "d1", "view", "user", "*"),
                CheckPermissionRequest.newBuilder(),
                permissions::checkPermission,
                400,
                3,
                "ERROR_REASON_WILDCARD_NOT_ALLOWED",
                Map.of("code", "INVALID_ARGUMENT"));
    }

    @Test
    void aRevisionNotReachedInTimeIsUnavailable503() throws Exception {
        try (ServerFixture g = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0),
                EngineOptions.defaults().withFreshnessTimeout(java.time.Duration.ofMillis(100)))) {
            g.writeSchema();
            String future = g.server.token(new dev.kith.engine.Revision(1_000_000));
            String body = new JsonObject(check("document", "d1", "view", "user", "ann"))
                    .put("consistency", new JsonObject().put("atLeastAsFresh", new JsonObject().put("token", future)))
                    .encode();
            JsonObject e = g.post("/v1/permissions/check", body).error(503);
            assertThat(e.getInteger("code")).isEqualTo(14);
            assertThat(ServerFixture.meta(e).getMap())
                    .containsEntry("code", "UNAVAILABLE")
                    .containsEntry("field", "consistency");
            assertThat(grpcStatus(g, body)).isEqualTo(e);
        }
    }

    /** The Status, in proto3 JSON, of the check {@code json} sent over gRPC to {@code server}, which must fail. */
    private static JsonObject grpcStatus(ServerFixture server, String json) throws Exception {
        ManagedChannel c = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        try {
            CheckPermissionRequest.Builder request = CheckPermissionRequest.newBuilder();
            JsonFormat.parser().merge(json, request);
            StatusRuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    StatusRuntimeException.class,
                    () -> PermissionsServiceGrpc.newBlockingStub(c)
                            .withInterceptors(key(ServerFixture.KEY))
                            .checkPermission(request.build()));
            return new JsonObject(STATUS_JSON.print(StatusProto.fromThrowable(failure)));
        } finally {
            c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void noSchemaYetIsNotFound404ForASchemaReadAndFailedPrecondition400Otherwise() throws Exception {
        try (ServerFixture empty = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0))) {
            String check = check("document", "d1", "view", "user", "ann");
            JsonObject checked = empty.post("/v1/permissions/check", check).error(400);
            assertThat(checked.getInteger("code")).isEqualTo(9);
            assertThat(ServerFixture.reason(checked)).isEqualTo("ERROR_REASON_UNKNOWN_DEFINITION");
            assertThat(ServerFixture.meta(checked).getString("code")).isEqualTo("NO_SCHEMA");
            assertThat(grpcStatus(empty, check)).isEqualTo(checked);

            ServerFixture.Answer a = empty.post("/v1/schema/read", "{}");
            JsonObject e = a.error(404);
            assertThat(e.getInteger("code")).isEqualTo(5);
            assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("NO_SCHEMA");
            ManagedChannel c = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", empty.server.grpcPort(), InsecureChannelCredentials.create())
                    .build();
            try {
                StatusRuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(
                        StatusRuntimeException.class,
                        () -> SchemaServiceGrpc.newBlockingStub(c)
                                .withInterceptors(key(ServerFixture.KEY))
                                .readSchema(ReadSchemaRequest.getDefaultInstance()));
                assertThat(new JsonObject(STATUS_JSON.print(StatusProto.fromThrowable(failure))))
                        .isEqualTo(e);
            } finally {
                c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aMissingKeyIsUnauthenticated401AndAWrongOnePermissionDenied403() {
        String body = check("document", "d1", "view", "user", "ann");
        ServerFixture.Answer missing = f.post("/v1/permissions/check", body, null);
        JsonObject m = missing.error(401);
        assertThat(m.getInteger("code")).isEqualTo(16);
        assertThat(ServerFixture.meta(m).getMap())
                .containsEntry("code", "UNAUTHENTICATED")
                .containsEntry("field", "Authorization");
        assertThat(missing.headers.get("WWW-Authenticate")).isEqualTo(m.getString("message"));

        ServerFixture.Answer wrong = f.post("/v1/permissions/check", body, "not-the-key");
        JsonObject w = wrong.error(403);
        assertThat(w.getInteger("code")).isEqualTo(7);
        assertThat(ServerFixture.meta(w).getString("code")).isEqualTo("PERMISSION_DENIED");
        assertThat(wrong.headers.get("WWW-Authenticate")).isNull();

        StatusRuntimeException grpc = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> PermissionsServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(key("not-the-key"))
                        .checkPermission(CheckPermissionRequest.getDefaultInstance()));
        assertThat(grpc.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
    }

    @Test
    void anUnknownFieldIsIgnoredOverHttpAsOverGrpc() {
        String body = new JsonObject(check("document", "d1", "view", "user", "ann"))
                .put("someFutureField", new JsonObject().put("x", 1))
                .put("another_one", List.of("a"))
                .encode();
        ServerFixture.Answer a = f.post("/v1/permissions/check", body);
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstLineAnswersTheCodesStatusWithAnErrorLine() {
        ServerFixture.Answer a = f.post(
                "/v1/permissions/resources",
                "{\"resourceObjectType\":\"folder\",\"permission\":\"view\","
                        + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"ann\"}}}");
        assertThat(a.status).isEqualTo(400);
        assertThat(a.contentType).isEqualTo("application/json");
        assertThat(a.text).endsWith("}\n");
        JsonObject line = a.json();
        assertThat(line.fieldNames()).containsExactly("error");
        JsonObject error = line.getJsonObject("error");
        ServerFixture.assertStatusShape(error);
        assertThat(error.getInteger("code")).isEqualTo(9);
        assertThat(ServerFixture.reason(error)).isEqualTo("ERROR_REASON_UNKNOWN_DEFINITION");
        assertThat(ServerFixture.meta(error).getMap())
                .containsEntry("code", "UNKNOWN_NAME")
                .containsEntry("field", "resourceObjectType")
                .containsEntry("name", "folder");

        // a body that is not JSON fails before the call: the Status alone, as grpc-gateway's decoding failure
        ServerFixture.Answer notJson = f.post("/v1/relationships/read", "{\"relationshipFilter\": ");
        assertThat(notJson.status).isEqualTo(400);
        assertThat(notJson.json().getInteger("code")).isEqualTo(3);
    }

    @Test
    void aBulkCheckItemErrorIsTheSameStatus() {
        String good = check("document", "d1", "view", "user", "ann");
        String bad = check("folder", "f1", "view", "user", "ann");
        JsonObject answer = f.post("/v1/permissions/checkbulk", "{\"items\":[" + good + "," + bad + "]}")
                .json();
        JsonObject error = answer.getJsonArray("pairs").getJsonObject(1).getJsonObject("error");
        ServerFixture.assertStatusShape(error);
        assertThat(error.getInteger("code")).isEqualTo(9);
        assertThat(ServerFixture.reason(error)).isEqualTo("ERROR_REASON_UNKNOWN_DEFINITION");
        assertThat(ServerFixture.meta(error).getString("field")).isEqualTo("items[1].resource.objectType");
    }
}

package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.SubjectReference;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC server's operations: TLS, audit lines, metrics, and a caller's deadline or cancellation reaching the
 * engine's {@link Deadline}, which the engine's long loops poll (its own tests prove they do).
 */
class GrpcOpsTest {
    @TempDir
    Path tmp;

    private static ManagedChannel channel(ServerFixture f, ChannelCredentials credentials) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", f.server.grpcPort(), credentials)
                .overrideAuthority("localhost")
                .build();
    }

    private static io.grpc.ClientInterceptor key() {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ServerFixture.KEY);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private static CheckPermissionRequest check(String doc, String user) {
        return CheckPermissionRequest.newBuilder()
                .setResource(
                        ObjectReference.newBuilder().setObjectType("document").setObjectId(doc))
                .setPermission("view")
                .setSubject(SubjectReference.newBuilder()
                        .setObject(ObjectReference.newBuilder()
                                .setObjectType("user")
                                .setObjectId(user)))
                .build();
    }

    @Test
    void tlsUsesTheHttpCertificate() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try {
            var config = ServerConfig.builder()
                    .presharedKeys(List.of(ServerFixture.KEY))
                    .tls(Path.of(cert.certificatePath()), Path.of(cert.privateKeyPath()))
                    .grpcPort(0)
                    .build();
            try (ServerFixture f = new ServerFixture(config)) {
                f.engine.writeSchema(ServerFixture.SCHEMA);
                ManagedChannel tls = channel(
                        f,
                        TlsChannelCredentials.newBuilder()
                                .trustManager(new File(cert.certificatePath()))
                                .build());
                try {
                    var schema = SchemaServiceGrpc.newBlockingStub(tls).withInterceptors(key());
                    assertThat(schema.readSchema(ReadSchemaRequest.getDefaultInstance())
                                    .getSchemaText())
                            .contains("definition document");
                } finally {
                    close(tls);
                }
                ManagedChannel plain = channel(f, InsecureChannelCredentials.create());
                try {
                    var schema = SchemaServiceGrpc.newBlockingStub(plain).withInterceptors(key());
                    assertThatThrownBy(() -> schema.readSchema(ReadSchemaRequest.getDefaultInstance()))
                            .isInstanceOfSatisfying(
                                    StatusRuntimeException.class,
                                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                } finally {
                    close(plain);
                }
            }
        } finally {
            cert.delete();
        }
    }

    @Test
    void theRequestIdComesBackWhenTheCallerSentOneOrTheCallFailed() throws Exception {
        Metadata.Key<String> requestId = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withGrpcPort(0))) {
            f.engine.writeSchema(ServerFixture.SCHEMA);
            f.engine.importBulk(
                    List.of(Relationship.parse("document:doc1#viewer@user:ann")).iterator());
            ManagedChannel channel = channel(f, InsecureChannelCredentials.create());
            try {
                // a caller's own id is handed back in the response headers
                Metadata sent = new Metadata();
                sent.put(requestId, "caller-id-7");
                var headers = new java.util.concurrent.atomic.AtomicReference<Metadata>();
                var trailers = new java.util.concurrent.atomic.AtomicReference<Metadata>();
                var withId = PermissionsServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(
                                key(),
                                MetadataUtils.newAttachHeadersInterceptor(sent),
                                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
                assertThat(withId.checkPermission(check("doc1", "ann")).getPermissionship())
                        .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
                assertThat(headers.get().get(requestId)).isEqualTo("caller-id-7");

                // a successful call without one gets none (an id per answer would churn HPACK's table)
                var plain = PermissionsServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(key(), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
                assertThat(plain.checkPermission(check("doc1", "ann")).getPermissionship())
                        .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
                assertThat(headers.get().get(requestId)).isNull();
                assertThat(trailers.get().get(requestId)).isNull();

                // a failed call without one gets the server's id in its trailers, to find it in the audit log
                assertThatThrownBy(() -> plain.checkPermission(check("doc1", "ann").toBuilder()
                                .setPermission("no_such_permission")
                                .build()))
                        .isInstanceOf(StatusRuntimeException.class);
                assertThat(trailers.get().get(requestId)).isNotBlank();
                String refused = trailers.get().get(requestId);

                // so does a call refused for its key
                var anonymous = PermissionsServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
                assertThatThrownBy(() -> anonymous.checkPermission(check("doc1", "ann")))
                        .isInstanceOf(StatusRuntimeException.class);
                assertThat(trailers.get().get(requestId)).isNotBlank().isNotEqualTo(refused);
            } finally {
                close(channel);
            }
        }
    }

    @Test
    void callsAreAuditedAndMeteredLikeHttpRequests() throws Exception {
        Path log = tmp.resolve("audit.log");
        try (ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY))
                .withAuditLog(log.toString())
                .withGrpcPort(0))) {
            f.engine.writeSchema(ServerFixture.SCHEMA);
            f.engine.importBulk(
                    List.of(Relationship.parse("document:doc1#viewer@user:ann")).iterator());
            ManagedChannel channel = channel(f, InsecureChannelCredentials.create());
            try {
                Metadata id = new Metadata();
                id.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "grpc-call-1");
                var permissions = PermissionsServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(key(), MetadataUtils.newAttachHeadersInterceptor(id));
                assertThat(permissions.checkPermission(check("doc1", "ann")).getPermissionship())
                        .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
                var anonymous = PermissionsServiceGrpc.newBlockingStub(channel);
                assertThatThrownBy(() -> anonymous.checkPermission(check("doc1", "ann")))
                        .isInstanceOf(StatusRuntimeException.class);
            } finally {
                close(channel);
            }
            String metrics = f.get("/metrics").text;
            assertThat(metrics)
                    .contains("endpoint=\"/authzed.api.v1.PermissionsService/CheckPermission\"")
                    .contains("kith_check_results_total{permissionship=\"HAS_PERMISSION\"} 1.0");
            assertThat(metrics).containsPattern("kith_auth_failures_total(\\{})? 1\\.0");
        }
        List<JsonObject> lines = new ArrayList<>();
        for (String l : Files.readAllLines(log)) lines.add(new JsonObject(l));
        JsonObject check = lines.stream()
                .filter(l -> "check".equals(l.getString("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check line in " + lines));
        assertThat(check.getString("transport")).isEqualTo("grpc");
        assertThat(check.getString("requestId")).isEqualTo("grpc-call-1");
        assertThat(check.getString("caller")).startsWith("key-");
        assertThat(check.getString("client")).startsWith("127.0.0.1:");
        assertThat(check.getInteger("status")).isEqualTo(200);
        assertThat(check.getString("resource")).isEqualTo("document:doc1");
        assertThat(check.getString("result")).isEqualTo("HAS_PERMISSION");
        JsonObject refused = lines.stream()
                .filter(l -> "authFailure".equals(l.getString("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no authFailure line in " + lines));
        assertThat(refused.getString("reason")).isEqualTo("no key");
        assertThat(refused.getString("path")).isEqualTo("/authzed.api.v1.PermissionsService/CheckPermission");
    }

    /** Work that polls its deadline as the engine's loops do, until it is stopped. */
    private static String pollUntilStopped() {
        while (true) {
            Deadline.current().check("the test's work");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void theCallersDeadlineBoundsTheWorkBeforeTheRequestTimeout() throws Exception {
        Context.CancellableContext call = Context.current().withDeadlineAfter(50, TimeUnit.MILLISECONDS, TIMER);
        try {
            assertThatThrownBy(
                            () -> call.call(() -> GrpcCalls.run(GrpcOpsTest::pollUntilStopped, Duration.ofMinutes(5))))
                    .isInstanceOf(KithException.DeadlineExceeded.class);
        } finally {
            call.cancel(null);
        }
    }

    @Test
    void aCancelledCallStopsItsWork() throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return call.call(() -> GrpcCalls.run(GrpcOpsTest::pollUntilStopped, Duration.ofMinutes(5)));
            } catch (Exception e) {
                return e;
            }
        });
        call.cancel(null);
        assertThat(outcome.get(60, TimeUnit.SECONDS)).isInstanceOf(KithException.DeadlineExceeded.class);
    }

    @Test
    void aCallWhoseDeadlinePassedAnswersDeadlineExceeded() throws Exception {
        try (ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY))
                .withLimits(Limits.defaults().withTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(5)))
                .withGrpcPort(0))) {
            f.engine.writeSchema(ServerFixture.SCHEMA);
            ManagedChannel channel = channel(f, InsecureChannelCredentials.create());
            try {
                var permissions = PermissionsServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(key())
                        .withDeadlineAfter(1, TimeUnit.NANOSECONDS);
                assertThatThrownBy(() -> permissions.expandPermissionTree(ExpandPermissionTreeRequest.newBuilder()
                                .setResource(ObjectReference.newBuilder()
                                        .setObjectType("report")
                                        .setObjectId("wide"))
                                .setPermission("read")
                                .build()))
                        .isInstanceOfSatisfying(
                                StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
                // the server goes on serving
                var schema = SchemaServiceGrpc.newBlockingStub(channel).withInterceptors(key());
                assertThat(schema.readSchema(ReadSchemaRequest.getDefaultInstance())
                                .getSchemaText())
                        .contains("definition report");
            } finally {
                close(channel);
            }
        }
    }

    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().factory());
}

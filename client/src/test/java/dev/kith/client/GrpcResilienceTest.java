package dev.kith.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.api.server.ServerConfig;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.ZedToken;
import io.grpc.Status;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the gRPC client does, against a real server: retries on UNAVAILABLE for idempotent calls only, the
 * deadline over all attempts, streams and watches resumed after a cut exactly where they stopped, the bound on
 * calls in flight, TLS with a custom CA and the key asked of its supplier on every call.
 */
class GrpcResilienceTest {
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20), 2);

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
        try (Kith k = Kith.connect(server.config().build())) {
            k.writeSchema(KithContract.SCHEMA);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Kith connect(Faults.Fault fault) {
        return Kith.connect(server.config().retry(QUICK).interceptor(fault).build());
    }

    @Test
    void idempotentCallsAreRetriedOnUnavailable() {
        Faults.Fault fault = Faults.failFirst("CheckPermission", 3);
        try (Kith k = connect(fault)) {
            assertThat(k.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.DENIED);
        }
        assertThat(fault.calls).hasValue(4);
    }

    @Test
    void retriesStopAtTheirLimitWithTheServersError() {
        Faults.Fault fault = Faults.failFirst("CheckPermission", 100);
        try (Kith k = connect(fault)) {
            assertThatThrownBy(() -> k.check("user:ann", "view", "document:1"))
                    .isInstanceOfSatisfying(KithCallException.class, e -> {
                        assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getMessage()).isEqualTo("CheckPermission: refused by the test");
                    });
        }
        assertThat(fault.calls).hasValue(QUICK.maxAttempts());
    }

    private static CheckPermissionRequest annViewsDocument1() {
        return CheckPermissionRequest.newBuilder()
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .setSubject(Refs.subject("user:ann"))
                .build();
    }

    @Test
    void anAsyncCheckIsRetriedOnUnavailableToo() throws Exception {
        Faults.Fault fault = Faults.failFirst("CheckPermission", 3);
        try (Kith k = connect(fault)) {
            CheckPermissionResponse r = k.async()
                    .checkPermission(annViewsDocument1())
                    .toCompletableFuture()
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.getPermissionship())
                    .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        }
        assertThat(fault.calls).hasValue(4);
    }

    @Test
    void anAsyncCheckPastItsRetriesFailsWithTheServersError() {
        Faults.Fault fault = Faults.failFirst("CheckPermission", 100);
        try (Kith k = connect(fault)) {
            java.util.concurrent.CompletableFuture<CheckPermissionResponse> f =
                    k.async().checkPermission(annViewsDocument1()).toCompletableFuture();
            assertThatThrownBy(() -> f.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(KithCallException.class)
                    .cause()
                    .satisfies(e -> assertThat(((KithCallException) e).code()).isEqualTo(Status.Code.UNAVAILABLE));
        }
        assertThat(fault.calls).hasValue(QUICK.maxAttempts());
    }

    @Test
    void createWritesAreNeverRetriedTouchWritesAre() {
        Faults.Fault fault = Faults.failFirst("WriteRelationships", 1);
        try (Kith k = connect(fault)) {
            assertThatThrownBy(() -> k.write(List.of(Refs.create("document:1#viewer@user:ann"))))
                    .isInstanceOfSatisfying(
                            KithCallException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThat(fault.calls).hasValue(1);
            assertThat(k.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.DENIED);
        }
        Faults.Fault touch = Faults.failFirst("WriteRelationships", 1);
        try (Kith k = connect(touch)) {
            k.touch("document:1#viewer@user:ann");
            assertThat(touch.calls).hasValue(2);
            assertThat(k.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.ALLOWED);
        }
    }

    @Test
    void theDeadlineBoundsEveryAttempt() {
        try (Kith k = Kith.connect(server.config()
                .interceptor(Faults.slowStart("CheckPermission", 300))
                .build())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> k.withDeadline(Duration.ofMillis(100)).check("user:ann", "view", "document:1"))
                    .isInstanceOfSatisfying(
                            KithCallException.class,
                            e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        // retries never take a call past its deadline: the pauses stop where the deadline would pass
        Faults.Fault down = Faults.failFirst("CheckPermission", 1_000);
        try (Kith k = Kith.connect(server.config()
                .retry(new RetryPolicy(1_000, Duration.ofMillis(50), Duration.ofMillis(50), 1))
                .deadline(Duration.ofMillis(300))
                .interceptor(down)
                .build())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> k.check("user:ann", "view", "document:1"))
                    .isInstanceOfSatisfying(
                            KithCallException.class,
                            e -> assertThat(e.code()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(down.calls.get()).isBetween(2, 100);
        }
    }

    @Test
    void aCutLookupResumesAfterItsLastAnswer() {
        try (Kith k = Kith.connect(server.config().build())) {
            k.importBulkRelationships(IntStream.range(0, 50)
                    .mapToObj(i -> Refs.relationship("document:d" + i + "#viewer@user:ann"))
                    .toList());
        }
        Faults.Fault cut = Faults.cutFirstAfter("LookupResources", 7);
        try (Kith k = connect(cut);
                Stream<LookupResourcesResponse> s = k.lookupResources(LookupResourcesRequest.newBuilder()
                        .setResourceObjectType("document")
                        .setPermission("view")
                        .setSubject(Refs.subject("user:ann"))
                        .build())) {
            List<String> ids =
                    s.map(LookupResourcesResponse::getResourceObjectId).toList();
            assertThat(ids).hasSize(50).doesNotHaveDuplicates();
        }
        assertThat(cut.calls).hasValue(2);
        LookupResourcesRequest resumed = (LookupResourcesRequest) cut.requests.get(1);
        assertThat(resumed.getOptionalCursor().getToken()).isNotEmpty();
    }

    @Test
    void aCutExportResumesAfterItsLastBatch() {
        try (Kith k = Kith.connect(server.config().build())) {
            k.importBulkRelationships(IntStream.range(0, 500)
                    .mapToObj(i -> Refs.relationship("document:d" + i + "#viewer@user:u" + i))
                    .toList());
        }
        Faults.Fault cut = Faults.cutFirstAfter("ExportBulkRelationships", 2);
        Set<String> seen = new HashSet<>();
        try (Kith k = connect(cut);
                Stream<ExportBulkRelationshipsResponse> s =
                        k.exportBulkRelationships(ExportBulkRelationshipsRequest.newBuilder()
                                .setOptionalLimit(50)
                                .build())) {
            s.forEach(b -> b.getRelationshipsList()
                    .forEach(r -> assertThat(seen.add(Refs.text(r))).isTrue()));
        }
        assertThat(seen).hasSize(500);
        assertThat(cut.calls).hasValue(2);
    }

    @Test
    void aCutWatchResumesFromItsLastTokenDeliveringEachChangeOnce() {
        Faults.Fault cut = Faults.cutFirstAfter("Watch", 2);
        try (Kith k = connect(cut)) {
            ZedToken start = k.touch("document:w#viewer@user:before");
            try (Stream<WatchResponse> s = k.watch(
                    WatchRequest.newBuilder().setOptionalStartCursor(start).build())) {
                for (int i = 0; i < 6; i++) k.touch("document:w#viewer@user:u" + i);
                Iterator<WatchResponse> it = s.iterator();
                List<String> subjects = new ArrayList<>();
                List<ZedToken> tokens = new ArrayList<>();
                while (subjects.size() < 6) {
                    WatchResponse r = it.next();
                    tokens.add(r.getChangesThrough());
                    r.getUpdatesList()
                            .forEach(u -> subjects.add(
                                    u.getRelationship().getSubject().getObject().getObjectId()));
                }
                assertThat(subjects).containsExactly("u0", "u1", "u2", "u3", "u4", "u5");
                assertThat(cut.calls).hasValue(2);
                WatchRequest resumed = (WatchRequest) cut.requests.get(1);
                assertThat(resumed.getOptionalStartCursor()).isEqualTo(tokens.get(1));
            }
        }
    }

    @Test
    void callsPastTheBoundWaitForASlotWithinTheirDeadline() {
        try (Kith k = Kith.connect(server.config().maxInFlight(1).build())) {
            k.touch("document:1#viewer@user:ann", "document:2#viewer@user:ann");
            Stream<LookupResourcesResponse> open = k.lookupResources(LookupResourcesRequest.newBuilder()
                    .setResourceObjectType("document")
                    .setPermission("view")
                    .setSubject(Refs.subject("user:ann"))
                    .build());
            Iterator<LookupResourcesResponse> it = open.iterator();
            assertThat(it.hasNext()).isTrue();
            assertThatThrownBy(() -> k.withDeadline(Duration.ofMillis(200)).check("user:ann", "view", "document:1"))
                    .isInstanceOfSatisfying(KithCallException.class, e -> {
                        assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                        assertThat(e.getMessage()).contains("maxInFlight");
                    });
            open.close();
            assertThat(k.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.ALLOWED);
        }
    }

    @Test
    void tlsWithACustomCaAndAKeyAskedOnEveryCall() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try (TestServer tls = TestServer.start(ServerConfig.builder()
                .presharedKeys(List.of(TestServer.KEY))
                .tls(Path.of(cert.certificatePath()), Path.of(cert.privateKeyPath()))
                .grpcPort(0)
                .build())) {
            String target = "grpcs://localhost:" + tls.server.grpcPort();
            AtomicInteger asked = new AtomicInteger();
            try (Kith k = Kith.connect(KithConfig.builder(target)
                    .caCertificate(Path.of(cert.certificatePath()))
                    .presharedKey(() -> {
                        asked.incrementAndGet();
                        return TestServer.KEY;
                    })
                    .build())) {
                k.writeSchema(KithContract.SCHEMA);
                k.touch("document:1#viewer@user:ann");
                assertThat(k.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.ALLOWED);
                assertThat(asked).hasValue(3);
            }
            try (Kith k = Kith.connect(KithConfig.builder(target)
                    .caCertificate(Path.of(cert.certificatePath()))
                    .presharedKey("not-the-key")
                    .build())) {
                assertThatThrownBy(() -> k.check("user:ann", "view", "document:1"))
                        .isInstanceOfSatisfying(
                                KithCallException.class,
                                e -> assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED));
            }
            try (Kith k = Kith.connect(KithConfig.builder(target)
                    .presharedKey(TestServer.KEY)
                    .retry(RetryPolicy.NONE)
                    .build())) {
                // the JDK's CAs do not trust the self-signed certificate
                assertThatThrownBy(() -> k.check("user:ann", "view", "document:1"))
                        .isInstanceOfSatisfying(
                                KithCallException.class,
                                e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE));
            }
        } finally {
            cert.delete();
        }
    }

    @Test
    void badTargetsAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> Kith.connect("localhost:50051"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grpc://host:port");
        assertThatThrownBy(() -> Kith.connect("http://localhost:8443"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no client for `http:`");
        assertThatThrownBy(() -> Kith.connect(KithConfig.builder("grpc://localhost:1")
                        .caCertificate(Path.of("ca.pem"))
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only used over TLS");
        assertThatThrownBy(() -> Kith.connect(KithConfig.builder("grpcs://localhost:1")
                        .caCertificate(Path.of("/nonexistent/ca.pem"))
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/nonexistent/ca.pem");
    }

    @Test
    void aRequestWithoutConsistencyCarriesTheTokenOfTheLastWriteOfItsResource() {
        Faults.Fault record = Faults.failFirst("CheckPermission", 0);
        ZedToken revoked;
        try (Kith k = Kith.connect(server.config()
                .consistencyTokens(new ConsistencyTokens())
                .interceptor(record)
                .build())) {
            revoked = k.delete("document:1#viewer@user:ann");
            k.check("user:ann", "view", "document:1");
            k.check("user:ann", "view", "document:2");
        }
        CheckPermissionRequest first = (CheckPermissionRequest) record.requests.get(0);
        CheckPermissionRequest second = (CheckPermissionRequest) record.requests.get(1);
        assertThat(first.getConsistency().getAtLeastAsFresh()).isEqualTo(revoked);
        assertThat(second.getConsistency().hasMinimizeLatency()).isTrue();
    }
}

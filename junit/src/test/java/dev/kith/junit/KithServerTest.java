package dev.kith.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.client.CheckResult;
import dev.kith.client.Kith;
import dev.kith.client.KithCallException;
import dev.kith.client.KithConfig;
import dev.kith.client.RetryPolicy;
import io.grpc.Status;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@link KithServer} on the sample validation file: a real server on random ports, reached over gRPC and HTTP. */
@KithServer("authz.yaml")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KithServerTest {
    static KithEndpoints started;
    static Kith before;

    KithEndpoints endpoints;
    Kith kith;

    @BeforeAll
    static void seen(Kith client) {
        before = client;
    }

    @Test
    @Order(1)
    void theClientReachesTheServerLoadedFromTheFile() {
        assertThat(started).isNotNull();
        assertThat(endpoints).isSameAs(started);
        assertThat(kith).isSameAs(before);
        assertThat(started.grpcTarget()).startsWith("grpc://127.0.0.1:");
        assertThat(started.grpcPort()).isPositive().isNotEqualTo(started.httpPort());
        KithAssertions.assertThat(kith)
                .allows("user:alice", "edit", "document:plan")
                .allows("user:carol", "view", "document:plan")
                .allowsConditionally("user:bob", "view", "document:plan")
                .denies("user:dan", "view", "document:plan");
    }

    @Test
    @Order(2)
    void writesThroughTheClientAreSeenOverHttp(KithEndpoints where) throws Exception {
        kith.touch("document:plan#viewer@user:dan");
        String body = """
                {"consistency": {"fullyConsistent": true},
                 "resource": {"objectType": "document", "objectId": "plan"}, "permission": "view",
                 "subject": {"object": {"objectType": "user", "objectId": "dan"}}}""";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(where.httpUrl() + "/v1/permissions/check"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> allowed = http.send(
                    request.copy()
                            .header("authorization", "Bearer " + where.presharedKey())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).contains("PERMISSIONSHIP_HAS_PERMISSION");
            HttpResponse<String> noKey = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noKey.statusCode()).isEqualTo(401);
        }
    }

    @Test
    @Order(3)
    void aClientWithoutTheKeyIsRefused() {
        try (Kith stranger = Kith.connect(started.grpcTarget())) {
            assertThatThrownBy(() -> stranger.check("user:alice", "edit", "document:plan"))
                    .isInstanceOf(KithCallException.class)
                    .extracting(e -> ((KithCallException) e).code())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    @Order(4)
    void aStoppedServerIsGoneAndABadFileIsNamed() throws Exception {
        KithServerExtension.Running own = KithServerExtension.start(KithServerTest.class, "authz.yaml");
        KithEndpoints where = own.endpoints();
        assertThat(own.kith().check("user:alice", "edit", "document:plan")).isEqualTo(CheckResult.ALLOWED);
        own.close();
        try (Kith late = Kith.connect(KithConfig.builder(where.grpcTarget())
                .presharedKey(where.presharedKey())
                .retry(RetryPolicy.NONE)
                .deadline(Duration.ofSeconds(2))
                .build())) {
            assertThatThrownBy(() -> late.check("user:alice", "edit", "document:plan"))
                    .isInstanceOf(KithCallException.class)
                    .extracting(e -> ((KithCallException) e).code())
                    .isEqualTo(Status.Code.UNAVAILABLE);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> http.send(
                            HttpRequest.newBuilder(URI.create(where.httpUrl() + "/healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(ConnectException.class);
        }

        assertThatThrownBy(() -> KithServerExtension.start(KithServerTest.class, "nope.yaml"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@KithServer(\"nope.yaml\"): no such resource on the test class path");
        assertThatThrownBy(() -> KithServerExtension.start(KithServerTest.class, "no-schema.yaml"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@KithServer(\"no-schema.yaml\"): the file has no schema");
    }
}

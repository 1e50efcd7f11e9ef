package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, health, metrics, the OpenAPI document, the bench endpoint, the audit log and shutdown. */
class OpsTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingOrWrongKeyIs401AndCounted() {
        try (ServerFixture f = ServerFixture.withKey()) {
            String check = ServerFixture.checkJson("document", "a", "view", "user", "b");
            assertThat(f.post("/v1/permissions/check", check, null).error(401).getString("message"))
                    .contains("Authorization");
            assertThat(ServerFixture.meta(f.post("/v1/permissions/check", check, "wrong-key")
                                    .error(403))
                            .getString("code"))
                    .isEqualTo("PERMISSION_DENIED");
            assertThat(f.post("/v1/permissions/check", check, ServerFixture.KEY + "x").status)
                    .isEqualTo(403);
            String metrics = f.get("/metrics").text;
            assertThat(metrics).contains("kith_auth_failures_total 3.0");
        }
    }

    @Test
    void healthAndReadinessNeedNoKey() {
        try (ServerFixture f = ServerFixture.withKey()) {
            var health = f.post("/healthz", "", null);
            assertThat(health.status).as("POST on a GET route").isEqualTo(501);
            var h = f.client
                    .get(f.server.port(), "127.0.0.1", "/healthz")
                    .send()
                    .await();
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.bodyAsJsonObject().getString("status")).isEqualTo("SERVING");
            var r = f.client.get(f.server.port(), "127.0.0.1", "/readyz").send().await();
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void metricsCountRequestsPerEndpointCheckOutcomesTheAppliedRevisionAndTheIndexSize() {
        try (ServerFixture f = ServerFixture.withKey()) {
            f.writeSchema();
            f.touch("document:m#viewer@user:ann");
            f.post("/v1/permissions/check", ServerFixture.checkJson("document", "m", "view", "user", "ann"));
            f.post("/v1/permissions/check", ServerFixture.checkJson("document", "m", "view", "user", "bob"));
            String metrics = f.get("/metrics").text;
            assertThat(metrics)
                    .contains("kith_http_requests_seconds_count{endpoint=\"/v1/permissions/check\",status=\"200\"} 2")
                    .contains("kith_http_requests_seconds_bucket{endpoint=\"/v1/permissions/check\"")
                    .contains("kith_check_results_total{permissionship=\"HAS_PERMISSION\"} 1.0")
                    .contains("kith_check_results_total{permissionship=\"NO_PERMISSION\"} 1.0")
                    .contains("kith_applied_revision ")
                    .contains("kith_index_relationships 1.0")
                    .contains("kith_index_objects 2.0")
                    .contains("vertx_http_server_");
        }
    }

    @Test
    void metricsShowTheClosureIndexSizeAndItsDecisionPerRelation() {
        try (ServerFixture f = ServerFixture.withKey()) {
            f.writeSchema();
            String before = f.get("/metrics").text;
            assertThat(before).contains("kith_closure_bytes 0.0").doesNotContain("kith_closure_kept{");
            // three nested groups: eng contains ops, ops contains db
            f.touch("group:eng#member@group:ops#member");
            f.touch("group:ops#member@group:db#member");
            f.touch("group:db#member@user:ann");
            String metrics = f.get("/metrics").text;
            assertThat(metrics)
                    .contains("kith_closure_kept{relation=\"group#member\"} 1.0")
                    .contains("kith_closure_links{relation=\"group#member\"} 2.0")
                    .contains("kith_closure_max_height{relation=\"group#member\"} 2.0")
                    .doesNotContain("kith_closure_bytes 0.0");
            var stats = f.engine.stats().closures().getFirst();
            // eng reaches 3 objects, ops 2 and db none but itself (no entry)
            assertThat(metrics)
                    .contains("kith_closure_entries{relation=\"group#member\"} " + (double) stats.entries())
                    .contains("kith_closure_relation_bytes{relation=\"group#member\"} " + (double) stats.bytes());
            assertThat(stats.entries()).isPositive();
            assertThat(stats.bytes()).isPositive();
            assertThat(f.engine.stats().closureBytes()).isPositive();
        }
    }

    @Test
    void twoServersInOneProcessEachKeepTheirOwnVertxAndJvmMeters() {
        try (ServerFixture first = ServerFixture.withKey();
                ServerFixture second = ServerFixture.withKey()) {
            for (ServerFixture f : List.of(first, second)) {
                f.get("/healthz");
                assertThat(f.get("/metrics").text)
                        .contains("vertx_http_server_requests_total{")
                        .contains("jvm_classes_loaded_classes ")
                        .contains("kith_http_connections ");
            }
        }
    }

    @Test
    void everyRouteIsDescribedInTheOpenApiDocumentAndNothingElse() {
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withBenchEndpoints(true))) {
            var doc = f.client
                    .get(f.server.port(), "127.0.0.1", "/openapi.json")
                    .send()
                    .await();
            assertThat(doc.statusCode()).isEqualTo(200);
            JsonObject paths = doc.bodyAsJsonObject().getJsonObject("paths");
            assertThat(doc.bodyAsJsonObject().getString("openapi")).startsWith("3.");
            java.util.Set<String> described = new java.util.HashSet<>();
            for (Route route : f.server.router().getRoutes()) {
                if (route.getPath() == null
                        || route.getPath().endsWith("/")
                        || route.methods() == null
                        || route.methods().isEmpty()) {
                    continue;
                }
                JsonObject path = paths.getJsonObject(route.getPath());
                assertThat(path).as("OpenAPI describes " + route.getPath()).isNotNull();
                for (HttpMethod method : route.methods()) {
                    assertThat(path.getJsonObject(method.name().toLowerCase(java.util.Locale.ROOT)))
                            .as("OpenAPI describes " + method + " " + route.getPath())
                            .isNotNull();
                }
                described.add(route.getPath());
            }
            assertThat(described).hasSize(paths.size());
        }
    }

    /**
     * Every operation documents the X-Request-Id request header and, on each of its responses, the X-Request-Id
     * response header; and the answers to an unreadable request head (400, 414, 431), which any path can get.
     */
    @Test
    void everyOperationDocumentsTheRequestIdAndTheAnswersToAnUnreadableHead() {
        try (ServerFixture f = ServerFixture.withKey()) {
            JsonObject doc = f.client
                    .get(f.server.port(), "127.0.0.1", "/openapi.json")
                    .send()
                    .await()
                    .bodyAsJsonObject();
            JsonObject components = doc.getJsonObject("components");
            assertThat(components
                            .getJsonObject("parameters")
                            .getJsonObject("RequestId")
                            .getString("name"))
                    .isEqualTo("X-Request-Id");
            assertThat(components.getJsonObject("headers").getJsonObject("RequestId"))
                    .isNotNull();
            JsonObject paths = doc.getJsonObject("paths");
            int operations = 0;
            for (String path : paths.fieldNames()) {
                JsonObject ops = paths.getJsonObject(path);
                for (String method : ops.fieldNames()) {
                    JsonObject op = ops.getJsonObject(method);
                    String where = method + " " + path;
                    assertThat(op.getJsonArray("parameters").stream().map(p -> ((JsonObject) p).getString("$ref")))
                            .as(where)
                            .contains("#/components/parameters/RequestId");
                    JsonObject responses = op.getJsonObject("responses");
                    assertThat(responses.fieldNames()).as(where).contains("400", "414", "431");
                    for (String status : responses.fieldNames()) {
                        assertThat(responses
                                        .getJsonObject(status)
                                        .getJsonObject("headers")
                                        .getJsonObject("X-Request-Id")
                                        .getString("$ref"))
                                .as(where + " " + status)
                                .isEqualTo("#/components/headers/RequestId");
                    }
                    if (path.startsWith("/v1/") && method.equals("post")) {
                        assertThat(responses.fieldNames()).as(where).contains("408");
                    }
                    operations++;
                }
            }
            assertThat(operations).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void theBenchEndpointExistsOnlyWhenAskedFor() {
        try (ServerFixture f = ServerFixture.withKey()) {
            assertThat(f.get("/v1/bench/noop").status).isEqualTo(404);
        }
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withBenchEndpoints(true))) {
            var a = f.get("/v1/bench/noop");
            assertThat(a.status).isEqualTo(200);
            assertThat(a.json().getBoolean("ok")).isTrue();
        }
    }

    @Test
    void theAuditLogHasALinePerCheckAndBulkCheckWithTheKeyIdNeverTheKey() throws Exception {
        Path log = tmp.resolve("audit.jsonl");
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withAuditLog(log.toString()))) {
            f.writeSchema();
            f.touch("document:aud#viewer@user:ann");
            f.post("/v1/permissions/check", ServerFixture.checkJson("document", "aud", "view", "user", "ann"));
            f.post(
                    "/v1/permissions/checkbulk",
                    "{\"items\":[" + ServerFixture.checkJson("document", "aud", "view", "user", "bob") + "]}");
        }
        List<String> lines = Files.readAllLines(log).stream()
                .filter(l -> l.contains("\"kind\":\"check"))
                .toList();
        assertThat(lines).hasSize(2);
        JsonObject first = new JsonObject(lines.get(0));
        assertThat(first.getString("caller")).startsWith("key-");
        assertThat(first.getString("resource")).isEqualTo("document:aud");
        assertThat(first.getString("permission")).isEqualTo("view");
        assertThat(first.getString("subject")).isEqualTo("user:ann");
        assertThat(first.getString("result")).isEqualTo("HAS_PERMISSION");
        assertThat(first.getLong("revision")).isPositive();
        assertThat(first.getString("time")).isNotBlank();
        assertThat(new JsonObject(lines.get(1))
                        .getJsonArray("items")
                        .getJsonObject(0)
                        .getString("result"))
                .isEqualTo("NO_PERMISSION");
        assertThat(String.join("\n", lines)).doesNotContain(ServerFixture.KEY);
    }

    @Test
    void withoutAKeyTheServerBindsOnlyToLoopback() {
        var config = ServerConfig.builder().host("0.0.0.0").build();
        try (ServerFixture f = new ServerFixture(config)) {
            assertThat(f.server.host()).isEqualTo("127.0.0.1");
            var a = f.post("/v1/schema/read", "{}", null);
            assertThat(a.status).isNotEqualTo(401);
        }
        var insecure =
                ServerConfig.builder().host("0.0.0.0").insecureNoAuth(true).build();
        try (ServerFixture f = new ServerFixture(insecure)) {
            assertThat(f.server.host()).isEqualTo("0.0.0.0");
        }
    }

    @Test
    void tlsServesHttpsWithAPemCertificateAndKey() {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try {
            var config = ServerConfig.builder()
                    .presharedKeys(List.of(ServerFixture.KEY))
                    .tls(Path.of(cert.certificatePath()), Path.of(cert.privateKeyPath()))
                    .build();
            try (ServerFixture f = new ServerFixture(config)) {
                WebClient https = WebClient.create(
                        f.vertx,
                        new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
                var r = https.get(f.server.port(), "127.0.0.1", "/healthz")
                        .send()
                        .await();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("SERVING");
                https.close();
            }
        } finally {
            cert.delete();
        }
    }

    @Test
    void moreRequestsInFlightThanTheLimitAre429() throws Exception {
        Limits one = new Limits.Builder()
                .maxImportBodyBytes(1 << 20)
                .maxUpdatesPerWrite(10)
                .maxPreconditionsPerWrite(10)
                .maxCheckBulkItems(10)
                .maxContextBytes(4096)
                .maxInFlight(1)
                .build();
        try (ServerFixture f = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(one))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest watch = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.server.port() + "/v1/watch"))
                    .header("Authorization", "Bearer " + ServerFixture.KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build();
            HttpResponse<java.io.InputStream> open = http.sendAsync(watch, HttpResponse.BodyHandlers.ofInputStream())
                    .get(10, TimeUnit.SECONDS);
            assertThat(open.statusCode()).isEqualTo(200);
            JsonObject e = f.post("/v1/schema/read", "{}").error(429);
            assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(f.client
                            .get(f.server.port(), "127.0.0.1", "/healthz")
                            .send()
                            .await()
                            .statusCode())
                    .isEqualTo(200);
            open.body().close();
        }
    }

    @Test
    void shutdownStopsAcceptingAndFinishes() throws Exception {
        ServerFixture f = ServerFixture.withKey();
        int port = f.server.port();
        f.server.shutdown(Duration.ofSeconds(2)).await(10, TimeUnit.SECONDS);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        f.client.close();
        f.vertx.close();
        f.engine.close();
    }
}

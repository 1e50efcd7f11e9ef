package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kith serve} configured only by {@code KITH_*} environment variables, no flags: port, bind address,
 * keys, bootstrap file and request limits are all taken from the environment.
 */
class ServeEnvironmentTest {
    private static final String KEY = "environment-test-key";

    @TempDir
    Path tmp;

    @Test
    void everySettingComesFromItsEnvironmentVariableWhenNoFlagIsGiven() throws Exception {
        Path bootstrap = tmp.resolve("boot.yaml");
        Files.writeString(bootstrap, """
                schema: |-
                  definition user {}
                  definition document {
                      relation viewer: user
                      permission view = viewer
                  }
                relationships: |-
                  document:readme#viewer@user:ann
                """);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = tmp.resolve("serve.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                        java, "-Xmx256m", "-cp", classpath, "dev.kith.api.cli.Main", "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment()
                .putAll(Map.of(
                        "KITH_PORT",
                        Integer.toString(port),
                        "KITH_BIND",
                        "127.0.0.1",
                        "KITH_PRESHARED_KEYS",
                        "other-key," + KEY,
                        "KITH_BOOTSTRAP",
                        bootstrap.toString(),
                        "KITH_MAX_BODY_BYTES",
                        "2048"));
        Process process = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            awaitReady(http, port, process, log);
            String check = ServerFixture.checkJson("document", "readme", "view", "user", "ann");

            var withoutKey = http.send(post(port, check, null), HttpResponse.BodyHandlers.ofString());
            assertThat(withoutKey.statusCode()).as(withoutKey.body()).isEqualTo(401);

            var withKey = http.send(post(port, check, KEY), HttpResponse.BodyHandlers.ofString());
            assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(200);
            assertThat(withKey.body()).contains("PERMISSIONSHIP_HAS_PERMISSION");

            String padded = check.replaceFirst("\\{", "{\"context\":{\"pad\":\"" + "x".repeat(4096) + "\"},");
            var tooLarge = http.send(post(port, padded, KEY), HttpResponse.BodyHandlers.ofString());
            assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("2048");

            assertThat(Files.readString(log)).contains("bootstrapped 1 relationships");
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    private static void awaitReady(HttpClient http, int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                var r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // Not listening yet.
            }
            assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("started in 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpRequest post(int port, String json, String key) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/permissions/check"))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) request.header("Authorization", "Bearer " + key);
        return request.build();
    }
}

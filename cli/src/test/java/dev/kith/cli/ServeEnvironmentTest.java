package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        Path bootstrap = ServeProcess.bootstrapFile(tmp);
        int port = ServeProcess.freePort();
        Path log = tmp.resolve("serve.log");
        Process process = ServeProcess.start(
                port,
                log,
                Map.of(
                        "KITH_PORT",
                        Integer.toString(port),
                        "KITH_BIND",
                        "127.0.0.1",
                        "KITH_PRESHARED_KEYS",
                        "other-key," + KEY,
                        "KITH_BOOTSTRAP",
                        bootstrap.toString(),
                        "KITH_MAX_BODY_BYTES",
                        "2048"),
                "/readyz",
                List.of());
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            String check = ServeProcess.checkJson("document", "readme", "view", "user", "ann");

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

    private static HttpRequest post(int port, String json, String key) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/permissions/check"))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) request.header("Authorization", "Bearer " + key);
        return request.build();
    }
}

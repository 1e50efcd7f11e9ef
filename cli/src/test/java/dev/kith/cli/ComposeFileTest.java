package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kith.storage.postgres.PostgresOptions;
import dev.kith.storage.postgres.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The repository's {@code docker-compose.yml} and {@code Dockerfile}, checked without a Docker engine: the kith
 * service's datastore URL points at the compose file's own PostgreSQL service with its credentials, the published
 * ports reach the port kith listens on by default, and {@code kith serve} started with exactly the compose file's
 * {@code KITH_*} environment (only the database address swapped for the test server's) comes up ready over
 * PostgreSQL and answers a write and a check.
 */
final class ComposeFileTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{(\\w+):\\?[^}]*}");

    @TempDir
    Path tmp;

    private static JsonNode compose() throws Exception {
        return new YAMLMapper()
                .readTree(REPOSITORY.resolve("docker-compose.yml").toFile());
    }

    private static Map<String, String> kithEnvironment(JsonNode compose) {
        Map<String, String> env = new HashMap<>();
        compose.at("/x-kith/environment")
                .properties()
                .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    @Test
    void theKithServicesReachTheComposeDatabaseAndTheDefaultPort() throws Exception {
        JsonNode compose = compose();
        JsonNode postgres = compose.at("/services/postgres/environment");
        PostgresOptions datastore =
                PostgresOptions.parse(kithEnvironment(compose).get("KITH_DATASTORE"));
        assertThat(datastore.host()).isEqualTo("postgres");
        assertThat(datastore.port()).isEqualTo(5432);
        assertThat(datastore.user()).isEqualTo(postgres.path("POSTGRES_USER").asText());
        assertThat(datastore.password())
                .isEqualTo(postgres.path("POSTGRES_PASSWORD").asText());
        assertThat(datastore.database()).isEqualTo(postgres.path("POSTGRES_DB").asText());

        String defaultPort = new CommandLine(new Main())
                .getSubcommands()
                .get("serve")
                .getCommandSpec()
                .findOption("--port")
                .defaultValue()
                .replaceAll(".*:-(\\d+)}$", "$1");
        String dockerfile = Files.readString(REPOSITORY.resolve("Dockerfile"));
        assertThat(dockerfile).contains("EXPOSE " + defaultPort);
        for (String service : List.of("kith-a", "kith-b")) {
            JsonNode ports = compose.at("/services/" + service + "/ports");
            assertThat(ports.isArray()).as(service + " publishes a port").isTrue();
            assertThat(ports.get(0).asText()).as(service).endsWith(":" + defaultPort);
        }
    }

    @Test
    void kithServeStartsWithTheComposeEnvironment() throws Exception {
        Map<String, String> env = kithEnvironment(compose());
        String key = "compose-test-key-0123456789";
        for (Map.Entry<String, String> e : env.entrySet()) {
            Matcher m = REQUIRED_VARIABLE.matcher(e.getValue());
            if (m.matches()) {
                assertThat(m.group(1)).isEqualTo("KITH_KEY");
                e.setValue(key);
            }
        }
        assertThat(env).containsEntry("KITH_PRESHARED_KEYS", key);
        // the compose file's datastore URL with its parameters, at the test server's address and a fresh database
        String composeUrl = env.get("KITH_DATASTORE");
        PostgresOptions test = DB.newDatabase("compose");
        String url =
                "postgres://" + test.user() + (test.password() == null ? "" : ":" + test.password()) + "@" + test.host()
                        + ":" + test.port() + "/" + test.database() + composeUrl.substring(composeUrl.indexOf('?'));
        env.put("KITH_DATASTORE", url);
        int port = ServeProcess.freePort();
        env.put("KITH_PORT", Integer.toString(port));
        env.put("KITH_BIND", "127.0.0.1");

        Process node = ServeProcess.start(port, tmp.resolve("serve.log"), env, "/readyz", new ArrayList<>());
        try {
            HttpClient http = HttpClient.newHttpClient();
            String schema =
                    "definition user {}\\ndefinition doc {\\n relation viewer: user\\n permission view = viewer\\n}";
            assertThat(post(http, port, key, "/v1/schema/write", "{\"schema\":\"" + schema + "\"}"))
                    .contains("writtenAt");
            String written = post(
                    http,
                    port,
                    key,
                    "/v1/relationships/write",
                    "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":{\"resource\":{\"objectType\":"
                            + "\"doc\",\"objectId\":\"1\"},\"relation\":\"viewer\",\"subject\":{\"object\":"
                            + "{\"objectType\":\"user\",\"objectId\":\"ann\"}}}}]}");
            String token =
                    new ObjectMapper().readTree(written).at("/writtenAt/token").asText();
            String check = post(
                    http,
                    port,
                    key,
                    "/v1/permissions/check",
                    "{\"consistency\":{\"atLeastAsFresh\":{\"token\":\"" + token + "\"}},\"resource\":{\"objectType\":"
                            + "\"doc\",\"objectId\":\"1\"},\"permission\":\"view\",\"subject\":{\"object\":"
                            + "{\"objectType\":\"user\",\"objectId\":\"ann\"}}}");
            assertThat(check).contains("PERMISSIONSHIP_HAS_PERMISSION");
            assertThat(Files.readString(tmp.resolve("serve.log")))
                    .as("the datastore password is never logged")
                    .doesNotContain(":" + PostgresOptions.parse(composeUrl).password() + "@");
        } finally {
            node.destroy();
            if (!node.waitFor(20, TimeUnit.SECONDS)) node.destroyForcibly();
        }
    }

    private static String post(HttpClient http, int port, String key, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s answered %s", path, r.body()).isEqualTo(200);
        return r.body();
    }
}

package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.engine.Await;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;
import dev.kith.storage.postgres.TcpProxy;
import dev.kith.storage.postgres.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Several {@code kith serve} processes over one PostgreSQL database: they answer alike, acknowledged writes
 * survive {@code kill -9}, and the database going away under load gives 503s, not a restart.
 */
final class PostgresNodesTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String KEY = "nodes-test-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String SCHEMA = "definition user {}\\ndefinition document {\\n"
            + " relation viewer: user\\n relation editor: user\\n permission view = viewer + editor\\n}";

    /** One {@code kith serve} child process. */
    private static final class Node implements AutoCloseable {
        final Process process;
        final int port;
        final Path log;

        Node(String datastoreUrl) throws Exception {
            port = ServeProcess.freePort();
            log = Files.createTempFile("kith-node-", ".log");
            process = ServeProcess.start(
                    port,
                    log,
                    Map.of(),
                    "/healthz",
                    List.of(
                            "--datastore",
                            datastoreUrl,
                            "--bind",
                            "127.0.0.1",
                            "--port",
                            Integer.toString(port),
                            "--preshared-key",
                            KEY,
                            "--freshness-timeout",
                            "10s"));
        }

        int get(String path) throws IOException, InterruptedException {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }

        String text(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s answered %s", path, r.body()).isEqualTo(200);
            return r.body();
        }

        HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(20))
                            .header("Authorization", "Bearer " + KEY)
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        JsonNode ok(String path, String json) throws IOException, InterruptedException {
            HttpResponse<String> r = post(path, json);
            assertThat(r.statusCode()).as("%s answered %s", path, r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
            Files.deleteIfExists(log);
        }
    }

    private static String update(String operation, String doc, String relation, String user) {
        return "{\"operation\":\"OPERATION_" + operation + "\",\"relationship\":{\"resource\":{\"objectType\":"
                + "\"document\",\"objectId\":\"" + doc + "\"},\"relation\":\"" + relation
                + "\",\"subject\":{\"object\":"
                + "{\"objectType\":\"user\",\"objectId\":\"" + user + "\"}}}}";
    }

    private static String write(String... updates) {
        return "{\"updates\":[" + String.join(",", updates) + "]}";
    }

    private static String check(String doc, String user, String consistency) {
        return "{\"consistency\":" + consistency + ",\"resource\":{\"objectType\":\"document\",\"objectId\":\"" + doc
                + "\"},\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"" + user
                + "\"}}}";
    }

    private static String fresh(JsonNode written) {
        return "{\"atLeastAsFresh\":{\"token\":\""
                + written.path("writtenAt").path("token").asText() + "\"}}";
    }

    @Test
    void migrateBringsTheDatabaseUpToDateOnceAndServeThenUsesIt() throws Exception {
        PostgresOptions options = DB.newDatabase("migrate_cli");
        String url = TestDatabase.url(options);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        assertThat(cli.execute("migrate", "--datastore", url)).isZero();
        assertThat(cli.execute("migrate", "--datastore", url)).isZero();
        int latest = PostgresDatastore.latestSchemaVersion();
        assertThat(out.toString())
                .contains(options.database() + ": migrated from schema version 0 to " + latest)
                .contains(options.database() + ": schema version " + latest + ", already up to date");
        try (Node a = new Node(url + "&auto_migrate=false")) {
            a.ok("/v1/schema/write", "{\"schema\":\"" + SCHEMA + "\"}");
        }
        assertThat(cli.execute("migrate", "--datastore", "postgres://h?sslmode=sometimes"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("kith migrate: datastore URL: sslmode 'sometimes' is not one of");
    }

    /** The value of the Prometheus sample {@code series} (name and labels, as printed) in {@code metrics}. */
    private static double sample(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
    }

    @Test
    void servingOverPostgresTheMetricsShowThePoolsConnectionsWaitersAndAcquireTimes() throws Exception {
        try (Node node = new Node(
                TestDatabase.url(DB.newDatabase("pool_metrics")).replaceFirst("pool_size=\\d+", "pool_size=3"))) {
            node.ok("/v1/schema/write", "{\"schema\":\"" + SCHEMA + "\"}");
            for (int i = 0; i < 5; i++) {
                node.ok("/v1/relationships/write", write(update("TOUCH", "p" + i, "viewer", "ann")));
            }
            String metrics = node.text("/metrics");
            double inUse = sample(metrics, "kith_pg_pool_connections{state=\"in_use\"}");
            double idle = sample(metrics, "kith_pg_pool_connections{state=\"idle\"}");
            assertThat(inUse).isBetween(0.0, 3.0);
            assertThat(idle).isBetween(1.0, 3.0);
            assertThat(inUse + idle).isLessThanOrEqualTo(3.0);
            assertThat(sample(metrics, "kith_pg_pool_waiting")).isBetween(0.0, 3.0);
            // every write acquired a connection, each taking some time, and the buckets add up to the count
            double acquired = sample(metrics, "kith_pg_pool_acquire_seconds_count");
            assertThat(acquired).isGreaterThanOrEqualTo(6);
            assertThat(sample(metrics, "kith_pg_pool_acquire_seconds_sum")).isPositive();
            assertThat(sample(metrics, "kith_pg_pool_acquire_seconds_bucket{le=\"+Inf\"}"))
                    .isEqualTo(acquired);
        }
    }

    @Test
    void twoProcessesOverOneDatabaseServeTheSameAnswers() throws Exception {
        String url = TestDatabase.url(DB.newDatabase("two_nodes"));
        String tokenOfOneNode;
        try (Node a = new Node(url);
                Node b = new Node(url)) {
            a.ok("/v1/schema/write", "{\"schema\":\"" + SCHEMA + "\"}");
            JsonNode granted = a.ok("/v1/relationships/write", write(update("CREATE", "d1", "viewer", "ann")));
            tokenOfOneNode = granted.path("writtenAt").path("token").asText();
            assertThat(b.ok("/v1/permissions/check", check("d1", "ann", fresh(granted)))
                            .path("permissionship")
                            .asText())
                    .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
            JsonNode revoked = b.ok("/v1/relationships/write", write(update("DELETE", "d1", "viewer", "ann")));
            assertThat(a.ok("/v1/permissions/check", check("d1", "ann", fresh(revoked)))
                            .path("permissionship")
                            .asText())
                    .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
            HttpResponse<String> conflict =
                    b.post("/v1/relationships/write", write(update("CREATE", "d2", "viewer", "bob")));
            assertThat(conflict.statusCode()).isEqualTo(200);
            assertThat(a.post("/v1/relationships/write", write(update("CREATE", "d2", "viewer", "bob")))
                            .statusCode())
                    .as("a CREATE the other node already made conflicts")
                    .isEqualTo(409);
        }
        // no --token-secret anywhere: the nodes above signed with the database's deployment secret, which a node
        // over another database does not share
        try (Node other = new Node(TestDatabase.url(DB.newDatabase("two_nodes_other")))) {
            other.ok("/v1/schema/write", "{\"schema\":\"" + SCHEMA + "\"}");
            HttpResponse<String> foreign = other.post(
                    "/v1/permissions/check",
                    check("d1", "ann", "{\"atLeastAsFresh\":{\"token\":\"" + tokenOfOneNode + "\"}}"));
            assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(400);
            assertThat(foreign.body()).contains("another kith deployment");
        }
    }

    /**
     * Writes of two relationships each run until the node is killed with SIGKILL. A new node then finds every
     * acknowledged write, and of every write at all either both relationships or neither.
     */
    @Test
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        String url = TestDatabase.url(DB.newDatabase("kill_nine"));
        List<Integer> acknowledged = new CopyOnWriteArrayList<>();
        AtomicReference<String> lastToken = new AtomicReference<>();
        AtomicReference<String> firstToken = new AtomicReference<>();
        try (Node a = new Node(url)) {
            a.ok("/v1/schema/write", "{\"schema\":\"" + SCHEMA + "\"}");
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        HttpResponse<String> r = a.post(
                                "/v1/relationships/write",
                                write(
                                        update("CREATE", "d" + i, "viewer", "ann"),
                                        update("CREATE", "d" + i, "editor", "bob")));
                        if (r.statusCode() == 200) {
                            lastToken.set(JSON.readTree(r.body())
                                    .path("writtenAt")
                                    .path("token")
                                    .asText());
                            firstToken.compareAndSet(null, lastToken.get());
                            acknowledged.add(i);
                        }
                    } catch (IOException e) {
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            writer.start();
            Await.until("40 acknowledged writes", () -> acknowledged.size() >= 40, Duration.ofSeconds(30));
            a.kill();
            stop.set(true);
            writer.join(30_000);
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);
        try (Node b = new Node(url)) {
            HttpResponse<String> read = b.post(
                    "/v1/relationships/read",
                    "{\"consistency\":{\"fullyConsistent\":true},\"relationshipFilter\":{\"resourceType\":\"document\"}}");
            assertThat(read.statusCode()).isEqualTo(200);
            Set<String> viewers = new HashSet<>();
            Set<String> editors = new HashSet<>();
            for (String line : read.body().split("\n")) {
                if (line.isBlank()) continue;
                JsonNode rel = JSON.readTree(line).path("result").path("relationship");
                String doc = rel.path("resource").path("objectId").asText();
                (rel.path("relation").asText().equals("viewer") ? viewers : editors).add(doc);
            }
            for (int i : acknowledged) assertThat(viewers).contains("d" + i);
            assertThat(viewers).as("each write is all or nothing").isEqualTo(editors);
            int last = acknowledged.getLast();
            assertThat(b.ok(
                                    "/v1/permissions/check",
                                    check(
                                            "d" + last,
                                            "ann",
                                            "{\"atLeastAsFresh\":{\"token\":\"" + lastToken.get() + "\"}}"))
                            .path("permissionship")
                            .asText())
                    .as("a token the killed process signed is still this deployment's after the restart")
                    .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
            String asOfFirst = "{\"atExactSnapshot\":{\"token\":\"" + firstToken.get() + "\"}}";
            assertThat(b.ok("/v1/permissions/check", check("d" + acknowledged.getFirst(), "ann", asOfFirst))
                            .path("permissionship")
                            .asText())
                    .as("the first write's revision, from before the restart, is still readable exactly")
                    .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
            assertThat(b.ok("/v1/permissions/check", check("d" + last, "ann", asOfFirst))
                            .path("permissionship")
                            .asText())
                    .as("at that revision the later writes had not happened")
                    .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        }
    }

    /**
     * The database is cut off (through a proxy) while a node serves writes and checks: writes answer 503 and
     * say the store is unavailable, checks keep answering from memory, and once the database is back the same
     * process writes again.
     */
    @Test
    void theDatabaseGoingAwayUnderLoadGives503sAndTheNodeRecovers() throws Exception {
        PostgresOptions direct = DB.newDatabase("db_down");
        try (TcpProxy proxy = new TcpProxy(direct.host(), direct.port())) {
            proxy.start();
            String url = TestDatabase.url(direct.withAddress("127.0.0.1", proxy.port())
                            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3)))
                    + "&connect_timeout=3s";
            try (Node a = new Node(url)) {
                a.ok("/v1/schema/write", "{\"schema\":\"" + SCHEMA + "\"}");
                a.ok("/v1/relationships/write", write(update("CREATE", "d0", "viewer", "ann")));
                AtomicBoolean stop = new AtomicBoolean();
                List<Integer> statuses = new CopyOnWriteArrayList<>();
                AtomicInteger n = new AtomicInteger(1);
                Thread load = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            statuses.add(a.post(
                                            "/v1/relationships/write",
                                            write(update("TOUCH", "d" + n.getAndIncrement(), "viewer", "ann")))
                                    .statusCode());
                        } catch (IOException e) {
                            statuses.add(-1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                load.start();
                Await.until("a write under load to answer 200", () -> statuses.contains(200), Duration.ofSeconds(30));
                int beforeCut = statuses.size();
                proxy.stop();
                Await.until(
                        "a write under load to answer 503 once the database is cut off",
                        () -> {
                            List<Integer> now = List.copyOf(statuses);
                            return now.subList(beforeCut, now.size()).contains(503);
                        },
                        Duration.ofSeconds(30));
                HttpResponse<String> down =
                        a.post("/v1/relationships/write", write(update("TOUCH", "x", "viewer", "ann")));
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("unavailable");
                assertThat(a.ok("/v1/permissions/check", check("d0", "ann", "{\"minimizeLatency\":true}"))
                                .path("permissionship")
                                .asText())
                        .as("checks are answered from memory meanwhile")
                        .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
                assertThat(a.get("/readyz"))
                        .as("/readyz reports the store unavailable")
                        .isEqualTo(503);
                assertThat(a.get("/healthz")).as("the process itself is alive").isEqualTo(200);
                proxy.start();
                Await.until(
                        "the same process to write again",
                        () -> a.post("/v1/relationships/write", write(update("TOUCH", "y", "viewer", "ann")))
                                        .statusCode()
                                == 200,
                        Duration.ofSeconds(30));
                stop.set(true);
                load.join(30_000);
                assertThat(a.get("/readyz")).as("/readyz is ready again").isEqualTo(200);
                List<Integer> seen = new ArrayList<>(new HashSet<>(statuses));
                assertThat(seen)
                        .as("writes under load answered 200 or 503, nothing else")
                        .containsAnyOf(200, 503);
                assertThat(seen).allMatch(s -> s == 200 || s == 503, "200 or 503");
                assertThat(statuses).contains(503);
            }
        }
    }
}

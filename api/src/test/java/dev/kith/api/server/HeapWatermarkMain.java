package dev.kith.api.server;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link HeapWatermarkForkTest} in a JVM with a small heap: serves an in-memory engine with the real heap
 * measurement, and writes batches of new relationships to it until a write is refused for the heap watermark; then
 * checks that reads still answer. Prints one line per finding and exits 0 when shedding started, 1 when the writes
 * ran out before it did; an {@link OutOfMemoryError} exits with the JVM's own status.
 */
public final class HeapWatermarkMain {
    private static final int MAX_WRITES = 5_000;

    private HeapWatermarkMain() {}

    public static void main(String[] args) throws Exception {
        Engine engine = Engines.inMemory(EngineOptions.defaults());
        KithServer server = KithServer.start(engine, ServerConfig.loopback(List.of(ServerFixture.KEY)))
                .await(30, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        post(
                http,
                base + "/v1/schema/write",
                "{\"schema\":\"definition user {}\\ndefinition document {\\n relation"
                        + " viewer: user\\n permission view = viewer\\n}\"}");
        post(http, base + "/v1/relationships/write", batch("first", ""));
        String pad = "p".repeat(900);
        int code = 1;
        for (int i = 0; i < MAX_WRITES; i++) {
            HttpResponse<String> w = post(http, base + "/v1/relationships/write", batch(Integer.toString(i), pad));
            if (w.statusCode() == 429 && w.body().contains("above its watermark")) {
                System.out.println("SHEDDING after " + i + " writes: " + w.body());
                code = 0;
                break;
            }
            if (w.statusCode() != 200) {
                System.out.println("WRITE FAILED " + w.statusCode() + ": " + w.body());
                code = 2;
                break;
            }
        }
        if (code == 0) {
            HttpResponse<String> check = post(
                    http,
                    base + "/v1/permissions/check",
                    ServerFixture.checkJson("document", "d_first_0", "view", "user", "ann"));
            System.out.println("CHECK " + check.statusCode() + " " + check.body());
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("HEALTHZ " + health.statusCode());
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            metrics.body()
                    .lines()
                    .filter(l -> l.startsWith("kith_shedding_writes ")
                            || l.startsWith("kith_heap_live_ratio ")
                            || l.startsWith("kith_writes_refused_total{reason=\"heap\"}"))
                    .forEach(l -> System.out.println("METRIC " + l));
        }
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }

    /** 100 new relationships {@code document:d_N_I<pad>#viewer@user:ann}. */
    private static String batch(String n, String pad) {
        StringBuilder b = new StringBuilder("{\"updates\":[");
        for (int i = 0; i < 100; i++) {
            if (i > 0) b.append(',');
            b.append("{\"operation\":\"OPERATION_CREATE\",\"relationship\":{\"resource\":{\"objectType\":")
                    .append("\"document\",\"objectId\":\"d_")
                    .append(n)
                    .append('_')
                    .append(i)
                    .append(pad)
                    .append("\"},\"relation\":\"viewer\",\"subject\":{\"object\":{\"objectType\":\"user\",")
                    .append("\"objectId\":\"ann\"}}}}");
        }
        return b.append("]}").toString();
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + ServerFixture.KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

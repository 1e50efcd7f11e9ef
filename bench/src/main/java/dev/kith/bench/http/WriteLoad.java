package dev.kith.bench.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop write load: {@code connections} keep-alive connections, one request in flight on each, every
 * request a {@code POST /v1/relationships/write} of {@code batch} TOUCH updates of relationships never sent before
 * in this run, {@code repo:<n>#reader@user:<m>} with one fresh repository number per request ({@code n} counts up
 * from {@code firstRepo}) and {@code m} from 0 to {@code batch − 1}. Like {@link LoadGenerator} it runs on one event
 * loop, targets local endpoints only and stops sending at the deadline; latencies are raw (a write load has no
 * expected interval to correct against).
 */
public final class WriteLoad {
    static final String WRITE_PATH = "/v1/relationships/write";

    private static final long REQUEST_IDLE_TIMEOUT_MS = 30_000;

    /**
     * What to run.
     *
     * @param endpoint the server's base URL (local {@code http://} only)
     * @param bearerKey API key, or {@code null} for none
     * @param connections concurrent connections, at least 1
     * @param batch updates per request, at least 1
     * @param firstRepo the first repository number written
     * @param duration measured time
     * @param warmup unmeasured time before it (its writes are real and use repository numbers too)
     */
    public record Options(
            URI endpoint,
            String bearerKey,
            int connections,
            int batch,
            long firstRepo,
            Duration duration,
            Duration warmup) {
        /** Validates the counts and durations. */
        public Options {
            if (connections < 1) {
                throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
            }
            if (firstRepo < 0) {
                throw new IllegalArgumentException("--first-repo must not be negative, got " + firstRepo);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--seconds must be positive");
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("--warmup must not be negative");
            }
        }
    }

    /**
     * The measured phase's figures.
     *
     * @param requests answered requests
     * @param relationships relationships in requests answered 2xx
     * @param seconds measured time, from start to the last answer
     * @param requestsPerSecond requests answered per second
     * @param relationshipsPerSecond relationships written per second
     * @param p50Ms median latency
     * @param p99Ms 99th-percentile latency
     * @param maxMs largest latency
     * @param errors requests that failed or were not answered 2xx
     * @param nextRepo the first repository number this run did not use (to continue in a later run)
     */
    public record Report(
            long requests,
            long relationships,
            double seconds,
            double requestsPerSecond,
            double relationshipsPerSecond,
            double p50Ms,
            double p99Ms,
            double maxMs,
            long errors,
            long nextRepo) {}

    private WriteLoad() {}

    /**
     * Runs the warm-up and the measured phase; blocks until both are done.
     *
     * @throws IllegalArgumentException if the endpoint is not a local {@code http://} URL
     * @throws IOException if the run could not complete
     */
    public static Report run(Options options) throws IOException {
        URI endpoint = options.endpoint();
        LoadGenerator.requireLocal(endpoint);
        Vertx vertx = LoadGenerator.oneEventLoop();
        try {
            WebClient client = LoadGenerator.client(vertx, endpoint, options.connections());
            HttpRequest<Buffer> request = client.post(LoadGenerator.basePath(endpoint) + WRITE_PATH)
                    .idleTimeout(REQUEST_IDLE_TIMEOUT_MS)
                    .putHeader("content-type", "application/json")
                    .putHeader("accept", "application/json");
            if (options.bearerKey() != null) {
                request.bearerTokenAuthentication(options.bearerKey());
            }
            Context context = vertx.getOrCreateContext();
            long timeout = options.warmup().toSeconds() + options.duration().toSeconds() + 120;
            long nextRepo = options.firstRepo();
            if (!options.warmup().isZero()) {
                LoadRun warmup = phase(vertx, request, options, nextRepo, options.warmup());
                context.runOnContext(v -> warmup.start());
                LoadGenerator.await(warmup.done(), timeout, "write run");
                nextRepo += warmup.sent();
            }
            LoadRun measured = phase(vertx, request, options, nextRepo, options.duration());
            context.runOnContext(v -> measured.start());
            LoadGenerator.await(measured.done(), timeout, "write run");
            double seconds = measured.seconds();
            long relationships = measured.ok() * options.batch();
            Histogram latencies = measured.histogram();
            return new Report(
                    measured.requests(),
                    relationships,
                    LoadReport.round(seconds),
                    LoadReport.round(measured.requests() / seconds),
                    LoadReport.round(relationships / seconds),
                    LoadReport.millis(latencies.getValueAtPercentile(50)),
                    LoadReport.millis(latencies.getValueAtPercentile(99)),
                    LoadReport.millis(latencies.getMaxValue()),
                    measured.errors(),
                    nextRepo + measured.sent());
        } finally {
            LoadGenerator.await(vertx.close().toCompletionStage().toCompletableFuture(), 30, "write run");
        }
    }

    /** The JSON body of one write: {@code batch} TOUCH updates on {@code repo:<repo>}. */
    static Buffer body(long repo, int batch) {
        StringBuilder json = new StringBuilder(160 * batch + 16).append("{\"updates\":[");
        for (int user = 0; user < batch; user++) {
            if (user > 0) {
                json.append(',');
            }
            json.append("{\"operation\":\"OPERATION_TOUCH\",\"relationship\":{\"resource\":")
                    .append("{\"objectType\":\"repo\",\"objectId\":\"")
                    .append(repo)
                    .append("\"},\"relation\":\"reader\",\"subject\":{\"object\":")
                    .append("{\"objectType\":\"user\",\"objectId\":\"")
                    .append(user)
                    .append("\"}}}}");
        }
        return Buffer.buffer(json.append("]}").toString());
    }

    /** One timed phase whose request number {@code i} writes {@code repo:<firstRepo + i>}. */
    private static LoadRun phase(
            Vertx vertx, HttpRequest<Buffer> request, Options options, long firstRepo, Duration duration) {
        LoadRun.Traffic writes = sequence ->
                request.sendBuffer(body(firstRepo + sequence, options.batch())).map(LoadRun::twoHundred);
        return new LoadRun(vertx, writes, options.connections(), duration.toNanos());
    }
}

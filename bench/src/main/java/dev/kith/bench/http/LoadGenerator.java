package dev.kith.bench.http;

import dev.kith.bench.data.Query;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A closed-loop HTTP load generator for kith's check endpoint.
 *
 * <p>It opens a fixed number of connections (HTTP/1.1, keep-alive, no pipelining) and keeps exactly one request
 * in flight on each: when an answer arrives, that connection sends the next query. A closed loop under-reports
 * latency when the server stalls, because requests that would have been sent during the stall never are
 * ("coordinated omission", Gil Tene). The histogram is therefore corrected with HdrHistogram's
 * {@code copyCorrectedForCoordinatedOmission}, using the mean latency as the expected interval between one
 * connection's requests: a response that took k intervals also accounts for the k−1 requests that waited behind
 * it. Both the corrected p99 and the raw one are reported.
 *
 * <p>All callbacks run on one Vert.x event loop, so the counters and histograms need no synchronization. Only
 * loopback or local endpoints are accepted: this tool must never load someone else's server.
 */
public final class LoadGenerator {
    static final String CHECK_PATH = "/v1/permissions/check";
    static final String NOOP_PATH = "/v1/bench/noop";

    /** A request that receives nothing for this long fails (and counts as an error) instead of hanging the run. */
    private static final long REQUEST_IDLE_TIMEOUT_MS = 10_000;

    private LoadGenerator() {}

    /**
     * Runs the load described by {@code options} and, if asked, the baseline after it; blocks until both are
     * done.
     *
     * @throws IllegalArgumentException if the endpoint is not a local {@code http://} URL
     * @throws IOException if the run could not complete (the event loop failed or did not finish in time)
     */
    public static LoadReport run(LoadOptions options) throws IOException {
        URI endpoint = options.endpoint();
        requireLocal(endpoint);
        String basePath = basePath(endpoint);
        Vertx vertx = oneEventLoop();
        try {
            WebClient client = client(vertx, endpoint, options.connections());
            List<Buffer> bodies = CheckBodies.encode(options.queries());
            Context context = vertx.getOrCreateContext();
            LoadRun.Target check = new LoadRun.Target(
                    client.post(basePath + CHECK_PATH)
                            .idleTimeout(REQUEST_IDLE_TIMEOUT_MS)
                            .putHeader("content-type", "application/json")
                            .putHeader("accept", "application/json"),
                    bodies,
                    options.queries().stream().map(Query::expected).toList());
            LoadRun.Target noop = new LoadRun.Target(
                    client.get(basePath + NOOP_PATH).idleTimeout(REQUEST_IDLE_TIMEOUT_MS), null, null);
            if (options.bearerKey() != null) {
                check.request().bearerTokenAuthentication(options.bearerKey());
                noop.request().bearerTokenAuthentication(options.bearerKey());
            }
            LoadReport report = measure(vertx, context, check, options);
            LoadReport baseline = options.baseline() ? measure(vertx, context, noop, options) : null;
            return baseline == null ? report : report.withBaseline(baseline);
        } finally {
            await(vertx.close().toCompletionStage().toCompletableFuture(), 30, "load run");
        }
    }

    /** A Vert.x instance with one event loop: every callback of a run on one thread, so no locking. */
    static Vertx oneEventLoop() {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    }

    /**
     * A client for {@code endpoint} with {@code connections} HTTP/1.1 keep-alive connections and pipelining off,
     * so each connection has at most one request in flight.
     */
    static WebClient client(Vertx vertx, URI endpoint, int connections) {
        return WebClient.create(
                vertx,
                new WebClientOptions()
                        .setDefaultHost(endpoint.getHost())
                        .setDefaultPort(endpoint.getPort() == -1 ? 80 : endpoint.getPort())
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    /** The endpoint's path without trailing slashes, to put the API paths after. */
    static String basePath(URI endpoint) {
        return endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("/+$", "");
    }

    /** Waits for {@code future}; {@code what} names the run in the error ("load run", "write run"). */
    static void await(CompletableFuture<?> future, long seconds, String what) throws IOException {
        try {
            future.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the " + what, e);
        } catch (ExecutionException e) {
            throw new IOException("the " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the " + what + " did not finish within " + seconds + " seconds", e);
        }
    }

    /** Warms up (unrecorded), then measures, with the same target and concurrency. */
    private static LoadReport measure(Vertx vertx, Context context, LoadRun.Target target, LoadOptions options)
            throws IOException {
        long timeout = options.warmup().toSeconds() + options.duration().toSeconds() + 60;
        if (!options.warmup().isZero()) {
            LoadRun warmup = new LoadRun(
                    vertx, target, options.connections(), options.warmup().toNanos());
            context.runOnContext(v -> warmup.start());
            await(warmup.done(), timeout, "load run");
        }
        LoadRun run = new LoadRun(
                vertx, target, options.connections(), options.duration().toNanos());
        context.runOnContext(v -> run.start());
        await(run.done(), timeout, "load run");
        return run.report();
    }

    /**
     * Refuses any endpoint that is not {@code http://} on this machine: a loopback address, the wildcard address,
     * or an address of one of its own network interfaces.
     */
    static void requireLocal(URI endpoint) {
        if (!"http".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException(
                    "the endpoint must be an http:// URL with a host, like http://127.0.0.1:8443, got '" + endpoint
                            + "'");
        }
        requireLocalHost(endpoint.getHost());
    }

    /** Refuses a host that is not this machine (see {@link #requireLocal}); the gRPC driver's rule too. */
    public static void requireLocalHost(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the endpoint's host '" + host + "'");
        }
        for (InetAddress address : addresses) {
            if (!isLocal(address)) {
                throw new IllegalArgumentException("the endpoint's host '" + host + "' ("
                        + address.getHostAddress() + ") is not this machine: the load generator only targets"
                        + " loopback or local addresses");
            }
        }
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}

package dev.kith.api.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.ConnectionPool;
import dev.kith.engine.Engine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kith's HTTP service: the v1 JSON API (SpiceDB's shapes) over an {@link Engine}, with bearer-key
 * authentication, consistency tokens, request limits, Prometheus metrics, health endpoints and an OpenAPI
 * description. Start one with {@link #start}; {@link #shutdown} stops accepting and lets in-flight requests
 * finish. The server owns its Vert.x instance; the engine stays the caller's to close.
 */
public final class KithServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KithServer.class.getName());

    /** The import endpoint, whose body limit is larger than the others'. */
    static final String IMPORT_PATH = "/v1/relationships/importbulk";
    /** ExperimentalService's bulk import, the same endpoint under its older path. */
    static final String EXPERIMENTAL_IMPORT_PATH = "/v1/experimental/relationships/bulkimport";

    /** Whether {@code path} is a bulk import's (NDJSON body under the import limits). */
    static boolean isImport(String path) {
        return path.equals(IMPORT_PATH) || path.equals(EXPERIMENTAL_IMPORT_PATH);
    }

    /** The endpoints that add to what the server holds: refused while the heap is above its watermark. */
    private static final java.util.Set<String> WRITE_PATHS = java.util.Set.of(
            "/v1/relationships/write",
            "/v1/relationships/delete",
            IMPORT_PATH,
            EXPERIMENTAL_IMPORT_PATH,
            "/v1/schema/write");

    /** The header that carries a request's id, in the request (optional) and in every response. */
    static final String REQUEST_ID = "X-Request-Id";

    private final Vertx vertx;
    private final HttpServer server;
    private final Router router;
    private final AuditLog audit;
    private final Tokens tokens;
    private final Metrics metrics;
    private final HeapGuard heap;
    private final String host;
    private volatile boolean draining;
    /** The gRPC server beside the HTTP one, or null when gRPC is off. */
    private volatile GrpcServer grpc;

    private volatile Map<String, Metrics.Endpoint> endpointsByPath = Map.of();
    private volatile Metrics.Endpoint otherEndpoint;
    private final String requestIdPrefix = HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt()) + "-";
    private final AtomicLong requestIds = new AtomicLong();

    private KithServer(
            Vertx vertx,
            HttpServer server,
            Router router,
            AuditLog audit,
            Tokens tokens,
            Metrics metrics,
            HeapGuard heap,
            String host) {
        this.host = host;
        this.heap = heap;
        this.vertx = vertx;
        this.server = server;
        this.router = router;
        this.audit = audit;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    /**
     * Starts serving {@code engine} as {@code config} says. Without preshared keys and without {@code
     * insecureNoAuth}, the server binds to loopback only, whatever host was asked for, and logs that it did.
     */
    public static Future<KithServer> start(Engine engine, ServerConfig config) {
        return start(engine, config, HeapGuard.gcNotifications());
    }

    /** {@link #start(Engine, ServerConfig)}, measuring the live heap with {@code heapSource}. */
    static Future<KithServer> start(Engine engine, ServerConfig config, HeapGuard.Source heapSource) {
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        // Vert.x keeps its metrics backends in a process-wide map by registry name: under the default name a second
        // server in one process (tests, validate-http) bound its JVM and Vert.x meters into the first server's
        // registry, twice. Each server's own name keeps them apart; Vert.x drops the entry when it closes.
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions()
                        .setMetricsOptions(new MicrometerMetricsOptions()
                                .setRegistryName("kith-" + UUID.randomUUID())
                                .setEnabled(true)
                                .setJvmMetricsEnabled(true)
                                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        try {
            return start(vertx, registry, engine, config, heapSource).onFailure(e -> vertx.close());
        } catch (RuntimeException e) {
            vertx.close();
            return Future.failedFuture(e);
        }
    }

    private static Future<KithServer> start(
            Vertx vertx,
            PrometheusMeterRegistry registry,
            Engine engine,
            ServerConfig config,
            HeapGuard.Source heapSource) {
        Authenticator auth = new Authenticator(config.presharedKeys());
        String host = config.host();
        if (!auth.enabled()) {
            if (config.insecureNoAuth()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "no preshared key and --insecure-no-auth: serving WITHOUT authentication on " + host);
            } else if (!isLoopback(host)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "no preshared key: binding to 127.0.0.1 instead of " + host
                                + " (give --preshared-key, or --insecure-no-auth to serve without one)");
                host = "127.0.0.1";
            } else {
                LOG.log(
                        System.Logger.Level.INFO,
                        "no preshared key: serving without authentication on loopback " + host);
            }
        }
        Limits limits = config.limits();
        Tokens tokens = Tokens.create(
                config.tokenSecret() != null
                        ? config.tokenSecret()
                        : engine.deployment().tokenSecret());
        RequestReader reader = new RequestReader(limits, tokens, engine.caveatLimits());
        ObjectMapper mapper = reader.mapper();
        JsonOut out = new JsonOut(mapper, tokens);
        Metrics metrics = new Metrics(registry, engine);
        AuditLog audit = AuditLog.open(config.auditLog(), config.auditOptions(), mapper, metrics);
        Exchange exchange = new Exchange(vertx, engine, reader, out, limits, metrics);
        UnaryHandlers unary = new UnaryHandlers(exchange, audit, metrics);
        StreamHandlers streams = new StreamHandlers(exchange, audit);

        Router router = Router.router(vertx);
        // No cleartext HTTP/2 (h2c): to detect an h2c upgrade Vert.x sets a connection up only once its first request
        // has arrived whole, so a client that never finishes its headers would escape the header timeout and the
        // connection limit (see Connections). HTTP/1.1 is what every kith client speaks.
        HttpServerOptions options =
                new HttpServerOptions().setHost(host).setPort(config.port()).setHttp2ClearTextEnabled(false);
        if (config.tlsCert() != null) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(config.tlsCert().toString())
                            .setKeyPath(config.tlsKey().toString()));
        }
        Connections connections = new Connections(vertx, limits, metrics);
        HttpServer server = vertx.createHttpServer(options).connectionHandler(connections::accepted);
        HeapGuard heap = new HeapGuard(limits.heapWatermark(), heapSource);
        metrics.heap(heap);
        KithServer kith = new KithServer(vertx, server, router, audit, tokens, metrics, heap, host);
        server.invalidRequestHandler(request -> kith.invalidRequest(request, options, mapper));
        router.route().handler(connections::requestArrived);
        AtomicInteger inFlight = new AtomicInteger();
        metrics.inFlight(inFlight);
        kith.routes(
                router,
                inFlight,
                auth,
                limits,
                exchange,
                unary,
                streams,
                config.benchEndpoints(),
                config.metricsRequireKey(),
                registry);
        String scheme = config.tlsCert() == null ? "http" : "https";
        String boundHost = host;
        if (config.grpcPort() != ServerConfig.NO_GRPC) {
            try {
                kith.grpc = GrpcServer.start(
                        host,
                        config.grpcPort(),
                        config,
                        auth,
                        new GrpcCalls(exchange, audit, metrics, heap, inFlight),
                        unary,
                        streams,
                        kith::newRequestId);
            } catch (RuntimeException e) {
                heap.close();
                if (audit != null) audit.close();
                return Future.failedFuture(e.getCause() != null ? e.getCause() : e);
            }
            GrpcServer.logStarted(host, kith.grpc.port(), config, auth, isLoopback(host));
        }
        return server.requestHandler(router)
                .listen()
                .onFailure(e -> {
                    if (kith.grpc != null) kith.grpc.shutdown(Duration.ZERO);
                    heap.close();
                    if (audit != null) audit.close();
                })
                .recover(e -> Future.failedFuture(bindFailure(e, boundHost, config.port())))
                .map(s -> {
                    LOG.log(
                            System.Logger.Level.INFO,
                            "kith listening on " + scheme + "://" + boundHost + ":" + s.actualPort() + " (deployment "
                                    + tokens.deploymentId() + ")");
                    if (auth.enabled() && config.tlsCert() == null && !isLoopback(boundHost)) {
                        LOG.log(System.Logger.Level.WARNING, plaintextWarning(boundHost, s.actualPort()));
                    }
                    return kith;
                });
    }

    private void routes(
            Router router,
            AtomicInteger inFlight,
            Authenticator auth,
            Limits limits,
            Exchange x,
            UnaryHandlers unary,
            StreamHandlers streams,
            boolean bench,
            boolean metricsRequireKey,
            PrometheusMeterRegistry registry) {
        router.route().handler(ctx -> admit(ctx, inFlight, limits.maxInFlight()));

        readable(router, "/healthz").handler(ctx -> x.send(ctx, 200, status(x, "SERVING")));
        readable(router, "/readyz").handler(ctx -> {
            if (draining) {
                x.send(ctx, 503, status(x, "DRAINING"));
                return;
            }
            // the store answers within its own timeout; never block the event loop on it
            vertx.executeBlocking(
                            () -> {
                                x.engine.probeStore();
                                return null;
                            },
                            false)
                    .onComplete(probe -> {
                        if (probe.succeeded()) {
                            x.send(ctx, 200, status(x, "SERVING"));
                        } else {
                            ObjectNode body = status(x, "STORE_UNAVAILABLE");
                            body.put("message", String.valueOf(probe.cause().getMessage()));
                            x.send(ctx, 503, body);
                        }
                    });
        });
        Handler<RoutingContext> prometheus = PrometheusScrapingHandler.create(registry);
        Handler<RoutingContext> scrape = ctx -> {
            metrics.closures();
            prometheus.handle(ctx);
        };
        readable(router, "/metrics")
                .handler(
                        metricsRequireKey
                                ? ctx -> {
                                    if (authenticated(ctx, auth)) scrape.handle(ctx);
                                }
                                : scrape);
        byte[] openapi = openApiDocument();
        readable(router, "/openapi.json")
                .handler(ctx ->
                        ctx.response().putHeader("Content-Type", Exchange.JSON).end(Buffer.buffer(openapi)));

        router.route("/v1/*").handler(ctx -> {
            if (auth.enabled()) {
                if (!authenticated(ctx, auth)) return;
            } else {
                ctx.put(Exchange.CALLER, "anonymous");
            }
            ctx.next();
        });
        BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());
        BodyHandler importBody = BodyHandler.create(false).setBodyLimit(limits.maxImportBodyBytes());
        AtomicLong inFlightBytes = new AtomicLong();
        router.post("/v1/*").handler(ctx -> {
            // Every body is JSON or NDJSON whatever its Content-Type says (curl -d sends a form type): without
            // the header the body handler never decodes it as a form, which failed on bodies over 1 KiB.
            ctx.request().headers().remove("Content-Type");
            String path = ctx.request().path();
            boolean importing = isImport(path);
            if (heap.shedding() && WRITE_PATHS.contains(path)) {
                metrics.writeRefused(Metrics.HEAP);
                refuseUnread(ctx, heap.message());
                return;
            }
            if (!admitBody(ctx, inFlightBytes, importing ? limits.maxImportBodyBytes() : limits.maxBodyBytes(), limits))
                return;
            if (importing) importBody.handle(ctx);
            else body.handle(ctx);
        });
        router.post("/v1/*").handler(x::parseLargeBody);

        unaryRoute(router, "/v1/schema/write", unary::writeSchema);
        unaryRoute(router, "/v1/schema/read", unary::readSchema);
        ReflectionHandlers reflection = new ReflectionHandlers(x);
        unaryRoute(router, "/v1/schema/reflectschema", reflection::reflectSchema);
        unaryRoute(router, "/v1/schema/diffschema", reflection::diffSchema);
        unaryRoute(router, "/v1/schema/permissions/computable", reflection::computablePermissions);
        unaryRoute(router, "/v1/schema/permissions/dependent", reflection::dependentRelations);
        unaryRoute(router, "/v1/experimental/reflectschema", reflection::reflectSchema);
        unaryRoute(router, "/v1/experimental/diffschema", reflection::diffSchema);
        unaryRoute(router, "/v1/experimental/permissions/computable", reflection::computablePermissions);
        unaryRoute(router, "/v1/experimental/permissions/dependent", reflection::dependentRelations);
        unaryRoute(router, "/v1/experimental/permissions/bulkcheckpermission", unary::checkBulk);
        unaryRoute(router, "/v1/relationships/write", unary::writeRelationships);
        unaryRoute(router, "/v1/relationships/delete", unary::deleteRelationships);
        unaryRoute(router, "/v1/permissions/check", unary::check);
        unaryRoute(router, "/v1/permissions/checkbulk", unary::checkBulk);
        unaryRoute(router, "/v1/permissions/expand", unary::expand);
        router.post("/v1/relationships/read").handler(streams::readRelationships);
        router.post("/v1/permissions/resources").handler(streams::lookupResources);
        router.post("/v1/permissions/subjects").handler(streams::lookupSubjects);
        router.post("/v1/relationships/exportbulk").handler(streams::exportBulk);
        router.post(IMPORT_PATH).handler(streams::importBulk);
        router.post(EXPERIMENTAL_IMPORT_PATH).handler(streams::importBulk);
        router.post("/v1/experimental/relationships/bulkexport").handler(streams::exportBulk);
        router.post("/v1/watch").handler(streams::watch);
        if (bench) {
            router.get("/v1/bench/noop").handler(ctx -> {
                ObjectNode n = x.out.object();
                n.put("ok", true);
                x.send(ctx, 200, n);
            });
        }
        Map<String, String> allowed = allowedMethods(router);
        router.route().handler(ctx -> {
            String path = ctx.request().path();
            String allow = allowed.get(path);
            if (allow != null) {
                ctx.response().putHeader("Allow", allow);
                ctx.fail(HttpFailure.methodNotAllowed());
                return;
            }
            ctx.fail(HttpFailure.notFound());
        });
        router.route().failureHandler(ctx -> ErrorMapper.respond(ctx, x));
        Map<String, Metrics.Endpoint> byPath = new HashMap<>();
        for (Route r : router.getRoutes()) {
            if (r.getPath() != null) byPath.put(r.getPath(), metrics.endpoint(r.getPath()));
        }
        endpointsByPath = Map.copyOf(byPath);
        otherEndpoint = metrics.endpoint("other");
    }

    /**
     * Authenticates the request's bearer key, keeping the caller's key id; or fails the request with 401, counts
     * the failure and marks it for the audit log with its reason (never the key presented).
     */
    private boolean authenticated(RoutingContext ctx, Authenticator auth) {
        String authorization = ctx.request().getHeader("Authorization");
        try {
            ctx.put(Exchange.CALLER, auth.authenticate(authorization));
            return true;
        } catch (HttpFailure e) {
            metrics.authFailure();
            AuditLog.authenticationFailed(
                    ctx,
                    authorization == null || authorization.isBlank()
                            ? "no key"
                            : authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                                    ? "unknown key"
                                    : "not a bearer key");
            ctx.fail(e);
            return false;
        }
    }

    /** A route for GET and HEAD (health checks and load balancers probe with either; HEAD gets no body). */
    private static Route readable(Router router, String path) {
        return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
    }

    /**
     * The methods each endpoint takes (its {@code Allow} header), by exact path: a request to a known path with
     * another method is a 501 (grpc-gateway's UNIMPLEMENTED), to an unknown path a 404.
     */
    private static Map<String, String> allowedMethods(Router router) {
        Map<String, TreeSet<String>> methods = new HashMap<>();
        for (Route r : router.getRoutes()) {
            if (r.getPath() == null
                    || !r.isExactPath()
                    || r.methods() == null
                    || r.methods().isEmpty()) continue;
            var set = methods.computeIfAbsent(r.getPath(), p -> new TreeSet<>());
            r.methods().forEach(m -> set.add(m.name()));
        }
        Map<String, String> allow = new HashMap<>();
        methods.forEach((path, set) -> allow.put(path, String.join(", ", set)));
        return Map.copyOf(allow);
    }

    /**
     * A request/response route. Its deadline is armed by {@link Exchange#unary} only when the work goes to a
     * worker: work done inline on the event loop ends the response before any timer could fire.
     */
    private static void unaryRoute(Router router, String path, Handler<RoutingContext> h) {
        router.post(path).handler(h);
    }

    /**
     * Times every request for the metrics, and refuses API calls with 429 while {@code max} are in flight
     * (health, readiness and metrics are never refused).
     */
    private void admit(RoutingContext ctx, AtomicInteger inFlight, int max) {
        long start = System.nanoTime();
        String path = ctx.request().path();
        boolean limited = path.startsWith("/v1/");
        Metrics.Endpoint endpoint = endpointTimers(path);
        String requestId = requestId(ctx);
        ctx.response().putHeader(REQUEST_ID, requestId);
        boolean audited = audit != null && (limited || path.equals("/metrics"));
        if (audited) audit.begin(ctx, path, requestId);
        ctx.addEndHandler(ar -> {
            if (limited) inFlight.decrementAndGet();
            endpoint.record(ctx.response().getStatusCode(), System.nanoTime() - start);
            if (audited) audit.finish(ctx);
        });
        if (limited && inFlight.incrementAndGet() > max) {
            ctx.fail(new HttpFailure(
                    429,
                    "RESOURCE_EXHAUSTED",
                    null,
                    "the server is overloaded (" + max + " requests in flight); retry"));
            return;
        }
        ctx.next();
    }

    /**
     * Counts the request's body among those in flight until the request ends: its Content-Length, or without one
     * (a chunked body) the largest body its endpoint takes, at most the whole limit. Refuses it with 429, before
     * its body is read, when that would put the bodies in flight over {@link Limits#maxInFlightBytes}.
     */
    private boolean admitBody(RoutingContext ctx, AtomicLong inFlightBytes, long endpointMax, Limits limits) {
        long max = limits.maxInFlightBytes();
        long size;
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            try {
                size = Math.min(Long.parseLong(length.strip()), endpointMax);
            } catch (NumberFormatException e) {
                size = Math.min(endpointMax, max); // the body handler answers the malformed header
            }
        } else if (ctx.request().isEnded()) {
            size = 0;
        } else {
            size = Math.min(endpointMax, max);
        }
        if (size <= 0) return true;
        long reserved = size;
        long now = inFlightBytes.addAndGet(reserved);
        if (now > max) {
            inFlightBytes.addAndGet(-reserved);
            metrics.writeRefused(Metrics.IN_FLIGHT_BYTES);
            refuseUnread(
                    ctx,
                    "the server is reading or serving too many request bodies at once (" + (now - reserved)
                            + " bytes in flight, limit " + max + "); retry");
            return false;
        }
        ctx.addEndHandler(ar -> inFlightBytes.addAndGet(-reserved));
        return true;
    }

    /**
     * Answers 429 RESOURCE_EXHAUSTED without reading the request's body; an HTTP/1.1 connection whose body was
     * not read is closed after the answer (the rest of the body would be taken for the next request).
     */
    private static void refuseUnread(RoutingContext ctx, String message) {
        if (!ctx.request().isEnded() && ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            io.vertx.core.http.HttpConnection connection = ctx.request().connection();
            ctx.response().putHeader("Connection", "close").endHandler(v -> connection.close());
        }
        ctx.fail(new HttpFailure(429, "RESOURCE_EXHAUSTED", null, message));
    }

    /**
     * Answers a request Vert.x could not read as HTTP (a malformed request line or header, a request line or headers
     * over their limit) with kith's JSON error, logs it in one line and closes the connection once the answer is
     * sent: the bytes after it cannot be read as a request.
     */
    private void invalidRequest(HttpServerRequest request, HttpServerOptions options, ObjectMapper mapper) {
        Throwable cause = request.decoderResult().cause();
        unreadableHead(
                request,
                ErrorMapper.unreadableHead(cause, options.getMaxInitialLineLength(), options.getMaxHeaderSize()),
                mapper);
    }

    /** Answers {@code request}, whose head could not be read, with {@code error}, and closes its connection. */
    private void unreadableHead(HttpServerRequest request, ErrorMapper.ApiError error, ObjectMapper mapper) {
        LOG.log(
                System.Logger.Level.INFO,
                "unreadable request head from " + request.remoteAddress() + ": " + error.message());
        metrics.connectionClosed(Metrics.MALFORMED);
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(error.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.kith.engine.BugException("a JSON error that does not serialise", e);
        }
        String given = request.getHeader(REQUEST_ID);
        HttpServerResponse response = request.response()
                .setStatusCode(error.status())
                .putHeader("Content-Type", Exchange.JSON)
                .putHeader(
                        REQUEST_ID,
                        given != null && validRequestId(given)
                                ? given
                                : requestIdPrefix + Long.toHexString(requestIds.incrementAndGet()));
        boolean http1 = request.version() != io.vertx.core.http.HttpVersion.HTTP_2;
        if (http1) response.putHeader("Connection", "close");
        io.vertx.core.http.HttpConnection connection = request.connection();
        response.end(Buffer.buffer(body)).onComplete(ar -> {
            if (http1) connection.close();
        });
    }

    /**
     * The request's id: its {@code X-Request-Id} header when that is 1 to 128 characters of letters, digits and
     * {@code -_.:/+=@}, otherwise a new one (this server's random prefix and a counter). It is sent back in the
     * response's {@code X-Request-Id} header and written on the request's audit line.
     */
    private String requestId(RoutingContext ctx) {
        String given = ctx.request().getHeader(REQUEST_ID);
        if (given != null && validRequestId(given)) return given;
        return newRequestId();
    }

    /** A new request id: this server's random prefix and a counter. */
    private String newRequestId() {
        return requestIdPrefix + Long.toHexString(requestIds.incrementAndGet());
    }

    static boolean validRequestId(String id) {
        if (id.isEmpty() || id.length() > 128) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-_.:/+=@".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /** The timers labelled with the path of a known route, otherwise with "other" (so labels stay bounded). */
    private Metrics.Endpoint endpointTimers(String path) {
        Metrics.Endpoint e = endpointsByPath.get(path);
        return e != null ? e : otherEndpoint;
    }

    private static ObjectNode status(Exchange x, String status) {
        ObjectNode n = x.out.object();
        n.put("status", status);
        n.set("appliedRevision", x.out.token(x.engine.appliedRevision()));
        return n;
    }

    private static byte[] openApiDocument() {
        try (InputStream in = KithServer.class.getResourceAsStream("/dev/kith/api/server/openapi.json")) {
            if (in == null) throw new UncheckedIOException(new IOException("openapi.json is missing from the jar"));
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A failure to listen, naming the address and port when it is in use (Vert.x's message names neither). */
    private static Throwable bindFailure(Throwable e, String host, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || String.valueOf(t.getMessage()).contains("Address already in use")) {
                java.net.BindException b =
                        new java.net.BindException("address " + host + ":" + port + " is already in use");
                b.initCause(e);
                return b;
            }
        }
        return e;
    }

    /**
     * The start-up warning of a server that takes preshared keys over plain HTTP on an address other machines can
     * reach: every caller's key crosses the network in the clear.
     */
    static String plaintextWarning(String host, int port) {
        return "serving with preshared keys over PLAINTEXT HTTP on " + host + ":" + port
                + ": every key and request crosses the network unencrypted; give --tls-cert and --tls-key, or bind to"
                + " loopback behind a TLS-terminating proxy";
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The address the server is bound to (loopback when it was started without keys). */
    public String host() {
        return host;
    }

    /** The port the server listens on (useful when started on port 0). */
    public int port() {
        return server.actualPort();
    }

    /** The port the gRPC server listens on, or {@link ServerConfig#NO_GRPC} when it serves no gRPC. */
    public int grpcPort() {
        GrpcServer g = grpc;
        return g == null ? ServerConfig.NO_GRPC : g.port();
    }

    /** The consistency token naming {@code revision} in this deployment. */
    public String token(dev.kith.engine.Revision revision) {
        return tokens.encode(revision);
    }

    /**
     * Adds the metrics of the engine's datastore's connection pool to {@code GET /metrics} ({@code
     * kith_pg_pool_connections}, {@code kith_pg_pool_waiting}, {@code kith_pg_pool_acquire_seconds}; see {@link
     * ConnectionPool}). The program that opened the datastore calls it once, when the store has a pool ({@link
     * dev.kith.engine.Datastore#connectionPool}).
     */
    public void monitorConnectionPool(ConnectionPool pool) {
        metrics.connectionPool(pool);
    }

    /** The registry behind {@code GET /metrics}. */
    public PrometheusMeterRegistry meterRegistry() {
        return metrics.registry();
    }

    Router router() {
        return router;
    }

    /**
     * Graceful shutdown: {@code /readyz} answers 503, the server stops accepting connections, in-flight requests
     * get up to {@code grace} to finish (open watch streams are then closed), and the Vert.x instance is closed.
     * The gRPC server, if any, stops alike in parallel: its health service answers NOT_SERVING, calls in flight
     * get the same grace, and the rest are cancelled.
     */
    public Future<Void> shutdown(Duration grace) {
        draining = true;
        Promise<Void> done = Promise.promise();
        GrpcServer g = grpc;
        Thread grpcStop = g == null
                ? null
                : Thread.ofPlatform().name("kith-grpc-shutdown").start(() -> g.shutdown(grace));
        server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> {
            // Closing Vert.x from one of its own threads would wait on itself: hand it to a plain thread.
            Thread.ofPlatform().name("kith-shutdown").start(() -> {
                if (grpcStop != null) {
                    try {
                        grpcStop.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                heap.close();
                if (audit != null) audit.close();
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                    done.complete();
                } catch (Exception e) {
                    done.fail(e);
                }
            });
        });
        return done.future();
    }

    /** Shuts down with a 10 s grace period and waits for it. */
    @Override
    public void close() {
        try {
            shutdown(Duration.ofSeconds(10)).await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "shutdown did not finish in 30 s");
        }
    }
}

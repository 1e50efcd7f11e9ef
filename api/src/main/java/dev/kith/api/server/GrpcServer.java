package dev.kith.api.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * kith's gRPC server ({@code authzed.api.v1}), started and stopped by {@link KithServer} beside its HTTP server:
 * the same host, keys ({@code authorization: Bearer <key>} metadata) and TLS certificate, its own port. Calls run
 * on a fixed pool of {@link #WORKERS} threads, so a blocking engine call holds only its worker; only a plain check
 * that need not wait (answered from memory, bounded by the depth limit) and the health check are answered on the
 * transport's event loop ({@link #executorOf}), as the HTTP side answers a plain check on its own. The standard health service ({@code grpc.health.v1}) and server reflection answer
 * without a key.
 */
final class GrpcServer {
    private static final System.Logger LOG = System.getLogger(GrpcServer.class.getName());

    /** The threads that run calls (as many as Vert.x's worker pool, which runs the HTTP side's blocking work). */
    static final int WORKERS = 20;

    /** Concurrent calls (HTTP/2 streams) one connection may have open. */
    static final int MAX_CALLS_PER_CONNECTION = 1000;

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> REQUEST_ID =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    private final ExecutorService workers;
    private final HealthStatusManager health;

    private GrpcServer(Server server, ExecutorService workers, HealthStatusManager health) {
        this.server = server;
        this.workers = workers;
        this.health = health;
    }

    /**
     * Starts serving {@code calls} on {@code host:port} (0: any free port), with TLS when {@code config} has a
     * certificate; {@code requestIds} makes an id for a call that brings none.
     */
    static GrpcServer start(
            String host,
            int port,
            ServerConfig config,
            Authenticator auth,
            GrpcCalls calls,
            UnaryHandlers unary,
            StreamHandlers streams,
            Supplier<String> requestIds) {
        ServerCredentials credentials;
        try {
            credentials = config.tlsCert() == null
                    ? InsecureServerCredentials.create()
                    : TlsServerCredentials.create(
                            config.tlsCert().toFile(), config.tlsKey().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS certificate or key: " + e.getMessage(), e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(
                WORKERS, Thread.ofPlatform().name("kith-grpc-", 0).daemon().factory());
        HealthStatusManager health = new HealthStatusManager();
        ServerInterceptor authenticate = new Authenticate(auth, calls, requestIds);
        var permissions = new GrpcServices.Permissions(calls, unary, streams, workers);
        ReflectionHandlers reflection = new ReflectionHandlers(calls.x);
        var schema = new GrpcServices.Schema(calls, unary, reflection);
        var experimental = new GrpcServices.Experimental(calls, unary, streams, reflection);
        var watch = new GrpcServices.Watch(calls, streams);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
                // the server's own executor runs each call's method lookup before the call's executor is chosen:
                // a direct one keeps that on the network thread (as a worker, it cost every check two thread hops)
                .directExecutor()
                .callExecutor(new io.grpc.ServerCallExecutorSupplier() {
                    @Override
                    public <ReqT, RespT> java.util.concurrent.Executor getExecutor(
                            io.grpc.ServerCall<ReqT, RespT> call, io.grpc.Metadata headers) {
                        return executorOf(call.getMethodDescriptor().getFullMethodName(), workers);
                    }
                })
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, calls.x.limits.maxBodyBytes()))
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .addService(ServerInterceptors.intercept(permissions, authenticate))
                .addService(ServerInterceptors.intercept(schema, authenticate))
                .addService(ServerInterceptors.intercept(watch, authenticate))
                .addService(ServerInterceptors.intercept(experimental, authenticate))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(legacyReflection())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            workers.shutdownNow();
            if (e instanceof java.net.BindException
                    || String.valueOf(e.getMessage()).contains("already in use")) {
                java.net.BindException b =
                        new java.net.BindException("gRPC address " + host + ":" + port + " is already in use");
                b.initCause(e);
                throw new UncheckedIOException(b);
            }
            throw new UncheckedIOException("cannot start the gRPC server on " + host + ":" + port, e);
        }
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(
                dev.kith.proto.v1.PermissionsServiceGrpc.SERVICE_NAME,
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(
                dev.kith.proto.v1.SchemaServiceGrpc.SERVICE_NAME,
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(
                dev.kith.proto.v1.WatchServiceGrpc.SERVICE_NAME,
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        return new GrpcServer(server, workers, health);
    }

    /**
     * The executor a call of {@code method} runs on: the network thread itself (a direct executor) for
     * CheckPermission, which hands to the workers only the checks that may wait or evaluate a caller's context
     * ({@link GrpcServices.Permissions#checkPermission}), and for the health check; {@code workers} (the
     * kith-grpc pool) for every other method.
     */
    static java.util.concurrent.Executor executorOf(String method, java.util.concurrent.Executor workers) {
        return method.equals(dev.kith.proto.v1.PermissionsServiceGrpc.getCheckPermissionMethod()
                                .getFullMethodName())
                        || method.equals(
                                io.grpc.health.v1.HealthGrpc.getCheckMethod().getFullMethodName())
                ? com.google.common.util.concurrent.MoreExecutors.directExecutor()
                : workers;
    }

    /** The reflection service older tools (grpcurl before v1, zed) ask for, {@code grpc.reflection.v1alpha}. */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService legacyReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    int port() {
        return server.getPort();
    }

    /**
     * Stops taking calls (health answers NOT_SERVING), gives those in flight up to {@code grace} to finish, then
     * cancels the rest.
     */
    void shutdown(Duration grace) {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        workers.shutdownNow();
    }

    /**
     * Checks every call's {@code authorization: Bearer <key>} metadata against the preshared keys: none is
     * UNAUTHENTICATED, an unknown key PERMISSION_DENIED (as SpiceDB answers). Sets the caller, its address and
     * the request id (its {@code x-request-id} header, see {@link RequestIdCall}) on the call's context when there is an
     * audit log to write them. A successful call with neither a caller's id nor an audit log makes no id at all.
     */
    private static final class Authenticate implements ServerInterceptor {
        private final Authenticator auth;
        private final GrpcCalls calls;
        private final Supplier<String> requestIds;

        Authenticate(Authenticator auth, GrpcCalls calls, Supplier<String> requestIds) {
            this.auth = auth;
            this.calls = calls;
            this.requestIds = requestIds;
        }

        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            String given = headers.get(REQUEST_ID);
            boolean echo = given != null && KithServer.validRequestId(given);
            SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            RequestIdCall<Q, A> withId = new RequestIdCall<>(call, echo ? given : null, requestIds);
            String caller = "anonymous";
            if (auth.enabled()) {
                String authorization = headers.get(AUTHORIZATION);
                try {
                    caller = auth.authenticate(authorization);
                } catch (HttpFailure e) {
                    calls.authenticationFailed(
                            call.getMethodDescriptor().getFullMethodName(),
                            withId.requestId(),
                            GrpcCalls.client(remote),
                            authorization == null || authorization.isBlank()
                                    ? "no key"
                                    : authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                                            ? "unknown key"
                                            : "not a bearer key",
                            e);
                    StatusRuntimeException answer = GrpcErrors.of(e, null);
                    Metadata trailers = answer.getTrailers() == null ? new Metadata() : answer.getTrailers();
                    withId.close(answer.getStatus(), trailers);
                    return new ServerCall.Listener<>() {};
                }
            }
            // only the audit log reads who called: without one, the call keeps gRPC's own context, and its
            // listener is not wrapped to attach another around each of its callbacks
            if (!calls.audited()) return next.startCall(withId, headers);
            Context context = Context.current()
                    .withValues(
                            GrpcCalls.CALLER,
                            caller,
                            GrpcCalls.CLIENT,
                            remote,
                            GrpcCalls.REQUEST_ID,
                            withId.requestId());
            return Contexts.interceptCall(context, withId, headers, next);
        }
    }

    /**
     * A call that hands its request id back: in the response headers when the caller sent one ({@code
     * x-request-id}), and in the trailers of a failed call whose id the server made, so that a failure can be
     * found in the audit log. A successful call with no id of its own gets none back: an id that differs on
     * every answer cannot be indexed by HPACK and would churn the connection's header table on every call (3 %
     * of the server's time per check in a profile).
     */
    private static final class RequestIdCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
        private final boolean echo;
        private final Supplier<String> ids;
        /** The caller's id, or the server's once something needed one (a failure, an audit line); else null. */
        private String requestId;

        /** {@code given}: the caller's valid id, or null for one made by {@code ids} only when needed. */
        RequestIdCall(ServerCall<Q, A> call, String given, Supplier<String> ids) {
            super(call);
            this.echo = given != null;
            this.requestId = given;
            this.ids = ids;
        }

        /** The call's request id, made on first need (gRPC calls a call's methods one at a time). */
        String requestId() {
            if (requestId == null) requestId = ids.get();
            return requestId;
        }

        @Override
        public void sendHeaders(Metadata responseHeaders) {
            if (echo) responseHeaders.put(REQUEST_ID, requestId);
            super.sendHeaders(responseHeaders);
        }

        @Override
        public void close(io.grpc.Status status, Metadata trailers) {
            if (!echo && !status.isOk()) trailers.put(REQUEST_ID, requestId());
            super.close(status, trailers);
        }
    }

    static void logStarted(String host, int port, ServerConfig config, Authenticator auth, boolean loopback) {
        LOG.log(
                System.Logger.Level.INFO,
                "kith gRPC listening on " + host + ":" + port + (config.tlsCert() == null ? " (plaintext)" : " (TLS)"));
        if (auth.enabled() && config.tlsCert() == null && !loopback) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "serving gRPC with preshared keys over PLAINTEXT on " + host + ":" + port
                            + ": every key crosses the network unencrypted; give --tls-cert and --tls-key, or bind to"
                            + " loopback behind a TLS-terminating proxy");
        }
    }
}

package dev.kith.client;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real kith server (HTTP and gRPC) on random loopback ports over an in-memory engine, with one preshared key. */
final class TestServer implements AutoCloseable {
    static final String KEY = "client-test-key-0123456789";

    final Engine engine;
    final KithServer server;

    private TestServer(Engine engine, ServerConfig config) {
        this.engine = engine;
        try {
            this.server = KithServer.start(engine, config).await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the server did not start", e);
        }
    }

    static TestServer start() {
        return start(ServerConfig.loopback(List.of(KEY)).withGrpcPort(0));
    }

    static TestServer start(ServerConfig config) {
        return new TestServer(Engines.inMemory(EngineOptions.defaults()), config);
    }

    String target() {
        return "grpc://127.0.0.1:" + server.grpcPort();
    }

    /** A configuration for this server with its key and no consistency tokens. */
    KithConfig.Builder config() {
        return KithConfig.builder(target()).presharedKey(KEY).consistencyTokens(null);
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}

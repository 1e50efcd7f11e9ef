package dev.kith.junit;

import dev.kith.api.server.ServerConfig;
import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.engine.Engine;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link KithServer}: before the class's tests, loads the validation file into an in-memory
 * engine, serves it over HTTP and gRPC on random loopback ports with a random preshared key, and connects a gRPC
 * client; injects the client ({@code Kith}) and the {@link KithEndpoints} into fields and parameters; stops
 * everything after the class. Registered by the annotation; not used on its own.
 */
public final class KithServerExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KithServerExtension.class);
    private static final String KEY = "server";

    /** How long the server may take to start. */
    private static final long START_SECONDS = 30;

    /** Found by JUnit. */
    public KithServerExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        KithServer a = testClass.getAnnotation(KithServer.class);
        if (a == null) return;
        Running r = start(testClass, a.value());
        context.getStore(NS).put(KEY, r);
        KithExtension.inject(testClass, null, Kith.class, r.kith, true);
        KithExtension.inject(testClass, null, KithEndpoints.class, r.endpoints, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Running r = running(context);
        if (r == null) return;
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            KithExtension.inject(instance.getClass(), instance, Kith.class, r.kith, false);
            KithExtension.inject(instance.getClass(), instance, KithEndpoints.class, r.endpoints, false);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running r = context.getStore(NS).remove(KEY, Running.class);
        if (r != null) r.close();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Kith.class || type == KithEndpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running r = running(context);
        if (r == null) {
            throw new ExtensionConfigurationException("no kith server for " + context.getDisplayName()
                    + ": it starts before the class's tests; take it in a test's or a lifecycle method's parameter");
        }
        return parameter.getParameter().getType() == Kith.class ? r.kith : r.endpoints;
    }

    private static Running running(ExtensionContext context) {
        return KithExtension.nearest(context, NS, KEY, Running.class);
    }

    /** Loads the file, starts the server on random loopback ports and connects a client to its gRPC port. */
    static Running start(Class<?> testClass, String resource) {
        Engine engine = KithExtension.engine(testClass, resource, "@KithServer");
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String key = "kith-test-" + HexFormat.of().formatHex(secret);
        dev.kith.api.server.KithServer server;
        try {
            server = dev.kith.api.server.KithServer.start(
                            engine, ServerConfig.loopback(List.of(key)).withGrpcPort(0))
                    .await(START_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            engine.close();
            throw new ExtensionConfigurationException(
                    "@KithServer(\"" + resource + "\"): the server did not start: " + e.getMessage(), e);
        }
        KithEndpoints endpoints = new KithEndpoints(
                "grpc://" + server.host() + ":" + server.grpcPort(),
                "http://" + server.host() + ":" + server.port(),
                key);
        Kith kith = Kith.connect(
                KithConfig.builder(endpoints.grpcTarget()).presharedKey(key).build());
        return new Running(engine, server, kith, endpoints);
    }

    /** A running server with its engine and client, closed together. */
    record Running(Engine engine, dev.kith.api.server.KithServer server, Kith kith, KithEndpoints endpoints)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                kith.close();
            } finally {
                try {
                    server.close();
                } finally {
                    engine.close();
                }
            }
        }
    }
}

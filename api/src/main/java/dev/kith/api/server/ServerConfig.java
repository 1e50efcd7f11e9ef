package dev.kith.api.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link KithServer} listens and whom it lets in.
 *
 * @param host the bind address; without keys and without {@code insecureNoAuth} only a loopback address is
 *     accepted
 * @param port the port, 0 for any free port
 * @param presharedKeys the bearer keys callers must present (empty: no authentication)
 * @param insecureNoAuth allow serving without keys on a non-loopback address
 * @param tlsCert PEM certificate chain, or null for plain HTTP
 * @param tlsKey PEM private key, or null for plain HTTP
 * @param limits request limits
 * @param auditLog where to write the audit log, one JSON line per API request: a file path, {@code -} for
 *     standard output, or null for none
 * @param benchEndpoints serve {@code GET /v1/bench/noop}, the benchmark's HTTP baseline
 * @param tokenSecret the secret that signs consistency tokens and identifies this deployment (every node of one
 *     deployment must share it); null takes the deployment's own from the engine's datastore ({@code
 *     Engine.deployment()}: kept in the database by PostgreSQL, random per process in memory)
 * @param auditOptions rotation and sampling of the audit log (null: {@link AuditOptions#defaults})
 * @param metricsRequireKey ask {@code GET /metrics} for a preshared key like the API (it needs keys)
 * @param grpcPort the port of the gRPC API ({@code authzed.api.v1}) served beside HTTP on the same host, with
 *     the same keys and TLS: 0 for any free port, {@link #NO_GRPC} (-1) for no gRPC server
 */
public record ServerConfig(
        String host,
        int port,
        List<String> presharedKeys,
        boolean insecureNoAuth,
        Path tlsCert,
        Path tlsKey,
        Limits limits,
        String auditLog,
        boolean benchEndpoints,
        String tokenSecret,
        AuditOptions auditOptions,
        boolean metricsRequireKey,
        int grpcPort) {
    /** The gRPC port kith serves on unless told otherwise (SpiceDB's). */
    public static final int DEFAULT_GRPC_PORT = 50051;

    /** A {@link #grpcPort} that serves no gRPC. */
    public static final int NO_GRPC = -1;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
        if (grpcPort < NO_GRPC || grpcPort > 65535) {
            throw new IllegalArgumentException("the gRPC port must be 0..65535, or -1 for none: " + grpcPort);
        }
        presharedKeys = presharedKeys == null ? List.of() : List.copyOf(presharedKeys);
        for (String k : presharedKeys) {
            if (k.isBlank()) throw new IllegalArgumentException("a preshared key must not be blank");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key");
        }
        limits = limits == null ? Limits.defaults() : limits;
        auditOptions = auditOptions == null ? AuditOptions.defaults() : auditOptions;
        if (metricsRequireKey && presharedKeys.isEmpty()) {
            throw new IllegalArgumentException("--metrics-require-key needs a --preshared-key");
        }
    }

    /** A configuration with the default audit options, an open {@code /metrics} and no gRPC. */
    public ServerConfig(
            String host,
            int port,
            List<String> presharedKeys,
            boolean insecureNoAuth,
            Path tlsCert,
            Path tlsKey,
            Limits limits,
            String auditLog,
            boolean benchEndpoints,
            String tokenSecret) {
        this(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                benchEndpoints,
                tokenSecret,
                null,
                false,
                NO_GRPC);
    }

    /** A configuration without gRPC. */
    public ServerConfig(
            String host,
            int port,
            List<String> presharedKeys,
            boolean insecureNoAuth,
            Path tlsCert,
            Path tlsKey,
            Limits limits,
            String auditLog,
            boolean benchEndpoints,
            String tokenSecret,
            AuditOptions auditOptions,
            boolean metricsRequireKey) {
        this(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                benchEndpoints,
                tokenSecret,
                auditOptions,
                metricsRequireKey,
                NO_GRPC);
    }

    /** Loopback on a random port, with the given keys and default limits: for tests and embedded use. */
    public static ServerConfig loopback(List<String> presharedKeys) {
        return new ServerConfig("127.0.0.1", 0, presharedKeys, false, null, null, Limits.defaults(), null, false, null);
    }

    public ServerConfig withLimits(Limits v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                v,
                auditLog,
                benchEndpoints,
                tokenSecret,
                auditOptions,
                metricsRequireKey,
                grpcPort);
    }

    public ServerConfig withAuditLog(String v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                v,
                benchEndpoints,
                tokenSecret,
                auditOptions,
                metricsRequireKey,
                grpcPort);
    }

    public ServerConfig withBenchEndpoints(boolean v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                v,
                tokenSecret,
                auditOptions,
                metricsRequireKey,
                grpcPort);
    }

    public ServerConfig withTokenSecret(String v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                benchEndpoints,
                v,
                auditOptions,
                metricsRequireKey,
                grpcPort);
    }

    public ServerConfig withAuditOptions(AuditOptions v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                benchEndpoints,
                tokenSecret,
                v,
                metricsRequireKey,
                grpcPort);
    }

    public ServerConfig withMetricsRequireKey(boolean v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                benchEndpoints,
                tokenSecret,
                auditOptions,
                v,
                grpcPort);
    }

    public ServerConfig withGrpcPort(int v) {
        return new ServerConfig(
                host,
                port,
                presharedKeys,
                insecureNoAuth,
                tlsCert,
                tlsKey,
                limits,
                auditLog,
                benchEndpoints,
                tokenSecret,
                auditOptions,
                metricsRequireKey,
                v);
    }
}

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

    /**
     * A configuration to fill in: loopback on a random port, no keys, default limits and audit options, no audit
     * log, no gRPC.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change a few of its settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.presharedKeys = presharedKeys;
        b.insecureNoAuth = insecureNoAuth;
        b.tlsCert = tlsCert;
        b.tlsKey = tlsKey;
        b.limits = limits;
        b.auditLog = auditLog;
        b.benchEndpoints = benchEndpoints;
        b.tokenSecret = tokenSecret;
        b.auditOptions = auditOptions;
        b.metricsRequireKey = metricsRequireKey;
        b.grpcPort = grpcPort;
        return b;
    }

    /** Loopback on a random port, with the given keys and default limits: for tests and embedded use. */
    public static ServerConfig loopback(List<String> presharedKeys) {
        return builder().presharedKeys(presharedKeys).build();
    }

    public ServerConfig withLimits(Limits v) {
        return toBuilder().limits(v).build();
    }

    public ServerConfig withAuditLog(String v) {
        return toBuilder().auditLog(v).build();
    }

    public ServerConfig withBenchEndpoints(boolean v) {
        return toBuilder().benchEndpoints(v).build();
    }

    public ServerConfig withTokenSecret(String v) {
        return toBuilder().tokenSecret(v).build();
    }

    public ServerConfig withAuditOptions(AuditOptions v) {
        return toBuilder().auditOptions(v).build();
    }

    public ServerConfig withMetricsRequireKey(boolean v) {
        return toBuilder().metricsRequireKey(v).build();
    }

    public ServerConfig withGrpcPort(int v) {
        return toBuilder().grpcPort(v).build();
    }

    /** Builds a {@link ServerConfig}; {@link #build} checks it. Settings not given keep {@link #builder}'s. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private List<String> presharedKeys = List.of();
        private boolean insecureNoAuth = false;
        private Path tlsCert = null;
        private Path tlsKey = null;
        private Limits limits = null;
        private String auditLog = null;
        private boolean benchEndpoints = false;
        private String tokenSecret = null;
        private AuditOptions auditOptions = null;
        private boolean metricsRequireKey = false;
        private int grpcPort = NO_GRPC;

        private Builder() {}

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder presharedKeys(List<String> v) {
            presharedKeys = v;
            return this;
        }

        public Builder insecureNoAuth(boolean v) {
            insecureNoAuth = v;
            return this;
        }

        public Builder tlsCert(Path v) {
            tlsCert = v;
            return this;
        }

        public Builder tlsKey(Path v) {
            tlsKey = v;
            return this;
        }

        public Builder limits(Limits v) {
            limits = v;
            return this;
        }

        public Builder auditLog(String v) {
            auditLog = v;
            return this;
        }

        public Builder benchEndpoints(boolean v) {
            benchEndpoints = v;
            return this;
        }

        public Builder tokenSecret(String v) {
            tokenSecret = v;
            return this;
        }

        public Builder auditOptions(AuditOptions v) {
            auditOptions = v;
            return this;
        }

        public Builder metricsRequireKey(boolean v) {
            metricsRequireKey = v;
            return this;
        }

        public Builder grpcPort(int v) {
            grpcPort = v;
            return this;
        }

        /** TLS from a PEM certificate chain and its private key (both, or neither for plain text). */
        public Builder tls(Path cert, Path key) {
            tlsCert = cert;
            tlsKey = key;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if a setting is out of range or settings contradict each other
         */
        public ServerConfig build() {
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
                    grpcPort);
        }
    }
}

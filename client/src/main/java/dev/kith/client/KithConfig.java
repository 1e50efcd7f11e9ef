package dev.kith.client;

import io.grpc.ClientInterceptor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How {@link Kith#connect} reaches kith. Build one with {@link #builder(String)}:
 *
 * <pre>{@code
 * KithConfig config = KithConfig.builder("grpcs://authz.internal:50051")
 *         .presharedKey(() -> secrets.get("kith"))      // asked on every call, so a rotated key is picked up
 *         .caCertificate(Path.of("/etc/kith/ca.pem"))
 *         .deadline(Duration.ofMillis(500))
 *         .build();
 * }</pre>
 *
 * @param target {@code grpc://host:port} (plaintext), {@code grpcs://host:port} (TLS), or {@code embedded:} (an
 *     engine in this process, with {@code kith-embedded})
 * @param presharedKey the key sent as {@code authorization: Bearer <key>} on every call, asked for each call; null
 *     sends none
 * @param caCertificate a PEM file of the CA certificates to trust for {@code grpcs://}; null trusts the JDK's
 * @param deadline the deadline of each unary call (retries included)
 * @param streamDeadline the deadline of each lookup, read, export and import stream as a whole
 * @param retry how calls answered {@code UNAVAILABLE} are retried (idempotent ones only, see {@link Kith})
 * @param maxInFlight how many calls and open streams (watches aside) may be in flight at once; a call past it waits
 *     for a free slot within its deadline
 * @param consistencyTokens the tokens that make reads see this client's writes (see {@link ConsistencyTokens});
 *     null turns them off
 * @param interceptors gRPC interceptors every call goes through (tracing, logging), outermost first
 */
public record KithConfig(
        String target,
        Supplier<String> presharedKey,
        Path caCertificate,
        Duration deadline,
        Duration streamDeadline,
        RetryPolicy retry,
        int maxInFlight,
        ConsistencyTokens consistencyTokens,
        List<ClientInterceptor> interceptors) {

    /**
     * A configuration; see the record's parameters.
     *
     * @throws IllegalArgumentException if the target has no scheme, a deadline is not positive, or {@code
     *     maxInFlight} is below 1
     * @throws NullPointerException if the target, a deadline or the retry policy is null
     */
    public KithConfig {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(streamDeadline, "streamDeadline");
        Objects.requireNonNull(retry, "retry");
        if (!deadline.isPositive()) throw new IllegalArgumentException("deadline must be positive: " + deadline);
        if (!streamDeadline.isPositive()) {
            throw new IllegalArgumentException("streamDeadline must be positive: " + streamDeadline);
        }
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        interceptors = interceptors == null ? List.of() : List.copyOf(interceptors);
        scheme(target);
    }

    /**
     * A configuration for {@code target} to fill in; everything else has its default.
     *
     * @param target {@code grpc://host:port}, {@code grpcs://host:port} or {@code embedded:}
     * @return a configuration for {@code target} to fill in
     */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    /**
     * The target's scheme, without the colon.
     *
     * @return the target's scheme, without the colon
     */
    public String scheme() {
        return scheme(target);
    }

    private static String scheme(String target) {
        int colon = target.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("kith target `" + target
                    + "` has no scheme: expected grpc://host:port, grpcs://host:port or embedded:");
        }
        return target.substring(0, colon);
    }

    /** The host and port of a {@code grpc://} or {@code grpcs://} target (50051 when it names none). */
    URI address() {
        URI u;
        try {
            u = URI.create(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kith target `" + target + "` is not a URL: " + e.getMessage(), e);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException(
                    "kith target `" + target + "` names no host: expected " + scheme() + "://host:port");
        }
        return u;
    }

    /** Fills in a {@link KithConfig}. */
    public static final class Builder {
        private String target;
        private Supplier<String> presharedKey;
        private Path caCertificate;
        private Duration deadline = Duration.ofSeconds(10);
        private Duration streamDeadline = Duration.ofMinutes(5);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private int maxInFlight = 256;
        private ConsistencyTokens consistencyTokens = new ConsistencyTokens();
        private final List<ClientInterceptor> interceptors = new ArrayList<>();

        private Builder(String target) {
            this.target = target;
        }

        /**
         * The target URL.
         *
         * @param v {@code grpc://host:port}, {@code grpcs://host:port} or {@code embedded:}
         * @return this builder
         */
        public Builder target(String v) {
            target = v;
            return this;
        }

        /**
         * A fixed preshared key (null: none).
         *
         * @param v the key, or null for none
         * @return this builder
         */
        public Builder presharedKey(String v) {
            presharedKey = v == null ? null : () -> v;
            return this;
        }

        /**
         * A preshared key asked for on every call (from a secret store, say).
         *
         * @param v gives the key for each call; null for none
         * @return this builder
         */
        public Builder presharedKey(Supplier<String> v) {
            presharedKey = v;
            return this;
        }

        /**
         * A PEM file of the CA certificates that sign the server's certificate (default: the JDK's trusted CAs).
         *
         * @param v the PEM file, or null for the JDK's trusted CAs
         * @return this builder
         */
        public Builder caCertificate(Path v) {
            caCertificate = v;
            return this;
        }

        /**
         * The deadline of each unary call (default 10 s).
         *
         * @param v the deadline, positive
         * @return this builder
         */
        public Builder deadline(Duration v) {
            deadline = v;
            return this;
        }

        /**
         * The deadline of each stream as a whole (default 5 min).
         *
         * @param v the deadline, positive
         * @return this builder
         */
        public Builder streamDeadline(Duration v) {
            streamDeadline = v;
            return this;
        }

        /**
         * The retry policy (default {@link RetryPolicy#DEFAULT}).
         *
         * @param v the policy; {@link RetryPolicy#NONE} turns retries off
         * @return this builder
         */
        public Builder retry(RetryPolicy v) {
            retry = v;
            return this;
        }

        /**
         * The bound on calls in flight (default 256).
         *
         * @param v the bound, at least 1
         * @return this builder
         */
        public Builder maxInFlight(int v) {
            maxInFlight = v;
            return this;
        }

        /**
         * The consistency tokens (default: a new {@link ConsistencyTokens}); null turns them off.
         *
         * @param v the tokens, or null for none
         * @return this builder
         */
        public Builder consistencyTokens(ConsistencyTokens v) {
            consistencyTokens = v;
            return this;
        }

        /**
         * Adds an interceptor that every gRPC call goes through; the first added is the outermost.
         *
         * @param v the interceptor
         * @return this builder
         */
        public Builder interceptor(ClientInterceptor v) {
            interceptors.add(Objects.requireNonNull(v, "interceptor"));
            return this;
        }

        /**
         * The configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a setting is out of range (see {@link KithConfig})
         */
        public KithConfig build() {
            return new KithConfig(
                    target,
                    presharedKey,
                    caCertificate,
                    deadline,
                    streamDeadline,
                    retry,
                    maxInFlight,
                    consistencyTokens,
                    interceptors);
        }
    }
}

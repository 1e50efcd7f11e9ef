package dev.kith.cli;

import dev.kith.cli.remote.Connection;
import dev.kith.cli.remote.Contexts;
import dev.kith.cli.remote.Endpoint;
import dev.kith.client.KithClient;
import dev.kith.engine.KithException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options every client command shares: where the server is, the token to present, the CA to trust, plaintext or
 * TLS, and how long a call may take. An endpoint given by flag or {@code KITH_ENDPOINT} is used with the flags alone;
 * otherwise the current context (see {@code kith context}) is used, each of its settings overridden by a flag given;
 * with neither, {@code localhost:50051}.
 */
final class ClientOptions {
    /** What the HTTP-only commands of earlier releases talk to when nothing else is said. */
    static final String LEGACY_HTTP_DEFAULT = "http://127.0.0.1:8443";

    @Option(
            names = "--endpoint",
            paramLabel = "ENDPOINT",
            description = "host:port for gRPC (as zed), or http(s)://host:port for the HTTP API (env KITH_ENDPOINT; "
                    + "default: the current context, else localhost:50051).")
    String endpoint;

    @Option(
            names = {"--token", "--key"},
            paramLabel = "TOKEN",
            description = "The preshared key, sent as a bearer token (env KITH_TOKEN or KITH_KEY).")
    String token;

    @Option(
            names = "--certificate-path",
            paramLabel = "PEM",
            description = "Trust this CA certificate (PEM) for gRPC TLS and HTTPS.")
    Path certificatePath;

    @Option(names = "--insecure", description = "Plaintext gRPC (no TLS), e.g. for a local `kith serve`.")
    Boolean insecure;

    @Option(
            names = "--request-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "30s",
            description = "How long a call may take (not a watch); default ${DEFAULT-VALUE}.")
    Duration requestTimeout;

    @Option(
            names = "--config-dir",
            paramLabel = "DIR",
            defaultValue = "${env:KITH_CONFIG_DIR}",
            description = "Where contexts are saved (env KITH_CONFIG_DIR; default ~/.config/kith).")
    String configDir;

    /** Where a named endpoint came from, for messages. */
    private String source;

    /** The settings to connect with: flags, environment, current context, defaults, in that order. */
    Connection connection() {
        return resolve(Endpoint.DEFAULT);
    }

    private Connection resolve(String fallback) {
        String e = endpoint != null ? endpoint : System.getenv("KITH_ENDPOINT");
        String t = token != null ? token : env("KITH_TOKEN", env("KITH_KEY", null));
        Path cert = certificatePath;
        boolean plain = Boolean.TRUE.equals(insecure);
        source = endpoint != null ? "--endpoint" : "KITH_ENDPOINT";
        if (e == null || e.isBlank()) {
            Contexts contexts = Contexts.load(Contexts.directory(configDir));
            Contexts.Context c = contexts.current();
            if (c != null) {
                source = "context `" + contexts.currentName() + "`";
                e = c.endpoint();
                if (t == null) t = c.token();
                if (cert == null && c.certificatePath() != null) cert = Path.of(c.certificatePath());
                if (insecure == null) plain = c.insecure();
            } else {
                e = fallback;
                source = "the default endpoint";
            }
        }
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new KithException.InvalidArgument("--request-timeout", "must be longer than zero");
        }
        try {
            return new Connection(Endpoint.parse(e), t == null || t.isEmpty() ? null : t, cert, plain, requestTimeout);
        } catch (IllegalArgumentException x) {
            throw new KithException.InvalidArgument(source, x.getMessage());
        }
    }

    /**
     * The HTTP client of the commands that speak kith's HTTP API only ({@code check}, {@code write}, {@code
     * relationships read}, {@code export}): they keep their default, {@code http://127.0.0.1:8443}.
     */
    KithClient client(String command) {
        Connection c = resolve(LEGACY_HTTP_DEFAULT);
        if (!c.endpoint().http()) {
            throw new KithException.InvalidArgument(
                    source,
                    "`kith " + command + "` talks to kith's HTTP API: give an http:// or https:// endpoint (or use the"
                            + " gRPC commands such as `kith permission check`)");
        }
        if (c.certificatePath() != null) {
            throw new KithException.InvalidArgument(
                    "--certificate-path",
                    "`kith " + command + "` trusts the system's CAs only: use the commands of"
                            + " `kith permission`, `kith relationship` and `kith schema` with a private CA");
        }
        return new KithClient(c.endpoint().text(), c.token());
    }

    /** {@link #client(String)} for a command that does not name itself. */
    KithClient client() {
        return client("this command");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}

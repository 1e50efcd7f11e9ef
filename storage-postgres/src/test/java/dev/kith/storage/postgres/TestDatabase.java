package dev.kith.storage.postgres;

import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh PostgreSQL database for one test class, dropped after it. The server is, in order: the URL in
 * {@code KITH_TEST_PG_URL}; a Testcontainers PostgreSQL when a Docker engine is available; {@code
 * postgres://postgres@127.0.0.1:5432/postgres}. If none can be reached the tests fail (never skip) with a
 * message that says how to provide one. Public in the test jar for the process tests of {@code api}.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
    public static final String URL_VARIABLE = "KITH_TEST_PG_URL";
    public static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

    private static PostgresOptions server;
    private static PostgreSQLContainer container;

    private final List<String> created = new ArrayList<>();
    private PostgresOptions options;

    /** Options for this class's database: small pool, short connect timeout, no background GC. */
    public PostgresOptions options() {
        return options;
    }

    /** A store on this class's database. */
    public PostgresDatastore open() {
        return PostgresDatastore.open(options);
    }

    /** Another fresh database (dropped with this class's), for tests that need an empty one. */
    public PostgresOptions newDatabase(String purpose) {
        String name = ("kith_test_" + purpose + "_"
                        + Integer.toHexString(ThreadLocalRandom.current().nextInt()))
                .toLowerCase(Locale.ROOT);
        try (PgClient admin = new PgClient(server())) {
            admin.query("CREATE DATABASE " + name, Tuple.tuple());
        }
        created.add(name);
        return server().withDatabase(name).withGc(Duration.ofHours(24), Duration.ZERO);
    }

    /** A URL for {@code options} with the password in clear (unlike its {@code toString}), for child processes. */
    public static String url(PostgresOptions options) {
        return "postgres://" + options.user() + (options.password() == null ? "" : ":" + options.password()) + "@"
                + options.host() + ":" + options.port() + "/" + options.database() + "?sslmode="
                + options.sslMode().urlName() + "&pool_size=" + options.poolSize() + "&gc_interval=0";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        options = newDatabase(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try (PgClient admin = new PgClient(server())) {
            for (String name : created) admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Tuple.tuple());
        }
        created.clear();
    }

    /** The server's options (its maintenance database), found once per JVM. */
    public static synchronized PostgresOptions server() {
        if (server != null) return server;
        String url = System.getenv(URL_VARIABLE);
        String source;
        if (url != null && !url.isBlank()) {
            source = "from " + URL_VARIABLE;
        } else if (dockerAvailable()) {
            container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            url = "postgres://" + container.getUsername() + ":" + container.getPassword() + "@" + container.getHost()
                    + ":" + container.getMappedPort(5432) + "/" + container.getDatabaseName();
            source = "started by Testcontainers";
        } else {
            url = DEFAULT_URL;
            source = "the default, as " + URL_VARIABLE + " is not set and no Docker engine is available";
        }
        PostgresOptions candidate = PostgresOptions.parse(url).toBuilder()
                .timeouts(Duration.ofSeconds(30), Duration.ofSeconds(3))
                .gc(Duration.ofHours(24), Duration.ZERO)
                .poolSize(4)
                .applicationName("kith-tests")
                .autoMigrate(true)
                .build();
        try (PgClient probe = new PgClient(candidate)) {
            probe.query("SELECT 1", Tuple.tuple());
        } catch (RuntimeException e) {
            throw new AssertionError("The storage-postgres tests need a PostgreSQL server and could not reach "
                    + candidate + " (" + source + "): " + e.getMessage() + ". Start one (for example `docker run -d"
                    + " -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17`), or set " + URL_VARIABLE
                    + "=postgres://user:password@host:port/database to a server where that user may create"
                    + " databases, or make a Docker engine available so that Testcontainers can start one.");
        }
        server = candidate;
        return server;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}

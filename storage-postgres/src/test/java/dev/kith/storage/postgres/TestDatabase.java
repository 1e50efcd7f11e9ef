package dev.kith.storage.postgres;

import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh PostgreSQL database for one test class, dropped after it. The server, found once per JVM, is in
 * order: the URL in {@code KITH_TEST_PG_URL}; a server answering on 127.0.0.1:5432 (or at the URL in {@code
 * KITH_TEST_PG_LOCAL_URL}) as user {@code postgres} without a password; a Testcontainers PostgreSQL when a Docker engine is available; else a PostgreSQL started
 * from Maven artifacts ({@link EmbeddedServer}), so that a machine with only a JDK runs every test (issue #13).
 * {@code KITH_TEST_PG=embedded} (environment or system property) forces the last, before all others. One line on
 * standard error says which was chosen. If the chosen one cannot be reached the tests fail (never skip) with a
 * message that says how to provide one. Public in the test jar for the process tests of {@code cli} and {@code
 * bench}.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
    public static final String URL_VARIABLE = "KITH_TEST_PG_URL";
    public static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";
    /** {@code embedded} forces the server started from Maven artifacts. */
    public static final String CHOICE_VARIABLE = "KITH_TEST_PG";
    /**
     * The URL of the local server probed second, {@link #DEFAULT_URL} when unset (environment or system property):
     * pointed at an address where nothing listens, the tests take the fallbacks after it.
     */
    public static final String LOCAL_VARIABLE = "KITH_TEST_PG_LOCAL_URL";

    private static PostgresOptions server;
    private static PostgresOptions embedded;
    private static PostgreSQLContainer container;
    private static boolean localProbed;
    private static PostgresOptions local;

    private final Supplier<PostgresOptions> servers;
    private final List<String> created = new ArrayList<>();
    private PostgresOptions options;

    /** Databases on the server this JVM's tests share ({@link #server()}). */
    public TestDatabase() {
        this(TestDatabase::server);
    }

    private TestDatabase(Supplier<PostgresOptions> servers) {
        this.servers = servers;
    }

    /** Databases on the embedded server whatever {@link #server()} chose, for the tests of that fallback. */
    public static TestDatabase onEmbeddedServer() {
        return new TestDatabase(TestDatabase::embeddedServer);
    }

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
        PostgresOptions on = servers.get();
        try (PgClient admin = new PgClient(admin(on))) {
            admin.query("CREATE DATABASE " + name, Tuple.tuple());
        }
        created.add(name);
        return on.withDatabase(name).withGc(Duration.ofHours(24), Duration.ZERO);
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
        if (created.isEmpty()) return;
        try (PgClient admin = new PgClient(admin(servers.get()))) {
            for (String name : created) admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Tuple.tuple());
        }
        created.clear();
    }

    /**
     * {@code on} for creating and dropping databases: a longer connect timeout than the tests' own, as a server
     * started on a busy machine (the embedded one shares its cores with the build) may take seconds to accept.
     */
    private static PostgresOptions admin(PostgresOptions on) {
        return on.withTimeouts(on.statementTimeout(), Duration.ofSeconds(20));
    }

    /** The server's options (its maintenance database), found once per JVM. */
    public static synchronized PostgresOptions server() {
        if (server != null) return server;
        if ("embedded".equalsIgnoreCase(choice())) {
            server = embeddedServer();
            announce(server, "embedded PostgreSQL (forced by " + CHOICE_VARIABLE + "=embedded)");
            return server;
        }
        String url = System.getenv(URL_VARIABLE);
        String source;
        if (url != null && !url.isBlank()) {
            source = "the URL in " + URL_VARIABLE;
        } else if (localServer() != null) {
            server = localServer();
            announce(server, "the local server on " + server.host() + ":" + server.port());
            return server;
        } else if (dockerAvailable()) {
            container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            url = "postgres://" + container.getUsername() + ":" + container.getPassword() + "@" + container.getHost()
                    + ":" + container.getMappedPort(5432) + "/" + container.getDatabaseName();
            source = "a container started by Testcontainers";
        } else {
            server = embeddedServer();
            PostgresOptions probed = testOptions(localUrl());
            announce(
                    server,
                    "embedded PostgreSQL (nothing answers on " + probed.host() + ":" + probed.port() + ", "
                            + URL_VARIABLE + " is not set and no Docker engine is available)");
            return server;
        }
        PostgresOptions candidate = testOptions(url);
        try (PgClient probe = new PgClient(candidate)) {
            probe.query("SELECT 1", Tuple.tuple());
        } catch (RuntimeException e) {
            throw new AssertionError("The storage-postgres tests need a PostgreSQL server and could not reach "
                    + candidate + " (" + source + "): " + e.getMessage() + ". Start one (for example `docker run -d"
                    + " -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17`), or set " + URL_VARIABLE
                    + "=postgres://user:password@host:port/database to a server where that user may create"
                    + " databases, or set " + CHOICE_VARIABLE + "=embedded to let the tests start one from Maven.");
        }
        server = candidate;
        announce(server, source);
        return server;
    }

    /** The embedded server's options, started once per JVM (whatever {@link #server()} chose). */
    public static synchronized PostgresOptions embeddedServer() {
        if (embedded != null) return embedded;
        PostgresOptions candidate = testOptions(EmbeddedServer.url());
        try (PgClient probe = new PgClient(candidate)) {
            probe.query("SELECT 1", Tuple.tuple());
        }
        embedded = candidate;
        return embedded;
    }

    private static String choice() {
        return setting(CHOICE_VARIABLE);
    }

    private static String localUrl() {
        String url = setting(LOCAL_VARIABLE);
        return url == null || url.isBlank() ? DEFAULT_URL : url;
    }

    /** A system property, else the environment variable of the same name. */
    private static String setting(String name) {
        String property = System.getProperty(name);
        return property != null && !property.isBlank() ? property : System.getenv(name);
    }

    private static void announce(PostgresOptions chosen, String source) {
        System.err.println("kith tests: PostgreSQL at " + chosen + ", " + source);
    }

    private static PostgresOptions testOptions(String url) {
        return PostgresOptions.parse(url).toBuilder()
                .timeouts(Duration.ofSeconds(30), Duration.ofSeconds(3))
                .gc(Duration.ofHours(24), Duration.ZERO)
                .poolSize(4)
                .applicationName("kith-tests")
                .autoMigrate(true)
                .build();
    }

    /**
     * The options of {@link #LOCAL_VARIABLE}'s URL ({@link #DEFAULT_URL} by default) if a server accepts a TCP
     * connection there and answers a query, else null.
     */
    private static PostgresOptions localServer() {
        if (localProbed) return local;
        localProbed = true;
        PostgresOptions candidate = testOptions(localUrl());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(candidate.host()), candidate.port()), 500);
        } catch (IOException e) {
            return null;
        }
        try (PgClient probe = new PgClient(candidate)) {
            probe.query("SELECT 1", Tuple.tuple());
        } catch (RuntimeException e) {
            System.err.println("kith tests: 127.0.0.1:5432 accepts connections but " + candidate + " does not answer ("
                    + e.getMessage() + "); looking further");
            return null;
        }
        local = candidate;
        return local;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** How many sessions of {@code client}'s database are waiting for a lock (tests wait for a blocked writer). */
    static long sessionsWaitingOnLocks(PgClient client) {
        return client.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND wait_event_type = 'Lock'",
                        Tuple.tuple())
                .iterator()
                .next()
                .getLong(0);
    }
}

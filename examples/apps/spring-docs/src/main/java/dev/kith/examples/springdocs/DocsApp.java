package dev.kith.examples.springdocs;

import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.web.context.ContextLoaderListener;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.filter.DelegatingFilterProxy;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * A document-sharing REST service on Spring MVC and Spring Security, served by Jetty: log in with HTTP basic, create
 * documents, share them with users and groups, list the ones you may see, revoke, delete. kith holds who may do what
 * (the schema {@code docs-schema.zed}); the documents themselves are kept in memory. Run {@link #main} for the
 * service on port 8080.
 */
public final class DocsApp implements AutoCloseable {
    /** The cost of the login passwords' bcrypt hashes when none is given: Spring Security's default. */
    public static final int DEFAULT_BCRYPT_STRENGTH = 10;

    private final Server jetty;

    private DocsApp(Server jetty) {
        this.jetty = jetty;
    }

    /**
     * Writes the schema to {@code kith} and serves the API on {@code port} (0: any free port) of every interface.
     *
     * @param kith the kith to ask and write to; the service does not close it
     * @param users the users who may log in, name to password (kept as bcrypt hashes of {@code bcryptStrength})
     * @param bcryptStrength the cost of the password hashes, 4 to 31
     * @param port the port, 0 for any free one
     * @return the running service; close it to stop
     * @throws Exception if the server cannot start (the port is taken, kith refuses the schema)
     */
    public static DocsApp start(Kith kith, Map<String, String> users, int bcryptStrength, int port) throws Exception {
        kith.writeSchema(schema());
        AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
        spring.register(DocsConfig.class);
        spring.addBeanFactoryPostProcessor(beans -> {
            beans.registerSingleton("kithClient", kith);
            beans.registerSingleton("docsUsers", new DocsConfig.Users(users, bcryptStrength));
        });

        ServletContextHandler web = new ServletContextHandler();
        web.setContextPath("/");
        web.addEventListener(new ContextLoaderListener(spring)); // starts the Spring context, closes it on stop
        web.addFilter(
                new FilterHolder(new DelegatingFilterProxy("springSecurityFilterChain", spring)),
                "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR));
        web.addServlet(new ServletHolder(new DispatcherServlet(spring)), "/");

        Server jetty = new Server();
        ServerConnector http = new ServerConnector(jetty);
        http.setPort(port);
        jetty.addConnector(http);
        jetty.setHandler(web);
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
        return new DocsApp(jetty);
    }

    /** The port the service listens on. */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** Stops serving (the kith client stays open). */
    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** The kith schema of the service. */
    public static String schema() {
        try (InputStream in = DocsApp.class.getResourceAsStream("/docs-schema.zed")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("docs-schema.zed cannot be read", e);
        }
    }

    /**
     * The users of {@code DOCS_USERS}: {@code name:password} pairs separated by commas.
     *
     * @throws IllegalArgumentException naming the first entry that is not {@code name:password}
     */
    static Map<String, String> users(String spec) {
        Map<String, String> users = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(
                        "DOCS_USERS: `" + entry.strip() + "` is not name:password (entries are separated by commas)");
            }
            users.put(entry.substring(0, colon).strip(), entry.substring(colon + 1));
        }
        return users;
    }

    /** Runs the service: KITH_TARGET (default {@code embedded:}), KITH_KEY, DOCS_USERS, PORT (default 8080). */
    public static void main(String[] args) throws Exception {
        String target = System.getenv().getOrDefault("KITH_TARGET", "embedded:");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        Map<String, String> users;
        try {
            users = users(System.getenv().getOrDefault("DOCS_USERS", "ann:ann-pw,bob:bob-pw,cat:cat-pw"));
        } catch (IllegalArgumentException e) {
            System.err.println("cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Kith kith = Kith.connect(KithConfig.builder(target)
                .presharedKey(System.getenv("KITH_KEY"))
                .build());
        try {
            DocsApp app = start(kith, users, DEFAULT_BCRYPT_STRENGTH, port);
            System.out.println("documents service on http://localhost:" + app.port() + " (kith at " + target
                    + "; users " + String.join(", ", users.keySet()) + ")");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    app.close();
                } catch (Exception e) {
                    System.err.println("stopping: " + e.getMessage());
                }
                kith.close();
            }));
        } catch (Exception e) {
            System.err.println("cannot start: " + e.getMessage());
            kith.close();
            System.exit(1);
        }
    }
}

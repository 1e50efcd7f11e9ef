package dev.kith.bench.soak;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.Limits;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kith node of the soak test: a {@link KithServer} over an engine on PostgreSQL, started in the soak test's
 * JVM or, so that the load driver does not share its JVM with the server (the check latencies measured include
 * nothing of the driver's own collections and threads), in a JVM of its own ({@link #main}).
 */
final class SoakServer implements AutoCloseable {
    static final String KEY = "soak-test-key";
    /** The server's request deadline: a write that waits on the database longer answers 504. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Engine engine;
    private final KithServer server;

    /** Starts a node over {@code store}: statement timeout 3 s, connect timeout 2 s, a pool of 8. */
    SoakServer(PostgresOptions store) throws Exception {
        PostgresOptions options = store.toBuilder()
                .timeouts(Duration.ofSeconds(3), Duration.ofSeconds(2))
                .poolSize(8)
                .build();
        engine = Engines.create(PostgresDatastore.open(options), EngineOptions.defaults());
        Limits limits = Limits.defaults().withTimeouts(REQUEST_TIMEOUT, Duration.ofMinutes(5));
        server = KithServer.start(engine, ServerConfig.loopback(List.of(KEY)).withLimits(limits))
                .await(60, TimeUnit.SECONDS);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }

    /**
     * The live heap of this JVM: after a full collection ({@code System.gc()}; with ZGC, a concurrent one), what
     * each heap pool held at the end of its last collection ({@code MemoryPoolMXBean.getCollectionUsage}), which
     * leaves out what the load allocated meanwhile; the heap in use where a pool does not report it.
     */
    static long liveHeapAfterGc() {
        System.gc();
        long live = 0;
        boolean reported = false;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) continue;
            MemoryUsage after = pool.getCollectionUsage();
            if (after == null) continue;
            live += after.getUsed();
            reported = true;
        }
        return reported
                ? live
                : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The node in a JVM of its own: {@code host port database user} of the PostgreSQL to use (the soak test's proxy),
     * its password, if any, in the environment variable {@code KITH_SOAK_PG_PASSWORD} (not on the command line). It prints {@code port N} once it listens, then answers each line of its standard input: {@code
     * heap} with {@code heap BYTES} (its live heap after a collection), {@code stop} by shutting down, printing
     * {@code stopped} and exiting. The end of its input stops it too, so it never outlives the test.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SoakServer HOST PORT DATABASE USER");
            System.exit(2);
        }
        PostgresOptions store = PostgresOptions.of(
                args[0], Integer.parseInt(args[1]), args[2], args[3], System.getenv("KITH_SOAK_PG_PASSWORD"));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (SoakServer node = new SoakServer(store);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println("port " + node.port());
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                if (line.equals("heap")) out.println("heap " + liveHeapAfterGc());
                else out.println("unknown command " + line);
            }
        } catch (IOException e) {
            System.err.println("the soak server's input failed: " + e);
        }
        out.println("stopped");
        System.exit(0);
    }
}

package dev.kith.cli;

import dev.kith.api.server.AuditOptions;
import dev.kith.api.server.KithServer;
import dev.kith.api.server.Limits;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.CaveatLimits;
import dev.kith.engine.Datastore;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.index.MemoryDatastore;
import dev.kith.engine.runtime.Engines;
import dev.kith.schema.SchemaLimits;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code kith serve}: runs the HTTP and gRPC services until SIGTERM or SIGINT, then shuts down gracefully (stops accepting,
 * lets in-flight requests finish) and exits 0. Every setting is a flag and a {@code KITH_*} environment variable.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Run the kith HTTP and gRPC services (every flag also reads a KITH_* environment variable).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "${env:KITH_PORT:-8443}",
            description = "Port (KITH_PORT; ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--grpc-port",
            defaultValue = "${env:KITH_GRPC_PORT:-50051}",
            description = "Port of the gRPC API (authzed.api.v1, SpiceDB's), on the same address with the same keys and"
                    + " TLS as HTTP; 0 for any free port, -1 for no gRPC (KITH_GRPC_PORT; ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(
            names = "--bind",
            defaultValue = "${env:KITH_BIND:-0.0.0.0}",
            description = "Bind address (KITH_BIND; ${DEFAULT-VALUE}); without a key only loopback is used.")
    String bind;

    @Option(
            names = "--preshared-key",
            split = ",",
            defaultValue = "${env:KITH_PRESHARED_KEYS}",
            description =
                    "A key callers present as 'Authorization: Bearer <key>'; repeatable (KITH_PRESHARED_KEYS, comma-separated).")
    List<String> presharedKeys = new ArrayList<>();

    @Option(
            names = "--preshared-key-file",
            defaultValue = "${env:KITH_PRESHARED_KEY_FILE}",
            description = "A file of keys, one per line (KITH_PRESHARED_KEY_FILE).")
    Path presharedKeyFile;

    @Option(
            names = "--insecure-no-auth",
            defaultValue = "${env:KITH_INSECURE_NO_AUTH:-false}",
            description = "Serve without keys on any address (KITH_INSECURE_NO_AUTH).")
    boolean insecureNoAuth;

    @Option(
            names = "--tls-cert",
            defaultValue = "${env:KITH_TLS_CERT}",
            description = "PEM certificate chain (KITH_TLS_CERT).")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:KITH_TLS_KEY}", description = "PEM private key (KITH_TLS_KEY).")
    Path tlsKey;

    @Option(
            names = "--datastore",
            defaultValue = "${env:KITH_DATASTORE:-memory}",
            description =
                    "memory (default) or postgres://user@host:port/db?params (KITH_DATASTORE; see storage-postgres/README.md);"
                            + " the --datastore-* flags override its parameters.")
    String datastore;

    @Mixin
    DatastoreSettings datastoreSettings = new DatastoreSettings();

    @Option(
            names = "--bootstrap",
            defaultValue = "${env:KITH_BOOTSTRAP}",
            description = "A validation YAML file whose schema and relationships are loaded at start (KITH_BOOTSTRAP).")
    Path bootstrap;

    @Option(
            names = "--depth-limit",
            defaultValue = "${env:KITH_DEPTH_LIMIT:-50}",
            description = "Depth budget of every evaluation (KITH_DEPTH_LIMIT; ${DEFAULT-VALUE}).")
    int depthLimit;

    @Option(
            names = "--caveat-cost-limit",
            defaultValue = "${env:KITH_CAVEAT_COST_LIMIT:-100000}",
            description = "Cost units (evaluated CEL expression steps) one caveat evaluation may spend before it is"
                    + " refused with 429 RESOURCE_EXHAUSTED (KITH_CAVEAT_COST_LIMIT; ${DEFAULT-VALUE}).")
    long caveatCostLimit;

    @Option(
            names = "--schema-limits",
            defaultValue = "${env:KITH_SCHEMA_LIMITS:-}",
            paramLabel = "NAME=VALUE,...",
            description = "Bounds a written schema must keep to, changed from their defaults, such as"
                    + " max-definitions=5000,max-permission-depth=300; the names and defaults are in"
                    + " schema-dsl/README.md (KITH_SCHEMA_LIMITS).")
    String schemaLimits;

    @Option(
            names = "--gc-window",
            defaultValue = "${env:KITH_GC_WINDOW}",
            converter = DurationConverter.class,
            description = "How long old revisions stay readable (KITH_GC_WINDOW; default: the datastore's, 1h in"
                    + " memory, 24h or the URL's gc_window on PostgreSQL).")
    Duration gcWindow;

    @Option(
            names = "--freshness-timeout",
            defaultValue = "${env:KITH_FRESHNESS_TIMEOUT:-5s}",
            converter = DurationConverter.class,
            description =
                    "How long atLeastAsFresh waits for a revision before a 503 (KITH_FRESHNESS_TIMEOUT; ${DEFAULT-VALUE}).")
    Duration freshnessTimeout;

    @Option(
            names = "--request-timeout",
            defaultValue = "${env:KITH_REQUEST_TIMEOUT:-30s}",
            converter = DurationConverter.class,
            description = "Deadline of a request on a worker and of each stream page: past it the work stops, an"
                    + " uncommitted write commits nothing, and the answer is 504 (KITH_REQUEST_TIMEOUT;"
                    + " ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(
            names = "--import-timeout",
            defaultValue = "${env:KITH_IMPORT_TIMEOUT:-10m}",
            converter = DurationConverter.class,
            description = "Deadline of an import-bulk request (its body may hold millions of relationships); past it"
                    + " the import commits nothing and the answer is 504 (KITH_IMPORT_TIMEOUT; ${DEFAULT-VALUE}).")
    Duration importTimeout;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "${env:KITH_MAX_BODY_BYTES:-4194304}",
            description = "Largest request body (KITH_MAX_BODY_BYTES; ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(
            names = "--max-import-body-bytes",
            defaultValue = "${env:KITH_MAX_IMPORT_BODY_BYTES:-536870912}",
            description = "Largest import-bulk body (KITH_MAX_IMPORT_BODY_BYTES; ${DEFAULT-VALUE}).")
    long maxImportBodyBytes;

    @Option(
            names = "--max-updates-per-write",
            defaultValue = "${env:KITH_MAX_UPDATES_PER_WRITE:-1000}",
            description = "Updates per write (KITH_MAX_UPDATES_PER_WRITE; ${DEFAULT-VALUE}).")
    int maxUpdates;

    @Option(
            names = "--max-preconditions-per-write",
            defaultValue = "${env:KITH_MAX_PRECONDITIONS_PER_WRITE:-1000}",
            description = "Preconditions per write or delete (KITH_MAX_PRECONDITIONS_PER_WRITE; ${DEFAULT-VALUE}).")
    int maxPreconditions;

    @Option(
            names = "--max-check-bulk-items",
            defaultValue = "${env:KITH_MAX_CHECK_BULK_ITEMS:-1000}",
            description = "Items per bulk check (KITH_MAX_CHECK_BULK_ITEMS; ${DEFAULT-VALUE}).")
    int maxCheckBulkItems;

    @Option(
            names = "--max-contextual-relationships",
            defaultValue = "${env:KITH_MAX_CONTEXTUAL_RELATIONSHIPS:-1000}",
            description = "Contextual relationships per check, bulk check, expand or lookup"
                    + " (KITH_MAX_CONTEXTUAL_RELATIONSHIPS; ${DEFAULT-VALUE}).")
    int maxContextualRelationships;

    @Option(
            names = "--max-id-length",
            defaultValue = "${env:KITH_MAX_ID_LENGTH:-1024}",
            description = "Longest object id (KITH_MAX_ID_LENGTH; ${DEFAULT-VALUE}).")
    int maxIdLength;

    @Option(
            names = "--max-name-length",
            defaultValue = "${env:KITH_MAX_NAME_LENGTH:-128}",
            description = "Longest type, relation or caveat name (KITH_MAX_NAME_LENGTH; ${DEFAULT-VALUE}).")
    int maxNameLength;

    @Option(
            names = "--max-json-depth",
            defaultValue = "${env:KITH_MAX_JSON_DEPTH:-32}",
            description = "Deepest JSON nesting (KITH_MAX_JSON_DEPTH; ${DEFAULT-VALUE}).")
    int maxJsonDepth;

    @Option(
            names = "--max-context-bytes",
            defaultValue = "${env:KITH_MAX_CONTEXT_BYTES:-65536}",
            description = "Largest caveat context as JSON text (KITH_MAX_CONTEXT_BYTES; ${DEFAULT-VALUE}).")
    int maxContextBytes;

    @Option(
            names = "--max-in-flight",
            defaultValue = "${env:KITH_MAX_IN_FLIGHT:-10000}",
            description = "Requests served at once before 429 (KITH_MAX_IN_FLIGHT; ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--max-in-flight-bytes",
            defaultValue = "${env:KITH_MAX_IN_FLIGHT_BYTES:-268435456}",
            description = "Request bodies read or served at once, in bytes (a body counts its Content-Length, or"
                    + " without one the largest body its endpoint takes); a request over it is answered 429 before"
                    + " its body is read (KITH_MAX_IN_FLIGHT_BYTES; ${DEFAULT-VALUE}).")
    long maxInFlightBytes;

    @Option(
            names = "--max-watches",
            defaultValue = "${env:KITH_MAX_WATCHES:-1000}",
            description = "Watch streams open at once; one more is answered 429 (KITH_MAX_WATCHES; ${DEFAULT-VALUE}).")
    int maxWatches;

    @Option(
            names = "--watch-buffer-bytes",
            defaultValue = "${env:KITH_WATCH_BUFFER_BYTES:-1048576}",
            description = "Bytes of changes a watch stream holds that its client has not taken; a watcher that"
                    + " reaches it is closed with an error line carrying the token to resume from"
                    + " (KITH_WATCH_BUFFER_BYTES; ${DEFAULT-VALUE}).")
    long watchBufferBytes;

    @Option(
            names = "--watch-stall-timeout",
            defaultValue = "${env:KITH_WATCH_STALL_TIMEOUT:-30s}",
            converter = DurationConverter.class,
            description = "How long a watch stream's connection may take none of the bytes written to it (its client"
                    + " reads nothing) before the stream is closed with an error line carrying the token to resume"
                    + " from (KITH_WATCH_STALL_TIMEOUT; ${DEFAULT-VALUE}).")
    Duration watchStallTimeout;

    @Option(
            names = "--heap-watermark",
            defaultValue = "${env:KITH_HEAP_WATERMARK:-0.85}",
            description = "Share of the maximum heap that, still live after a garbage collection, makes the server"
                    + " refuse writes (429) until a later collection finds the live heap 5 points below it; reads go"
                    + " on; 1 never refuses (KITH_HEAP_WATERMARK; ${DEFAULT-VALUE}).")
    double heapWatermark;

    @Option(
            names = "--max-connections",
            defaultValue = "${env:KITH_MAX_CONNECTIONS:-10000}",
            description = "Open connections kept; one over it is closed as soon as it is accepted"
                    + " (KITH_MAX_CONNECTIONS; ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--idle-timeout",
            defaultValue = "${env:KITH_IDLE_TIMEOUT:-60s}",
            converter = DurationConverter.class,
            description = "How long a connection with no request in flight stays open (KITH_IDLE_TIMEOUT;"
                    + " ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--header-timeout",
            defaultValue = "${env:KITH_HEADER_TIMEOUT:-10s}",
            converter = DurationConverter.class,
            description = "How long a request may take to send its request line and headers, from the connection's"
                    + " accept or, on a kept-alive connection, from its first byte, before the connection is"
                    + " closed (KITH_HEADER_TIMEOUT; ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(
            names = "--body-timeout",
            defaultValue = "${env:KITH_BODY_TIMEOUT:-30s}",
            converter = DurationConverter.class,
            description = "How long a request body may take to arrive before a 408 that closes the connection; an"
                    + " import body has the longer of this and --import-timeout (KITH_BODY_TIMEOUT; ${DEFAULT-VALUE}).")
    Duration bodyTimeout;

    @Option(
            names = "--audit-log",
            defaultValue = "${env:KITH_AUDIT_LOG}",
            description = "Write the audit log, one JSON line per API request (every decision, change, watch and"
                    + " authentication failure), to FILE, or '-' for stdout (KITH_AUDIT_LOG).")
    String auditLog;

    @Option(
            names = "--audit-log-max-bytes",
            defaultValue = "${env:KITH_AUDIT_LOG_MAX_BYTES:-104857600}",
            description = "Size at which the audit log file is rotated to FILE.1, FILE.2, …"
                    + " (KITH_AUDIT_LOG_MAX_BYTES; ${DEFAULT-VALUE}); not for stdout.")
    long auditLogMaxBytes;

    @Option(
            names = "--audit-log-keep",
            defaultValue = "${env:KITH_AUDIT_LOG_KEEP:-5}",
            description =
                    "Rotated audit log files kept; the oldest is deleted (KITH_AUDIT_LOG_KEEP; ${DEFAULT-VALUE}).")
    int auditLogKeep;

    @Option(
            names = "--audit-sample-rate",
            defaultValue = "${env:KITH_AUDIT_SAMPLE_RATE:-1.0}",
            description = "Share (0 to 1) of successful checks, bulk checks, expands, lookups and reads written to the"
                    + " audit log, chosen by request id; writes, deletes, imports, schema writes, watches and"
                    + " failures are always written (KITH_AUDIT_SAMPLE_RATE; ${DEFAULT-VALUE}).")
    double auditSampleRate;

    @Option(
            names = "--metrics-require-key",
            defaultValue = "${env:KITH_METRICS_REQUIRE_KEY:-false}",
            description = "Ask GET /metrics for a preshared key like the API, 401 without one"
                    + " (KITH_METRICS_REQUIRE_KEY; default: /metrics is open).")
    boolean metricsRequireKey;

    @Option(
            names = "--token-secret",
            defaultValue = "${env:KITH_TOKEN_SECRET}",
            description = "Secret that signs consistency tokens, overriding the deployment's own (KITH_TOKEN_SECRET;"
                    + " default: the secret the datastore keeps, shared by every node over one PostgreSQL database,"
                    + " random per process in memory).")
    String tokenSecret;

    @Option(
            names = "--shutdown-grace",
            defaultValue = "${env:KITH_SHUTDOWN_GRACE:-10s}",
            converter = DurationConverter.class,
            description =
                    "How long in-flight requests may take to finish at shutdown (KITH_SHUTDOWN_GRACE; ${DEFAULT-VALUE}).")
    Duration shutdownGrace;

    @Option(
            names = "--bench-endpoints",
            defaultValue = "${env:KITH_BENCH_ENDPOINTS:-false}",
            description = "Serve GET /v1/bench/noop, the benchmark's HTTP baseline (KITH_BENCH_ENDPOINTS).")
    boolean benchEndpoints;

    /** The datastore {@link #call} opened, whose connection pool (if it has one) the server meters. */
    private Datastore store;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config;
        EngineOptions engineOptions;
        try {
            config = config();
            engineOptions = EngineOptions.defaults()
                    .withDepthLimit(depthLimit)
                    .withMaxUpdatesPerWrite(maxUpdates)
                    .withFreshnessTimeout(freshnessTimeout)
                    .withCaveatLimits(CaveatLimits.defaults().withMaxCost(caveatCostLimit))
                    .withSchemaLimits(SchemaLimits.DEFAULTS.with(schemaLimits == null ? "" : schemaLimits));
            if (gcWindow != null) engineOptions = engineOptions.withGcWindow(gcWindow);
        } catch (IllegalArgumentException | IOException e) {
            err.println("kith serve: " + e.getMessage());
            err.flush();
            return 2;
        }
        Engine engine;
        try {
            engine = openEngine(engineOptions, postgresOptions());
        } catch (KithException e) {
            err.println("kith serve: " + e.getMessage());
            err.flush();
            return 1;
        }
        try {
            if (bootstrap != null) Bootstrap.load(engine, bootstrap, maxUpdates, err);
            KithServer server;
            try {
                server = KithServer.start(engine, config).await(60, TimeUnit.SECONDS);
                if (store != null) store.connectionPool().ifPresent(server::monitorConnectionPool);
            } catch (Exception e) {
                // A port in use, an unreadable TLS file or audit log: one line, no stack trace.
                err.println("kith serve: cannot start: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                err.flush();
                return 1;
            }
            // sun.misc.Signal (module jdk.unsupported) rather than a shutdown hook: after a hook the JVM exits
            // with 143, and a graceful stop must exit 0.
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> stop.countDown());
            stop.await();
            System.getLogger(ServeCommand.class.getName())
                    .log(System.Logger.Level.INFO, "shutting down: finishing in-flight requests");
            server.shutdown(shutdownGrace).await(shutdownGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            return 0;
        } catch (KithException e) {
            err.println("kith serve: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            engine.close();
        }
    }

    /**
     * The PostgreSQL options of {@code --datastore} and the {@code --datastore-*} settings, or null for the in-memory
     * store (which takes none of them).
     *
     * @throws KithException.InvalidArgument naming the flag or URL that is wrong
     */
    PostgresOptions postgresOptions() {
        if (Datastores.isPostgres(datastore)) return datastoreSettings.apply(datastore);
        if (!datastore.equals("memory")) {
            throw new KithException.InvalidArgument(
                    "--datastore",
                    "'" + PostgresOptions.redactUrl(datastore) + "' is neither 'memory' nor a postgres:// URL");
        }
        if (datastoreSettings.anyGiven()) {
            throw new KithException.InvalidArgument(
                    "--datastore", "the --datastore-* settings need a postgres:// datastore, not memory");
        }
        return null;
    }

    /**
     * Opens the datastore ({@code postgres}, or in memory when null) and an engine over it; without {@code
     * --gc-window} the engine keeps the history the datastore suggests ({@link Datastore#defaultGcWindow}).
     */
    private Engine openEngine(EngineOptions options, PostgresOptions postgres) {
        Datastore store = postgres == null ? new MemoryDatastore(options.clock()) : PostgresDatastore.open(postgres);
        this.store = store;
        EngineOptions effective = forStore(options, store);
        System.getLogger(ServeCommand.class.getName())
                .log(
                        System.Logger.Level.INFO,
                        "GC window " + effective.gcWindow() + (gcWindow == null ? " (the datastore's default)" : ""));
        try {
            return Engines.create(store, effective);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** {@code options} with the GC window of {@code --gc-window}, or else the one {@code store} suggests. */
    EngineOptions forStore(EngineOptions options, Datastore store) {
        return options.withGcWindow(gcWindow != null ? gcWindow : store.defaultGcWindow());
    }

    ServerConfig config() throws IOException {
        List<String> keys = new ArrayList<>();
        if (presharedKeys != null)
            presharedKeys.stream().filter(k -> !k.isBlank()).forEach(keys::add);
        if (presharedKeyFile != null) {
            for (String line : Files.readAllLines(presharedKeyFile)) {
                if (!line.isBlank()) keys.add(line.strip());
            }
        }
        if (!(heapWatermark > 0 && heapWatermark <= 1)) {
            throw new IllegalArgumentException("--heap-watermark must be above 0 and at most 1 (a share of the maximum"
                    + " heap, such as 0.85), not " + heapWatermark);
        }
        Limits limits = new Limits.Builder()
                .maxBodyBytes(maxBodyBytes)
                .maxImportBodyBytes(maxImportBodyBytes)
                .maxUpdatesPerWrite(maxUpdates)
                .maxPreconditionsPerWrite(maxPreconditions)
                .maxCheckBulkItems(maxCheckBulkItems)
                .maxIdLength(maxIdLength)
                .maxNameLength(maxNameLength)
                .maxJsonDepth(maxJsonDepth)
                .maxContextBytes(maxContextBytes)
                .maxInFlight(maxInFlight)
                .requestTimeout(requestTimeout)
                .importTimeout(importTimeout)
                .idleTimeout(idleTimeout)
                .headerTimeout(headerTimeout)
                .bodyTimeout(bodyTimeout)
                .maxConnections(maxConnections)
                .maxInFlightBytes(maxInFlightBytes)
                .maxWatches(maxWatches)
                .watchBufferBytes(watchBufferBytes)
                .heapWatermark(heapWatermark)
                .maxContextualRelationships(maxContextualRelationships)
                .watchStallTimeout(watchStallTimeout)
                .build();
        String secret = tokenSecret == null || tokenSecret.isBlank() ? null : tokenSecret;
        return ServerConfig.builder()
                .host(bind)
                .port(port)
                .presharedKeys(keys)
                .insecureNoAuth(insecureNoAuth)
                .tls(tlsCert, tlsKey)
                .limits(limits)
                .auditLog(auditLog)
                .benchEndpoints(benchEndpoints)
                .tokenSecret(secret)
                .auditOptions(new AuditOptions(auditLogMaxBytes, auditLogKeep, auditSampleRate))
                .metricsRequireKey(metricsRequireKey)
                .grpcPort(grpcPort)
                .build();
    }
}

package dev.kith.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectFilter;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The audit log: one JSON line per API request (a decision, a change, a watch opened and closed, an
 * authentication failure), with the fields every line has ({@code time}, {@code kind}, {@code caller} — the key
 * id, never the key — {@code requestId}, {@code client}, {@code latencyMicros}, {@code status}, on failure {@code
 * error}) and those of its kind, which the handlers {@linkplain #note note} on the request's {@link Entry} as they
 * go. The line is written when the response ends. Caveat contexts and transaction metadata appear as their keys,
 * never their values. The api README ("Audit") lists every field of every kind.
 *
 * <p>Lines are encoded on the request's thread and written by one background thread, so the event loop never
 * waits on the file; it flushes whenever it has written everything queued and at least every {@link #FLUSH_NANOS}
 * while lines keep coming, and on close. Nothing a caller does ever blocks on the log:
 *
 * <ul>
 *   <li>sampled-class lines (successful checks, bulk checks, expands, lookups, reads) wait in the queue at most
 *       {@link #MAX_DROPPABLE_PENDING} at a time; one more is dropped and counted in {@code
 *       kith_audit_dropped_total};
 *   <li>every other line (writes, deletes, imports, schema writes, watches, failures) is always queued, without a
 *       bound: these are never dropped. They are bounded by the requests that make them, each of which waits on
 *       the datastore or fails; {@code kith_audit_pending} shows the lines not yet written.
 * </ul>
 *
 * <p>A file is rotated by size ({@link AuditOptions}); standard output is never rotated.
 */
final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    /** The routing-context key of the request's {@link Entry}; absent when there is no audit log. */
    static final String ENTRY = "kith.audit";
    /** The routing-context key of the error code the request failed with (set where failures are answered). */
    static final String ERROR = "kith.errorCode";
    /** The routing-context key of the JSON path the failure is about, if any. */
    static final String ERROR_FIELD = "kith.errorField";

    /** Sampled-class lines that may wait to be written before more are dropped. */
    static final int MAX_DROPPABLE_PENDING = 65_536;

    /** The longest written lines wait for a flush while more keep coming. */
    static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Kinds whose successful requests are subject to sampling (and to dropping when the queue is full). */
    private static final java.util.Set<String> SAMPLED = java.util.Set.of(
            "check",
            "checkBulk",
            "expand",
            "lookupResources",
            "lookupSubjects",
            "readRelationships",
            "exportRelationships",
            "readSchema",
            "reflectSchema",
            "diffSchema",
            "computablePermissions",
            "dependentRelations");

    /** The kind of each API path. */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("/v1/permissions/check", "check"),
            Map.entry("/v1/permissions/checkbulk", "checkBulk"),
            Map.entry("/v1/permissions/expand", "expand"),
            Map.entry("/v1/permissions/resources", "lookupResources"),
            Map.entry("/v1/permissions/subjects", "lookupSubjects"),
            Map.entry("/v1/relationships/read", "readRelationships"),
            Map.entry("/v1/relationships/exportbulk", "exportRelationships"),
            Map.entry("/v1/schema/read", "readSchema"),
            Map.entry("/v1/schema/reflectschema", "reflectSchema"),
            Map.entry("/v1/schema/diffschema", "diffSchema"),
            Map.entry("/v1/schema/permissions/computable", "computablePermissions"),
            Map.entry("/v1/schema/permissions/dependent", "dependentRelations"),
            Map.entry("/v1/experimental/reflectschema", "reflectSchema"),
            Map.entry("/v1/experimental/diffschema", "diffSchema"),
            Map.entry("/v1/experimental/permissions/computable", "computablePermissions"),
            Map.entry("/v1/experimental/permissions/dependent", "dependentRelations"),
            Map.entry("/v1/experimental/permissions/bulkcheckpermission", "checkBulk"),
            Map.entry("/v1/experimental/relationships/bulkexport", "exportRelationships"),
            Map.entry(KithServer.EXPERIMENTAL_IMPORT_PATH, "importRelationships"),
            Map.entry("/v1/relationships/write", "writeRelationships"),
            Map.entry("/v1/relationships/delete", "deleteRelationships"),
            Map.entry(KithServer.IMPORT_PATH, "importRelationships"),
            Map.entry("/v1/schema/write", "writeSchema"),
            Map.entry("/v1/watch", "watch"));

    private record Line(byte[] bytes, boolean droppable) {}

    private static final Line END = new Line(new byte[0], false);

    private final ObjectMapper mapper;
    private final Sink sink;
    private final double sampleRate;
    private final Metrics metrics;
    private final LinkedBlockingQueue<Line> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger droppablePending = new AtomicInteger();
    private final Thread thread;

    private AuditLog(ObjectMapper mapper, Sink sink, double sampleRate, Metrics metrics) {
        this.mapper = mapper;
        this.sink = sink;
        this.sampleRate = sampleRate;
        this.metrics = metrics;
        metrics.auditQueue(queue::size);
        this.thread = Thread.ofPlatform().name("kith-audit").daemon().start(this::drain);
    }

    /**
     * Opens the audit log at {@code target} (a file appended to and rotated by size, or {@code -} for standard
     * output); null when {@code target} is null or empty.
     */
    static AuditLog open(String target, AuditOptions options, ObjectMapper mapper, Metrics metrics) {
        if (target == null || target.isEmpty()) return null;
        try {
            Sink sink = target.equals("-")
                    ? new Stdout()
                    : new RotatingFile(Path.of(target), options.maxBytes(), options.keep());
            return new AuditLog(mapper, sink, options.sampleRate(), metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * What is known of one request so far: its kind and the fields of that kind. Handlers on any thread add to it
     * through {@link AuditLog#note}; its line is written once, when the response ends (a watch also writes one
     * when it opens).
     */
    static final class Entry {
        private final long start = System.nanoTime();
        private final String requestId;
        private String kind;
        private ObjectNode fields;
        private boolean written;
        /** The caller's key id and address of a gRPC call (an HTTP request's are read from its context). */
        private String caller;

        private String client;

        private Entry(String requestId, String kind, ObjectNode fields) {
            this.requestId = requestId;
            this.kind = kind;
            this.fields = fields;
        }
    }

    /** The entry of the HTTP request {@code ctx}, or null without an audit log. */
    static Entry entry(RoutingContext ctx) {
        return ctx.get(ENTRY);
    }

    /**
     * Starts the entry of a gRPC call of {@code kind} (the kind of the HTTP endpoint it shares its handler
     * with), by {@code caller} (a key id, or null) from {@code client} (host:port, or null).
     */
    Entry begin(String kind, String requestId, String caller, String client) {
        Entry e = new Entry(requestId, kind, mapper.createObjectNode());
        e.caller = caller;
        e.client = client;
        e.fields.put("transport", "grpc");
        return e;
    }

    /**
     * Writes the line of a gRPC call that has ended with {@code status} (the HTTP status its outcome maps to, see
     * {@link ErrorMapper}), unless sampled out.
     */
    void finish(Entry e, int status, String error, String errorField) {
        synchronized (e) {
            if (e.written) return;
            e.written = true;
            boolean failed = status >= 400 || error != null;
            boolean droppable = !failed && SAMPLED.contains(e.kind);
            if (droppable && !sampled(e.requestId, sampleRate)) return;
            emit(line(e, e.caller, e.client, status, error, errorField), droppable);
        }
    }

    /** Starts the entry of an API request to {@code path} (or of {@code /metrics}, logged only when refused). */
    void begin(RoutingContext ctx, String path, String requestId) {
        String kind = path.startsWith("/v1/") ? KINDS.getOrDefault(path, "request") : null;
        Entry e = new Entry(requestId, kind, mapper.createObjectNode());
        if (kind == null || kind.equals("request")) {
            e.fields.put("method", ctx.request().method().name());
            e.fields.put("path", path);
        }
        ctx.put(ENTRY, e);
    }

    /** Adds fields to the request's entry, if it has one (it has none without an audit log). */
    static void note(RoutingContext ctx, Consumer<ObjectNode> fill) {
        note(entry(ctx), fill);
    }

    /** Adds fields to {@code e}, if there is one (there is none without an audit log). */
    static void note(Entry e, Consumer<ObjectNode> fill) {
        if (e == null) return;
        synchronized (e) {
            fill.accept(e.fields);
        }
    }

    /** Marks the request as an authentication failure, for {@code reason}; the presented key is never kept. */
    static void authenticationFailed(RoutingContext ctx, String reason) {
        Entry e = ctx.get(ENTRY);
        if (e == null) return;
        synchronized (e) {
            e.kind = "authFailure";
            e.fields = e.fields.objectNode();
            e.fields.put("reason", reason);
            e.fields.put("path", ctx.request().path());
        }
    }

    /**
     * Writes the {@code watchOpened} line of a watch that has just begun streaming; its entry goes on as the
     * {@code watchClosed} line, written when the stream ends.
     */
    void watchOpened(RoutingContext ctx) {
        Entry e = ctx.get(ENTRY);
        if (e == null) return;
        synchronized (e) {
            e.kind = "watchOpened";
            ObjectNode line = line(e, ctx, 200, null, null);
            emit(line, false);
            e.kind = "watchClosed";
        }
    }

    /** {@link #watchOpened(RoutingContext)} for the gRPC watch whose entry is {@code e}. */
    void watchOpened(Entry e) {
        synchronized (e) {
            e.kind = "watchOpened";
            emit(line(e, e.caller, e.client, 200, null, null), false);
            e.kind = "watchClosed";
        }
    }

    /** Writes the request's line (the response has ended, or its connection closed), unless sampled out. */
    void finish(RoutingContext ctx) {
        Entry e = ctx.get(ENTRY);
        if (e == null) return;
        int status = ctx.response().getStatusCode();
        String error = ctx.get(ERROR);
        synchronized (e) {
            if (e.written || e.kind == null && status < 400 && error == null) return;
            e.written = true;
            if (e.kind == null) e.kind = "request";
            boolean failed = status >= 400 || error != null;
            boolean droppable = !failed && SAMPLED.contains(e.kind);
            if (droppable && !sampled(e.requestId, sampleRate)) return;
            emit(line(e, ctx, status, error, ctx.get(ERROR_FIELD)), droppable);
        }
    }

    private ObjectNode line(Entry e, RoutingContext ctx, int status, String error, String errorField) {
        SocketAddress remote = ctx.request().remoteAddress();
        return line(
                e,
                ctx.get(Exchange.CALLER),
                remote == null ? null : remote.hostAddress() + ":" + remote.port(),
                status,
                error,
                errorField);
    }

    private ObjectNode line(Entry e, String caller, String client, int status, String error, String errorField) {
        ObjectNode n = mapper.createObjectNode();
        n.put("time", Instant.now().toString());
        n.put("kind", e.kind);
        if (caller != null) n.put("caller", caller);
        n.put("requestId", e.requestId);
        if (client != null) n.put("client", client);
        n.put("latencyMicros", TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - e.start));
        n.put("status", status);
        if (error != null) n.put("error", error);
        if (errorField != null) n.put("errorField", errorField);
        n.setAll(e.fields);
        return n;
    }

    /**
     * Whether a sampled-class request with id {@code requestId} is written at {@code rate}: the same answer for the
     * same id, and for a share {@code rate} of distinct ids.
     */
    static boolean sampled(String requestId, double rate) {
        if (rate >= 1) return true;
        if (rate <= 0) return false;
        int h = requestId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return (h & 0xffffffffL) < (long) (rate * 4294967296.0);
    }

    private void emit(ObjectNode line, boolean droppable) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(line);
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.ERROR, "an audit line could not be encoded: " + e.getOriginalMessage());
            return;
        }
        if (droppable && droppablePending.incrementAndGet() > MAX_DROPPABLE_PENDING) {
            droppablePending.decrementAndGet();
            metrics.auditDropped();
            return;
        }
        queue.add(new Line(bytes, droppable));
    }

    private void drain() {
        long lastFlush = System.nanoTime();
        boolean failing = false;
        while (true) {
            Line line;
            try {
                line = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (line == END) break;
            if (line.droppable()) droppablePending.decrementAndGet();
            try {
                sink.write(line.bytes());
                long now = System.nanoTime();
                if (queue.isEmpty() || now - lastFlush >= FLUSH_NANOS) {
                    sink.flush();
                    lastFlush = now;
                }
                failing = false;
            } catch (IOException e) {
                // once per run of failures, not once per line
                if (!failing) LOG.log(System.Logger.Level.ERROR, "audit log write failed: " + e.getMessage());
                failing = true;
            }
        }
        try {
            sink.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "audit log close failed: " + e.getMessage());
        }
    }

    /** Writes every line queued so far, flushes and closes the file. */
    @Override
    public void close() {
        queue.add(END);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- field renderings: names and ids only; caveat contexts and metadata as their keys, never their values

    static void check(ObjectNode n, Requests.Check request) {
        n.put("resource", request.resource().toString());
        n.put("permission", request.permission());
        n.put("subject", request.subject().toString());
        keys(n, "contextKeys", request.context());
    }

    static void checkResult(ObjectNode n, Results.Check result) {
        n.put("result", result.permissionship().name());
        if (!result.missingContext().isEmpty()) {
            ArrayNode a = n.putArray("missingContext");
            result.missingContext().forEach(a::add);
        }
    }

    static void keys(ObjectNode n, String field, Map<String, ?> map) {
        if (map == null || map.isEmpty()) return;
        ArrayNode a = n.putArray(field);
        map.keySet().stream().sorted().forEach(a::add);
    }

    static void names(ObjectNode n, String field, Collection<String> names) {
        ArrayNode a = n.putArray(field);
        names.forEach(a::add);
    }

    static ObjectNode filter(ObjectNode n, RelationshipFilter f) {
        if (f.resourceType() != null) n.put("resourceType", f.resourceType());
        if (f.optionalResourceId() != null) n.put("resourceId", f.optionalResourceId());
        if (f.optionalResourceIdPrefix() != null) n.put("resourceIdPrefix", f.optionalResourceIdPrefix());
        if (f.optionalRelation() != null) n.put("relation", f.optionalRelation());
        SubjectFilter s = f.optionalSubjectFilter();
        if (s != null) {
            n.put("subjectType", s.subjectType());
            if (s.optionalSubjectId() != null) n.put("subjectId", s.optionalSubjectId());
            if (s.optionalRelation() != null) n.put("subjectRelation", s.optionalRelation());
        }
        return n;
    }

    static void updates(ObjectNode n, List<RelationshipUpdate> updates) {
        ArrayNode a = n.putArray("updates");
        for (RelationshipUpdate u : updates) {
            ObjectNode o = a.addObject();
            o.put("operation", u.operation().name());
            relationship(o, u.relationship());
        }
    }

    static void relationship(ObjectNode o, Relationship r) {
        o.put("relationship", r.key().toString());
        if (r.caveat() != null) {
            o.put("caveat", r.caveat().name());
            keys(o, "contextKeys", r.caveat().context());
        }
        if (r.expiresAt() != null) o.put("expiresAt", r.expiresAt().toString());
    }

    static void preconditions(ObjectNode n, List<Precondition> preconditions) {
        if (preconditions.isEmpty()) return;
        ArrayNode a = n.putArray("preconditions");
        for (Precondition p : preconditions) {
            ObjectNode o = a.addObject();
            o.put("kind", p.kind().name());
            filter(o.putObject("filter"), p.filter());
        }
    }

    /** Where lines go. */
    private interface Sink {
        void write(byte[] line) throws IOException;

        void flush() throws IOException;

        void close() throws IOException;
    }

    private static final class Stdout implements Sink {
        private final OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);

        @Override
        public void write(byte[] line) throws IOException {
            out.write(line);
            out.write('\n');
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * A file rotated by size: before a line that would take it past {@code maxBytes}, {@code FILE.(keep-1)} becomes
     * {@code FILE.keep} (the old one deleted), …, {@code FILE} becomes {@code FILE.1}, and a new {@code FILE} is begun.
     * A line is never split: a line longer than {@code maxBytes} gets a file of its own.
     */
    static final class RotatingFile implements Sink {
        private final Path path;
        private final long maxBytes;
        private final int keep;
        private OutputStream out;
        private long size;

        RotatingFile(Path path, long maxBytes, int keep) throws IOException {
            this.path = path;
            this.maxBytes = maxBytes;
            this.keep = keep;
            open();
        }

        private void open() throws IOException {
            out = new BufferedOutputStream(
                    Files.newOutputStream(
                            path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                    1 << 16);
            size = Files.size(path);
        }

        @Override
        public void write(byte[] line) throws IOException {
            long length = line.length + 1L;
            if (size > 0 && size + length > maxBytes) rotate();
            out.write(line);
            out.write('\n');
            size += length;
        }

        private void rotate() throws IOException {
            out.close();
            for (int i = keep; i >= 1; i--) {
                Path from = i == 1 ? path : numbered(i - 1);
                if (Files.exists(from)) Files.move(from, numbered(i), StandardCopyOption.REPLACE_EXISTING);
            }
            open();
        }

        private Path numbered(int i) {
            return path.resolveSibling(path.getFileName() + "." + i);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}

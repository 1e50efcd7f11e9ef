package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Consistency;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.WatchFilter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * The streaming endpoints (read, lookups, export, watch) and import. Results are newline-delimited JSON, one
 * {@code {"result": …}} per line. Pages are fetched from the engine on a worker and written on the event loop,
 * the next page only once the client has drained the previous one; every page after the first is read at the
 * first page's exact revision, and the stream goes on until the engine has no more, so answers are complete.
 * A failure after the first line is written as a last {@code {"error": …}} line.
 *
 * <p>Each page's work runs under its own deadline of the request timeout (a stream as a whole may run as long as
 * its client reads); a page over it ends the stream with {@code DEADLINE_EXCEEDED}. When the client goes away,
 * the page being computed is cancelled and no further page is fetched. Watch is long-lived by design: it has no
 * deadline and ends only when its client goes away.
 */
final class StreamHandlers {
    private static final int PAGE = 1000;
    private static final Set<String> READ =
            Set.of("consistency", "relationshipFilter", "optionalLimit", "optionalCursor");
    private static final Set<String> LOOKUP_RESOURCES = Set.of(
            "consistency",
            "resourceObjectType",
            "permission",
            "subject",
            "context",
            "optionalLimit",
            "optionalCursor",
            RequestReader.CONTEXTUAL);
    private static final Set<String> LOOKUP_SUBJECTS = Set.of(
            "consistency",
            "resource",
            "permission",
            "subjectObjectType",
            "optionalSubjectRelation",
            "context",
            "optionalLimit",
            "optionalConcreteLimit",
            "optionalCursor",
            "wildcardOption",
            RequestReader.CONTEXTUAL);
    private static final Set<String> EXPORT =
            Set.of("consistency", "optionalLimit", "optionalCursor", "optionalRelationshipFilter");
    private static final Set<String> WATCH =
            Set.of("optionalObjectTypes", "optionalStartCursor", "optionalRelationshipFilters", "optionalUpdateKinds");
    /** SpiceDB's {@code WatchKind} names, by number. */
    private static final List<String> WATCH_KINDS = List.of(
            "WATCH_KIND_UNSPECIFIED",
            "WATCH_KIND_INCLUDE_RELATIONSHIP_UPDATES",
            "WATCH_KIND_INCLUDE_SCHEMA_UPDATES",
            "WATCH_KIND_INCLUDE_CHECKPOINTS");

    private static final Set<String> IMPORT_LINE = Set.of("relationships");

    /** Fetches one page of at most {@code limit} results after {@code cursor}, read at {@code consistency}. */
    interface Fetch<T> {
        Results.Page<T> page(Consistency consistency, String cursor, int limit);
    }

    /**
     * A parsed streaming request, whatever the transport: pages of up to {@code pageSize} from {@code cursor}
     * until {@code total} results (0: no limit) were sent or {@code fetch} has no more, each rendered as the
     * response messages' JSON by {@code render}. The first page is read at {@code consistency}, the rest at the
     * first page's exact revision.
     */
    record Spec<T>(
            Consistency consistency,
            String cursor,
            int total,
            int pageSize,
            Fetch<T> fetch,
            Function<Results.Page<T>, List<ObjectNode>> render) {}

    private final Exchange x;
    /** The audit log, or null. */
    private final AuditLog audit;

    StreamHandlers(Exchange x, AuditLog audit) {
        this.x = x;
        this.audit = audit;
    }

    void readRelationships(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.filter("relationshipFilter"));
        streamHttp(ctx, body -> readRelationships(body, AuditLog.entry(ctx)));
    }

    Spec<?> readRelationships(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", READ);
        Consistency consistency = x.in.consistency(in);
        RelationshipFilter filter = x.in.filter(in, "relationshipFilter");
        AuditLog.note(entry, f -> AuditLog.filter(f.putObject("filter"), filter));
        return items(
                in,
                x.out.binding("read", filter.toString()),
                consistency,
                in.optUint("optionalLimit", Integer.MAX_VALUE),
                (c, cursor, limit) ->
                        x.engine.readRelationships(new Requests.ReadRelationships(filter, c, cursor, limit)),
                x.out::readRelationship);
    }

    void lookupResources(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.LOOKUP_RESOURCES);
        streamHttp(ctx, body -> lookupResources(body, AuditLog.entry(ctx)));
    }

    Spec<?> lookupResources(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", LOOKUP_RESOURCES);
        Consistency consistency = x.in.consistency(in);
        String type = x.in.typeName(in, "resourceObjectType");
        String permission = x.in.relationName(in.str("permission"), "permission");
        SubjectRef subject = x.in.subjectRef(in, "subject");
        var context = x.in.context(in, "context");
        var contextual = x.in.contextualRelationships(in);
        AuditLog.note(entry, f -> {
            f.put("resourceType", type);
            f.put("permission", permission);
            f.put("subject", subject.toString());
            AuditLog.keys(f, "contextKeys", context);
        });
        return items(
                in,
                x.out.binding("resources", type, permission, subject.toString(), context, relationships(contextual)),
                consistency,
                in.optUint("optionalLimit", Integer.MAX_VALUE),
                (c, cursor, limit) -> x.engine.lookupResources(
                        new Requests.LookupResources(type, permission, subject, context, c, cursor, limit, contextual)),
                x.out::lookupResource);
    }

    void lookupSubjects(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.LOOKUP_SUBJECTS);
        streamHttp(ctx, body -> lookupSubjects(body, AuditLog.entry(ctx)));
    }

    Spec<?> lookupSubjects(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", LOOKUP_SUBJECTS);
        Consistency consistency = x.in.consistency(in);
        var resource = x.in.objectRef(in, "resource");
        String permission = x.in.relationName(in.str("permission"), "permission");
        String subjectType = x.in.typeName(in, "subjectObjectType");
        String subjectRelation = in.optStr("optionalSubjectRelation");
        if (subjectRelation != null && !subjectRelation.isEmpty()) {
            x.in.relationName(subjectRelation, "optionalSubjectRelation");
        }
        boolean excludeWildcards = parseWildcardOption(in.optStr("wildcardOption"));
        var context = x.in.context(in, "context");
        var contextual = x.in.contextualRelationships(in);
        int limit = Math.max(
                in.optUint("optionalLimit", Integer.MAX_VALUE), in.optUint("optionalConcreteLimit", Integer.MAX_VALUE));
        AuditLog.note(entry, f -> {
            f.put("resource", resource.toString());
            f.put("permission", permission);
            f.put("subjectType", subjectType);
            if (subjectRelation != null && !subjectRelation.isEmpty()) f.put("subjectRelation", subjectRelation);
            AuditLog.keys(f, "contextKeys", context);
        });
        return items(
                in,
                x.out.binding(
                        "subjects",
                        resource.toString(),
                        permission,
                        subjectType,
                        subjectRelation == null ? "" : subjectRelation,
                        excludeWildcards,
                        context,
                        relationships(contextual)),
                consistency,
                limit,
                (c, cursor, pageLimit) -> x.engine.lookupSubjects(new Requests.LookupSubjects(
                        resource,
                        permission,
                        subjectType,
                        subjectRelation,
                        context,
                        c,
                        cursor,
                        pageLimit,
                        excludeWildcards,
                        contextual)),
                x.out::lookupSubject);
    }

    private static boolean parseWildcardOption(String option) {
        if (option == null
                || option.equals("WILDCARD_OPTION_UNSPECIFIED")
                || option.equals("WILDCARD_OPTION_INCLUDE_WILDCARDS")) {
            return false;
        }
        if (option.equals("WILDCARD_OPTION_EXCLUDE_WILDCARDS")) return true;
        throw JsonIn.invalid(
                "wildcardOption",
                "'" + option + "' is not WILDCARD_OPTION_INCLUDE_WILDCARDS or WILDCARD_OPTION_EXCLUDE_WILDCARDS");
    }

    /** Streams every relationship (or those matching the filter), one line per page of up to optionalLimit. */
    void exportBulk(RoutingContext ctx) {
        FieldPaths.use(ctx, FieldPaths.filter("optionalRelationshipFilter"));
        streamHttp(ctx, body -> exportBulk(body, AuditLog.entry(ctx)));
    }

    Spec<?> exportBulk(JsonNode body, AuditLog.Entry entry) {
        JsonIn in = JsonIn.object(body, "", EXPORT);
        Consistency consistency = x.in.consistency(in);
        RelationshipFilter filter =
                in.has("optionalRelationshipFilter") ? x.in.filter(in, "optionalRelationshipFilter") : null;
        int pageSize = in.optUint("optionalLimit", 100_000);
        if (filter != null) AuditLog.note(entry, f -> AuditLog.filter(f.putObject("filter"), filter));
        String binding = x.out.binding("export", filter == null ? "" : filter.toString());
        return new Spec<Results.ReadRelationship>(
                consistency,
                x.in.cursor(in, "optionalCursor", binding),
                0,
                pageSize == 0 ? PAGE : pageSize,
                (c, cursor, limit) -> x.engine.exportRelationships(new Requests.Export(filter, c, cursor, limit)),
                page -> {
                    if (page.items().isEmpty()) return List.of();
                    ObjectNode n = x.out.object();
                    ArrayNode rels = n.putArray("relationships");
                    page.items().forEach(r -> rels.add(x.out.relationship(r.relationship())));
                    JsonOut.cursor(
                            n, "afterResultCursor", page.items().getLast().afterCursor());
                    return List.of(x.out.signCursor(n, binding));
                });
    }

    /**
     * One message per item, up to the request's {@code optionalLimit}, from its {@code optionalCursor}; the cursors
     * handed out are signed and bound to {@code binding}, the request's kind and parameters, and the cursor taken
     * must be bound to the same.
     */
    private <T> Spec<T> items(
            JsonIn in,
            String binding,
            Consistency consistency,
            int limit,
            Fetch<T> fetch,
            java.util.function.BiFunction<T, Revision, ObjectNode> render) {
        return new Spec<>(
                consistency,
                x.in.cursor(in, "optionalCursor", binding),
                limit,
                PAGE,
                fetch,
                page -> page.items().stream()
                        .map(item -> x.out.signCursor(render.apply(item, page.revision()), binding))
                        .toList());
    }

    /** Contextual relationships in their compact form, for a cursor binding. */
    private static List<String> relationships(List<Relationship> contextual) {
        return contextual == null
                ? List.of()
                : contextual.stream().map(Relationship::toString).toList();
    }

    /**
     * Reads a streaming request's JSON, parses it with {@code parse} and streams its answer as NDJSON, or fails the
     * request: a body that is not JSON with an ordinary error answer, anything after it as a stream's error line
     * (see {@link #streamCall}).
     */
    private void streamHttp(RoutingContext ctx, Function<JsonNode, Spec<?>> parse) {
        Spec<?> spec;
        try {
            JsonNode body = x.json(ctx);
            streamCall(ctx);
            spec = parse.apply(body);
        } catch (RuntimeException e) {
            Exchange.fail(ctx, e);
            return;
        }
        start(ctx, spec);
    }

    /**
     * Marks the request as a stream's call: from here on it fails, even before its first line, as grpc-gateway
     * fails a server stream, with the HTTP status of its code and a body {@code {"error": <Status>}} (a request
     * whose body is not JSON is refused before the call, with the Status alone).
     */
    private static void streamCall(RoutingContext ctx) {
        ctx.put(Exchange.STREAM_CALL, Boolean.TRUE);
    }

    private <T> void start(RoutingContext ctx, Spec<T> spec) {
        new Pager<>(ctx, spec.fetch(), spec.render(), spec.total(), spec.pageSize())
                .next(spec.consistency(), spec.cursor(), 0);
    }

    private final class Pager<T> {
        private final RoutingContext ctx;
        private final Fetch<T> fetch;
        private final Function<Results.Page<T>, List<ObjectNode>> render;
        private final int total;
        private final int pageSize;
        /** The deadline of the page being fetched on a worker; null between pages. Event loop only, like done. */
        private Deadline working;
        /** The stream ended (answered, failed or counted as cancelled). */
        private boolean done;

        Pager(
                RoutingContext ctx,
                Fetch<T> fetch,
                Function<Results.Page<T>, List<ObjectNode>> render,
                int total,
                int pageSize) {
            this.ctx = ctx;
            this.fetch = fetch;
            this.render = render;
            this.total = total;
            this.pageSize = pageSize;
            ctx.response().closeHandler(v -> disconnected());
        }

        void next(Consistency consistency, String cursor, long sent) {
            HttpServerResponse response = ctx.response();
            if (response.closed() || response.ended()) return;
            int limit = total == 0 ? pageSize : (int) Math.min(pageSize, total - sent);
            Deadline deadline = Deadline.after(x.limits.requestTimeout());
            working = deadline;
            x.vertx
                    .executeBlocking(
                            () -> deadline.call(() -> {
                                Results.Page<T> page = fetch.page(consistency, cursor, limit);
                                return new Rendered<>(page, render.apply(page));
                            }),
                            false)
                    .onComplete(ar -> {
                        working = null;
                        if (response.closed() || response.ended()) {
                            if (!done) cancelled(Metrics.DISCONNECT);
                            return;
                        }
                        if (ar.failed()) {
                            if (ar.cause() instanceof KithException.DeadlineExceeded) cancelled(Metrics.DEADLINE);
                            done = true;
                            Exchange.fail(ctx, ar.cause());
                            return;
                        }
                        Rendered<T> r = ar.result();
                        if (!response.headWritten()) {
                            response.setStatusCode(200).setChunked(true).putHeader("Content-Type", Exchange.NDJSON);
                        }
                        Buffer buf = Buffer.buffer();
                        String path = ctx.request().path();
                        for (ObjectNode line : r.lines())
                            buf.appendBytes(x.out.line("result", GatewayFields.forPath(path, line)));
                        if (buf.length() > 0) response.write(buf);
                        long now = sent + r.page().items().size();
                        AuditLog.note(ctx, f -> {
                            f.put("count", now);
                            if (!f.has("revision"))
                                f.put("revision", r.page().revision().value());
                        });
                        String nextCursor = r.page().nextCursor();
                        if (nextCursor == null
                                || (total != 0 && now >= total)
                                || r.page().items().isEmpty()) {
                            done = true;
                            response.end();
                            return;
                        }
                        Consistency pinned =
                                new Consistency.AtExactSnapshot(r.page().revision());
                        if (response.writeQueueFull()) {
                            response.drainHandler(v -> next(pinned, nextCursor, now));
                        } else {
                            next(pinned, nextCursor, now);
                        }
                    });
        }

        /** The client went away: stop the page being computed, or count the stream cancelled between pages. */
        private void disconnected() {
            if (done) return;
            Deadline w = working;
            if (w != null) {
                w.cancel();
                return;
            }
            cancelled(Metrics.DISCONNECT);
        }

        private void cancelled(String reason) {
            done = true;
            x.metrics.cancelled(reason);
        }
    }

    private record Rendered<T>(Results.Page<T> page, List<ObjectNode> lines) {}

    /**
     * Streams change sets after {@code optionalStartCursor} (or after the newest revision now), each with the
     * token of its revision, until the client goes away or falls behind (see {@link WatchStream}); over {@link
     * Limits#maxWatches} open watches, answers 429.
     */
    void watch(RoutingContext ctx) {
        Watch watch;
        try {
            JsonNode body = x.json(ctx);
            streamCall(ctx);
            watch = watch(body);
        } catch (RuntimeException e) {
            Exchange.fail(ctx, e);
            return;
        }
        Revision after = watch.after();
        WatchFilter filter = watch.filter();
        var open = x.metrics.watchesOpen();
        try {
            reserveWatch();
        } catch (HttpFailure e) {
            Exchange.fail(ctx, e);
            return;
        }
        HttpServerResponse response = ctx.response();
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", Exchange.NDJSON);
        response.writeHead();
        if (audit != null) {
            note(AuditLog.entry(ctx), watch);
            audit.watchOpened(ctx);
            AuditLog.note(ctx, f -> f.put("changeSets", 0));
        }
        new WatchStream(x, ctx, x.vertx.getOrCreateContext(), after, watch.checkpoints(), open::decrementAndGet)
                .open(x.engine, filter);
    }

    /**
     * Takes a place among the open watches (give it back with {@code metrics.watchesOpen().decrementAndGet()}), or
     * refuses with RESOURCE_EXHAUSTED over {@link Limits#maxWatches}.
     */
    void reserveWatch() {
        var open = x.metrics.watchesOpen();
        if (open.incrementAndGet() > x.limits.maxWatches()) {
            open.decrementAndGet();
            throw new HttpFailure(
                    429,
                    "RESOURCE_EXHAUSTED",
                    null,
                    "too many open watches (limit " + x.limits.maxWatches() + "); retry later");
        }
    }

    /**
     * A parsed watch request: the change sets after {@code after} that {@code filter} lets through (and schema
     * writes when its update kinds ask for them), and checkpoints when {@code checkpoints}.
     */
    record Watch(
            WatchFilter filter,
            Revision after,
            Set<String> types,
            List<RelationshipFilter> filters,
            boolean checkpoints) {}

    /**
     * Binds a watch request (after the newest revision now when it names no start). {@code optionalUpdateKinds}
     * (names or numbers of SpiceDB's {@code WatchKind}) adds to what is sent, as in SpiceDB: relationship changes
     * always, schema writes with {@code WATCH_KIND_INCLUDE_SCHEMA_UPDATES}, checkpoints with {@code
     * WATCH_KIND_INCLUDE_CHECKPOINTS}. As in SpiceDB, object types and relationship filters together are refused
     * when the kinds are empty or name {@code WATCH_KIND_UNSPECIFIED} or {@code
     * WATCH_KIND_INCLUDE_RELATIONSHIP_UPDATES}; otherwise a change must match both.
     */
    Watch watch(JsonNode body) {
        Set<String> types = new HashSet<>();
        List<RelationshipFilter> filters = new ArrayList<>();
        JsonIn in = JsonIn.object(body, "", WATCH);
        Set<String> kinds = new HashSet<>();
        List<JsonNode> ks = in.array("optionalUpdateKinds");
        for (int i = 0; i < ks.size(); i++) {
            JsonNode k = ks.get(i);
            String kind = k.isTextual() ? k.textValue() : null;
            if (k.isIntegralNumber() && k.asInt() >= 0 && k.asInt() < WATCH_KINDS.size()) {
                kind = WATCH_KINDS.get(k.asInt());
            }
            if (kind == null || !WATCH_KINDS.contains(kind)) {
                throw JsonIn.invalid(
                        "optionalUpdateKinds[" + i + "]",
                        "'" + k.asText() + "' is not one of " + String.join(", ", WATCH_KINDS));
            }
            kinds.add(kind);
        }
        boolean relationshipsNamed = kinds.isEmpty()
                || kinds.contains(WATCH_KINDS.get(0))
                || kinds.contains("WATCH_KIND_INCLUDE_RELATIONSHIP_UPDATES");
        boolean schema = kinds.contains("WATCH_KIND_INCLUDE_SCHEMA_UPDATES");
        boolean checkpoints = kinds.contains("WATCH_KIND_INCLUDE_CHECKPOINTS");
        List<JsonNode> ts = in.array("optionalObjectTypes");
        for (int i = 0; i < ts.size(); i++) {
            JsonNode t = ts.get(i);
            if (!t.isTextual()) throw JsonIn.invalid("optionalObjectTypes[" + i + "]", "must be a string");
            types.add(t.textValue());
        }
        List<JsonNode> fs = in.array("optionalRelationshipFilters");
        for (int i = 0; i < fs.size(); i++) {
            filters.add(x.in.filter(fs.get(i), "optionalRelationshipFilters[" + i + "]"));
        }
        if (relationshipsNamed && !types.isEmpty() && !filters.isEmpty()) {
            throw JsonIn.invalid(
                    "optionalRelationshipFilters", "cannot specify both object types and relationship filters");
        }
        Revision after =
                in.has("optionalStartCursor") ? x.in.token(in, "optionalStartCursor") : x.engine.appliedRevision();
        return new Watch(new WatchFilter(types, filters, schema), after, types, filters, checkpoints);
    }

    /** Notes what {@code watch} watches on the audit entry {@code entry} (null: none). */
    static void note(AuditLog.Entry entry, Watch watch) {
        AuditLog.note(entry, f -> {
            if (!watch.types().isEmpty())
                AuditLog.names(f, "objectTypes", watch.types().stream().sorted().toList());
            if (!watch.filters().isEmpty()) {
                ArrayNode a = f.putArray("filters");
                watch.filters().forEach(rf -> AuditLog.filter(a.addObject(), rf));
            }
            f.put("afterRevision", watch.after().value());
        });
    }

    /**
     * Loads an NDJSON body in one atomic batch: each line is {@code {"relationships": [...]}} (SpiceDB's import
     * message) or a single relationship object. Lines are parsed as the engine consumes them, on a worker, under
     * the request's deadline like every unary request: an import still running when it passes commits nothing.
     */
    void importBulk(RoutingContext ctx) {
        long[] loaded = {0};
        NdjsonRelationships relationships = new NdjsonRelationships(Exchange.body(ctx), loaded);
        FieldPaths.use(ctx, FieldPaths.relationship(relationships::at));
        x.run(ctx, importBulk(relationships, loaded, AuditLog.entry(ctx)));
    }

    /**
     * The plan of an import of {@code relationships} in one transaction, counting them in {@code loaded[0]} as the
     * engine takes them.
     */
    Exchange.Plan importBulk(Iterator<Relationship> relationships, long[] loaded, AuditLog.Entry entry) {
        return new Exchange.Plan(
                true,
                () -> {
                    Revision at;
                    try {
                        at = x.engine.importBulk(relationships);
                    } finally {
                        AuditLog.note(entry, f -> f.put("count", loaded[0]));
                    }
                    AuditLog.note(entry, f -> f.put("revision", at.value()));
                    ObjectNode n = x.out.object();
                    n.put("numLoaded", Long.toString(loaded[0]));
                    n.set("writtenAt", x.out.token(at));
                    return n;
                },
                x.limits.importTimeout());
    }

    /**
     * Iterates the relationships of an NDJSON body lazily, naming the line of any error it finds, and {@linkplain
     * #at where} the last relationship it returned is, for the errors the engine finds in it.
     */
    private final class NdjsonRelationships implements Iterator<Relationship> {
        private final byte[] body;
        private final long[] count;
        private int pos;
        private int line;
        private final List<Relationship> pending = new ArrayList<>();
        private final List<String> pendingPaths = new ArrayList<>();
        private int pendingIndex;
        private volatile String at = "body";

        NdjsonRelationships(byte[] body, long[] count) {
            this.body = body;
            this.count = count;
        }

        @Override
        public boolean hasNext() {
            while (pendingIndex >= pending.size()) {
                if (!readLine()) return false;
            }
            return true;
        }

        @Override
        public Relationship next() {
            if (!hasNext()) throw new NoSuchElementException();
            count[0]++;
            at = pendingPaths.get(pendingIndex);
            return pending.get(pendingIndex++);
        }

        /** The JSON path of the last relationship returned, as {@code line 3} or {@code line 3.relationships[1]}. */
        String at() {
            return at;
        }

        private boolean readLine() {
            pending.clear();
            pendingPaths.clear();
            pendingIndex = 0;
            while (pos < body.length) {
                int start = pos;
                int end = start;
                while (end < body.length && body[end] != '\n') end++;
                pos = end + 1;
                line++;
                if (isBlank(start, end)) continue;
                String where = "line " + line;
                JsonNode n = x.in.parse(body, start, end - start, where);
                if (n.isObject() && n.has("relationships")) {
                    JsonIn in = JsonIn.object(n, where, IMPORT_LINE);
                    List<JsonNode> rels = in.array("relationships");
                    for (int i = 0; i < rels.size(); i++) {
                        String path = where + ".relationships[" + i + "]";
                        pending.add(x.in.relationship(rels.get(i), path));
                        pendingPaths.add(path);
                    }
                } else {
                    pending.add(x.in.relationship(n, where));
                    pendingPaths.add(where);
                }
                if (!pending.isEmpty()) return true;
            }
            return false;
        }

        private boolean isBlank(int start, int end) {
            for (int i = start; i < end; i++) {
                if (!Character.isWhitespace(body[i])) return false;
            }
            return true;
        }
    }
}

package dev.kith.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.BugException;
import dev.kith.engine.Consistency;
import dev.kith.engine.Deadline;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * What every handler shares: reading the body, running engine work inline or on a worker, sending JSON, and
 * handing failures to the router's failure handler (which renders them through {@link ErrorMapper}).
 */
final class Exchange {
    /** The routing-context key holding the caller's key id. */
    static final String CALLER = "kith.caller";

    /** The routing-context key of a body parsed on a worker ({@link #parseLargeBody}). */
    static final String PARSED = "kith.parsedBody";

    /**
     * The routing-context key set once a streaming request's JSON was read: its failures are then a stream's
     * {@code {"error": …}} answer (see {@link ErrorMapper#respond}).
     */
    static final String STREAM_CALL = "kith.streamCall";

    /** Bodies up to this size are parsed on the event loop, larger ones on a worker. */
    static final int PARSE_INLINE_MAX_BYTES = 16 << 10;

    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";

    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized(JSON);

    /** Parsed work for one request: run it on a worker when it may wait or take long. */
    record Plan(boolean blocking, Callable<ObjectNode> work, Duration timeout) {
        /** A plan under the request timeout. */
        Plan(boolean blocking, Callable<ObjectNode> work) {
            this(blocking, work, null);
        }
    }

    final Vertx vertx;
    final Engine engine;
    final RequestReader in;
    final JsonOut out;
    final Limits limits;
    final Metrics metrics;
    private final ObjectMapper mapper;

    Exchange(Vertx vertx, Engine engine, RequestReader in, JsonOut out, Limits limits, Metrics metrics) {
        this.vertx = vertx;
        this.engine = engine;
        this.in = in;
        this.out = out;
        this.limits = limits;
        this.metrics = metrics;
        this.mapper = in.mapper();
    }

    static byte[] body(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? new byte[0] : b.getBytes();
    }

    JsonNode json(RoutingContext ctx) {
        JsonNode parsed = ctx.get(PARSED);
        return parsed != null ? parsed : in.parse(body(ctx));
    }

    /**
     * Parses a JSON body larger than {@link #PARSE_INLINE_MAX_BYTES} on a worker, so a large body never stalls the
     * event loop (and every other request on it), and hands the tree to the endpoint's handler; a malformed body
     * fails the request as an inline parse would. Import bodies (NDJSON) are parsed line by line on their worker.
     */
    void parseLargeBody(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        if (b == null
                || b.length() <= PARSE_INLINE_MAX_BYTES
                || KithServer.isImport(ctx.request().path())) {
            ctx.next();
            return;
        }
        vertx.executeBlocking(() -> in.parse(b.getBytes()), false).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.put(PARSED, ar.result());
                ctx.next();
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    /** Whether the body was parsed on a worker (its tree is {@link #json}). */
    static boolean parsed(RoutingContext ctx) {
        return ctx.get(PARSED) != null;
    }

    /** Whether reading at {@code c} may wait: on the store, or for this node to apply a revision. */
    boolean mayWait(Consistency c) {
        return switch (c) {
            case Consistency.FullyConsistent f -> true;
            case Consistency.AtLeastAsFresh a -> engine.appliedRevision().compareTo(a.revision()) < 0;
            case Consistency.MinimizeLatency m -> false;
            case Consistency.AtExactSnapshot s -> false;
        };
    }

    /** Parses the body with {@code parse} and answers with the JSON its plan produces. */
    void unary(RoutingContext ctx, java.util.function.Function<JsonNode, Plan> parse) {
        Plan plan;
        try {
            plan = parse.apply(json(ctx));
        } catch (RuntimeException e) {
            fail(ctx, e);
            return;
        }
        run(ctx, plan);
    }

    /**
     * Runs {@code plan} (on a worker when it may wait, else inline) and answers with the JSON it produces. Inline
     * work (an expand or a bulk check that need not wait) holds the event loop, so no timer can answer it: it is
     * bounded by the request timeout through the engine's own polls of its deadline. The plain check, the hot
     * path, goes straight to {@link #runJson} and binds none: one check is bounded by the depth limit.
     */
    void run(RoutingContext ctx, Plan plan) {
        String path = ctx.request().path();
        Callable<byte[]> work =
                () -> json(GatewayFields.forPath(path, plan.work().call()));
        Duration timeout = plan.timeout() != null ? plan.timeout() : limits.requestTimeout();
        runJson(
                ctx,
                plan.blocking(),
                timeout,
                plan.blocking() ? work : () -> Deadline.after(timeout).call(work));
    }

    /**
     * Runs {@code work} (on a worker when {@code blocking}, else inline) and answers with the JSON bytes it
     * renders itself.
     */
    void runJson(RoutingContext ctx, boolean blocking, Callable<byte[]> work) {
        runJson(ctx, blocking, limits.requestTimeout(), work);
    }

    /** {@link #runJson(RoutingContext, boolean, Callable)} with its own deadline on a worker. */
    private void runJson(RoutingContext ctx, boolean blocking, Duration timeout, Callable<byte[]> work) {
        if (blocking) {
            Deadline deadline = Deadline.after(timeout);
            armDeadline(ctx, deadline, timeout);
            vertx.executeBlocking(() -> deadline.call(work), false).onComplete(ar -> {
                if (ar.succeeded()) send(ctx, 200, ar.result());
                else failWork(ctx, ar.cause());
            });
        } else {
            byte[] result;
            try {
                result = work.call();
            } catch (Exception e) {
                failWork(ctx, e);
                return;
            }
            send(ctx, 200, result);
        }
    }

    /** Fails the request with the error its work ended with, counting work its deadline stopped. */
    private void failWork(RoutingContext ctx, Throwable failure) {
        if (failure instanceof KithException.DeadlineExceeded) metrics.cancelled(Metrics.DEADLINE);
        fail(ctx, failure);
    }

    /**
     * Fails the request with 504 if it has not been answered within the request timeout, and tells its work
     * ({@code deadline}, which the engine polls) to stop; unless the work is a write already committing, which
     * then answers with its own outcome. Cancelling is a flag, never a thread interrupt, so
     * nothing of this request leaks into the next task of the pooled worker.
     */
    private void armDeadline(RoutingContext ctx, Deadline deadline, Duration timeout) {
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            // a write past its commit point answers with its outcome: a 504 would say nothing was written
            if (deadline.cancel()) fail(ctx, 504);
        });
        ctx.addEndHandler(ar -> vertx.cancelTimer(timer));
    }

    void send(RoutingContext ctx, int status, ObjectNode body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        byte[] bytes;
        try {
            bytes = json(body);
        } catch (BugException e) {
            fail(ctx, e);
            return;
        }
        send(ctx, status, bytes);
    }

    private void send(RoutingContext ctx, int status, byte[] json) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.response().setStatusCode(status).putHeader(CONTENT_TYPE, JSON_TYPE).end(Buffer.buffer(json));
    }

    private byte[] json(ObjectNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new BugException("a JSON tree that does not serialise", e);
        }
    }

    static void fail(RoutingContext ctx, Throwable failure) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.fail(failure);
    }

    private static void fail(RoutingContext ctx, int status) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.fail(status);
    }
}

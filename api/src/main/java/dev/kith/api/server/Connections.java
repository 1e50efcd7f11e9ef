package dev.kith.api.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds what one connection may hold: at most {@link Limits#maxConnections} are open (a connection over it is
 * closed as soon as it is accepted), every request's line and headers must arrive within {@link
 * Limits#headerTimeout} (on a new connection from its accept, on a kept-alive one from the first byte received
 * after the previous answer), a connection with no request in flight is closed after {@link Limits#idleTimeout}, and a
 * request body must arrive within {@link Limits#bodyTimeout} (an import body: the longer of it and {@link
 * Limits#importTimeout}) or the
 * request is answered 408 and its connection closed. Silent slow clients thus hold a connection for a bounded
 * time; a request being served (a long check, an open watch stream) is never cut by these timers.
 *
 * <p>Each connection's state is touched only on its event loop.
 *
 * <p>Two small Netty handlers are put in each HTTP/1.x connection's pipeline, as Vert.x has no hook for either: one
 * first in line notes that bytes arrive on a connection with no request in flight (the start of its next request,
 * which arms the header timer), and one in front of Vert.x's own handler makes sure that the 400 answering a request
 * whose framing is broken (malformed chunked encoding) is sent before Vert.x closes the connection.
 */
final class Connections {
    private static final System.Logger LOG = System.getLogger(Connections.class.getName());

    private final Vertx vertx;
    private final Limits limits;
    private final Metrics metrics;
    private final Map<HttpConnection, State> states = new ConcurrentHashMap<>();

    Connections(Vertx vertx, Limits limits, Metrics metrics) {
        this.vertx = vertx;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** One connection: its requests in flight, and the timer that closes it while it has none. */
    private final class State {
        final HttpConnection connection;
        int inFlight;
        long timer = -1;
        /** The header timer runs: a request has begun (or the connection is new) and its headers are not all in. */
        boolean awaitingHeaders;

        State(HttpConnection connection) {
            this.connection = connection;
        }

        void arm(long millis, String reason) {
            cancel();
            timer = vertx.setTimer(millis, t -> {
                timer = -1;
                if (inFlight > 0) return;
                metrics.connectionClosed(reason);
                connection.close();
            });
        }

        void cancel() {
            if (timer >= 0) vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** The server's connection handler: counts the connection, refuses it over the limit, arms its header timer. */
    void accepted(HttpConnection connection) {
        long open = metrics.connected();
        State state = new State(connection);
        connection.closeHandler(v -> {
            metrics.disconnected();
            State s = states.remove(connection);
            if (s != null) s.cancel();
        });
        if (open > limits.maxConnections()) {
            metrics.connectionClosed(Metrics.REFUSED);
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "refused a connection from " + connection.remoteAddress() + ": " + limits.maxConnections()
                            + " connections are open");
            connection.close();
            return;
        }
        states.put(connection, state);
        state.awaitingHeaders = true;
        state.arm(limits.headerTimeout().toMillis(), Metrics.HEADERS);
        if (connection instanceof ConnectionBase base) watch(base, state);
    }

    /**
     * Puts the two handlers (see the class comment) in the connection's pipeline, when it is the HTTP/1.x pipeline
     * Vert.x builds (its request handler is named {@code handler}).
     */
    private void watch(ConnectionBase connection, State state) {
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        if (pipeline.get("handler") == null) return;
        ContextInternal context = connection.context();
        pipeline.addFirst("kith-arrival", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (state.inFlight == 0 && !state.awaitingHeaders) context.emit(null, v -> requestBegins(state));
                ctx.fireChannelRead(msg);
            }
        });
        pipeline.addBefore("handler", "kith-framing", new FramingGuard());
    }

    /** Bytes arrive on a connection with no request in flight: the next request has begun, its headers are due. */
    private void requestBegins(State state) {
        if (state.inFlight > 0 || state.awaitingHeaders || !states.containsKey(state.connection)) return;
        state.awaitingHeaders = true;
        state.arm(limits.headerTimeout().toMillis(), Metrics.HEADERS);
    }

    /**
     * Vert.x answers a request body whose framing is broken by failing the request (our failure handler then writes
     * a 400, see {@link ErrorMapper#respond}) and closing the connection at once, before that answer is flushed: this
     * handler, between Vert.x's handler and the HTTP codec, flushes what was written before letting the close
     * through, once it has seen such a body.
     */
    private static final class FramingGuard extends ChannelDuplexHandler {
        private boolean broken;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpContent content && content.decoderResult().isFailure()) broken = true;
            ctx.fireChannelRead(msg);
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            if (broken) ctx.flush();
            ctx.close(promise);
        }
    }

    /**
     * The first route of every request: holds the connection's timers while the request is in flight, and bounds
     * the time its body may take to arrive.
     */
    void requestArrived(RoutingContext ctx) {
        State state = states.get(ctx.request().connection());
        if (state != null) {
            state.inFlight++;
            state.awaitingHeaders = false;
            state.cancel();
            ctx.addEndHandler(ar -> {
                state.inFlight--;
                if (state.inFlight == 0) state.arm(limits.idleTimeout().toMillis(), Metrics.IDLE);
            });
        }
        if (!ctx.request().isEnded()) {
            boolean importing = ctx.request().path().equals(KithServer.IMPORT_PATH);
            long millis = importing
                    ? Math.max(
                            limits.bodyTimeout().toMillis(),
                            limits.importTimeout().toMillis())
                    : limits.bodyTimeout().toMillis();
            long timer = vertx.setTimer(millis, t -> bodyLate(ctx, millis));
            ctx.addEndHandler(ar -> vertx.cancelTimer(timer));
        }
        ctx.next();
    }

    private void bodyLate(RoutingContext ctx, long millis) {
        if (ctx.request().isEnded() || ctx.response().ended() || ctx.response().closed()) return;
        metrics.connectionClosed(Metrics.BODY);
        LOG.log(
                System.Logger.Level.INFO,
                "closing the connection of " + ctx.request().remoteAddress() + ": its request body did not arrive in "
                        + millis + " ms");
        HttpConnection connection = ctx.request().connection();
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            // the rest of the body would be read as the next request: the connection cannot be reused
            ctx.response().putHeader("Connection", "close").endHandler(v -> connection.close());
        }
        Exchange.fail(
                ctx,
                new HttpFailure(
                        408, "DEADLINE_EXCEEDED", "body", "the request body did not arrive within " + millis + " ms"));
    }
}

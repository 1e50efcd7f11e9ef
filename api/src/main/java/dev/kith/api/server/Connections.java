package dev.kith.api.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds what one connection may hold: at most {@link Limits#maxConnections} are open (a connection over it is
 * closed as soon as it is accepted), every request's line and headers must arrive within {@link
 * Limits#headerTimeout} (on a new connection from its accept, on a kept-alive one from the arrival of the request's
 * first bytes, also when they arrive while an earlier request of the connection is still being served), a connection
 * with no request in flight is closed after {@link Limits#idleTimeout}, and a request body must arrive within {@link
 * Limits#bodyTimeout} (an import body: the longer of it and {@link Limits#importTimeout}) or the request is answered
 * 408 and its connection closed. Silent slow clients thus hold a connection for a bounded time; a request being
 * served (a long check, an open watch stream) is never cut by these timers: when the headers of a request pipelined
 * behind it are overdue, the connection is closed as soon as that request has been answered.
 *
 * <p>Each connection's state is touched only on its event loop.
 *
 * <p>Three small Netty handlers are put in each HTTP/1.x connection's pipeline, as Vert.x has no hook for these: one
 * just in front of the HTTP decoder notes, after each read, whether the decoder holds the first bytes of a request
 * whose headers are not all in (which arms the header timer); one behind the decoder notes when a request's headers
 * are complete and when its body has ended; and one makes sure that the 400 answering a request whose framing is
 * broken (malformed chunked encoding) is sent before Vert.x closes the connection.
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

    /** One connection: its requests in flight, its header timer and the timer that closes it while it is idle. */
    private final class State {
        final HttpConnection connection;
        int inFlight;
        long idleTimer = -1;
        long headerTimer = -1;
        /** The header timer runs: a request has begun (or the connection is new) and its headers are not all in. */
        boolean awaitingHeaders;
        /** The header timer ran out while a request was in flight: close the connection once none is. */
        boolean headersOverdue;
        /**
         * The decoder's view is followed ({@link #watch}): a request's headers are complete when the decoder says so,
         * not when the request reaches the router (which, for a pipelined request, is only once the one before it has
         * been answered).
         */
        boolean tracked;
        /** The decoder has read every request of the connection to its end (its next bytes begin a new request). */
        boolean betweenRequests = true;

        State(HttpConnection connection) {
            this.connection = connection;
        }

        /** The headers of a request are due: closes the connection after the header timeout unless they arrive. */
        void awaitHeaders() {
            awaitingHeaders = true;
            cancelIdle();
            cancelHeaders();
            headerTimer = vertx.setTimer(limits.headerTimeout().toMillis(), t -> {
                headerTimer = -1;
                if (!awaitingHeaders) return;
                if (inFlight > 0) {
                    headersOverdue = true;
                    return;
                }
                close(Metrics.HEADERS);
            });
        }

        /** The headers of the request being read are complete. */
        void headersArrived() {
            awaitingHeaders = false;
            cancelHeaders();
        }

        void armIdle() {
            cancelIdle();
            idleTimer = vertx.setTimer(limits.idleTimeout().toMillis(), t -> {
                idleTimer = -1;
                if (inFlight == 0 && !awaitingHeaders) close(Metrics.IDLE);
            });
        }

        void close(String reason) {
            metrics.connectionClosed(reason);
            connection.close();
        }

        void cancelIdle() {
            if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }

        void cancelHeaders() {
            if (headerTimer >= 0) vertx.cancelTimer(headerTimer);
            headerTimer = -1;
        }
    }

    /** The server's connection handler: counts the connection, refuses it over the limit, arms its header timer. */
    void accepted(HttpConnection connection) {
        long open = metrics.connected();
        State state = new State(connection);
        connection.closeHandler(v -> {
            metrics.disconnected();
            State s = states.remove(connection);
            if (s != null) {
                s.cancelIdle();
                s.cancelHeaders();
            }
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
        state.awaitHeaders();
        if (connection instanceof ConnectionBase base) watch(base, state);
    }

    /**
     * Puts the three handlers (see the class comment) in the connection's pipeline, when it is the HTTP/1.x pipeline
     * Vert.x builds (its HTTP decoder is named {@code httpDecoder}, its request handler {@code handler}).
     */
    private void watch(ConnectionBase connection, State state) {
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        if (pipeline.get("handler") == null || !(pipeline.get("httpDecoder") instanceof ByteToMessageDecoder decoder))
            return;
        ContextInternal context = connection.context();
        Arrival arrival = new Arrival(state, context);
        decoder.setCumulator(arrival);
        pipeline.addBefore("httpDecoder", "kith-arrival", arrival);
        pipeline.addBefore("handler", "kith-requests", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest request
                        && request.decoderResult().isSuccess()) {
                    refuseOtherVersions(request);
                }
                boolean headers = msg instanceof HttpRequest;
                boolean ended = msg instanceof LastHttpContent;
                if (headers || ended) context.emit(null, v -> decoded(state, headers, ended));
                ctx.fireChannelRead(msg);
            }
        });
        pipeline.addBefore("handler", "kith-framing", new FramingGuard());
        state.tracked = true;
    }

    /**
     * The HTTP decoder reads any {@code NAME/major.minor} at the end of a request line as a protocol version, and
     * Vert.x answers one other than HTTP/1.0 and HTTP/1.1 with an empty 501. Marked as a request that could not be
     * read (as the decoder marks its own failures, with HTTP/1.0 so that the answer closes the connection), it gets
     * the server's answer to an unreadable request head instead.
     */
    private static void refuseOtherVersions(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0) return;
        request.setProtocolVersion(HttpVersion.HTTP_1_0);
        request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion()));
    }

    /** A request line whose version is not HTTP/1.0 or HTTP/1.1. Cheap: an answer, not a bug. */
    static final class UnsupportedVersion extends RuntimeException {
        UnsupportedVersion() {
            super("the request line does not end with HTTP/1.0 or HTTP/1.1", null, false, false);
        }
    }

    /** The decoder produced a request's head ({@code headers}) and/or the end of its body ({@code ended}). */
    private static void decoded(State state, boolean headers, boolean ended) {
        if (headers) {
            state.betweenRequests = false;
            state.headersArrived();
        }
        if (ended) state.betweenRequests = true;
    }

    /**
     * Just in front of the HTTP decoder: after each read the decoder has taken, tells whether it holds bytes of a
     * request whose headers are not complete (bytes left over after the last request's end, other than the line
     * breaks some clients send between requests); then that request has begun and its header timer runs. It sees the
     * bytes the decoder keeps by being its cumulator, holding a reference to that buffer for the length of the read.
     */
    private final class Arrival extends ChannelInboundHandlerAdapter implements ByteToMessageDecoder.Cumulator {
        private final State state;
        private final ContextInternal context;
        /** The decoder's buffer during the read being decoded (a reference of ours), else null. */
        private ByteBuf decoding;

        Arrival(State state, ContextInternal context) {
            this.state = state;
            this.context = context;
        }

        @Override
        public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
            ByteBuf merged = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
            release();
            decoding = merged.retain();
            return merged;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ctx.fireChannelRead(msg);
                if (decoding != null && requestPending(decoding)) context.emit(null, v -> requestBegins(state));
            } finally {
                release();
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        private void release() {
            if (decoding != null) decoding.release();
            decoding = null;
        }

        /** Whether the decoder keeps bytes other than line breaks: the beginning of a request it cannot decode yet. */
        private static boolean requestPending(ByteBuf kept) {
            return kept.isReadable()
                    && kept.forEachByte(kept.readerIndex(), kept.readableBytes(), b -> b == '\r' || b == '\n') >= 0;
        }
    }

    /** The decoder holds the beginning of a request: unless its headers are already due, their timer starts now. */
    private void requestBegins(State state) {
        if (!state.betweenRequests || state.awaitingHeaders || !states.containsKey(state.connection)) return;
        state.awaitHeaders();
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
            state.cancelIdle();
            // untracked (not HTTP/1.x): the router's first sight of a request is when its headers are in
            if (!state.tracked) state.headersArrived();
            ctx.addEndHandler(ar -> {
                state.inFlight--;
                if (state.inFlight > 0 || !states.containsKey(state.connection)) return;
                if (state.headersOverdue) state.close(Metrics.HEADERS);
                else if (!state.awaitingHeaders) state.armIdle();
            });
        }
        if (!ctx.request().isEnded()) {
            boolean importing = KithServer.isImport(ctx.request().path());
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
        if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // the rest of the body would be read as the next request: the connection cannot be reused
            ctx.response().putHeader("Connection", "close").endHandler(v -> connection.close());
        }
        Exchange.fail(
                ctx,
                new HttpFailure(
                        408, "DEADLINE_EXCEEDED", "body", "the request body did not arrive within " + millis + " ms"));
    }
}

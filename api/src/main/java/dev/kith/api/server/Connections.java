package dev.kith.api.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds what one connection may hold: at most {@link Limits#maxConnections} are open (a connection over it is
 * closed as soon as it is accepted), a new connection must send its first request's headers within {@link
 * Limits#headerTimeout}, a connection with no request in flight is closed after {@link Limits#idleTimeout}, and a
 * request body must arrive within {@link Limits#bodyTimeout} (an import body: the longer of it and {@link
 * Limits#importTimeout}) or the
 * request is answered 408 and its connection closed. Silent slow clients thus hold a connection for a bounded
 * time; a request being served (a long check, an open watch stream) is never cut by these timers.
 *
 * <p>Each connection's state is touched only on its event loop.
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
        state.arm(limits.headerTimeout().toMillis(), Metrics.HEADERS);
    }

    /**
     * The first route of every request: holds the connection's timers while the request is in flight, and bounds
     * the time its body may take to arrive.
     */
    void requestArrived(RoutingContext ctx) {
        State state = states.get(ctx.request().connection());
        if (state != null) {
            state.inFlight++;
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

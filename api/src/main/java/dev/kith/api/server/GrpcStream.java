package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import dev.kith.engine.Consistency;
import dev.kith.engine.Results;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Function;

/**
 * Answers a server-streaming call from a {@link StreamHandlers.Spec}, as the HTTP side's pager does: a page at a
 * time from the engine (each under its own deadline of the request timeout, or the call's deadline if sooner),
 * every page after the first at the first page's exact revision, until the engine has no more or the request's
 * limit was sent. Flow control: a message is sent only while the transport {@linkplain
 * ServerCallStreamObserver#isReady is ready} for it, and the next page is fetched only when the last one is all
 * sent, so a slow reader holds kith to at most one page. Runs on the call's executor (its start, then each
 * on-ready callback), never on a transport thread.
 */
final class GrpcStream<T, R extends Message> {
    private final GrpcCalls calls;
    private final GrpcCalls.Call call;
    private final ServerCallStreamObserver<R> out;
    private final StreamHandlers.Spec<T> spec;
    private final Function<ObjectNode, R> render;
    private final ArrayDeque<R> ready = new ArrayDeque<>();
    private Consistency consistency;
    private String cursor;
    private long sent;
    private boolean more = true;
    private boolean done;

    private GrpcStream(
            GrpcCalls calls,
            GrpcCalls.Call call,
            ServerCallStreamObserver<R> out,
            StreamHandlers.Spec<T> spec,
            Function<ObjectNode, R> render) {
        this.calls = calls;
        this.call = call;
        this.out = out;
        this.spec = spec;
        this.render = render;
        this.consistency = spec.consistency();
        this.cursor = spec.cursor();
    }

    /** Starts streaming {@code spec}'s answer to {@code out}; call from the call's handler. */
    static <T, R extends Message> void start(
            GrpcCalls calls,
            GrpcCalls.Call call,
            ServerCallStreamObserver<R> out,
            StreamHandlers.Spec<T> spec,
            Function<ObjectNode, R> render) {
        GrpcStream<T, R> s = new GrpcStream<>(calls, call, out, spec, render);
        out.setOnCancelHandler(s::cancelled);
        out.setOnReadyHandler(s::drain);
        s.drain();
    }

    private synchronized void cancelled() {
        if (done) return;
        done = true;
        call.finish(null);
        calls.x.metrics.cancelled(Metrics.DISCONNECT);
    }

    /** Sends what the transport takes, fetching pages as they are used up; returns when it takes no more. */
    private synchronized void drain() {
        try {
            while (!done) {
                if (!ready.isEmpty()) {
                    if (!out.isReady()) return;
                    out.onNext(ready.poll());
                    continue;
                }
                if (!more) {
                    done = true;
                    call.finish(null);
                    out.onCompleted();
                    return;
                }
                fetch();
            }
        } catch (Exception | Error e) {
            if (done) return;
            done = true;
            RuntimeException error = call.finish(e);
            if (error != null && !out.isCancelled()) out.onError(error);
        }
    }

    private void fetch() throws Exception {
        int total = spec.total();
        int limit = total == 0 ? spec.pageSize() : (int) Math.min(spec.pageSize(), total - sent);
        Consistency at = consistency;
        String after = cursor;
        Results.Page<T> page = calls.run(() -> spec.fetch().page(at, after, limit), calls.x.limits.requestTimeout());
        List<ObjectNode> lines = spec.render().apply(page);
        for (ObjectNode line : lines) ready.add(render.apply(line));
        sent += page.items().size();
        long count = sent;
        AuditLog.note(call.entry, f -> {
            f.put("count", count);
            if (!f.has("revision")) f.put("revision", page.revision().value());
        });
        consistency = new Consistency.AtExactSnapshot(page.revision());
        cursor = page.nextCursor();
        more = cursor != null && !(total != 0 && sent >= total) && !page.items().isEmpty();
    }
}

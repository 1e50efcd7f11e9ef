package dev.kith.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.kith.engine.BugException;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every gRPC method shares with its HTTP twin. A request message is rendered as its proto3 JSON, which is
 * exactly the HTTP API's body (SpiceDB's gateway shapes), and bound by the same handler code ({@link
 * UnaryHandlers}, {@link StreamHandlers}) into the same engine records under the same limits; the JSON answer the
 * handler builds is read back into the response message. Around that: the in-flight limit and the heap guard of
 * the HTTP side, the same latency metrics (labelled with the gRPC method), the same audit lines (with {@code
 * "transport": "grpc"}), and a deadline that is the request timeout or the caller's gRPC deadline, whichever is
 * sooner, and that a cancelled call also stops.
 */
final class GrpcCalls {
    /** The caller's key id, set by the authentication interceptor. */
    static final Context.Key<String> CALLER = Context.key("kith.caller");
    /** The caller's address, host:port. */
    static final Context.Key<java.net.SocketAddress> CLIENT = Context.key("kith.client");
    /** The call's request id (its {@code x-request-id} header, or a new one). */
    static final Context.Key<String> REQUEST_ID = Context.key("kith.requestId");

    final Exchange x;
    private final AuditLog audit;
    private final Metrics metrics;
    private final HeapGuard heap;
    private final AtomicInteger inFlight;
    private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    private final JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();

    GrpcCalls(Exchange x, AuditLog audit, Metrics metrics, HeapGuard heap, AtomicInteger inFlight) {
        this.x = x;
        this.audit = audit;
        this.metrics = metrics;
        this.heap = heap;
        this.inFlight = inFlight;
    }

    /** Whether calls are written to an audit log (and so need to know who made them). */
    boolean audited() {
        return audit != null;
    }

    /** One admitted call: its timers, audit entry and the field paths of its errors. */
    final class Call {
        private final Metrics.Endpoint endpoint;
        private final long start = System.nanoTime();
        final AuditLog.Entry entry;
        final FieldPaths paths;
        private boolean finished;

        private Call(String method, String kind, FieldPaths paths) {
            this.endpoint = metrics.endpoint(method);
            this.paths = paths;
            this.entry = audit == null ? null : audit.begin(kind, REQUEST_ID.get(), CALLER.get(), client(CLIENT.get()));
        }

        /** Ends the call: with success when {@code failure} is null; returns the gRPC error to answer with. */
        synchronized RuntimeException finish(Throwable failure) {
            if (finished) return null;
            finished = true;
            inFlight.decrementAndGet();
            ErrorMapper.ApiError error = failure == null ? null : ErrorMapper.map(failure, paths);
            if (failure instanceof KithException.DeadlineExceeded) metrics.cancelled(Metrics.DEADLINE);
            int status = error == null ? 200 : error.status();
            endpoint.record(status, System.nanoTime() - start);
            if (audit != null && entry != null) {
                String field = error == null ? null : error.field();
                audit.finish(entry, status, error == null ? null : error.code(), field);
            }
            return error == null
                    ? null
                    : io.grpc.protobuf.StatusProto.toStatusRuntimeException(GrpcErrors.status(error));
        }
    }

    /**
     * The caller's address as the audit log writes it, host:port; formatted only when a line is written, not on
     * every call.
     */
    static String client(java.net.SocketAddress remote) {
        return remote instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : null;
    }

    /** Writes the {@code watchOpened} line of a watch call that has begun streaming (its entry goes on as
     * {@code watchClosed}). */
    void watchOpened(Call call) {
        if (audit == null || call.entry == null) return;
        audit.watchOpened(call.entry);
        AuditLog.note(call.entry, f -> f.put("changeSets", 0));
    }

    /**
     * Counts a call refused for its key and writes its audit line ({@code authFailure}, with {@code reason} and
     * the method as its {@code path}; never the key presented).
     */
    void authenticationFailed(String method, String requestId, String client, String reason, HttpFailure failure) {
        metrics.authFailure();
        if (audit == null) return;
        AuditLog.Entry e = audit.begin("authFailure", requestId, null, client);
        AuditLog.note(e, f -> {
            f.put("reason", reason);
            f.put("path", "/" + method);
        });
        ErrorMapper.ApiError error = ErrorMapper.map(failure);
        audit.finish(e, error.status(), error.code(), null);
    }

    /**
     * Admits a call of {@code method} (the audit log's {@code kind}; {@code write}: it adds to what the server
     * holds): refused with RESOURCE_EXHAUSTED over the in-flight limit, or for a write while the heap is above its
     * watermark.
     */
    Call begin(String method, String kind, FieldPaths paths, boolean write) {
        int max = x.limits.maxInFlight();
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            throw new HttpFailure(
                    429,
                    "RESOURCE_EXHAUSTED",
                    null,
                    "the server is overloaded (" + max + " requests in flight); retry");
        }
        if (write && heap.shedding()) {
            inFlight.decrementAndGet();
            metrics.writeRefused(Metrics.HEAP);
            throw new HttpFailure(429, "RESOURCE_EXHAUSTED", null, heap.message());
        }
        return new Call(method, kind, paths);
    }

    /**
     * Answers a unary call: binds {@code request} with {@code parse} (the HTTP handler's, noting on the call's audit
     * entry), runs its plan under the call's deadline and renders the JSON answer with {@code render}.
     */
    <R extends Message> void unary(
            String method,
            String kind,
            FieldPaths paths,
            boolean write,
            Message request,
            StreamObserver<R> response,
            BiFunction<JsonNode, AuditLog.Entry, Exchange.Plan> parse,
            Function<ObjectNode, R> render) {
        Call call;
        try {
            call = begin(method, kind, paths, write);
        } catch (RuntimeException e) {
            response.onError(GrpcErrors.of(e, paths));
            return;
        }
        R answer;
        try {
            Exchange.Plan plan = parse.apply(json(request), call.entry);
            ObjectNode out = run(plan.work(), plan.timeout() != null ? plan.timeout() : x.limits.requestTimeout());
            answer = render.apply(out);
        } catch (Exception | Error e) {
            response.onError(call.finish(e));
            return;
        }
        call.finish(null);
        response.onNext(answer);
        response.onCompleted();
    }

    /**
     * Answers a unary call bound without JSON: {@code work} runs (noting on its audit entry) and {@code render}
     * builds the message from what it returned. {@code bounded}: the work is bounded by itself (a plain check that
     * need not wait, bounded by the depth limit, answered on the network thread as the HTTP route answers it on
     * its event loop) and binds no deadline; otherwise it runs under the call's deadline ({@link #run}).
     */
    <T, R extends Message> void unary(
            String method,
            String kind,
            FieldPaths paths,
            boolean write,
            boolean bounded,
            java.util.function.Function<AuditLog.Entry, T> work,
            Function<T, R> render,
            StreamObserver<R> response) {
        Call call;
        try {
            call = begin(method, kind, paths, write);
        } catch (RuntimeException e) {
            response.onError(GrpcErrors.of(e, paths));
            return;
        }
        R answer;
        try {
            T result = bounded ? work.apply(call.entry) : run(() -> work.apply(call.entry), x.limits.requestTimeout());
            answer = render.apply(result);
        } catch (Exception | Error e) {
            response.onError(call.finish(e));
            return;
        }
        call.finish(null);
        response.onNext(answer);
        response.onCompleted();
    }

    /**
     * Runs {@code work} on this (executor) thread under a deadline of {@code timeout} or the call's own gRPC
     * deadline, whichever is sooner; cancelling the call (the client went away) stops it too.
     */
    static <T> T run(Callable<T> work, Duration timeout) throws Exception {
        Context context = Context.current();
        io.grpc.Deadline callDeadline = context.getDeadline();
        if (callDeadline != null) {
            long left = callDeadline.timeRemaining(TimeUnit.NANOSECONDS);
            if (left <= 0) {
                throw new KithException.DeadlineExceeded("the call's deadline passed before its work began");
            }
            if (left < timeout.toNanos()) timeout = Duration.ofNanos(left);
        }
        Deadline deadline = Deadline.after(timeout);
        Context.CancellationListener stop = c -> deadline.cancel();
        context.addListener(stop, Runnable::run);
        try {
            return deadline.call(work);
        } finally {
            context.removeListener(stop);
        }
    }

    /** {@code m} as the JSON tree the HTTP API would have received, parsed under the same limits. */
    JsonNode json(Message m) {
        String text;
        try {
            text = printer.print(m);
        } catch (InvalidProtocolBufferException e) {
            throw new KithException.InvalidArgument("request", "the request cannot be read: " + e.getMessage());
        }
        return x.in.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The message {@code builder} builds from the answer {@code n} (in the HTTP API's JSON shape). */
    @SuppressWarnings("unchecked")
    <R extends Message> R message(ObjectNode n, Message.Builder builder) {
        try {
            parser.merge(x.in.mapper().writeValueAsString(n), builder);
        } catch (JsonProcessingException | InvalidProtocolBufferException e) {
            throw new BugException(
                    "an answer that does not fit its gRPC message "
                            + builder.getDescriptorForType().getFullName(),
                    e);
        }
        return (R) builder.build();
    }
}

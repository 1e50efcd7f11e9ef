package dev.kith.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A server stream pulled one answer at a time (grpc-java's blocking iterator asks the server for the next message
 * only when the previous one was taken: that is the back-pressure), opened again after the last answer taken when
 * it is cut with {@code UNAVAILABLE}: the {@link Resumer} builds the request that continues after it (its cursor, or
 * a watch's {@code changes_through}), so nothing is delivered twice and nothing skipped. Before any answer the
 * original request is sent again. Each cut is retried by the {@link RetryPolicy}, whose count starts over with every
 * answer taken. Holds a slot of the client's in-flight bound from its first pull until it ends or is closed.
 */
final class ResumingIterator<Q, R> implements Iterator<R>, AutoCloseable {
    /** The request that continues {@code original} after {@code last}, the {@code taken}-th answer; null: done. */
    @FunctionalInterface
    interface Resumer<Q, R> {
        Q after(Q original, R last, long taken);
    }

    private final GrpcKith client;
    private final Channel channel;
    private final MethodDescriptor<Q, R> method;
    private final String name;
    private final Q original;
    private final Resumer<Q, R> resumer;
    private final RetryPolicy retry;
    private final Duration deadline;
    private final long end;
    private final boolean bounded;

    private Q request;
    private Iterator<R> current;
    private Context.CancellableContext context;
    private R last;
    private long taken;
    private int failures;
    private boolean holding;
    private boolean done;

    ResumingIterator(
            GrpcKith client,
            Channel channel,
            MethodDescriptor<Q, R> method,
            Q request,
            Resumer<Q, R> resumer,
            RetryPolicy retry,
            Duration deadline,
            boolean bounded) {
        this.client = client;
        this.channel = channel;
        this.method = method;
        this.name = method.getBareMethodName();
        this.original = request;
        this.request = request;
        this.resumer = resumer;
        this.retry = retry;
        this.deadline = deadline;
        this.end = deadline == null ? Long.MAX_VALUE : System.nanoTime() + deadline.toNanos();
        this.bounded = bounded;
    }

    /** This iterator as a sequential stream whose {@code close} cancels the call. */
    Stream<R> stream() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public boolean hasNext() {
        while (true) {
            if (done) return false;
            if (current == null) open();
            try {
                if (current.hasNext()) return true;
                finish();
                return false;
            } catch (StatusRuntimeException e) {
                cancelCall();
                current = null;
                if (done) return false;
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || ++failures >= retry.maxAttempts()) {
                    finish();
                    throw KithCallException.of(name, e);
                }
                try {
                    GrpcKith.pause(name, retry.pauseNanos(failures), end);
                } catch (KithCallException deadlineOrInterrupt) {
                    finish();
                    throw deadlineOrInterrupt;
                }
                if (last != null) {
                    Q next = resumer.after(original, last, taken);
                    if (next == null) {
                        finish();
                        return false;
                    }
                    request = next;
                }
            }
        }
    }

    @Override
    public R next() {
        if (!hasNext()) throw new NoSuchElementException();
        R r = current.next();
        last = r;
        taken++;
        failures = 0;
        return r;
    }

    private void open() {
        if (bounded && !holding) {
            client.acquire(name, end);
            holding = true;
        }
        CallOptions options = CallOptions.DEFAULT;
        if (deadline != null) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                finish();
                throw GrpcKith.deadlineExceeded(name, deadline);
            }
            options = options.withDeadlineAfter(left, TimeUnit.NANOSECONDS);
        }
        context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            current = ClientCalls.blockingServerStreamingCall(channel, method, options, request);
        } finally {
            context.detach(previous);
        }
    }

    private void cancelCall() {
        if (context != null) {
            context.cancel(null);
            context = null;
        }
    }

    private void finish() {
        done = true;
        cancelCall();
        current = null;
        if (holding) {
            holding = false;
            client.release();
        }
    }

    /** Cancels the call if it is still open; the stream then ends. */
    @Override
    public void close() {
        finish();
    }
}

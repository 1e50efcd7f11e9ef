package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One watch stream: the engine's change sets, each written as an NDJSON line to the response, with a bounded
 * buffer.
 *
 * <p>The buffer counts the bytes of change sets handed to the event loop and not yet accepted by the socket (those
 * waiting for the event loop plus those in the response's write queue). Once it holds {@link
 * Limits#watchBufferBytes} the stream tells the engine it is not {@linkplain #ready ready}, so the engine reads
 * nothing more for it, and resumes it as the client takes what is queued. A watcher whose unaccepted bytes reach the
 * buffer in more than one change set (its client reads nothing, or too slowly) has fallen behind (a single change
 * set larger than the buffer is still sent whole): the stream ends with an error line that
 * carries the token of the last change set written to it (or its start token), from which the client resumes
 * without missing or repeating a change; its watch is closed and counted in {@code
 * kith_watches_closed_total{reason="behind"}}. A connection that accepts no byte of what was written to it for {@link
 * Limits#watchStallTimeout} (its client reads nothing while a single change set larger than the buffer waits, which
 * is not falling behind) has stalled: the stream ends the same way, counted with {@code reason="stalled"}. Lines are
 * written in pieces of at most {@value #PIECE_BYTES} bytes so that a client reading a large change set slowly but
 * steadily is seen to make progress.
 *
 * <p>Schema writes and checkpoints (when the request asked for them) are lines like change sets, with {@code
 * schemaUpdated} or {@code isCheckpoint} and no updates.
 *
 * <p>Threading: {@link #onChanges}, {@link #onSchemaUpdated}, {@link #onCaughtUp} and {@link #ready} run on the
 * engine's delivery thread; everything else on the request's event loop.
 */
final class WatchStream implements Engine.WatchListener {
    /** The largest piece of a line written at once: each piece the socket accepts counts as the client's progress. */
    static final int PIECE_BYTES = 64 << 10;

    /**
     * The ErrorInfo metadata key of the token a watch that fell behind resumes from (the last change set it was
     * sent, or its start).
     */
    static final String WATCH_RESUME_KEY = "changes_through_token";

    private final Exchange x;
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final Context context;
    private final long limit;
    private final Runnable released;
    /** Checkpoints were asked for. */
    private final boolean checkpoints;
    /** Bytes handed to the event loop and not yet accepted by the socket. */
    private final AtomicLong pending = new AtomicLong();
    /** Of {@link #pending}, the bytes written to the response and not yet accepted by the socket. Event loop. */
    private long unaccepted;
    /** The lines those bytes belong to. Event loop. */
    private int unacceptedLines;
    /** The engine was told the stream is not ready: it waits for {@link #resume}. */
    private final AtomicBoolean paused = new AtomicBoolean();

    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean behind;
    private volatile Runnable resume = () -> {};
    /** The revision of the last change set written (the start revision before any). Event loop only. */
    private Revision last;
    /** When the socket last accepted a piece, or when bytes began waiting for it with none waiting. Event loop. */
    private long progressNanos;
    /** The timer that checks the connection for progress while bytes wait, or -1. Event loop. */
    private long stallTimer = -1;

    private AutoCloseable handle;

    /**
     * A stream answering {@code ctx} from the change sets after {@code start}; {@code released} runs once when it
     * ends, however it ends.
     */
    WatchStream(
            Exchange x, RoutingContext ctx, Context context, Revision start, boolean checkpoints, Runnable released) {
        this.x = x;
        this.checkpoints = checkpoints;
        this.ctx = ctx;
        this.response = ctx.response();
        this.context = context;
        this.limit = x.limits.watchBufferBytes();
        this.last = start;
        this.released = released;
    }

    /** Starts the watch (the response's head is written); the stream ends when the client goes away. */
    void open(Engine engine, dev.kith.engine.WatchFilter filter) {
        response.closeHandler(v -> end());
        response.endHandler(v -> end());
        handle = engine.watch(last, filter, this);
        if (response.closed() || response.ended()) end();
    }

    @Override
    public void onOpen(Runnable resume) {
        this.resume = resume;
    }

    @Override
    public boolean ready() {
        if (behind || ended.get()) return false;
        if (pending.get() < limit) return true;
        paused.set(true);
        // the queue may have drained between the two reads: then nothing would resume the engine
        if (pending.get() < limit && paused.compareAndSet(true, false)) return true;
        return false;
    }

    @Override
    public void onChanges(Results.ChangeSet changes) {
        send(x.out.changeSet(changes), changes.revision(), true);
    }

    @Override
    public void onSchemaUpdated(Results.ChangeSet changes) {
        send(x.out.schemaUpdated(changes), changes.revision(), true);
    }

    @Override
    public void onCaughtUp(Revision revision) {
        if (checkpoints) send(x.out.checkpoint(revision), revision, false);
    }

    /** Writes {@code result} for {@code revision}; {@code changeSet}: counted as a change set (not a checkpoint). */
    private void send(ObjectNode result, Revision revision, boolean changeSet) {
        if (behind || ended.get()) return;
        byte[] line =
                x.out.line("result", GatewayFields.complete(result, dev.kith.proto.v1.WatchResponse.getDescriptor()));
        pending.addAndGet(line.length);
        context.runOnContext(v -> write(line, revision, changeSet));
    }

    @Override
    public void onError(KithException error) {
        context.runOnContext(v -> {
            end();
            Exchange.fail(ctx, error);
        });
    }

    private void write(byte[] line, Revision revision, boolean changeSet) {
        if (behind || response.closed() || response.ended()) {
            pending.addAndGet(-line.length);
            return;
        }
        if (unaccepted == 0) progressNanos = System.nanoTime();
        unaccepted += line.length;
        unacceptedLines++;
        Buffer whole = Buffer.buffer(line);
        for (int from = 0; from < line.length; from += PIECE_BYTES) {
            int to = Math.min(line.length, from + PIECE_BYTES);
            int size = to - from;
            boolean lineEnds = to == line.length;
            response.write(from == 0 && lineEnds ? whole : whole.slice(from, to))
                    .onComplete(ar -> accepted(size, lineEnds));
        }
        if (stallTimer < 0) armStallTimer(x.limits.watchStallTimeout().toMillis());
        last = revision;
        if (changeSet) {
            AuditLog.note(ctx, f -> {
                f.put("changeSets", f.path("changeSets").asLong() + 1);
                f.put("revision", revision.value());
            });
        }
        // one change set larger than the buffer is still sent whole: behind is a buffer's worth of them not taken
        if (unaccepted >= limit && unacceptedLines > 1) fallBehind();
    }

    /**
     * The socket took {@code bytes} (the end of a line when {@code lineEnds}): resumes the engine if it waits and the
     * buffer has room again.
     */
    private void accepted(int bytes, boolean lineEnds) {
        progressNanos = System.nanoTime();
        unaccepted -= bytes;
        if (lineEnds) unacceptedLines--;
        long now = pending.addAndGet(-bytes);
        if (now < limit && !behind && paused.compareAndSet(true, false)) resume.run();
    }

    /**
     * Checks, {@code millis} from now, that the socket accepted something within the stall timeout while bytes wait
     * for it; checks again later while it did, and ends the stream when it did not.
     */
    private void armStallTimer(long millis) {
        stallTimer = x.vertx.setTimer(Math.max(1, millis), t -> {
            stallTimer = -1;
            if (behind || ended.get() || unaccepted == 0) return;
            long timeout = x.limits.watchStallTimeout().toMillis();
            long idle = (System.nanoTime() - progressNanos) / 1_000_000;
            if (idle >= timeout) {
                stop(
                        Metrics.STALLED,
                        "the watcher stalled: its connection accepted none of the " + unaccepted
                                + " bytes waiting for it for " + timeout + " ms");
            } else {
                armStallTimer(timeout - idle);
            }
        });
    }

    /** The client did not take the buffer's worth of changes: end the stream with the token to resume from. */
    private void fallBehind() {
        stop(
                Metrics.BEHIND,
                "the watcher fell behind: the changes waiting for it to read reached its buffer of " + limit
                        + " bytes");
    }

    /**
     * Ends the stream for {@code reason} with a last line {@code RESOURCE_EXHAUSTED} saying {@code why}, carrying
     * the token of the last change set written (or the start token) to resume from.
     */
    private void stop(String reason, String why) {
        behind = true;
        x.metrics.watchClosed(reason);
        ErrorMapper.ApiError error = ErrorMapper.error(
                        io.grpc.Status.Code.RESOURCE_EXHAUSTED,
                        "RESOURCE_EXHAUSTED",
                        why + "; watch again with optionalStartCursor.token set to the error's metadata"
                                + " changes_through_token to resume after the last change set received",
                        null,
                        dev.kith.proto.v1.ErrorReason.ERROR_REASON_UNSPECIFIED)
                .with(WATCH_RESUME_KEY, x.out.token(last).path("token").asText());
        end();
        response.end(Buffer.buffer(x.out.line("error", error.body())));
    }

    /** Closes the watch and releases its place, once. */
    private void end() {
        if (!ended.compareAndSet(false, true)) return;
        if (stallTimer >= 0) x.vertx.cancelTimer(stallTimer); // end() runs on the event loop, as the timer does
        stallTimer = -1;
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                System.getLogger(WatchStream.class.getName())
                        .log(System.Logger.Level.WARNING, "closing a watch failed: " + e.getMessage());
            }
        }
        released.run();
    }
}

package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.proto.v1.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One gRPC watch: the engine's change sets (and schema writes and checkpoints, when asked for), one {@code
 * WatchResponse} each, sent only while the transport is
 * {@linkplain ServerCallStreamObserver#isReady ready} for more. When it is not, the stream tells the engine it is
 * not {@linkplain #ready ready}, so the engine reads nothing more for this watch (keeping its place), and resumes
 * it when the transport becomes ready again: a slow reader holds kith to one change set beyond what HTTP/2 flow
 * control lets through, never an unbounded buffer. The watch ends when the caller cancels it or the engine fails
 * it (e.g. the start revision is no longer kept).
 *
 * <p>Threading: {@link #onChanges}, {@link #ready} and {@link #onError} run on the engine's delivery thread, the
 * ready and cancel handlers on the call's executor; sending is serialised on this object.
 */
final class GrpcWatch implements Engine.WatchListener {
    private final GrpcCalls calls;
    private final GrpcCalls.Call call;
    private final ServerCallStreamObserver<WatchResponse> out;
    /** Checkpoints were asked for. */
    private final boolean checkpoints;

    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable resume = () -> {};
    private volatile AutoCloseable handle;

    private GrpcWatch(
            GrpcCalls calls, GrpcCalls.Call call, ServerCallStreamObserver<WatchResponse> out, boolean checkpoints) {
        this.calls = calls;
        this.checkpoints = checkpoints;
        this.call = call;
        this.out = out;
    }

    /** Opens {@code watch} (its place among the open watches is already taken) and streams it to {@code out}. */
    static void open(
            GrpcCalls calls,
            GrpcCalls.Call call,
            ServerCallStreamObserver<WatchResponse> out,
            StreamHandlers.Watch watch) {
        GrpcWatch w = new GrpcWatch(calls, call, out, watch.checkpoints());
        out.setOnCancelHandler(w::end);
        out.setOnReadyHandler(w::transportReady);
        w.handle = calls.x.engine.watch(watch.after(), watch.filter(), w);
        if (w.ended.get()) w.closeHandle();
    }

    @Override
    public void onOpen(Runnable resume) {
        this.resume = resume;
    }

    @Override
    public boolean ready() {
        if (ended.get()) return false;
        if (out.isReady()) return true;
        paused.set(true);
        // the transport may have become ready between the two reads: then nothing would resume the engine
        return out.isReady() && paused.compareAndSet(true, false);
    }

    private void transportReady() {
        if (paused.compareAndSet(true, false)) resume.run();
    }

    @Override
    public void onChanges(Results.ChangeSet changes) {
        send(calls.x.out.changeSet(changes), changes.revision(), true);
    }

    @Override
    public void onSchemaUpdated(Results.ChangeSet changes) {
        send(calls.x.out.schemaUpdated(changes), changes.revision(), true);
    }

    @Override
    public void onCaughtUp(Revision revision) {
        if (checkpoints) send(calls.x.out.checkpoint(revision), revision, false);
    }

    /** Sends {@code json} for {@code revision}; {@code changeSet}: counted as a change set (not a checkpoint). */
    private void send(ObjectNode json, Revision revision, boolean changeSet) {
        if (ended.get()) return;
        WatchResponse message = calls.message(json, WatchResponse.newBuilder());
        synchronized (this) {
            if (ended.get()) return;
            out.onNext(message);
        }
        if (!changeSet) return;
        AuditLog.note(call.entry, f -> {
            f.put("changeSets", f.path("changeSets").asLong() + 1);
            f.put("revision", revision.value());
        });
    }

    @Override
    public void onError(KithException error) {
        synchronized (this) {
            if (!ended.compareAndSet(false, true)) return;
            RuntimeException answer = call.finish(error);
            if (answer != null) out.onError(answer);
        }
        release();
    }

    /** The caller cancelled (or went away): closes the watch, once. */
    private void end() {
        synchronized (this) {
            if (!ended.compareAndSet(false, true)) return;
            call.finish(null);
        }
        release();
    }

    private void release() {
        calls.x.metrics.watchesOpen().decrementAndGet();
        closeHandle();
    }

    private void closeHandle() {
        AutoCloseable h = handle;
        if (h == null) return;
        try {
            h.close();
        } catch (Exception e) {
            System.getLogger(GrpcWatch.class.getName())
                    .log(System.Logger.Level.WARNING, "closing a watch failed: " + e.getMessage());
        }
    }
}

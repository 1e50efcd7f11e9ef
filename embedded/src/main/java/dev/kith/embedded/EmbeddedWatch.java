package dev.kith.embedded;

import dev.kith.client.KithCallException;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.WatchFilter;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WatchKind;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A watch of the engine as a pulled stream of WatchResponses: the engine's listener queues what it delivers and
 * answers {@link Engine.WatchListener#ready} false once {@link #BUFFER} responses wait, so the engine pauses this
 * watch until the caller has taken some (then it resumes where it stopped: nothing skipped, nothing twice).
 */
final class EmbeddedWatch implements Iterator<WatchResponse>, Engine.WatchListener {
    /** Responses queued before the engine is asked to pause. */
    static final int BUFFER = 128;

    /** Put in the queue to end the stream (after close or an error). */
    private static final WatchResponse END = WatchResponse.newBuilder().build();

    private final LinkedBlockingQueue<WatchResponse> queue = new LinkedBlockingQueue<>();
    private final boolean checkpoints;
    private volatile Runnable resume = () -> {};
    private volatile KithException error;
    private AutoCloseable handle;
    private WatchResponse next;
    private boolean ended;

    private EmbeddedWatch(boolean checkpoints) {
        this.checkpoints = checkpoints;
    }

    static Stream<WatchResponse> open(Engine engine, WatchRequest request) {
        List<RelationshipFilter> filters = new ArrayList<>();
        for (dev.kith.proto.v1.RelationshipFilter f : request.getOptionalRelationshipFiltersList()) {
            filters.add(Protos.filter(f));
        }
        List<WatchKind> kinds = request.getOptionalUpdateKindsList();
        WatchFilter filter = new WatchFilter(
                new java.util.HashSet<>(request.getOptionalObjectTypesList()),
                filters,
                kinds.contains(WatchKind.WATCH_KIND_INCLUDE_SCHEMA_UPDATES));
        Revision after = request.hasOptionalStartCursor()
                ? Protos.revision(request.getOptionalStartCursor(), "optionalStartCursor")
                : engine.appliedRevision();
        EmbeddedWatch w = new EmbeddedWatch(kinds.contains(WatchKind.WATCH_KIND_INCLUDE_CHECKPOINTS));
        w.handle = engine.watch(after, filter, w);
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(w, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(w::close);
    }

    // ---- the engine's side

    @Override
    public void onOpen(Runnable resume) {
        this.resume = resume;
    }

    @Override
    public boolean ready() {
        return queue.size() < BUFFER;
    }

    @Override
    public void onChanges(Results.ChangeSet changes) {
        WatchResponse.Builder b = WatchResponse.newBuilder().setChangesThrough(Protos.token(changes.revision()));
        for (Results.RelationshipChange c : changes.changes()) {
            Relationship r = c.relationship();
            b.addUpdates(RelationshipUpdate.newBuilder()
                    .setOperation(Protos.operation(c.operation()))
                    .setRelationship(Protos.relationship(r)));
        }
        if (!changes.metadata().isEmpty()) b.setOptionalTransactionMetadata(Protos.struct(changes.metadata()));
        queue.add(b.build());
    }

    @Override
    public void onSchemaUpdated(Results.ChangeSet changes) {
        queue.add(WatchResponse.newBuilder()
                .setSchemaUpdated(true)
                .setChangesThrough(Protos.token(changes.revision()))
                .build());
    }

    @Override
    public void onCaughtUp(Revision revision) {
        if (checkpoints) {
            queue.add(WatchResponse.newBuilder()
                    .setIsCheckpoint(true)
                    .setChangesThrough(Protos.token(revision))
                    .build());
        }
    }

    @Override
    public void onError(KithException e) {
        error = e;
        queue.add(END);
    }

    // ---- the caller's side

    @Override
    @SuppressWarnings("ReferenceEquality") // END is one instance, put in the queue only as the end marker
    public boolean hasNext() {
        if (next != null) return true;
        if (ended) return false;
        WatchResponse r;
        try {
            r = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new KithCallException("Watch", Status.Code.CANCELLED, null, null, null, "interrupted");
        }
        resume.run();
        if (r == END) {
            ended = true;
            closeHandle();
            KithException e = error;
            if (e != null) throw Errors.of("Watch", e);
            return false;
        }
        next = r;
        return true;
    }

    @Override
    public WatchResponse next() {
        if (!hasNext()) throw new NoSuchElementException();
        WatchResponse r = next;
        next = null;
        return r;
    }

    void close() {
        closeHandle();
        queue.add(END);
    }

    private void closeHandle() {
        AutoCloseable h = handle;
        if (h == null) return;
        try {
            h.close();
        } catch (Exception e) {
            // closing a watch of the in-process engine releases memory only; nothing to report
        }
    }
}

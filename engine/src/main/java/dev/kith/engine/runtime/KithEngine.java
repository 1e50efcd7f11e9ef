package dev.kith.engine.runtime;

import dev.kith.engine.Consistency;
import dev.kith.engine.Datastore;
import dev.kith.engine.Deadline;
import dev.kith.engine.DeploymentIdentity;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.EngineStats;
import dev.kith.engine.KithException;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.WatchFilter;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.eval.Cursors;
import dev.kith.engine.eval.Queries;
import dev.kith.engine.eval.RelationshipValidator;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.MemoryDatastore;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine: validates requests, writes through the {@link Datastore}, keeps the {@link Index} in step with
 * it and answers reads from the index at the revision the consistency mode picks.
 *
 * <p>Over a {@link MemoryDatastore} the engine reads the store's own index (one copy of the data). Over any
 * other store it loads the store's head state into its own index, then applies every later change set in
 * revision order as the store announces them ({@link Datastore#onNewRevisions}); a write returns only once
 * the index has applied its revision, so a writer reads its own writes.
 *
 * <p>Everything that changes the index (store writes in the embedded case, applying change sets, interning a
 * schema's names) runs under one lock; reads take no lock.
 */
public final class KithEngine implements Engine {
    private final Datastore store;
    private final Index index;
    private final boolean embedded;
    private final EngineOptions options;
    private final Object writeLock = new Object();
    private final Object appliedMonitor = new Object();
    private final ConcurrentSkipListMap<Long, CompiledSchema> schemas = new ConcurrentSkipListMap<>();
    /** When each revision inside the GC window became visible here: a revision expires a window after the next. */
    private final ConcurrentSkipListMap<Long, Instant> revisionTimes = new ConcurrentSkipListMap<>();

    /** Expiring relationships written to the embedded store, soonest first; guarded by the write lock. */
    private final PriorityQueue<Relationship> expiring =
            new PriorityQueue<>(Comparator.comparing(Relationship::expiresAt));

    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    /** Retry delay of the change-feed follower while the store is unavailable. */
    private static final long FEED_RETRY_MILLIS = 500;

    private final ScheduledExecutorService background;
    private final AtomicBoolean followPending = new AtomicBoolean();
    private final Queries queries;

    private Instant lastStoreGc = Instant.MIN;
    private volatile boolean closed;

    private KithEngine(Datastore store, Index index, boolean embedded, EngineOptions options) {
        this.store = store;
        this.index = index;
        this.embedded = embedded;
        this.options = options;
        this.queries = new Queries(index, options.depthLimit(), options.clock());
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kith-engine-feed");
            t.setDaemon(true);
            return t;
        });
    }

    /** An engine over {@code store}; see the class comment for how the index follows it. */
    public static KithEngine over(Datastore store, EngineOptions options) {
        if (store instanceof MemoryDatastore memory) {
            KithEngine e = new KithEngine(store, memory.index(), true, options);
            synchronized (e.writeLock) {
                e.revisionTimes.put(
                        store.headRevision().value(), options.clock().instant());
                String text = store.schemaAt(store.headRevision());
                if (text != null) e.installSchema(store.headRevision().value(), e.compile(text));
            }
            store.onNewRevisions(e::revisionsAvailable);
            return e;
        }
        KithEngine e = new KithEngine(store, new Index(), false, options);
        e.loadFromStore();
        store.onNewRevisions(e::revisionsAvailable);
        return e;
    }

    // ---- schema

    @Override
    public Revision writeSchema(String schemaText) {
        synchronized (writeLock) {
            CompiledSchema compiled = compile(schemaText);
            if (!embedded) follow();
            long head = index.appliedRevision();
            Relationship[] orphan = {null};
            index.scan(new RelationshipFilter(null, null, null, null, null), head, now(), null, r -> {
                if (RelationshipValidator.allowedBy(compiled.schema(), r)) return true;
                orphan[0] = r;
                return false;
            });
            if (orphan[0] != null) {
                // The schema is refused as an invalid argument, as SpiceDB refuses it (InvalidArgument): nothing
                // conflicts with a concurrent write, the schema asks for something the stored data rules out.
                throw new KithException.InvalidArgument(
                        "schema",
                        "the new schema would orphan stored relationships, e.g. '" + orphan[0]
                                + "': delete them first or keep what they need in the schema");
            }
            if (embedded) installSchema(head + 1, compiled);
            Revision rev;
            try {
                rev = store.writeSchema(schemaText);
            } catch (RuntimeException e) {
                if (embedded) {
                    schemas.remove(head + 1);
                    Map.Entry<Long, CompiledSchema> last = schemas.lastEntry();
                    latest = last == null ? null : new Latest(last.getKey(), last.getValue());
                }
                throw e;
            }
            installSchema(rev.value(), compiled);
            if (!embedded) awaitCommitted(rev.value());
            afterWrite(rev);
            return rev;
        }
    }

    private CompiledSchema compile(String text) {
        ValidatedSchema vs;
        try {
            vs = Schemas.compile("schema", text);
        } catch (SchemaException e) {
            throw new KithException.InvalidSchema(e.getMessage(), e.diagnostics());
        }
        return CompiledSchema.compile(vs, index);
    }

    @Override
    public Results.SchemaText readSchema() {
        long rev = index.appliedRevision();
        CompiledSchema s = schemaOrNull(rev);
        if (s == null) throw new KithException.NotFound("no schema has been written");
        return new Results.SchemaText(s.schema().source(), new Revision(rev));
    }

    // ---- writes

    @Override
    public Revision write(Requests.Write write) {
        int size = write.updates().size() + write.preconditions().size();
        if (size > options.maxUpdatesPerWrite()) {
            throw new KithException.LimitExceeded("a write takes at most " + options.maxUpdatesPerWrite()
                    + " updates and preconditions; this one has " + size);
        }
        Revision rev;
        synchronized (writeLock) {
            CompiledSchema schema = requireSchema(index.appliedRevision());
            for (int i = 0; i < write.updates().size(); i++) {
                RelationshipUpdate u = write.updates().get(i);
                RelationshipValidator.validate(
                        schema, u.relationship(), u.operation() == RelationshipUpdate.Operation.DELETE, i);
            }
            validatePreconditions(schema, write.preconditions());
            rev = store.write(write.updates(), write.preconditions(), write.metadata());
            for (RelationshipUpdate u : write.updates()) {
                if (u.operation() != RelationshipUpdate.Operation.DELETE) expires(u.relationship());
            }
            afterWrite(rev);
        }
        if (!embedded) awaitCommitted(rev.value());
        return rev;
    }

    @Override
    public Results.Delete delete(Requests.Delete delete) {
        if (delete.preconditions().size() > options.maxUpdatesPerWrite()) {
            throw new KithException.LimitExceeded(
                    "a delete takes at most " + options.maxUpdatesPerWrite() + " preconditions");
        }
        Datastore.DeleteOutcome outcome;
        synchronized (writeLock) {
            CompiledSchema schema = requireSchema(index.appliedRevision());
            RelationshipValidator.validateFilter(schema, delete.filter(), -1);
            validatePreconditions(schema, delete.preconditions());
            outcome = store.deleteByFilter(delete);
            afterWrite(outcome.revision());
        }
        if (!embedded) awaitCommitted(outcome.revision().value());
        return new Results.Delete(outcome.revision(), outcome.deleted().size(), outcome.partial());
    }

    @Override
    public Revision importBulk(Iterator<Relationship> relationships) {
        Revision rev;
        synchronized (writeLock) {
            CompiledSchema schema = requireSchema(index.appliedRevision());
            List<Relationship> imported = new ArrayList<>();
            Deadline.Ticker ticker = new Deadline.Ticker("the import was not committed: nothing was written");
            rev = store.importBulk(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return relationships.hasNext();
                }

                @Override
                public Relationship next() {
                    if (!relationships.hasNext()) throw new NoSuchElementException();
                    ticker.tick();
                    Relationship r = relationships.next();
                    RelationshipValidator.validate(schema, r, false, -1);
                    if (r.expiresAt() != null) imported.add(r);
                    return r;
                }
            });
            imported.forEach(this::expires);
            afterWrite(rev);
        }
        if (!embedded) awaitCommitted(rev.value());
        return rev;
    }

    /** Remembers an expiring relationship of the embedded store, to remove it once it has expired. */
    private void expires(Relationship r) {
        if (embedded && r.expiresAt() != null) expiring.add(r);
    }

    /**
     * Deletes, in one batch at a new revision, expired relationships of the embedded store that still carry
     * the expiration they were written with (an expired relationship already answers as absent everywhere;
     * this only frees its memory). Under the write lock.
     */
    private void removeExpired(Instant now) {
        MemoryDatastore memory = (MemoryDatastore) store;
        List<RelationshipUpdate> deletes = new ArrayList<>();
        while (!expiring.isEmpty()
                && !expiring.peek().expiresAt().isAfter(now)
                && deletes.size() < options.maxUpdatesPerWrite()) {
            Relationship r = expiring.poll();
            Relationship stored = memory.stored(r);
            if (stored != null && r.expiresAt().equals(stored.expiresAt())) deletes.add(RelationshipUpdate.delete(r));
        }
        if (!deletes.isEmpty()) {
            revisionTimes.put(store.write(deletes, List.of()).value(), now);
        }
    }

    private static void validatePreconditions(CompiledSchema schema, List<Precondition> preconditions) {
        for (int i = 0; i < preconditions.size(); i++) {
            RelationshipValidator.validateFilter(schema, preconditions.get(i).filter(), i);
        }
    }

    // ---- reads

    @Override
    public Results.Page<Results.ReadRelationship> readRelationships(Requests.ReadRelationships read) {
        Cursors.Cursor start = pin(Cursors.READ, read.cursor(), read.consistency());
        var page = queries.read(requireSchema(start.revision()), start, read);
        checkReadable(start.revision());
        return page;
    }

    @Override
    public Results.Page<Results.ReadRelationship> exportRelationships(Requests.Export export) {
        Cursors.Cursor start = pin(Cursors.EXPORT, export.cursor(), export.consistency());
        long rev = start.revision();
        var page = queries.export(export.filter() == null ? schemaOrNull(rev) : requireSchema(rev), start, export);
        checkReadable(rev);
        return page;
    }

    @Override
    public Results.Check check(Requests.Check check) {
        return checkAt(check, resolve(check.consistency()));
    }

    private Results.Check checkAt(Requests.Check check, long rev) {
        Results.Check result = queries.check(requireSchema(rev), rev, check);
        checkReadable(rev);
        return result;
    }

    /**
     * Items with the same consistency are answered at one revision, resolved once. The deadline is the whole
     * request's: when it passes the bulk check fails, not just the item it interrupted.
     */
    @Override
    public List<Results.CheckBulkItem> checkBulk(List<Requests.Check> checks) {
        List<Results.CheckBulkItem> out = new ArrayList<>(checks.size());
        Map<Consistency, Long> revisions = new HashMap<>();
        for (Requests.Check c : checks) {
            try {
                Long rev = revisions.get(c.consistency());
                if (rev == null) {
                    rev = resolve(c.consistency());
                    revisions.put(c.consistency(), rev);
                }
                out.add(new Results.CheckBulkItem(checkAt(c, rev), null));
            } catch (KithException.DeadlineExceeded passed) {
                throw passed;
            } catch (KithException e) {
                out.add(new Results.CheckBulkItem(null, e));
            }
        }
        return out;
    }

    @Override
    public Results.Expand expand(Requests.Expand expand) {
        long rev = resolve(expand.consistency());
        Results.Expand result = queries.expand(requireSchema(rev), rev, expand);
        checkReadable(rev);
        return result;
    }

    @Override
    public Results.Page<Results.LookupResource> lookupResources(Requests.LookupResources lookup) {
        Cursors.Cursor at = pin(Cursors.RESOURCES, lookup.cursor(), lookup.consistency());
        var page = queries.lookupResources(requireSchema(at.revision()), at, lookup);
        checkReadable(at.revision());
        return page;
    }

    @Override
    public Results.Page<Results.LookupSubject> lookupSubjects(Requests.LookupSubjects lookup) {
        Cursors.Cursor at = pin(Cursors.SUBJECTS, lookup.cursor(), lookup.consistency());
        var page = queries.lookupSubjects(requireSchema(at.revision()), at, lookup);
        checkReadable(at.revision());
        return page;
    }

    @Override
    public Revision appliedRevision() {
        return new Revision(index.appliedRevision());
    }

    @Override
    public void probeStore() {
        store.headRevision();
    }

    @Override
    public EngineStats stats() {
        long applied = index.appliedRevision();
        return new EngineStats(index.relationshipCount(), index.internedObjects(), new Revision(applied));
    }

    @Override
    public DeploymentIdentity deployment() {
        return store.deployment();
    }

    // ---- revisions

    private Instant now() {
        return options.clock().instant();
    }

    private CompiledSchema schemaOrNull(long rev) {
        Latest l = latest;
        if (l != null && rev >= l.revision()) return l.schema();
        Map.Entry<Long, CompiledSchema> e = schemas.floorEntry(rev);
        return e == null ? null : e.getValue();
    }

    /** Adds the schema in force from {@code rev} on. Under the write lock. */
    private void installSchema(long rev, CompiledSchema compiled) {
        schemas.put(rev, compiled);
        Latest l = latest;
        if (l == null || rev >= l.revision()) latest = new Latest(rev, compiled);
    }

    /** The newest schema and its revision, so a check at a recent revision needs no map search. */
    private record Latest(long revision, CompiledSchema schema) {}

    private volatile Latest latest;

    /**
     * Where a paged read starts: at its cursor's revision (which must still be readable) and position, or, for a
     * first page, at the revision its consistency picks with no position.
     */
    private Cursors.Cursor pin(String kind, String cursor, Consistency consistency) {
        if (cursor == null) return new Cursors.Cursor(resolve(consistency), null);
        Cursors.Cursor c = Cursors.decode(kind, cursor);
        return new Cursors.Cursor(checkReadable(c.revision()), c.position());
    }

    private CompiledSchema requireSchema(long rev) {
        CompiledSchema s = schemaOrNull(rev);
        if (s == null) {
            throw new KithException.NotFound("no schema has been written (at revision " + rev + ")");
        }
        return s;
    }

    /** The revision {@code consistency} asks for, waiting (bounded) for it to be applied when needed. */
    private long resolve(Consistency consistency) {
        return switch (consistency) {
            case Consistency.MinimizeLatency m -> index.appliedRevision();
            case Consistency.AtLeastAsFresh f -> {
                awaitApplied(f.revision().value());
                yield index.appliedRevision();
            }
            case Consistency.AtExactSnapshot s -> {
                awaitApplied(s.revision().value());
                yield checkReadable(s.revision().value());
            }
            case Consistency.FullyConsistent f -> {
                long head = store.headRevision().value();
                awaitApplied(head);
                yield index.appliedRevision();
            }
        };
    }

    /**
     * {@code rev} if it can be read exactly: applied here, and not superseded longer than the GC window ago
     * (checked here too, so an old snapshot expires on time even when no write has run the collector since).
     */
    private long checkReadable(long rev) {
        long oldest = index.oldestRevision();
        if (rev < oldest) throw new KithException.RevisionExpired(new Revision(rev), new Revision(oldest));
        long applied = index.appliedRevision();
        if (rev > applied) {
            throw new KithException.RevisionUnavailable(
                    "revision " + rev + " has not been applied here; the newest is " + applied);
        }
        if (rev < applied) {
            Map.Entry<Long, Instant> next = revisionTimes.higherEntry(rev);
            Instant horizon = now().minus(options.gcWindow());
            if (next != null && !next.getValue().isAfter(horizon)) {
                long readable = applied;
                for (Map.Entry<Long, Instant> e : revisionTimes.entrySet()) {
                    if (e.getValue().isAfter(horizon)) break;
                    readable = e.getKey();
                }
                throw new KithException.RevisionExpired(new Revision(rev), new Revision(readable));
            }
        }
        return rev;
    }

    /**
     * Waits, bounded by the freshness timeout and by the caller's {@link Deadline} (whichever comes first), until
     * this node has applied {@code rev}.
     */
    private void awaitApplied(long rev) {
        if (index.appliedRevision() >= rev) return;
        long deadline = System.nanoTime() + options.freshnessTimeout().toNanos();
        Deadline request = Deadline.current();
        while (index.appliedRevision() < rev) {
            if (!embedded) follow();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new KithException.RevisionUnavailable("revision " + rev + " was not applied within "
                        + options.freshnessTimeout() + "; the newest applied is " + index.appliedRevision());
            }
            request.check("waiting for revision " + rev + " to be applied");
            left = Math.min(left, request.remainingNanos());
            synchronized (appliedMonitor) {
                if (index.appliedRevision() >= rev) break;
                try {
                    appliedMonitor.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KithException.RevisionUnavailable("interrupted while waiting for revision " + rev);
                }
            }
        }
    }

    /** Waits for a committed write's revision: it has committed, so no request deadline may fail it now. */
    private void awaitCommitted(long rev) {
        Deadline.detached(() -> {
            awaitApplied(rev);
            return null;
        });
    }

    // ---- following the store

    /**
     * The store's announcement of new revisions. It may come on a thread that holds the store's own locks, so
     * the work (applying change sets, delivering watches) is handed to the engine's background thread.
     */
    private void revisionsAvailable() {
        try {
            announce();
        } catch (RejectedExecutionException closing) {
            // the engine closed while the store announced: nothing is left to update
        }
    }

    private void announce() {
        if (closed) return;
        if (embedded) {
            synchronized (appliedMonitor) {
                appliedMonitor.notifyAll();
            }
        } else if (followPending.compareAndSet(false, true)) {
            background.execute(() -> {
                followPending.set(false);
                if (closed) return;
                try {
                    follow();
                } catch (KithException.StoreUnavailable unavailable) {
                    // keep answering at the last applied revision; try again until the store is back
                    if (!closed) {
                        background.schedule(this::revisionsAvailable, FEED_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                synchronized (appliedMonitor) {
                    appliedMonitor.notifyAll();
                }
            });
        }
        if (!watches.isEmpty()) background.execute(this::deliverWatches);
    }

    /**
     * Loads the store's head state into the index at the store's revision: at start, and again when this
     * engine fell so far behind that the store no longer has the change sets in between (then relationships
     * the index has and the store no longer has are deleted in the same batch).
     */
    private void loadFromStore() {
        synchronized (writeLock) {
            List<Index.Op> ops = new ArrayList<>();
            Set<OpKey> present = new HashSet<>();
            String[] schemaText = {null};
            Revision rev = store.load(t -> schemaText[0] = t, r -> {
                Index.Op op = index.toOp(r, false);
                ops.add(op);
                present.add(new OpKey(op.pair(), op.object(), op.subject()));
            });
            long applied = index.appliedRevision();
            if (rev.value() <= applied) return;
            index.scan(new RelationshipFilter(null, null, null, null, null), applied, Instant.MIN, null, r -> {
                Index.Op op = index.toOp(r, true);
                if (!present.contains(new OpKey(op.pair(), op.object(), op.subject()))) ops.add(op);
                return true;
            });
            CompiledSchema current = schemaOrNull(applied);
            if (schemaText[0] != null
                    && (current == null || !current.schema().source().equals(schemaText[0]))) {
                installSchema(rev.value(), compile(schemaText[0]));
            }
            index.apply(rev.value(), ops);
            // The load jumped from `applied` straight to `rev`: the revisions in between were never applied here,
            // so no revision before `rev` can be read exactly on this node any more.
            index.collectGarbage(rev.value());
            revisionTimes.put(rev.value(), now());
        }
    }

    /** The identity of an index change. */
    private record OpKey(int pair, int object, long subject) {}

    /**
     * Applies every change set the store has after the index's revision, in order. Bound to no request deadline
     * (a request that waits for a revision may call it): the index's upkeep is never abandoned half done.
     */
    private void follow() {
        Deadline.detached(() -> {
            followStore();
            return null;
        });
    }

    private void followStore() {
        synchronized (writeLock) {
            while (true) {
                List<Results.ChangeSet> sets;
                try {
                    sets = store.changesSince(new Revision(index.appliedRevision()), 1000);
                } catch (KithException.RevisionExpired behind) {
                    loadFromStore();
                    continue;
                }
                if (sets.isEmpty()) return;
                for (Results.ChangeSet set : sets) {
                    long rev = set.revision().value();
                    if (rev <= index.appliedRevision()) continue;
                    if (set.changes().isEmpty()) {
                        String text = store.schemaAt(set.revision());
                        CompiledSchema current = schemaOrNull(rev);
                        if (text != null
                                && !schemas.containsKey(rev)
                                && (current == null
                                        || !current.schema().source().equals(text))) {
                            installSchema(rev, compile(text));
                        }
                        index.publish(rev);
                    } else {
                        List<Index.Op> ops = new ArrayList<>(set.changes().size());
                        for (Results.RelationshipChange c : set.changes()) {
                            ops.add(index.toOp(
                                    c.relationship(), c.operation() == Results.RelationshipChange.Operation.DELETE));
                        }
                        index.apply(rev, ops);
                    }
                    revisionTimes.put(rev, now());
                }
            }
        }
    }

    /**
     * Records when a write's revision became visible, then cuts history older than the GC window: in the index
     * (through the store when embedded) and, throttled, in an external store. Under the write lock, after the
     * write committed: bound to no request deadline, so a late request never leaves this half done.
     */
    private void afterWrite(Revision written) {
        Deadline.detached(() -> {
            collectAfterWrite(written);
            return null;
        });
    }

    private void collectAfterWrite(Revision written) {
        Instant now = now();
        revisionTimes.put(written.value(), now);
        Instant horizon = now.minus(options.gcWindow());
        long keep = -1;
        for (Map.Entry<Long, Instant> e : revisionTimes.entrySet()) {
            if (e.getValue().isAfter(horizon)) break;
            keep = e.getKey();
        }
        if (embedded) {
            removeExpired(now);
            store.collectGarbage(horizon);
        } else {
            if (keep >= 0) index.collectGarbage(keep);
            if (lastStoreGc.plusSeconds(60).isBefore(now)) {
                lastStoreGc = now;
                store.collectGarbage(horizon);
            }
        }
        if (keep >= 0) revisionTimes.headMap(keep, false).clear();
        Long floor = schemas.floorKey(index.oldestRevision());
        if (floor != null) schemas.headMap(floor, false).clear();
        synchronized (appliedMonitor) {
            appliedMonitor.notifyAll();
        }
    }

    // ---- watch

    private final class Watch implements AutoCloseable {
        final WatchListener listener;
        final WatchFilter filter;
        long after;
        volatile boolean open = true;

        Watch(long after, WatchFilter filter, WatchListener listener) {
            this.after = after;
            this.filter = filter;
            this.listener = listener;
        }

        @Override
        public void close() {
            open = false;
            watches.remove(this);
        }
    }

    @Override
    public AutoCloseable watch(Revision after, WatchFilter filter, WatchListener listener) {
        Watch w = new Watch(after.value(), filter, listener);
        watches.add(w);
        background.execute(this::deliverWatches);
        return w;
    }

    private void deliverWatches() {
        for (Watch w : watches) {
            try {
                while (w.open) {
                    List<Results.ChangeSet> sets = store.changesSince(new Revision(w.after), 1000);
                    if (sets.isEmpty()) break;
                    for (Results.ChangeSet s : sets) {
                        if (!w.open) break;
                        Results.ChangeSet kept = w.filter.apply(s);
                        if (kept != null) w.listener.onChanges(kept);
                        w.after = s.revision().value();
                    }
                }
            } catch (KithException e) {
                w.close();
                w.listener.onError(e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watches.clear();
        background.shutdownNow();
        store.close();
    }
}

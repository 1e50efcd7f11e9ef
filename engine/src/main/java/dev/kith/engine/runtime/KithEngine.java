package dev.kith.engine.runtime;

import dev.kith.engine.CaveatLimits;
import dev.kith.engine.Consistency;
import dev.kith.engine.Datastore;
import dev.kith.engine.DeploymentIdentity;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.EngineStats;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.WatchFilter;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.eval.Cursors;
import dev.kith.engine.eval.Queries;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.MemoryDatastore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The engine: validates requests, writes through the {@link Datastore} and answers reads from the {@link Index}
 * at the revision the consistency mode picks. It wires its parts and delegates to them:
 *
 * <ul>
 *   <li>{@link IndexFeed}: how the index holds what the store committed, chosen once in {@link #over}: the
 *       in-memory store's own index ({@link EmbeddedFeed}) or a copy that follows any other store's change feed
 *       ({@link StoreFollower});
 *   <li>{@link SchemaHistory}: the schema in force at each readable revision;
 *   <li>{@link RevisionWindow}: which revisions can still be read exactly;
 *   <li>{@link Writer}: validating and committing writes, and the upkeep after each;
 *   <li>{@link RequestBinding}: the revision each request reads, and the waits for revisions not applied yet;
 *   <li>{@link WatchHub}: watches of the change feed;
 *   <li>{@link Queries}: the evaluators.
 * </ul>
 *
 * <p>Threading: everything that changes the index (store writes in the embedded case, applying change sets,
 * interning a schema's names) runs under one write lock; reads take no lock. A write returns only once the index
 * has applied its revision, so a writer reads its own writes; the upkeep after a commit is bound to no request
 * deadline. The store's announcements are handled on one background thread (following the store, delivering
 * watches).
 */
public final class KithEngine implements Engine {
    private final Datastore store;
    private final Index index;
    private final IndexFeed feed;
    private final SchemaHistory schemas;
    private final RevisionWindow revisions;
    private final RequestBinding binding;
    private final Writer writer;
    private final WatchHub watches;
    private final ScheduledExecutorService background;
    private final Queries queries;
    private final CaveatLimits caveatLimits;
    private final dev.kith.schema.SchemaLimits schemaLimits;
    private volatile boolean closed;

    private KithEngine(Datastore store, IndexFeed feed, Shared shared, EngineOptions options) {
        this.store = store;
        this.caveatLimits = options.caveatLimits();
        this.schemaLimits = options.schemaLimits();
        this.index = shared.index;
        this.feed = feed;
        this.schemas = shared.schemas;
        this.revisions = shared.revisions;
        this.background = shared.background;
        this.binding = new RequestBinding(store, index, feed, revisions, shared.applied, options.freshnessTimeout());
        this.writer = new Writer(
                store,
                index,
                shared.writeLock,
                feed,
                schemas,
                revisions,
                shared.applied,
                binding,
                options.maxUpdatesPerWrite(),
                options.schemaLimits());
        this.watches = new WatchHub(store, background);
        this.queries = new Queries(index, options.depthLimit(), options.clock(), options.closureIndex());
    }

    /** What the index feed shares with the rest of one engine. */
    private static final class Shared {
        final Index index;
        final Object writeLock = new Object();
        final SchemaHistory schemas;
        final RevisionWindow revisions;
        final AppliedSignal applied;
        final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kith-engine-feed");
            t.setDaemon(true);
            return t;
        });

        Shared(Index index, EngineOptions options) {
            this.index = index;
            this.schemas = new SchemaHistory(index, options.caveatLimits());
            this.revisions = new RevisionWindow(index, options.gcWindow(), options.clock());
            this.applied = new AppliedSignal(index);
        }
    }

    /**
     * An engine over {@code store}: over a {@link MemoryDatastore} it reads the store's own index (one copy of the
     * data, {@link EmbeddedFeed}); over any other store it loads the store's head state into an index of its own
     * and follows the store ({@link StoreFollower}).
     */
    public static KithEngine over(Datastore store, EngineOptions options) {
        Shared s = new Shared(store instanceof MemoryDatastore memory ? memory.index() : new Index(), options);
        if (options.closureIndex()) {
            synchronized (s.writeLock) {
                s.index.maintainClosures();
            }
        }
        IndexFeed feed = switch (store) {
            case MemoryDatastore memory ->
                new EmbeddedFeed(
                        memory,
                        s.writeLock,
                        s.schemas,
                        s.revisions,
                        s.applied,
                        new ExpiryReaper(memory, s.revisions, options.maxUpdatesPerWrite()));
            default -> new StoreFollower(store, s.index, s.writeLock, s.schemas, s.revisions, s.applied, s.background);
        };
        KithEngine engine = new KithEngine(store, feed, s, options);
        feed.start(engine::revisionsAvailable);
        store.onNewRevisions(engine::revisionsAvailable);
        return engine;
    }

    // ---- writes

    @Override
    public Revision writeSchema(String schemaText) {
        return writer.writeSchema(schemaText);
    }

    @Override
    public Results.SchemaText readSchema() {
        long rev = index.appliedRevision();
        CompiledSchema s = schemas.schemaOrNull(rev);
        if (s == null) throw new KithException.NotFound("no schema has been written");
        return new Results.SchemaText(s.schema().source(), new Revision(rev));
    }

    @Override
    public Results.SchemaAt schemaAt(Consistency consistency) {
        long rev = binding.resolve(consistency);
        CompiledSchema s = schemas.schemaOrNull(rev);
        revisions.checkReadable(rev);
        return new Results.SchemaAt(s == null ? null : s.schema(), new Revision(rev));
    }

    @Override
    public Revision write(Requests.Write write) {
        return writer.write(write);
    }

    @Override
    public Results.Delete delete(Requests.Delete delete) {
        return writer.delete(delete);
    }

    @Override
    public Revision importBulk(Iterator<Relationship> relationships) {
        return writer.importBulk(relationships);
    }

    // ---- reads

    @Override
    public Results.Page<Results.ReadRelationship> readRelationships(Requests.ReadRelationships read) {
        return page(Cursors.READ, read.cursor(), read.consistency(), at -> queries.read(schema(at), at, read));
    }

    /** The schema in force at a page's revision ({@link KithException.NotFound} when none was written by then). */
    private CompiledSchema schema(Cursors.Cursor at) {
        return schemas.require(at.revision());
    }

    /** One page of a listing, given where it starts. */
    private interface PageQuery<T> {
        Results.Page<T> at(Cursors.Cursor start);
    }

    /**
     * One page of a listing, at its cursor's revision and position or, for a first page, at the revision its
     * consistency picks; that revision must still be readable once the page is computed.
     */
    private <T> Results.Page<T> page(String kind, String cursor, Consistency consistency, PageQuery<T> query) {
        Cursors.Cursor start = binding.pin(kind, cursor, consistency);
        Results.Page<T> page = query.at(start);
        revisions.checkReadable(start.revision());
        return page;
    }

    @Override
    public Results.Page<Results.ReadRelationship> exportRelationships(Requests.Export export) {
        // with no filter there is nothing to validate: before any schema, an export is simply empty
        return page(
                Cursors.EXPORT,
                export.cursor(),
                export.consistency(),
                at -> queries.export(
                        export.filter() == null ? schemas.schemaOrNull(at.revision()) : schema(at), at, export));
    }

    @Override
    public Results.Check check(Requests.Check check) {
        return checkAt(check, binding.resolve(check.consistency()));
    }

    private Results.Check checkAt(Requests.Check check, long rev) {
        Results.Check result = queries.check(schemas.require(rev), rev, check);
        revisions.checkReadable(rev);
        return result;
    }

    /**
     * Items with the same consistency are answered at one revision, resolved once. The deadline is the whole
     * request's: when it passes the bulk check fails, not just the item it interrupted. So does an invalid
     * contextual relationship: the items of one bulk check share their contextual relationships (one list, laid
     * over the snapshot once), so the error is the request's, not one item's.
     */
    @Override
    public List<Results.CheckBulkItem> checkBulk(List<Requests.Check> checks) {
        List<Results.CheckBulkItem> out = new ArrayList<>(checks.size());
        Map<Consistency, Long> pinned = new HashMap<>();
        for (Requests.Check c : checks) {
            try {
                Long rev = pinned.get(c.consistency());
                if (rev == null) {
                    rev = binding.resolve(c.consistency());
                    pinned.put(c.consistency(), rev);
                }
                out.add(new Results.CheckBulkItem(checkAt(c, rev), null));
            } catch (KithException.DeadlineExceeded passed) {
                throw passed;
            } catch (KithException e) {
                if (e.where() != null && e.where().element() == KithException.Element.CONTEXTUAL) throw e;
                out.add(new Results.CheckBulkItem(null, e));
            }
        }
        return out;
    }

    @Override
    public Results.Expand expand(Requests.Expand expand) {
        long rev = binding.resolve(expand.consistency());
        Results.Expand result = queries.expand(schemas.require(rev), rev, expand);
        revisions.checkReadable(rev);
        return result;
    }

    @Override
    public Results.Page<Results.LookupResource> lookupResources(Requests.LookupResources lookup) {
        return page(
                Cursors.RESOURCES,
                lookup.cursor(),
                lookup.consistency(),
                at -> queries.lookupResources(schema(at), at, lookup));
    }

    @Override
    public Results.Page<Results.LookupSubject> lookupSubjects(Requests.LookupSubjects lookup) {
        return page(
                Cursors.SUBJECTS,
                lookup.cursor(),
                lookup.consistency(),
                at -> queries.lookupSubjects(schema(at), at, lookup));
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
        long rev = index.appliedRevision();
        return new EngineStats(
                index.relationshipCount(),
                index.internedObjects(),
                new Revision(rev),
                index.closureBytes(),
                index.closureStats());
    }

    @Override
    public dev.kith.schema.SchemaLimits schemaLimits() {
        return schemaLimits;
    }

    @Override
    public CaveatLimits caveatLimits() {
        return caveatLimits;
    }

    @Override
    public DeploymentIdentity deployment() {
        return store.deployment();
    }

    // ---- the store's announcements and watches

    /**
     * The store's announcement of new revisions. It may come on a thread that holds the store's own locks, so the
     * work (applying change sets, delivering watches) is handed to the background thread.
     */
    private void revisionsAvailable() {
        if (closed) return;
        try {
            feed.revisionsAvailable();
            watches.revisionsAvailable();
        } catch (RejectedExecutionException closing) {
            // the engine closed while the store announced: nothing is left to update
        }
    }

    @Override
    public AutoCloseable watch(Revision after, WatchFilter filter, WatchListener listener) {
        return watches.watch(after, filter, listener);
    }

    @Override
    public void close() {
        closed = true;
        feed.close();
        watches.close();
        background.shutdownNow();
        store.close();
    }
}

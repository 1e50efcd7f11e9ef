package dev.kith.engine.index;

import dev.kith.engine.Datastore;
import dev.kith.engine.Deadline;
import dev.kith.engine.DeploymentIdentity;
import dev.kith.engine.KithException;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The embedded store: relationships live only in the {@link Index} (no second copy), which the engine reads
 * directly. The change log keeps, per revision inside the GC window, only the ids of the (relation, object)
 * slots the batch touched; a change set is materialized on demand by diffing each touched slot's version at
 * that revision with the version before it.
 *
 * <p>Writes are serialized by one lock; reads never take it. A write, delete or import whose caller's {@link
 * Deadline} has passed by the time it would commit commits nothing ({@link KithException.DeadlineExceeded});
 * its scans stop early on the same deadline.
 */
public final class MemoryDatastore implements Datastore {
    /** History kept readable when nothing else is configured: an hour of revisions costs heap, not disk. */
    public static final Duration DEFAULT_GC_WINDOW = Duration.ofHours(1);

    private final Index index = new Index();
    private final DeploymentIdentity deployment = DeploymentIdentity.random();
    private final Clock clock;
    private final Object writeLock = new Object();
    private final ConcurrentSkipListMap<Long, String> schemas = new ConcurrentSkipListMap<>();
    /** Each revision's commit time and the slots its write changed ({@code long[]}; none for revision 0). */
    private final RevisionTimes log = new RevisionTimes();
    /** The transaction metadata of the revisions in the log that have any. */
    private final ConcurrentSkipListMap<Long, Map<String, Object>> metadata = new ConcurrentSkipListMap<>();

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** A store whose expiration and revision times come from {@code clock}. */
    public MemoryDatastore(Clock clock) {
        this.clock = clock;
        log.add(0L, clock.instant(), null);
    }

    /** The index holding this store's relationships; the engine evaluates on it directly. */
    public Index index() {
        return index;
    }

    /** A random identity per instance: nothing outlives the process, so neither do its tokens. */
    @Override
    public DeploymentIdentity deployment() {
        return deployment;
    }

    @Override
    public Duration defaultGcWindow() {
        return DEFAULT_GC_WINDOW;
    }

    @Override
    public Revision headRevision() {
        return new Revision(index.appliedRevision());
    }

    @Override
    public Revision load(Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
        long rev = index.appliedRevision();
        schemaSink.accept(schemaAt(rev));
        index.scan(new RelationshipFilter(null, null, null, null, null), rev, clock.instant(), null, r -> {
            relationshipSink.accept(r);
            return true;
        });
        return new Revision(rev);
    }

    @Override
    public Revision loadAt(Revision revision, Consumer<String> schemaSink, Consumer<Relationship> relationshipSink) {
        long rev = readable(revision);
        schemaSink.accept(schemaAt(rev));
        index.scan(new RelationshipFilter(null, null, null, null, null), rev, clock.instant(), null, r -> {
            relationshipSink.accept(r);
            return true;
        });
        return revision;
    }

    @Override
    public Revision revisionAt(Instant instant) {
        long inForce = log.lastNotAfter(instant);
        long oldest = index.oldestRevision();
        return new Revision(inForce < 0 ? oldest : Math.max(oldest, inForce));
    }

    @Override
    public List<CommittedRevision> commitTimes(Revision from, int max) {
        if (from.value() < index.oldestRevision()) {
            throw new KithException.RevisionExpired(from, new Revision(index.oldestRevision()));
        }
        List<CommittedRevision> out = new ArrayList<>();
        log.forEachFrom(from.value(), true, (rev, at, slots) -> {
            if (out.size() >= max) return false;
            out.add(new CommittedRevision(new Revision(rev), at));
            return true;
        });
        return out;
    }

    @Override
    public Revision writeSchema(String schemaText) {
        synchronized (writeLock) {
            beforeCommit("the schema write");
            long rev = index.appliedRevision() + 1;
            schemas.put(rev, schemaText);
            index.publish(rev);
            committed(rev, new long[0]);
            return new Revision(rev);
        }
    }

    @Override
    public Revision write(
            List<RelationshipUpdate> updates, List<Precondition> preconditions, Map<String, Object> metadata) {
        synchronized (writeLock) {
            long head = index.appliedRevision();
            Set<Relationship> seen = new HashSet<>();
            for (RelationshipUpdate u : updates) {
                if (!seen.add(u.relationship().key())) {
                    throw new KithException.InvalidArgument(
                            "updates",
                            "relationship " + u.relationship().key() + " appears more than once in one write");
                }
            }
            checkPreconditions(preconditions, head);
            Instant now = clock.instant();
            List<Index.Op> ops = new ArrayList<>(updates.size());
            for (RelationshipUpdate u : updates) {
                Relationship r = u.relationship();
                switch (u.operation()) {
                    case CREATE -> {
                        if (live(r, head, now)) {
                            throw new KithException.Conflict("relationship " + r.key() + " already exists");
                        }
                    }
                    case TOUCH, DELETE -> {}
                }
            }
            for (RelationshipUpdate u : updates) {
                Relationship r = u.relationship();
                if (u.operation() == RelationshipUpdate.Operation.DELETE) {
                    if (stored(r, head)) ops.add(index.toOp(r, true));
                } else {
                    ops.add(index.toOp(r, false));
                }
            }
            return commit(ops, metadata);
        }
    }

    @Override
    public DeleteOutcome deleteByFilter(Requests.Delete delete) {
        synchronized (writeLock) {
            long head = index.appliedRevision();
            checkPreconditions(delete.preconditions(), head);
            List<Relationship> matches = new ArrayList<>();
            int limit = delete.limit();
            index.scan(delete.filter(), head, clock.instant(), null, r -> {
                matches.add(r);
                return limit == 0 || matches.size() <= limit;
            });
            boolean partial = false;
            if (limit > 0 && matches.size() > limit) {
                if (!delete.allowPartial()) {
                    throw new KithException.LimitExceeded(
                            KithException.LimitExceeded.Limit.DELETE_LIMIT,
                            "more than " + limit
                                    + " relationships match the delete filter; nothing was deleted (allow partial deletion"
                                    + " to delete " + limit + " of them)");
                }
                matches.remove(matches.size() - 1);
                partial = true;
            }
            List<Index.Op> ops = new ArrayList<>(matches.size());
            for (Relationship r : matches) ops.add(index.toOp(r, true));
            Revision rev = commit(ops, delete.metadata());
            return new DeleteOutcome(rev, matches, partial);
        }
    }

    @Override
    public Revision importBulk(Iterator<Relationship> relationships) {
        synchronized (writeLock) {
            long head = index.appliedRevision();
            Instant now = clock.instant();
            List<Index.Op> ops = new ArrayList<>();
            // an empty store holds nothing to conflict with: skipping the lookup saved 7 string lookups per line
            boolean empty = index.relationshipCount() == 0;
            while (relationships.hasNext()) {
                Relationship r = relationships.next();
                if (!empty && live(r, head, now)) {
                    throw new KithException.Conflict("relationship " + r.key() + " already exists");
                }
                ops.add(index.toOp(r, false));
            }
            Index.Op[] sorted = ops.toArray(new Index.Op[0]);
            Arrays.sort(sorted, Index.FORWARD_ORDER);
            for (int i = 1; i < sorted.length; i++) {
                Index.Op a = sorted[i - 1];
                Index.Op b = sorted[i];
                if (a.pair() == b.pair() && a.object() == b.object() && a.subject() == b.subject()) {
                    throw new KithException.InvalidArgument(
                            "relationships",
                            "relationship " + index.relationship(b.pair(), b.object(), b.subject(), null)
                                    + " appears more than once in the import");
                }
            }
            return commit(Arrays.asList(sorted), Map.of());
        }
    }

    @Override
    public List<Relationship> read(RelationshipFilter filter, Revision revision, Relationship after, int limit) {
        long rev = readable(revision);
        List<Relationship> out = new ArrayList<>();
        index.scan(filter, rev, clock.instant(), after, r -> {
            out.add(r);
            return limit == 0 || out.size() < limit;
        });
        return out;
    }

    @Override
    public List<Results.ChangeSet> changesSince(Revision after, int max) {
        long oldest = index.oldestRevision();
        if (after.value() < oldest) {
            throw new KithException.RevisionExpired(after, new Revision(oldest));
        }
        List<Results.ChangeSet> out = new ArrayList<>();
        log.forEachFrom(after.value(), false, (rev, at, slots) -> {
            if (out.size() >= max) return false;
            if (slots != null) out.add(changeSet(rev, (long[]) slots));
            return true;
        });
        return out;
    }

    private Results.ChangeSet changeSet(long rev, long[] slots) {
        List<Results.RelationshipChange> changes = new ArrayList<>();
        for (long slot : slots) {
            int pair = Index.keyPair(slot);
            int object = Index.keyId(slot);
            Postings now = index.forwardExactly(pair, object, rev);
            if (now == null) continue;
            Postings before = index.forward(pair, object, rev - 1);
            diff(pair, object, before, now, changes);
        }
        return new Results.ChangeSet(new Revision(rev), changes, metadata.getOrDefault(rev, Map.of()));
    }

    private void diff(int pair, int object, Postings before, Postings now, List<Results.RelationshipChange> out) {
        long[] a = before == null ? Postings.NO_SUBJECTS : before.subjects();
        long[] b = now.subjects();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                out.add(new Results.RelationshipChange(
                        Results.RelationshipChange.Operation.DELETE,
                        index.relationship(pair, object, a[i], before.condition(i))));
                i++;
            } else if (i >= a.length || b[j] < a[i]) {
                out.add(touch(pair, object, b[j], now.condition(j)));
                j++;
            } else {
                Condition c = now.condition(j);
                if (!java.util.Objects.equals(before.condition(i), c)) out.add(touch(pair, object, b[j], c));
                i++;
                j++;
            }
        }
    }

    private Results.RelationshipChange touch(int pair, int object, long subject, Condition c) {
        return new Results.RelationshipChange(
                Results.RelationshipChange.Operation.TOUCH, index.relationship(pair, object, subject, c));
    }

    @Override
    public String schemaAt(Revision revision) {
        return schemaAt(revision.value());
    }

    private String schemaAt(long rev) {
        Map.Entry<Long, String> e = schemas.floorEntry(rev);
        return e == null ? null : e.getValue();
    }

    @Override
    public void onNewRevisions(Runnable callback) {
        listeners.add(callback);
    }

    @Override
    public void collectGarbage(Instant horizon) {
        synchronized (writeLock) {
            long oldest = log.lastNotAfter(horizon);
            if (oldest < 0) return;
            index.collectGarbage(oldest);
            metadata.headMap(oldest, true).clear();
            log.forgetBefore(oldest);
            Long schemaFloor = schemas.floorKey(oldest);
            if (schemaFloor != null) schemas.headMap(schemaFloor, false).clear();
        }
    }

    @Override
    public Revision oldestRevision() {
        return new Revision(index.oldestRevision());
    }

    @Override
    public void close() {
        listeners.clear();
    }

    /** The relationship stored at the head under {@code key}'s identity, expired or not; null when none. */
    public Relationship stored(Relationship key) {
        long head = index.appliedRevision();
        Condition[] c = locate(key, head);
        if (c == null) return null;
        return new Relationship(
                key.resource(),
                key.relation(),
                key.subject(),
                c[0] == null ? null : c[0].caveat(),
                c[0] == null ? null : c[0].expiresAt());
    }

    // ---- helpers

    private long readable(Revision revision) {
        long rev = revision.value();
        if (rev > index.appliedRevision()) {
            throw new KithException.RevisionUnavailable(
                    "revision " + rev + " does not exist yet: the newest is " + index.appliedRevision());
        }
        if (rev < index.oldestRevision()) {
            throw new KithException.RevisionExpired(revision, new Revision(index.oldestRevision()));
        }
        return rev;
    }

    private void checkPreconditions(List<Precondition> preconditions, long head) {
        Instant now = clock.instant();
        for (Precondition p : preconditions) {
            boolean[] found = {false};
            index.scan(p.filter(), head, now, null, r -> {
                found[0] = true;
                return false;
            });
            boolean ok = switch (p.kind()) {
                case MUST_MATCH -> found[0];
                case MUST_NOT_MATCH -> !found[0];
            };
            if (!ok) {
                throw new KithException.PreconditionFailed(
                        p,
                        p.kind() == Precondition.Kind.MUST_MATCH
                                ? "precondition failed: no relationship matches " + p.filter()
                                : "precondition failed: a relationship matches " + p.filter());
            }
        }
    }

    /** Whether {@code r} is stored at {@code rev} (expired or not). */
    private boolean stored(Relationship r, long rev) {
        return locate(r, rev) != null;
    }

    /** Whether {@code r} is stored and not expired at {@code rev}. */
    private boolean live(Relationship r, long rev, Instant now) {
        Condition[] c = locate(r, rev);
        return c != null && (c[0] == null || !c[0].expiredAt(now));
    }

    /** The relationship's condition in a one-element array, or null when it is not stored. */
    private Condition[] locate(Relationship r, long rev) {
        int type = index.findType(r.resource().type());
        int pair = index.findPair(type, index.findRelation(r.relation()));
        int object = index.findObject(type, r.resource().id());
        int stype = index.findType(r.subject().type());
        int srel = r.subject().relation() == null
                ? Index.NO_RELATION
                : index.findRelation(r.subject().relation());
        int spair = index.findPair(stype, srel);
        int sid = index.findObject(stype, r.subject().id());
        if (pair < 0 || object < 0 || spair < 0 || sid < 0) return null;
        Postings p = index.forward(pair, object, rev);
        if (p == null) return null;
        int i = p.find(Index.key(spair, sid));
        return i < 0 ? null : new Condition[] {p.condition(i)};
    }

    /**
     * The last point where a write gives up: once past it, it commits and answers however late, and the request's
     * timer no longer answers for it ({@link Deadline#commit}).
     */
    private static void beforeCommit(String what) {
        Deadline.current().commit(what + " was not committed: nothing was written");
    }

    private Revision commit(List<Index.Op> ops, Map<String, Object> transactionMetadata) {
        beforeCommit("the write");
        long rev = index.appliedRevision() + 1;
        if (transactionMetadata != null && !transactionMetadata.isEmpty()) metadata.put(rev, transactionMetadata);
        long[] slots = new long[ops.size()];
        int n = 0;
        for (Index.Op op : ops) slots[n++] = Index.key(op.pair(), op.object());
        Arrays.sort(slots);
        int distinct = 0;
        for (int i = 0; i < n; i++) if (i == 0 || slots[i] != slots[i - 1]) slots[distinct++] = slots[i];
        index.apply(rev, ops);
        committed(rev, Arrays.copyOf(slots, distinct));
        return new Revision(rev);
    }

    private void committed(long rev, long[] slots) {
        log.add(rev, clock.instant(), slots);
        for (Runnable l : listeners) l.run();
    }
}

package dev.kith.engine.runtime;

import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.index.MemoryDatastore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The embedded store's expiring relationships, soonest first, and their removal once expired. An expired
 * relationship already answers as absent everywhere; removing it only frees its memory, so it is done in batches
 * after writes, each at a new revision of its own.
 *
 * <p>Threading: every method runs under the engine's write lock (the queue is not thread-safe).
 */
final class ExpiryReaper {
    private final MemoryDatastore store;
    private final RevisionWindow revisions;
    private final int maxBatch;
    private final PriorityQueue<Relationship> expiring =
            new PriorityQueue<>(Comparator.comparing(Relationship::expiresAt));

    /** Removes {@code store}'s expired relationships, at most {@code maxBatch} per revision. */
    ExpiryReaper(MemoryDatastore store, RevisionWindow revisions, int maxBatch) {
        this.store = store;
        this.revisions = revisions;
        this.maxBatch = maxBatch;
    }

    /** Remembers {@code r}, just written, if it expires. Under the write lock. */
    void expires(Relationship r) {
        if (r.expiresAt() != null) expiring.add(r);
    }

    /**
     * Deletes, in one batch at a new revision, the relationships expired by {@code now} that still carry the
     * expiration they were written with (one touched since with another expiration, or deleted, is left alone).
     * Under the write lock.
     */
    void removeExpired(Instant now) {
        List<RelationshipUpdate> deletes = new ArrayList<>();
        while (!expiring.isEmpty() && !expiring.peek().expiresAt().isAfter(now) && deletes.size() < maxBatch) {
            Relationship r = expiring.poll();
            Relationship stored = store.stored(r);
            if (stored != null && r.expiresAt().equals(stored.expiresAt())) deletes.add(RelationshipUpdate.delete(r));
        }
        if (!deletes.isEmpty()) {
            revisions.visible(store.write(deletes, List.of()).value(), now);
        }
    }

    /** How many expiring relationships are remembered (tests). */
    int pending() {
        return expiring.size();
    }
}

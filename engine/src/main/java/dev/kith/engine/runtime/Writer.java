package dev.kith.engine.runtime;

import dev.kith.engine.Datastore;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.eval.RelationshipValidator;
import dev.kith.engine.index.Index;
import dev.kith.schema.SchemaLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The engine's write side: checks each write against the limits and the schema in force, commits it through the
 * store (the schema through the {@link IndexFeed}), hands what it wrote to the feed, runs the upkeep after the
 * commit ({@link #afterWrite}: revision times, garbage collection) and returns once the index has applied the
 * write's revision.
 *
 * <p>Threading: validation, the commit and the upkeep run under the engine's one write lock (shared with the
 * feed), so writes are serialized with everything else that changes the index; waiting for the applied revision
 * happens after the lock is released (inside it for a schema write). The upkeep is bound to no request deadline.
 */
final class Writer {
    private final Datastore store;
    private final Index index;
    private final Object writeLock;
    private final IndexFeed feed;
    private final SchemaHistory schemas;
    private final RevisionWindow revisions;
    private final AppliedSignal applied;
    private final RequestBinding binding;
    private final int maxUpdatesPerWrite;
    private final SchemaLimits schemaLimits;

    Writer(
            Datastore store,
            Index index,
            Object writeLock,
            IndexFeed feed,
            SchemaHistory schemas,
            RevisionWindow revisions,
            AppliedSignal applied,
            RequestBinding binding,
            int maxUpdatesPerWrite,
            SchemaLimits schemaLimits) {
        this.store = store;
        this.index = index;
        this.writeLock = writeLock;
        this.feed = feed;
        this.schemas = schemas;
        this.revisions = revisions;
        this.applied = applied;
        this.binding = binding;
        this.maxUpdatesPerWrite = maxUpdatesPerWrite;
        this.schemaLimits = schemaLimits;
    }

    /** Replaces the schema, refused (with the reason) when stored relationships would be orphaned. */
    Revision writeSchema(String schemaText) {
        synchronized (writeLock) {
            CompiledSchema compiled = schemas.compile(schemaText, schemaLimits);
            feed.catchUp();
            Relationship[] orphan = {null};
            index.scan(
                    new RelationshipFilter(null, null, null, null, null),
                    index.appliedRevision(),
                    revisions.now(),
                    null,
                    r -> {
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
            Revision rev = feed.writeSchema(schemaText, compiled);
            binding.awaitCommitted(rev.value());
            afterWrite(rev);
            return rev;
        }
    }

    /** An atomic batch write; returns its revision. */
    Revision write(Requests.Write write) {
        int size = write.updates().size() + write.preconditions().size();
        if (size > maxUpdatesPerWrite) {
            throw new KithException.LimitExceeded(
                    KithException.LimitExceeded.Limit.UPDATES,
                    "a write takes at most " + maxUpdatesPerWrite + " updates and preconditions; this one has " + size);
        }
        Revision rev;
        synchronized (writeLock) {
            CompiledSchema schema = schemas.require(index.appliedRevision());
            for (int i = 0; i < write.updates().size(); i++) {
                RelationshipUpdate u = write.updates().get(i);
                RelationshipValidator.validate(
                        schema, u.relationship(), u.operation() == RelationshipUpdate.Operation.DELETE, i);
            }
            validatePreconditions(schema, write.preconditions());
            rev = store.write(write.updates(), write.preconditions(), write.metadata());
            for (RelationshipUpdate u : write.updates()) {
                if (u.operation() != RelationshipUpdate.Operation.DELETE) feed.written(u.relationship());
            }
            afterWrite(rev);
        }
        binding.awaitCommitted(rev.value());
        return rev;
    }

    /** A delete by filter; returns its revision and what it deleted. */
    Results.Delete delete(Requests.Delete delete) {
        if (delete.preconditions().size() > maxUpdatesPerWrite) {
            throw new KithException.LimitExceeded(
                    KithException.LimitExceeded.Limit.PRECONDITIONS,
                    "a delete takes at most " + maxUpdatesPerWrite + " preconditions");
        }
        Datastore.DeleteOutcome outcome;
        synchronized (writeLock) {
            CompiledSchema schema = schemas.require(index.appliedRevision());
            RelationshipValidator.validateFilter(schema, delete.filter(), -1);
            validatePreconditions(schema, delete.preconditions());
            outcome = store.deleteByFilter(delete);
            afterWrite(outcome.revision());
        }
        binding.awaitCommitted(outcome.revision().value());
        return new Results.Delete(outcome.revision(), outcome.deleted().size(), outcome.partial());
    }

    /** Loads many relationships in one atomic batch; returns its revision. */
    Revision importBulk(Iterator<Relationship> relationships) {
        Revision rev;
        synchronized (writeLock) {
            CompiledSchema schema = schemas.require(index.appliedRevision());
            List<Relationship> expiring = new ArrayList<>();
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
                    if (r.expiresAt() != null) expiring.add(r);
                    return r;
                }
            });
            expiring.forEach(feed::written);
            afterWrite(rev);
        }
        binding.awaitCommitted(rev.value());
        return rev;
    }

    private static void validatePreconditions(CompiledSchema schema, List<Precondition> preconditions) {
        for (int i = 0; i < preconditions.size(); i++) {
            RelationshipValidator.validateFilter(schema, preconditions.get(i).filter(), i);
        }
    }

    /**
     * Records when a write's revision became visible, then cuts history older than the GC window: in the index and
     * the store (as the feed does it) and in the revision and schema history. Under the write lock, after the
     * write committed: bound to no request deadline, so a late request never leaves this half done.
     */
    private void afterWrite(Revision written) {
        Deadline.detached(() -> {
            Instant now = revisions.now();
            revisions.visible(written.value(), now);
            Instant horizon = revisions.horizon(now);
            long keep = revisions.oldestToKeep(horizon);
            feed.collectGarbage(keep, now, horizon);
            revisions.forgetBefore(keep);
            schemas.pruneBelow(index.oldestRevision());
            applied.signal();
            return null;
        });
    }
}

package dev.kith.engine;

import java.util.Objects;

/** Which revision a read is evaluated at (Zanzibar's zookie protocol, SpiceDB's consistency modes). */
public sealed interface Consistency {
    /** The newest revision this node has applied. */
    record MinimizeLatency() implements Consistency {}

    /** At least the given revision: waits (bounded) until this node has applied it. */
    record AtLeastAsFresh(Revision revision) implements Consistency {
        public AtLeastAsFresh {
            Objects.requireNonNull(revision, "revision");
        }
    }

    /** Exactly the given revision; fails with {@link KithException.RevisionExpired} once collected. */
    record AtExactSnapshot(Revision revision) implements Consistency {
        public AtExactSnapshot {
            Objects.requireNonNull(revision, "revision");
        }
    }

    /** The store's head revision, asked of the store first. */
    record FullyConsistent() implements Consistency {}

    Consistency MINIMIZE_LATENCY = new MinimizeLatency();
    Consistency FULLY_CONSISTENT = new FullyConsistent();
}

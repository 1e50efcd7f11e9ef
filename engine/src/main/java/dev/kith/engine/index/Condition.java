package dev.kith.engine.index;

import dev.kith.engine.Caveat;
import java.time.Instant;

/**
 * What makes a stored relationship conditional: its caveat (with stored context) and its expiration; either
 * may be null, not both.
 */
public record Condition(Caveat caveat, Instant expiresAt) {
    /** Whether the relationship has expired at {@code now} (an expiration at or before now). */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    static Condition of(Caveat caveat, Instant expiresAt) {
        return caveat == null && expiresAt == null ? null : new Condition(caveat, expiresAt);
    }
}

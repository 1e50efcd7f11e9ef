package dev.kith.client;

import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ZedToken;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest consistency token (ZedToken) this client was given by a write, per resource, so that the next read of
 * that resource asks for {@code at_least_as_fresh} of it: Zanzibar's "new enemy" problem handled by default. Remove
 * Bob from a document's viewers, then check whether Bob may view it: the check carries the token of the removal, so
 * no server answers it from a revision before the removal, even a replica that has not applied it yet.
 *
 * <pre>{@code
 * kith.delete("document:plan#viewer@user:bob");             // its token is kept for document:plan
 * kith.check("user:bob", "view", "document:plan");          // reads at least as fresh as the delete: DENIED
 * }</pre>
 *
 * <p>Which token a read takes when it names no consistency of its own (an explicit one always wins): a check,
 * expand or lookup-subjects takes its resource's; a lookup-resources, or a read or export whose filter names a
 * resource type and no id, takes that type's (the newest write of any resource of it); a read naming one resource
 * takes that resource's; a bulk check or an unfiltered read or export takes the newest token of all. With no token
 * the read is {@code minimize_latency}, as SpiceDB's default. Writes record their token under every resource they
 * touch (and its type); a delete by filter under the filter's resource (or type); a schema write only as the newest.
 *
 * <p>One instance per process makes every read see that process's writes; one per user session (given to {@link
 * Kith#withConsistencyTokens}) makes a user see their own writes without slowing other users' reads. It keeps at most
 * {@code capacity} keys, forgetting the least recently used. Thread-safe.
 */
public final class ConsistencyTokens {
    private final Map<String, ZedToken> tokens;
    private ZedToken newest;

    /** Tokens for up to 100,000 resources and types. */
    public ConsistencyTokens() {
        this(100_000);
    }

    /**
     * Tokens for up to {@code capacity} resources and types, the least recently used forgotten first.
     *
     * @param capacity how many keys to keep, at least 1
     */
    public ConsistencyTokens(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        this.tokens = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ZedToken> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Records that {@code key} (a resource {@code type:id}, a type, or any key of the caller's) was written at
     * {@code token}; it also becomes the newest token.
     *
     * @param key the key
     * @param token the write's token; null or empty records nothing
     */
    public synchronized void record(String key, ZedToken token) {
        if (token == null || token.getToken().isEmpty()) return;
        tokens.put(key, token);
        newest = token;
    }

    /**
     * Records {@code token} as the newest, under no key.
     *
     * @param token the write's token; null or empty records nothing
     */
    public synchronized void recordNewest(ZedToken token) {
        if (token != null && !token.getToken().isEmpty()) newest = token;
    }

    /**
     * The token recorded for {@code key}.
     *
     * @param key the key
     * @return the token, or null when none is known
     */
    public synchronized ZedToken token(String key) {
        return tokens.get(key);
    }

    /**
     * The newest token recorded.
     *
     * @return the token, or null when none is known
     */
    public synchronized ZedToken newest() {
        return newest;
    }

    /**
     * The consistency of a read of {@code key}.
     *
     * @param key the key
     * @return {@code at_least_as_fresh} of the key's token; {@code minimize_latency} when it has none
     */
    public Consistency consistencyFor(String key) {
        return of(token(key));
    }

    /**
     * The consistency of a read of everything.
     *
     * @return {@code at_least_as_fresh} of the newest token; {@code minimize_latency} when there is none
     */
    public Consistency consistencyForAll() {
        return of(newest());
    }

    private static Consistency of(ZedToken token) {
        return token == null
                ? Consistency.newBuilder().setMinimizeLatency(true).build()
                : Consistency.newBuilder().setAtLeastAsFresh(token).build();
    }
}

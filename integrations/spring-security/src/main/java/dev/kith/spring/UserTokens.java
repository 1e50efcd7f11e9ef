package dev.kith.spring;

import dev.kith.client.ConsistencyTokens;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The consistency tokens of a check: the shared ones when configured, else the user's, kept per subject for the last
 * {@code capacity} subjects. Not in the HTTP session: Spring Security creates sessions on some requests and not
 * others, and a user's tokens must not depend on which request wrote them.
 */
final class UserTokens {
    private final ConsistencyTokens shared;
    private final Map<String, ConsistencyTokens> bySubject;

    UserTokens(ConsistencyTokens shared, int capacity) {
        this.shared = shared;
        this.bySubject = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ConsistencyTokens> eldest) {
                return size() > capacity;
            }
        };
    }

    ConsistencyTokens of(String subject) {
        if (shared != null) return shared;
        synchronized (bySubject) {
            return bySubject.computeIfAbsent(subject, s -> new ConsistencyTokens(1_000));
        }
    }
}

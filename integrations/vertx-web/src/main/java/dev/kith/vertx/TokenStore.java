package dev.kith.vertx;

import dev.kith.client.ConsistencyTokens;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the consistency tokens of a request are kept: the tokens of the writes made through {@link
 * KithAuthorization#kith(RoutingContext)}, that later checks read at least as fresh as.
 */
@FunctionalInterface
public interface TokenStore {

    /** The session key under which {@link #perUser()} keeps a session's tokens. */
    String SESSION_KEY = "kith.consistencyTokens";

    /** The tokens for this request. */
    ConsistencyTokens tokens(RoutingContext ctx, String subject);

    /**
     * One set of tokens per user: in the request's session when the route has one (a {@code SessionHandler} before the
     * handler), otherwise per subject, for the last 10,000 subjects seen. A user sees their own writes on their next
     * request, without slowing other users' checks.
     */
    static TokenStore perUser() {
        return perUser(10_000);
    }

    /** {@link #perUser()} remembering up to {@code subjects} subjects that have no session. */
    static TokenStore perUser(int subjects) {
        if (subjects < 1) throw new IllegalArgumentException("subjects must be at least 1: " + subjects);
        Map<String, ConsistencyTokens> bySubject = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ConsistencyTokens> eldest) {
                return size() > subjects;
            }
        };
        return (ctx, subject) -> {
            if (ctx.session() != null) {
                ConsistencyTokens t = ctx.session().get(SESSION_KEY);
                if (t == null) {
                    t = new ConsistencyTokens(1_000);
                    ctx.session().put(SESSION_KEY, t);
                }
                return t;
            }
            synchronized (bySubject) {
                return bySubject.computeIfAbsent(subject, s -> new ConsistencyTokens(1_000));
            }
        };
    }

    /**
     * The same tokens for every request: every check reads at least as fresh as this process's last write of its
     * resource, whoever made it. This is what keeps a revoked user out at once (Zanzibar's "new enemy"): after Ann
     * removes Bob from a document, Bob's next check carries the token of the removal.
     */
    static TokenStore shared(ConsistencyTokens tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return (ctx, subject) -> tokens;
    }
}

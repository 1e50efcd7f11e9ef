package dev.kith.vertx;

import com.google.protobuf.Struct;
import dev.kith.client.Kith;
import io.vertx.core.Handler;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Function;

/**
 * Authorizes Vert.x Web routes with kith. Build one per application, then ask it for a handler per route, placed
 * after the authentication handler:
 *
 * <pre>{@code
 * KithAuthorization authz = KithAuthorization.builder(kith).subjectType("user").build();
 * router.route("/api/*").handler(JWTAuthHandler.create(jwtAuth));
 * router.get("/api/documents/:id").handler(authz.require("document", "id", "view")).handler(this::read);
 * }</pre>
 *
 * <p>The subject is {@code subjectType:<claim>} of the routing context's {@link User} (the claim {@code sub} by
 * default); the resource is {@code resourceType:<path parameter>}. The check runs off the event loop. Its answer:
 *
 * <ul>
 *   <li>ALLOWED: the next handler runs;
 *   <li>DENIED: 403;
 *   <li>CONDITIONAL (a caveat needs context the check was not given, see {@link Builder#caveatContext}): the {@link
 *       Builder#onConditional} handler, 403 by default;
 *   <li>no user, or a user without the claim: 401; a path id kith refuses: 400;
 *   <li>kith unreachable (the call ends {@code UNAVAILABLE} or past its deadline): 503, or the next handler when the
 *       authorization fails open ({@link Builder#failOpen}); any other error: 500, never open.
 * </ul>
 *
 * <p>Checks name no consistency of their own: they read at least as fresh as the tokens of the {@link TokenStore}
 * (per user by default), which records the writes made through {@link #kith(RoutingContext)}.
 */
public final class KithAuthorization {
    private final Kith kith;
    private final String subjectClaim;
    private final String subjectType;
    private final boolean failOpen;
    private final TokenStore tokens;
    private final Function<RoutingContext, Struct> caveatContext;
    private final Handler<RoutingContext> onConditional;

    private KithAuthorization(Builder b) {
        this.kith = b.kith;
        this.subjectClaim = b.subjectClaim;
        this.subjectType = b.subjectType;
        this.failOpen = b.failOpen;
        this.tokens = b.tokens;
        this.caveatContext = b.caveatContext;
        this.onConditional = b.onConditional;
    }

    /** A builder over {@code kith} (any {@link Kith}: gRPC or embedded). */
    public static Builder builder(Kith kith) {
        return new Builder(kith);
    }

    /**
     * A handler letting the request through only if its user has {@code permission} on the resource of {@code
     * resourceType} whose id is the path parameter {@code idParam}.
     */
    public Handler<RoutingContext> require(String resourceType, String idParam, String permission) {
        return new RouteCheck(
                this,
                requireName(resourceType, "resourceType"),
                requireName(idParam, "idParam"),
                requireName(permission, "permission"));
    }

    /**
     * kith for the app's own writes in this request: their tokens are recorded in the user's {@link TokenStore}, so
     * the next checks read at least as fresh as them. Call it from a handler after authentication (it needs the user).
     */
    public Kith kith(RoutingContext ctx) {
        String subject = subject(ctx);
        if (subject == null) {
            throw new IllegalStateException("no logged-in user with a `" + subjectClaim + "` claim in this request");
        }
        return kith.withConsistencyTokens(tokens.tokens(ctx, subject));
    }

    /**
     * The request's subject, {@code subjectType:<claim>} (as {@code user:ann}), or null when there is no user or it
     * has no such claim.
     */
    public String subject(RoutingContext ctx) {
        User user = ctx.user();
        if (user == null) return null;
        Object id = user.containsKey(subjectClaim) ? user.get(subjectClaim) : null;
        if (id == null) id = user.principal().getValue(subjectClaim);
        if (id == null || id.toString().isEmpty()) return null;
        return subjectType + ":" + id;
    }

    Kith client() {
        return kith;
    }

    String subjectClaim() {
        return subjectClaim;
    }

    boolean failsOpen() {
        return failOpen;
    }

    TokenStore tokenStore() {
        return tokens;
    }

    Struct caveatContext(RoutingContext ctx) {
        Struct s = caveatContext.apply(ctx);
        return s == null ? Struct.getDefaultInstance() : s;
    }

    Handler<RoutingContext> onConditional() {
        return onConditional;
    }

    private static String requireName(String v, String what) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(what + " must not be empty");
        return v;
    }

    /** The settings of a {@link KithAuthorization}; every one has a default. */
    public static final class Builder {
        private final Kith kith;
        private String subjectClaim = "sub";
        private String subjectType = "user";
        private boolean failOpen;
        private TokenStore tokens = TokenStore.perUser();
        private Function<RoutingContext, Struct> caveatContext = ctx -> Struct.getDefaultInstance();
        private Handler<RoutingContext> onConditional = ctx -> RouteCheck.refuse(
                ctx, 403, "conditional", "the permission depends on context this request did not give");

        private Builder(Kith kith) {
            this.kith = Objects.requireNonNull(kith, "kith");
        }

        /** The claim of the user's principal that holds the subject's id (default {@code sub}). */
        public Builder subjectClaim(String v) {
            subjectClaim = requireName(v, "subjectClaim");
            return this;
        }

        /** The object type of the subject in kith's schema (default {@code user}). */
        public Builder subjectType(String v) {
            subjectType = requireName(v, "subjectType");
            return this;
        }

        /**
         * Whether a request passes when kith cannot be reached (default false: 503). Only unavailability opens:
         * every other error, and every answer, is still enforced.
         */
        public Builder failOpen(boolean v) {
            failOpen = v;
            return this;
        }

        /** Where the consistency tokens are kept (default {@link TokenStore#perUser()}). */
        public Builder tokens(TokenStore v) {
            tokens = Objects.requireNonNull(v, "tokens");
            return this;
        }

        /** The caveat context of each check, from the request (default: none). */
        public Builder caveatContext(Function<RoutingContext, Struct> v) {
            caveatContext = Objects.requireNonNull(v, "caveatContext");
            return this;
        }

        /**
         * What a CONDITIONAL answer does (default: 403): the handler may end the response, or call {@code ctx.next()}
         * to let the request through.
         */
        public Builder onConditional(Handler<RoutingContext> v) {
            onConditional = Objects.requireNonNull(v, "onConditional");
            return this;
        }

        public KithAuthorization build() {
            return new KithAuthorization(this);
        }
    }
}

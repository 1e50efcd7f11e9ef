package dev.kith.spring;

import com.google.protobuf.Struct;
import dev.kith.client.CheckResult;
import dev.kith.client.ConsistencyTokens;
import dev.kith.client.Kith;
import dev.kith.client.KithCallException;
import dev.kith.client.Refs;
import dev.kith.proto.v1.CheckPermissionRequest;
import io.grpc.Status;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * kith's checks for Spring Security. Declare one as a bean named {@code kith}, then protect requests by matcher and
 * methods by expression:
 *
 * <pre>{@code
 * @Bean KithSecurity kith(Kith client) { return KithSecurity.builder(client).subjectType("user").build(); }
 *
 * http.authorizeHttpRequests(a -> a
 *         .requestMatchers(HttpMethod.GET, "/documents/{id}").access(kith.require("document", "id", "view"))
 *         .anyRequest().authenticated())
 *     .exceptionHandling(e -> e.accessDeniedHandler(new KithAccessDeniedHandler()));
 *
 * @PreAuthorize("@kith.check('document', #id, 'view')")
 * public Document read(String id) { … }
 * }</pre>
 *
 * <p>The subject is {@code subjectType:<id>}, the id the authentication's name by default (for a JWT login, its
 * {@code sub} claim). ALLOWED grants; DENIED refuses (403); CONDITIONAL asks the {@link Builder#onConditional} hook
 * (refused by default); no authentication refuses. When kith cannot be reached (the call ends {@code UNAVAILABLE},
 * past its deadline, or overloaded) the check throws a {@link KithCheckException} with status 503, or grants when
 * the builder says {@link Builder#failOpen}; a resource id kith refuses is a {@code KithCheckException} with status
 * 400, any other error one with 500 (never open). {@link KithAccessDeniedHandler} answers with those statuses.
 *
 * <p>Checks read at least as fresh as the tokens of the writes made through {@link #kith()}: the current user's
 * (kept per subject, for the last 10,000), or the whole process's with {@link Builder#sharedTokens}.
 */
public final class KithSecurity {
    private static final Logger LOG = Logger.getLogger(KithSecurity.class.getName());

    /** What a CONDITIONAL answer does: true lets the request through. */
    @FunctionalInterface
    public interface OnConditional {
        /** Whether {@code authentication} may do {@code permission} on {@code resource} ({@code type:id}) after all. */
        boolean allow(Authentication authentication, String resource, String permission);
    }

    private final Kith kith;
    private final String subjectType;
    private final Function<Authentication, String> subjectId;
    private final boolean failOpen;
    private final UserTokens tokens;
    private final Function<HttpServletRequest, Struct> caveatContext;
    private final OnConditional onConditional;

    private KithSecurity(Builder b) {
        this.kith = b.kith;
        this.subjectType = b.subjectType;
        this.subjectId = b.subjectId;
        this.failOpen = b.failOpen;
        this.tokens = new UserTokens(b.sharedTokens, 10_000);
        this.caveatContext = b.caveatContext;
        this.onConditional = b.onConditional;
    }

    /** A builder over {@code kith} (any {@link Kith}: gRPC or embedded). */
    public static Builder builder(Kith kith) {
        return new Builder(kith);
    }

    /**
     * Whether the current user has {@code permission} on {@code resourceType:id}: for {@code
     * @PreAuthorize("@kith.check('document', #id, 'view')")}.
     *
     * @throws KithCheckException when kith could not answer (see the class)
     */
    public boolean check(String resourceType, String id, String permission) {
        return decide(
                SecurityContextHolder.getContext().getAuthentication(), currentRequest(), resourceType, id, permission);
    }

    /**
     * A request {@code AuthorizationManager} granting when the user has {@code permission} on the resource of {@code
     * resourceType} whose id is the matcher's path variable {@code variable} (as {@code id} in {@code
     * /documents/{id}}).
     */
    public AuthorizationManager<RequestAuthorizationContext> require(
            String resourceType, String variable, String permission) {
        requireName(resourceType, "resourceType");
        requireName(variable, "variable");
        requireName(permission, "permission");
        return new AuthorizationManager<>() {
            @Override
            public AuthorizationResult authorize(Supplier<Authentication> auth, RequestAuthorizationContext ctx) {
                String id = ctx.getVariables().get(variable);
                if (id == null || id.isEmpty()) {
                    throw new IllegalStateException(
                            "the request matcher of " + ctx.getRequest().getRequestURI() + " has no path variable `"
                                    + variable + "` to authorize");
                }
                return new AuthorizationDecision(decide(auth.get(), ctx.getRequest(), resourceType, id, permission));
            }

            @Override
            @Deprecated
            @SuppressWarnings("deprecation")
            public AuthorizationDecision check(Supplier<Authentication> auth, RequestAuthorizationContext ctx) {
                return (AuthorizationDecision) authorize(auth, ctx);
            }

            @Override
            public String toString() {
                return "kith: " + permission + " on " + resourceType + ":{" + variable + "}";
            }
        };
    }

    /**
     * kith for the app's own writes in the current request: their tokens are recorded for the current user (or the
     * process, with shared tokens), so the next checks read at least as fresh as them.
     *
     * @throws IllegalStateException when no user is logged in
     */
    public Kith kith() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String subject = subject(auth);
        if (subject == null) throw new IllegalStateException("no logged-in user in this request");
        return kith.withConsistencyTokens(tokens.of(subject));
    }

    /** The subject of {@code auth}, {@code subjectType:<id>} (as {@code user:ann}), or null when not logged in. */
    public String subject(Authentication auth) {
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) return null;
        String id = subjectId.apply(auth);
        return id == null || id.isEmpty() ? null : subjectType + ":" + id;
    }

    private boolean decide(
            Authentication auth, HttpServletRequest request, String resourceType, String id, String permission) {
        String subject = subject(auth);
        if (subject == null) return false;
        String resource = resourceType + ":" + id;
        ConsistencyTokens t = tokens.of(subject);
        CheckPermissionRequest.Builder b;
        try {
            b = CheckPermissionRequest.newBuilder()
                    .setSubject(Refs.subject(subject))
                    .setPermission(permission)
                    .setResource(Refs.object(resourceType, id))
                    .setConsistency(t.consistencyFor(resource));
        } catch (IllegalArgumentException e) {
            throw new KithCheckException(400, "bad_request", e.getMessage(), e);
        }
        Struct context = request == null ? null : caveatContext.apply(request);
        if (context != null && context.getFieldsCount() > 0) b.setContext(context);
        CheckResult result;
        try {
            result = CheckResult.of(kith.checkPermission(b.build()).getPermissionship());
        } catch (KithCallException e) {
            return failed(e, resource);
        }
        return switch (result) {
            case ALLOWED -> true;
            case DENIED -> false;
            case CONDITIONAL -> onConditional.allow(auth, resource, permission);
        };
    }

    private boolean failed(KithCallException e, String resource) {
        Status.Code code = e.code();
        if (code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED) {
            if (failOpen) {
                LOG.log(
                        Level.WARNING,
                        "kith unreachable, letting the request through (fail open): {0}",
                        e.getMessage());
                return true;
            }
            throw new KithCheckException(
                    503, "authorization_unavailable", "authorization is unavailable; try again later", e);
        }
        if (code == Status.Code.INVALID_ARGUMENT) {
            throw new KithCheckException(400, "bad_request", "`" + resource + "` is not a valid resource", e);
        }
        LOG.log(Level.SEVERE, "the check of " + resource + " failed", e);
        throw new KithCheckException(500, "authorization_failed", "authorization failed", e);
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a
                ? a.getRequest()
                : null;
    }

    private static String requireName(String v, String what) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(what + " must not be empty");
        return v;
    }

    /** The settings of a {@link KithSecurity}; every one has a default. */
    public static final class Builder {
        private final Kith kith;
        private String subjectType = "user";
        private Function<Authentication, String> subjectId = Authentication::getName;
        private boolean failOpen;
        private ConsistencyTokens sharedTokens;
        private Function<HttpServletRequest, Struct> caveatContext = r -> null;
        private OnConditional onConditional = (a, r, p) -> false;

        private Builder(Kith kith) {
            this.kith = Objects.requireNonNull(kith, "kith");
        }

        /** The object type of the subject in kith's schema (default {@code user}). */
        public Builder subjectType(String v) {
            subjectType = requireName(v, "subjectType");
            return this;
        }

        /**
         * The subject's id from the authentication (default its name; for a JWT, a claim such as {@code a ->
         * ((Jwt) a.getPrincipal()).getClaimAsString("email")}).
         */
        public Builder subjectId(Function<Authentication, String> v) {
            subjectId = Objects.requireNonNull(v, "subjectId");
            return this;
        }

        /** Whether a check grants when kith cannot be reached (default false: a 503 {@link KithCheckException}). */
        public Builder failOpen(boolean v) {
            failOpen = v;
            return this;
        }

        /**
         * One set of tokens for every user (default: per user): every check reads at least as fresh as this
         * process's last write of its resource, so a user whose access was just revoked is refused at once.
         */
        public Builder sharedTokens(ConsistencyTokens v) {
            sharedTokens = Objects.requireNonNull(v, "sharedTokens");
            return this;
        }

        /** The caveat context of each check, from the request (default: none). */
        public Builder caveatContext(Function<HttpServletRequest, Struct> v) {
            caveatContext = Objects.requireNonNull(v, "caveatContext");
            return this;
        }

        /** What a CONDITIONAL answer does (default: refuse). */
        public Builder onConditional(OnConditional v) {
            onConditional = Objects.requireNonNull(v, "onConditional");
            return this;
        }

        public KithSecurity build() {
            return new KithSecurity(this);
        }
    }
}

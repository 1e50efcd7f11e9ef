package dev.kith.junit;

import com.google.protobuf.Struct;
import dev.kith.client.CheckResult;
import dev.kith.client.Kith;
import dev.kith.client.Refs;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on kith's answers, for tests of an application's policy:
 *
 * <pre>{@code
 * KithAssertions.assertThat(kith)
 *         .allows("user:alice", "view", "document:plan")
 *         .denies("user:mallory", "view", "document:plan")
 *         .allowsConditionally("user:bob", "view", "document:plan")          // a caveat lacks context
 *         .withContext(Map.of("day", "monday"))
 *         .allows("user:bob", "view", "document:plan");
 * }</pre>
 *
 * A failure says what was asked and what kith answered, with the caveat context it was missing, as in {@code
 * expected kith to allow user:bob view on document:plan, but it answered CONDITIONAL (missing context: day)}.
 */
public final class KithAssertions {
    private KithAssertions() {}

    /**
     * Assertions on the answers of {@code kith}.
     *
     * @param kith the kith to ask
     * @return the assertions, with no caveat context
     */
    public static KithAssert assertThat(Kith kith) {
        return new KithAssert(Objects.requireNonNull(kith, "kith"), Struct.getDefaultInstance());
    }

    /** The assertions on one kith, with the caveat context its checks send. */
    public static final class KithAssert {
        private final Kith kith;
        private final Struct context;

        private KithAssert(Kith kith, Struct context) {
            this.kith = kith;
            this.context = context;
        }

        /**
         * These assertions with a caveat context sent with every check: JSON-shaped values (String, Boolean,
         * Number, List, Map with String keys).
         *
         * @param values the context's fields, by name
         * @return new assertions on the same kith with that context
         */
        public KithAssert withContext(Map<String, ?> values) {
            return new KithAssert(kith, Refs.context(values));
        }

        /**
         * Asserts that {@code subject} has {@code permission} on {@code resource} without condition.
         *
         * @param subject the subject, as {@code user:alice} or {@code team:eng#member}
         * @param permission the permission or relation
         * @param resource the resource, as {@code document:plan}
         * @return these assertions, to chain another
         * @throws AssertionFailedError if kith answers otherwise
         */
        public KithAssert allows(String subject, String permission, String resource) {
            return expect(CheckResult.ALLOWED, "allow", subject, permission, resource);
        }

        /**
         * Asserts that {@code subject} does not have {@code permission} on {@code resource}.
         *
         * @param subject the subject, as {@code user:alice} or {@code team:eng#member}
         * @param permission the permission or relation
         * @param resource the resource, as {@code document:plan}
         * @return these assertions, to chain another
         * @throws AssertionFailedError if kith answers otherwise
         */
        public KithAssert denies(String subject, String permission, String resource) {
            return expect(CheckResult.DENIED, "deny", subject, permission, resource);
        }

        /**
         * Asserts that {@code subject} has {@code permission} on {@code resource} only if caveats whose context was
         * not given turn out true (CONDITIONAL).
         *
         * @param subject the subject, as {@code user:alice} or {@code team:eng#member}
         * @param permission the permission or relation
         * @param resource the resource, as {@code document:plan}
         * @return these assertions, to chain another
         * @throws AssertionFailedError if kith answers otherwise
         */
        public KithAssert allowsConditionally(String subject, String permission, String resource) {
            return expect(CheckResult.CONDITIONAL, "allow conditionally", subject, permission, resource);
        }

        private KithAssert expect(
                CheckResult expected, String verb, String subject, String permission, String resource) {
            CheckPermissionRequest.Builder q = CheckPermissionRequest.newBuilder()
                    .setSubject(Refs.subject(subject))
                    .setPermission(permission)
                    .setResource(Refs.object(resource));
            if (context.getFieldsCount() > 0) q.setContext(context);
            CheckPermissionResponse r = kith.checkPermission(q.build());
            CheckResult actual = CheckResult.of(r.getPermissionship());
            if (actual != expected) {
                List<String> missing = r.getPartialCaveatInfo().getMissingRequiredContextList();
                String answered = actual == CheckResult.CONDITIONAL && !missing.isEmpty()
                        ? actual + " (missing context: " + String.join(", ", missing) + ")"
                        : actual.toString();
                String with = context.getFieldsCount() > 0
                        ? " with context " + context.getFieldsMap().keySet()
                        : "";
                throw new AssertionFailedError(
                        "expected kith to " + verb + " " + subject + " " + permission + " on " + resource + with
                                + ", but it answered " + answered,
                        expected,
                        actual);
            }
            return this;
        }
    }
}

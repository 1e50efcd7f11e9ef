package dev.kith.engine.caveat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.engine.Permissionship;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CaveatEvaluatorTest {

    /** An evaluator for one caveat {@code cav} with the given parameters and expression. */
    private static CaveatEvaluator caveat(String parameters, String expression) {
        try {
            return new CaveatEvaluator(Schemas.compile(
                    "test.zed", "definition user {}\ncaveat cav(" + parameters + ") {\n" + expression + "\n}\n"));
        } catch (SchemaException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static Permissionship eval(CaveatEvaluator e, Map<String, Object> request) {
        return e.evaluate("cav", Map.of(), request).result();
    }

    private static Map<String, Object> ctx(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    @Nested
    class Types {
        @Test
        void intAcceptsWholeNumbersAndRejectsFractionsAndStrings() {
            CaveatEvaluator e = caveat("x int", "x == 42");
            assertThat(eval(e, ctx("x", 42L))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("x", 42))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("x", 42.0))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("x", 41L))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("x", 4.5)))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("parameter 'x' of caveat cav")
                    .hasMessageContaining("int")
                    .hasMessageContaining("fraction 4.5");
            assertThatThrownBy(() -> eval(e, ctx("x", "42")))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("must be an int")
                    .hasMessageContaining("the string \"42\"");
        }

        @Test
        void uintRejectsNegativeNumbers() {
            CaveatEvaluator e = caveat("limit uint, count uint", "count < limit");
            assertThat(eval(e, ctx("limit", 5L, "count", 3L))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("limit", 3L, "count", 3L))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("limit", -1L, "count", 3L)))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'limit'")
                    .hasMessageContaining("uint");
        }

        @Test
        void doubleAcceptsAnyNumber() {
            CaveatEvaluator e = caveat("d double", "d > 1.5");
            assertThat(eval(e, ctx("d", 2L))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("d", 1.25))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("d", true))).isInstanceOf(KithException.InvalidArgument.class);
        }

        @Test
        void doubleRejectsNumbersBeyondItsRange() {
            CaveatEvaluator e = caveat("d double", "d > 0.0");
            assertThat(eval(e, ctx("d", new java.math.BigDecimal("1.7976931348623157e308"))))
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("d", new java.math.BigDecimal("1.8e309"))))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("parameter 'd' of caveat cav")
                    .hasMessageContaining("out of the range of a double");
            assertThatThrownBy(() -> eval(e, ctx("d", new java.math.BigDecimal("-1.8e309"))))
                    .isInstanceOf(KithException.InvalidArgument.class);
        }

        @Test
        void boolStringAndBytes() {
            CaveatEvaluator e = caveat("b bool, s string, y bytes", "b && s == 'hi' && y == b'abc'");
            assertThat(eval(e, ctx("b", true, "s", "hi", "y", "abc"))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("b", true, "s", "ho", "y", "abc"))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("b", "true", "s", "hi", "y", "abc")))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("must be a bool");
            assertThatThrownBy(() -> eval(e, ctx("b", true, "s", 1L, "y", "abc")))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("must be a string");
        }

        @Test
        void durationTakesGoDurationStrings() {
            CaveatEvaluator e = caveat("d duration", "d > duration('1h')");
            assertThat(eval(e, ctx("d", "1h30m"))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("d", "1.5h"))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("d", "10s"))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("d", "ten seconds")))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'d'")
                    .hasMessageContaining("not a duration");
            assertThatThrownBy(() -> eval(e, ctx("d", 10L)))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("must be a duration");
        }

        @Test
        void timestampTakesRfc3339Strings() {
            CaveatEvaluator e = caveat("now timestamp, expires_at timestamp", "now < expires_at");
            assertThat(eval(e, ctx("now", "2024-01-01T00:00:00Z", "expires_at", "2025-01-01T00:00:00Z")))
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("now", "2024-01-01T02:00:00-03:00", "expires_at", "2024-01-01T00:00:00Z")))
                    .isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("now", "yesterday", "expires_at", "2025-01-01T00:00:00Z")))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'now'")
                    .hasMessageContaining("RFC 3339");
        }

        @Test
        void timestampsAndDurationsSupportCelArithmeticAndAccessors() {
            CaveatEvaluator e = caveat(
                    "now timestamp, created timestamp, ttl duration",
                    "now - created < ttl && now.getHours() >= 9 && now.getHours('Europe/Paris') == 10"
                            + " && created + ttl > now && ttl.getMinutes() == 90");
            assertThat(eval(e, ctx("now", "2024-03-01T09:30:00Z", "created", "2024-03-01T08:30:00Z", "ttl", "1h30m")))
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("now", "2024-03-01T09:30:00Z", "created", "2024-03-01T07:30:00Z", "ttl", "1h30m")))
                    .isEqualTo(Permissionship.NO_PERMISSION);
        }

        @Test
        void listConvertsEveryElementAndNamesTheBadOne() {
            CaveatEvaluator e = caveat("somelist list<int>", "somelist.all(i, i >= 42)");
            assertThat(eval(e, ctx("somelist", List.of(42L, 50L)))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("somelist", List.of(42L, 1L)))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("somelist", List.of(42L, "x"))))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'somelist[1]'");
            assertThatThrownBy(() -> eval(e, ctx("somelist", 42L)))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("must be a list<int>");
        }

        @Test
        void mapConvertsEveryValue() {
            CaveatEvaluator e = caveat("m map<duration>", "m['ttl'] < duration('1m')");
            assertThat(eval(e, ctx("m", Map.of("ttl", "30s")))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("m", Map.of("ttl", "2m")))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("m", Map.of("ttl", 5L))))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'m[\"ttl\"]'");
        }

        @Test
        void anyTakesJsonAsIs() {
            CaveatEvaluator e = caveat("a any", "a.level == 3 && a.tags[0] == 'x'");
            assertThat(eval(e, ctx("a", Map.of("level", 3, "tags", List.of("x")))))
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("a", Map.of("level", 2L, "tags", List.of("x")))))
                    .isEqualTo(Permissionship.NO_PERMISSION);
        }

        @Test
        void ipaddressInCidrV4AndV6() {
            CaveatEvaluator e = caveat("ip ipaddress, cidr string", "ip.in_cidr(cidr)");
            assertThat(eval(e, ctx("ip", "10.1.2.3", "cidr", "10.0.0.0/8"))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("ip", "11.1.2.3", "cidr", "10.0.0.0/8"))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThat(eval(e, ctx("ip", "192.168.1.130", "cidr", "192.168.1.128/25")))
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("ip", "192.168.1.127", "cidr", "192.168.1.128/25")))
                    .isEqualTo(Permissionship.NO_PERMISSION);
            assertThat(eval(e, ctx("ip", "2001:db8::1", "cidr", "2001:db8::/32")))
                    .isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("ip", "2001:db9::1", "cidr", "2001:db8::/32")))
                    .isEqualTo(Permissionship.NO_PERMISSION);
            assertThat(eval(e, ctx("ip", "10.1.2.3", "cidr", "::/0"))).isEqualTo(Permissionship.NO_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("ip", "10.1.2.3", "cidr", "10.0.0.0")))
                    .isInstanceOf(KithException.CaveatEvaluation.class)
                    .hasMessageContaining("caveat cav")
                    .hasMessageContaining("not a CIDR prefix");
            assertThatThrownBy(() -> eval(e, ctx("ip", "example.com", "cidr", "10.0.0.0/8")))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'ip'")
                    .hasMessageContaining("not an IPv4 or IPv6 address");
        }

        @Test
        void ipaddressFunctionConvertsAStringAsOpenFgaDoes() {
            CaveatEvaluator e = caveat("ip ipaddress", "ip != ipaddress(\"192.0.0.1\")");
            assertThat(eval(e, ctx("ip", "192.168.0.1"))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(eval(e, ctx("ip", "192.0.0.1"))).isEqualTo(Permissionship.NO_PERMISSION);
            CaveatEvaluator bad = caveat("ip ipaddress", "ip == ipaddress(\"not-an-address\")");
            assertThatThrownBy(() -> eval(bad, ctx("ip", "10.0.0.1")))
                    .isInstanceOf(KithException.CaveatEvaluation.class)
                    .hasMessageContaining("not an IPv4 or IPv6 address");
        }
    }

    @Nested
    class PartialEvaluation {
        @Test
        void decidedDespiteMissingParameters() {
            CaveatEvaluator or = caveat("a bool, b bool", "a || b");
            assertThat(or.evaluate("cav", Map.of(), ctx("a", true))).isEqualTo(CaveatOutcome.TRUE);
            CaveatEvaluator and = caveat("a bool, b bool", "a && b");
            assertThat(and.evaluate("cav", Map.of(), ctx("a", false))).isEqualTo(CaveatOutcome.FALSE);
        }

        @Test
        void undecidedListsOnlyTheMissingParametersThatMatter() {
            CaveatEvaluator e = caveat("b bool, a bool", "a || b");
            assertThat(e.evaluate("cav", Map.of(), ctx("a", false))).isEqualTo(CaveatOutcome.conditional(List.of("b")));
            assertThat(e.evaluate("cav", Map.of(), Map.of())).isEqualTo(CaveatOutcome.conditional(List.of("a", "b")));
        }

        @Test
        void aParameterNeverReferencedIsNotMissing() {
            CaveatEvaluator e = caveat("a bool, unused int", "a");
            assertThat(e.evaluate("cav", Map.of(), ctx("a", true))).isEqualTo(CaveatOutcome.TRUE);
            assertThat(e.evaluate("cav", Map.of(), Map.of())).isEqualTo(CaveatOutcome.conditional(List.of("a")));
        }

        @Test
        void aComprehensionVariableIsNotTheParameterOfTheSameName() {
            CaveatEvaluator e = caveat("x int, l list<int>", "l.exists(x, x > 5)");
            assertThat(e.evaluate("cav", Map.of(), ctx("l", List.of(1L, 9L)))).isEqualTo(CaveatOutcome.TRUE);
            assertThat(e.evaluate("cav", Map.of(), Map.of())).isEqualTo(CaveatOutcome.conditional(List.of("l")));
        }
    }

    @Nested
    class Context {
        @Test
        void storedContextWinsOverRequestContext() {
            CaveatEvaluator e = caveat("x int", "x == 42");
            assertThat(e.evaluate("cav", ctx("x", 42L), ctx("x", 1L))).isEqualTo(CaveatOutcome.TRUE);
            assertThat(e.evaluate("cav", ctx("x", 1L), ctx("x", 42L))).isEqualTo(CaveatOutcome.FALSE);
        }

        @Test
        void storedAndRequestContextCombine() {
            CaveatEvaluator e = caveat("expiration timestamp, current_time timestamp", "current_time < expiration");
            Map<String, Object> stored = ctx("expiration", "2023-12-01T00:00:00Z");
            assertThat(e.evaluate("cav", stored, ctx("current_time", "2022-01-01T00:00:00Z")))
                    .isEqualTo(CaveatOutcome.TRUE);
            assertThat(e.evaluate("cav", stored, ctx("current_time", "2024-01-01T00:00:00Z")))
                    .isEqualTo(CaveatOutcome.FALSE);
            assertThat(e.evaluate("cav", stored, Map.of()))
                    .isEqualTo(CaveatOutcome.conditional(List.of("current_time")));
        }

        @Test
        void requestKeysThatAreNoParametersAreIgnored() {
            CaveatEvaluator e = caveat("x int", "x == 42");
            assertThat(e.evaluate("cav", Map.of(), ctx("x", 42L, "other", "anything")))
                    .isEqualTo(CaveatOutcome.TRUE);
        }

        @Test
        void validateContextRefusesUnknownParametersAndWrongTypes() {
            CaveatEvaluator e = caveat("x int, when timestamp", "x == 42 && when > timestamp('2020-01-01T00:00:00Z')");
            e.validateContext("cav", ctx("x", 42L, "when", "2021-01-01T00:00:00Z"));
            e.validateContext("cav", Map.of());
            assertThatThrownBy(() -> e.validateContext("cav", ctx("y", 1L)))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("caveat cav has no parameter 'y'")
                    .hasMessageContaining("x, when");
            assertThatThrownBy(() -> e.validateContext("cav", ctx("when", 12L)))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("'when'")
                    .hasMessageContaining("timestamp");
            assertThatThrownBy(() -> e.validateContext("nope", Map.of()))
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("caveat nope is not defined");
        }
    }

    @Nested
    class Errors {
        @Test
        void anEvaluationErrorNamesTheCaveat() {
            CaveatEvaluator e = caveat("x int", "10 / x == 1");
            assertThatThrownBy(() -> eval(e, ctx("x", 0L)))
                    .isInstanceOf(KithException.CaveatEvaluation.class)
                    .hasMessageStartingWith("caveat cav: ")
                    .hasMessageContaining("by zero");
        }

        @Test
        void aResultThatIsNoBoolIsAnError() {
            CaveatEvaluator e = caveat("a any", "a");
            assertThat(eval(e, ctx("a", true))).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThatThrownBy(() -> eval(e, ctx("a", 5L)))
                    .isInstanceOf(KithException.CaveatEvaluation.class)
                    .hasMessage("caveat cav: returned 5 instead of a bool");
        }

        @Test
        void anUnknownCaveatIsAnError() {
            CaveatEvaluator e = caveat("x int", "x == 1");
            assertThatThrownBy(() -> e.evaluate("other", Map.of(), Map.of()))
                    .isInstanceOf(KithException.CaveatEvaluation.class)
                    .hasMessageContaining("caveat other");
        }
    }

    @Test
    void evaluatesConcurrentlyWithOneProgram() {
        CaveatEvaluator e = caveat("x int, y int", "x < y");
        long wrong = IntStream.range(0, 2_000)
                .parallel()
                .filter(i -> {
                    CaveatOutcome o = e.evaluate("cav", ctx("x", (long) i), ctx("y", 1_000L));
                    return o.result() != (i < 1_000 ? Permissionship.HAS_PERMISSION : Permissionship.NO_PERMISSION);
                })
                .count();
        assertThat(wrong).isZero();
    }
}

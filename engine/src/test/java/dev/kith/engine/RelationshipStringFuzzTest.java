package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the compact relationship syntax ({@code document:1#viewer@user:a[caveat:{...}][expiration:...]})
 * that validation files, the command line and cursors are parsed with: valid strings mutated character by
 * character and part by part either parse to a relationship that prints and parses back to itself, or fail with an
 * {@link KithException.InvalidArgument} whose message says what is wrong; never another exception, and in time
 * linear in the text.
 */
class RelationshipStringFuzzTest {
    private static final String[] VALID = {
        "document:1#viewer@user:a",
        "document:1#viewer@user:*",
        "document:doc_1#viewer@group:eng#member",
        "document:x#viewer@group:eng#...",
        "org/team/document:a-b=c+d|e#editor_of@org/user:u/1",
        "document:1#viewer@user:a[on_day]",
        "document:1#viewer@user:a[on_day:{\"day\":\"monday\",\"n\":[1,2.5,{\"k\":null}]}]",
        "document:1#viewer@user:a[expiration:2030-01-01T00:00:00Z]",
        "document:1#viewer@user:a[on_day:{}][expiration:2030-01-01T00:00:00.123456789Z]",
        "document:1#viewer@user:a[on_day:{\"s\":\"]\"}][expiration:2030-01-01T00:00:00+02:00]"
    };

    private static final String[] PIECES = {
        ":",
        "#",
        "@",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "*",
        "...",
        "/",
        " ",
        "\t",
        "\n",
        ",",
        "expiration:",
        "on_day:",
        "{\"a\":",
        "[[",
        "]]",
        "\\",
        "\u0000",
        "é",
        "\ud800",
        "1e400",
        "null",
        "2030-13-45T99:00:00Z",
        "Z",
        "a",
        "A",
        "_",
        "-",
        "|",
        "=",
        "+",
        "x".repeat(70),
        "9".repeat(2000)
    };

    @Test
    void mutatedRelationshipStringsParseOrFailWithAClearMessage() {
        Random random = new Random(13L);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(VALID[random.nextInt(VALID.length)]);
            for (int m = 1 + random.nextInt(3); m > 0 && !s.isEmpty(); m--) {
                int at = random.nextInt(s.length() + 1);
                switch (random.nextInt(6)) {
                    case 0 -> s.insert(at, PIECES[random.nextInt(PIECES.length)]);
                    case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(5)));
                    case 2 -> s.setLength(at);
                    case 3 -> {
                        if (at < s.length()) s.setCharAt(at, (char) (s.charAt(at) ^ (1 << random.nextInt(7))));
                    }
                    case 4 -> {
                        String run = s.substring(at, Math.min(s.length(), at + random.nextInt(12)));
                        s.insert(at, run.repeat(1 + random.nextInt(4)));
                    }
                    default -> s.replace(at, Math.min(s.length(), at + 1), PIECES[random.nextInt(PIECES.length)]);
                }
            }
            if (parsesOrFailsClearly(s.toString())) parsed++;
        }
        assertThat(parsed).as("some mutations still parse").isPositive();
        for (String v : VALID) assertThat(parsesOrFailsClearly(v)).as(v).isTrue();
    }

    @Test
    void randomTextFailsWithAClearMessage() {
        Random random = new Random(17L);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int p = random.nextInt(12); p > 0; p--) s.append(PIECES[random.nextInt(PIECES.length)]);
            parsesOrFailsClearly(s.toString());
        }
        for (String s : new String[] {null, "", " ", "[", "]", "@", "#", ":", "[]", "a[", "a:b#c@d:e[", "a:b#c@d:e]"}) {
            parsesOrFailsClearly(s);
        }
    }

    @Test
    void aBadCaveatContextIsNamedInPlainWords() {
        // found by the fuzzing above: the JSON library's message named Java types, and the part was named twice
        assertThat(message("document:1#viewer@user:a[on_day:\":\"]"))
                .startsWith("caveat context: must be a JSON object, not a string (in ");
        assertThat(message("document:1#viewer@user:a[on_day:[1]]"))
                .startsWith("caveat context: must be a JSON object, not an array (in ");
        assertThat(message("document:1#viewer@user:a[on_day:{\"a\":}]"))
                .startsWith("caveat context: is not a valid JSON object at line 1, column 6 (in ");
        assertThat(message("document:1#viewer@user:a[on_day:null]"))
                .startsWith("caveat context: must be a JSON object, not null (in ");
        // and a number too large for a double was read as infinity, then written back as the string "Infinity"
        assertThat(message("document:1#viewer@user:a[on_day:{\"n\":[1,{\"k\":-1e400}]}]"))
                .startsWith("caveat context: the number at n[1].k is out of range (in ");
        assertThat(RelationshipParser.parseContext("{\"a\":[1,{\"b\":null}]}", "context"))
                .containsOnlyKeys("a");
    }

    private static String message(String relationship) {
        try {
            RelationshipParser.parse(relationship);
        } catch (KithException.InvalidArgument e) {
            assertThat(e.getMessage())
                    .doesNotContain("java.")
                    .doesNotContain("Json")
                    .doesNotContain("`");
            return e.getMessage();
        }
        throw new AssertionError("parsed: " + relationship);
    }

    @Test
    void pathologicalStringsTakeLinearTime() {
        List<java.util.function.IntFunction<String>> shapes = new ArrayList<>();
        shapes.add(n -> "document:1#viewer@user:a" + "[".repeat(n));
        shapes.add(n -> "document:1#viewer@user:a[on_day:" + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "]");
        shapes.add(n -> "document:1#viewer@user:a[on_day:" + "[".repeat(n) + "]".repeat(n) + "]");
        shapes.add(n -> "document:1#viewer@user:a" + "[on_day]".repeat(n));
        shapes.add(n -> "document:" + "1".repeat(n) + "#viewer@user:a");
        shapes.add(n -> "#".repeat(n) + "@".repeat(n) + ":".repeat(n));
        for (var shape : shapes) {
            long small = fastest(shape.apply(2_000));
            long large = fastest(shape.apply(32_000));
            assertThat(large)
                    .as(shape.apply(20) + "…: " + small / 1000 + " µs for 2,000, " + large / 1000 + " µs for 32,000")
                    .isLessThan(48 * small + 200_000_000L);
        }
    }

    /**
     * The least CPU time of three runs on this thread: unlike wall time, it does not count the time other processes
     * of a loaded machine, or the garbage collector's threads, took.
     */
    private static long fastest(String text) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = threads.getCurrentThreadCpuTime();
            parsesOrFailsClearly(text);
            best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
        }
        return best;
    }

    /** True when {@code s} parses (and then round-trips); false when it fails with a clear message. */
    private static boolean parsesOrFailsClearly(String s) {
        Relationship r;
        try {
            r = RelationshipParser.parse(s);
        } catch (KithException.InvalidArgument e) {
            assertThat(e.getMessage())
                    .as(abbreviate(s))
                    .isNotBlank()
                    .doesNotContain("Exception")
                    .doesNotContain("java.")
                    .doesNotContain("JsonToken");
            return false;
        } catch (Throwable t) {
            throw new AssertionError("not an InvalidArgument for " + abbreviate(s), t);
        }
        String printed;
        try {
            printed = RelationshipParser.format(r);
            assertThat(RelationshipParser.parse(printed))
                    .as(abbreviate(s) + " printed as " + printed)
                    .isEqualTo(r);
        } catch (KithException.InvalidArgument e) {
            throw new AssertionError(abbreviate(s) + " parsed but its printed form does not: " + e.getMessage(), e);
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? String.valueOf(s) : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}

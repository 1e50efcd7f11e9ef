package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Revision;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded, reproducible fuzzing of every public input of the HTTP API: the JSON bodies of every endpoint (values
 * replaced by other JSON types at every path, fields dropped or added, deep nesting, huge numbers, odd unicode,
 * duplicate keys, text cut or with bytes flipped), import NDJSON bodies, schema text, caveat context values,
 * consistency tokens and cursors, relationship strings (the compact form, and each name and id of a written
 * relationship), and the HTTP request line and headers themselves. Whatever comes in, the answer is never a 500, never names a Java class or
 * carries a stack trace, comes within its deadline, and the server still answers {@code /healthz} afterwards.
 *
 * <p>Each test draws from its own fixed seed, and every failure message carries the request that caused it, so
 * a failure is reproduced by running the test again.
 */
class FuzzTest {
    /** How long one fuzzed request may take: far above any answer here, which all come in milliseconds. */
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    static ServerFixture f;
    static HttpClient http;
    static String token;

    static final String SCHEMA = ServerFixture.SCHEMA + """
            caveat typed(i int, u uint, d double, b bool, s string, l list<int>, m map<string>, t timestamp,
                         du duration, ip ipaddress, by bytes, a any, ls list<list<string>>) {
                i > 1 && u > 1u && d > 1.5 && b && s.startsWith("x") && l.size() > 0 && m.size() > 0
                    && t > timestamp("2020-01-01T00:00:00Z") && du > duration("1s") && ip.in_cidr("10.0.0.0/8")
                    && size(by) > 0 && a == 1 && ls.size() > 0
            }
            definition folder {
                relation reader: user | user with typed
                permission read = reader
            }
            """;

    @BeforeAll
    static void start() {
        f = ServerFixture.withKey();
        token = setUp();
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(DEADLINE)
                .build();
    }

    @AfterAll
    static void stop() {
        http.close();
        f.close();
    }

    /**
     * Writes this test's schema and relationships (again: a fuzzed write or delete may have changed them) and
     * returns the token of the write.
     */
    private static String setUp() {
        var a = f.post(
                "/v1/schema/write", new JsonObject().put("schema", SCHEMA).encode());
        assertThat(a.status).as(a.text).isEqualTo(200);
        return f.touch(
                "document:fz#viewer@user:ann",
                "group:g#member@user:ann",
                "document:fz#viewer@group:g#member",
                "folder:f1#reader@user:ann[typed]");
    }

    @AfterEach
    void stillServing() {
        assertThat(f.get("/healthz").status).isEqualTo(200);
        setUp();
    }

    private static String check(String consistency) {
        JsonObject c = new JsonObject(ServerFixture.checkJson("document", "fz", "view", "user", "ann"));
        if (consistency != null) c.put("consistency", new JsonObject(consistency));
        return c.encode();
    }

    /** A valid request for every endpoint of the API (import and watch have their own tests too). */
    private static Map<String, String> valid() {
        String fresh = "{\"atLeastAsFresh\":{\"token\":\"" + token + "\"}}";
        Map<String, String> v = new LinkedHashMap<>();
        v.put("/v1/schema/write", new JsonObject().put("schema", SCHEMA).encode());
        v.put("/v1/schema/read", "{}");
        v.put(
                "/v1/relationships/write",
                "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                        + ServerFixture.relationshipJson("document:fz2#viewer@user:ann[on_day:{\"day\":\"monday\"}]")
                        + "}],\"optionalPreconditions\":[{\"operation\":\"OPERATION_MUST_MATCH\",\"filter\":"
                        + "{\"resourceType\":\"document\",\"optionalResourceId\":\"fz\"}}],"
                        + "\"optionalTransactionMetadata\":{\"who\":\"fuzz\"}}");
        v.put(
                "/v1/relationships/read",
                "{\"consistency\":" + fresh + ",\"relationshipFilter\":{\"resourceType\":\"document\","
                        + "\"optionalResourceId\":\"fz\",\"optionalRelation\":\"viewer\",\"optionalSubjectFilter\":"
                        + "{\"subjectType\":\"user\",\"optionalSubjectId\":\"ann\",\"optionalRelation\":"
                        + "{\"relation\":\"\"}}},\"optionalLimit\":5}");
        v.put(
                "/v1/relationships/delete",
                "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"nothing\"},"
                        + "\"optionalPreconditions\":[{\"operation\":\"OPERATION_MUST_NOT_MATCH\",\"filter\":"
                        + "{\"resourceType\":\"document\",\"optionalResourceId\":\"nothing\"}}],"
                        + "\"optionalLimit\":10,\"optionalAllowPartialDeletions\":true}");
        v.put("/v1/permissions/check", check(fresh));
        v.put(
                "/v1/permissions/checkbulk",
                "{\"consistency\":{\"minimizeLatency\":true},\"items\":["
                        + new JsonObject(check(null))
                                .put("context", new JsonObject().put("day", "monday"))
                                .encode()
                        + "]}");
        v.put(
                "/v1/permissions/expand",
                "{\"consistency\":{\"fullyConsistent\":true},\"resource\":{\"objectType\":\"document\","
                        + "\"objectId\":\"fz\"},\"permission\":\"view\"}");
        v.put(
                "/v1/permissions/resources",
                "{\"consistency\":" + fresh + ",\"resourceObjectType\":\"document\",\"permission\":\"view\","
                        + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"ann\"}},"
                        + "\"context\":{\"day\":\"monday\"},\"optionalLimit\":5}");
        v.put(
                "/v1/permissions/subjects",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"fz\"},\"permission\":\"view\","
                        + "\"subjectObjectType\":\"user\","
                        + "\"optionalConcreteLimit\":5}");
        v.put(
                "/v1/relationships/exportbulk",
                "{\"consistency\":{\"fullyConsistent\":true},\"optionalLimit\":2,"
                        + "\"optionalRelationshipFilter\":{\"resourceType\":\"document\"}}");
        v.put(
                "/v1/watch",
                "{\"optionalObjectTypes\":[\"document\"],\"optionalStartCursor\":{\"token\":\"" + token + "\"},"
                        + "\"optionalRelationshipFilters\":[{\"resourceType\":\"document\"}],"
                        // object types and filters together only when the kinds do not name relationship updates,
                        // as in SpiceDB
                        + "\"optionalUpdateKinds\":[\"WATCH_KIND_INCLUDE_SCHEMA_UPDATES\","
                        + "\"WATCH_KIND_INCLUDE_CHECKPOINTS\"]}");
        return v;
    }

    // ------------------------------------------------------------------ JSON bodies of every endpoint

    @Test
    void everyEndpointAnswersItsValidRequest() {
        for (var e : valid().entrySet()) {
            Answer a = send(e.getKey(), e.getValue());
            assertThat(a.status)
                    .as(e.getKey() + " " + e.getValue() + " -> " + a.text)
                    .isEqualTo(200);
        }
        Answer imported = send(IMPORT, importLine("document:imp#viewer@user:ann"));
        assertThat(imported.status).as(imported.text).isEqualTo(200);
    }

    @Test
    void aWrongTypeAtEveryPathOfEveryEndpointIsNeverA500() {
        Object[] types = {null, true, -1, 1.5, "", new JsonArray(), new JsonObject()};
        for (var e : valid().entrySet()) {
            JsonObject body = new JsonObject(e.getValue());
            for (List<Object> path : paths(body)) {
                for (Object t : types) {
                    JsonObject mutated = body.copy();
                    set(mutated, path, t instanceof JsonObject o ? o.copy() : t instanceof JsonArray a ? a.copy() : t);
                    assertSafe(e.getKey(), mutated.encode(), send(e.getKey(), mutated.encode()));
                }
            }
        }
    }

    @Test
    void mutatedRequestsNeverGetA500() {
        Random random = new Random(20261126L);
        List<Map.Entry<String, String>> endpoints = new ArrayList<>(valid().entrySet());
        for (int i = 0; i < 700; i++) {
            var e = endpoints.get(random.nextInt(endpoints.size()));
            JsonObject body = new JsonObject(e.getValue());
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) mutate(body, random);
            String text = body.encode();
            if (random.nextInt(4) == 0) text = mutateText(text, random);
            assertSafe(e.getKey(), text, send(e.getKey(), text));
        }
    }

    @Test
    void structuralExtremesNeverGetA500() {
        Random random = new Random(7L);
        for (var e : valid().entrySet()) {
            String path = e.getKey();
            JsonObject body = new JsonObject(e.getValue());
            List<List<Object>> paths = paths(body);
            for (int i = 0; i < 4 && !paths.isEmpty(); i++) {
                List<Object> at = paths.get(random.nextInt(paths.size()));
                // deep nesting at a path: under and over the depth limit (32), and far over it
                for (int depth : new int[] {20, 40, 5000}) {
                    String deep = "[".repeat(depth) + "1" + "]".repeat(depth);
                    String text = replaceAt(body, at, deep);
                    assertSafe(path, abbreviate(text), send(path, text));
                    String deepObjects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                    text = replaceAt(body, at, deepObjects);
                    assertSafe(path, abbreviate(text), send(path, text));
                }
                for (String number : HUGE_NUMBERS) {
                    String text = replaceAt(body, at, number);
                    assertSafe(path, abbreviate(text), send(path, text));
                }
                for (String s : UNICODE) {
                    String text = replaceAt(body, at, s);
                    assertSafe(path, text, send(path, text));
                }
            }
            // not an object at all
            for (String other : new String[] {"", " ", "[]", "null", "1", "\"x\"", "{", "}", "{}{}", "\u0000"}) {
                assertSafe(path, other, send(path, other));
            }
            // a key given twice
            String text = body.encode();
            if (body.isEmpty()) continue;
            String first = body.fieldNames().iterator().next();
            String twice = "{\"" + first + "\":" + quoteValue(body.getValue(first)) + "," + text.substring(1);
            Answer a = send(path, twice);
            assertSafe(path, twice, a);
            assertThat(a.status).as(twice + " -> " + a.text).isEqualTo(400);
            assertThat(a.text).contains("given twice");
        }
    }

    /** Numbers JSON allows that no Java type holds, and some it does not allow. */
    private static final String[] HUGE_NUMBERS = {
        "1e400",
        "-1e400",
        "1e-400",
        "123456789012345678901234567890",
        "-9223372036854775809",
        "18446744073709551616",
        "0.000000000000000000000000000001",
        "-0",
        "1".repeat(1001),
        "1" + "0".repeat(999),
        "NaN",
        "Infinity",
        "01",
        "1.",
        ".5",
        "+1",
        "0x10"
    };

    /** JSON strings of odd unicode: lone surrogates, NUL, controls, right-to-left, emoji, non-characters. */
    private static final String[] UNICODE = {
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"\\u0000\"",
        "\"a\\u0000b\"",
        "\"\\u001f\\u007f\"",
        "\"\u202eabc\"",
        "\"\uD83D\uDE00\"",
        "\"\uFFFF\uFFFE\"",
        "\"\\uFEFFdocument\"",
        "\"ｄｏｃｕｍｅｎｔ\"",
        "\"document\\n\"",
        "\"\\\"\"",
        "\"\\x41\"",
        "\"\\u12\"",
        "\"" + "é".repeat(3000) + "\""
    };

    // ------------------------------------------------------------------ import NDJSON bodies

    private static final String IMPORT = KithServer.IMPORT_PATH;

    private static String importLine(String compact) {
        return ServerFixture.relationshipJson(compact) + "\n";
    }

    @Test
    void mutatedImportBodiesNeverGetA500() {
        Random random = new Random(99L);
        String[] lines = {
            ServerFixture.relationshipJson("document:i1#viewer@user:ann"),
            ServerFixture.relationshipJson("document:i2#viewer@group:g#member"),
            ServerFixture.relationshipJson("document:i3#viewer@user:ann[on_day:{\"day\":\"monday\"}]"),
            "{\"relationships\":[" + ServerFixture.relationshipJson("document:i4#viewer@user:bob") + ","
                    + ServerFixture.relationshipJson("document:i5#viewer@user:*") + "]}"
        };
        for (int i = 0; i < 250; i++) {
            StringBuilder body = new StringBuilder();
            int n = 1 + random.nextInt(5);
            for (int l = 0; l < n; l++) {
                JsonObject line = new JsonObject(lines[random.nextInt(lines.length)]);
                if (random.nextInt(3) > 0) mutate(line, random);
                String text = line.encode();
                switch (random.nextInt(8)) {
                    case 0 -> text = mutateText(text, random);
                    case 1 -> text = "";
                    case 2 -> text = "  " + text + "\r";
                    case 3 -> text = text + " " + text;
                    default -> {}
                }
                body.append(text);
                if (l < n - 1 || random.nextBoolean()) body.append('\n');
            }
            assertSafe(IMPORT, body.toString(), send(IMPORT, body.toString()));
        }
    }

    // ------------------------------------------------------------------ watch: opened with a fuzzed body, closed

    @Test
    void watchOpenedWithAFuzzedBodyAnswersOrStreamsAndCloses() {
        Random random = new Random(31L);
        String valid = valid().get("/v1/watch");
        int streams = 0;
        for (int i = 0; i < 120; i++) {
            JsonObject body = new JsonObject(valid);
            for (int m = 0; m < 1 + random.nextInt(3); m++) mutate(body, random);
            String text = random.nextInt(5) == 0 ? mutateText(body.encode(), random) : body.encode();
            Answer a = send("/v1/watch", text);
            assertSafe("/v1/watch", text, a);
            if (a.status == 200) streams++;
        }
        assertThat(streams).as("some fuzzed watch requests open a stream").isPositive();
    }

    // ------------------------------------------------------------------ schema text through the API

    @Test
    void mutatedSchemasThroughSchemaWriteAreNeverA500() {
        Random random = new Random(5L);
        String noise = "{}()<>:;,=|#*+-&./\"'`\n\t abcxyz019_…é\\$@!?[]";
        for (int i = 0; i < 150; i++) {
            StringBuilder text = new StringBuilder(SCHEMA);
            for (int m = 0; m < 1 + random.nextInt(4) && !text.isEmpty(); m++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(5)) {
                    case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(20)));
                    case 1 -> text.insert(at, noise.charAt(random.nextInt(noise.length())));
                    case 2 -> text.setLength(at);
                    case 3 -> {
                        int end = Math.min(text.length(), at + random.nextInt(60));
                        text.insert(at, text.substring(at, end));
                    }
                    default -> text.setCharAt(at, noise.charAt(random.nextInt(noise.length())));
                }
            }
            String body = new JsonObject().put("schema", text.toString()).encode();
            Answer a = send("/v1/schema/write", body);
            assertSafe("/v1/schema/write", body, a);
        }
        // and the schema this test's other requests rely on is back
        assertThat(send(
                                "/v1/schema/write",
                                new JsonObject().put("schema", SCHEMA).encode())
                        .status)
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------ caveat context values

    @Test
    void randomCaveatContextValuesAreAnswered200OrAClear400() {
        Random random = new Random(11L);
        String[] params = {"i", "u", "d", "b", "s", "l", "m", "t", "du", "ip", "by", "a", "ls", "other"};
        int answered = 0;
        for (int i = 0; i < 150; i++) {
            JsonObject context = new JsonObject();
            int n = random.nextInt(params.length);
            for (int p = 0; p < n; p++) context.put(params[random.nextInt(params.length)], randomValue(random, 0));
            JsonObject req = new JsonObject(ServerFixture.checkJson("folder", "f1", "read", "user", "ann"))
                    .put("context", context);
            Answer a = send("/v1/permissions/check", req.encode());
            assertSafe("/v1/permissions/check", req.encode(), a);
            assertThat(a.status).as(req.encode() + " -> " + a.text).isIn(200, 400);
            if (a.status == 400)
                assertThat(new JsonObject(a.text).getString("message")).isNotBlank();
            if (a.status == 200) answered++;
        }
        assertThat(answered).isPositive();
    }

    @Test
    void aContextThatSatisfiesEveryParameterTypeIsAnswered() {
        JsonObject context = new JsonObject()
                .put("i", 2)
                .put("u", 2)
                .put("d", 2.5)
                .put("b", true)
                .put("s", "xy")
                .put("l", new JsonArray().add(1))
                .put("m", new JsonObject().put("k", "v"))
                .put("t", "2024-01-01T00:00:00Z")
                .put("du", "10s")
                .put("ip", "10.1.2.3")
                .put("by", "aGk=")
                .put("a", 1)
                .put("ls", new JsonArray().add(new JsonArray().add("x")));
        JsonObject req =
                new JsonObject(ServerFixture.checkJson("folder", "f1", "read", "user", "ann")).put("context", context);
        Answer a = send("/v1/permissions/check", req.encode());
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(new JsonObject(a.text).getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void aNumberTooLargeForADoubleInAContextIsAClear400() {
        // 1e400 was read as infinity, used as such, and a relationship's context kept it and read back "Infinity"
        String check = ServerFixture.checkJson("folder", "f1", "read", "user", "ann");
        String body = check.substring(0, check.length() - 1) + ",\"context\":{\"d\":1e400}}";
        Answer a = send("/v1/permissions/check", body);
        assertThat(a.status).as(a.text).isEqualTo(400);
        JsonObject e = new JsonObject(a.text);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("context.d");
        assertThat(e.getString("message")).isEqualTo("context.d: is a number too large for a double");

        String relationship =
                ServerFixture.relationshipJson("document:big#viewer@user:ann[on_day:{\"day\":\"monday\"}]");
        String write = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                + relationship.replace("\"monday\"", "\"monday\",\"n\":[-1e400]") + "}]}";
        assertThat(write).contains("-1e400");
        Answer w = send("/v1/relationships/write", write);
        assertThat(w.status).as(w.text).isEqualTo(400);
        assertThat(ServerFixture.meta(new JsonObject(w.text)).getString("field"))
                .endsWith("optionalCaveat.context.n[0]");
    }

    private static Object randomValue(Random random, int depth) {
        int kinds = depth > 3 ? 9 : 11;
        return switch (random.nextInt(kinds)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt(7) - 3;
            case 3 -> random.nextLong();
            case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
            case 5 ->
                new String[] {
                            "",
                            "x",
                            "xy",
                            "10.1.2.3",
                            "::1",
                            "10.0.0.0/8",
                            "not an ip",
                            "2024-01-01T00:00:00Z",
                            "2024-13-45",
                            "10s",
                            "-1h",
                            "1000000000000h",
                            "aGk=",
                            "!!!",
                            "\u0000",
                            "\ud83d\ude00",
                            "1e400"
                        }
                        [random.nextInt(17)];
            case 6 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            case 7 -> random.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE;
            case 8 -> "s".repeat(random.nextInt(100));
            case 9 -> {
                JsonArray a = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--) a.add(randomValue(random, depth + 1));
                yield a;
            }
            default -> {
                JsonObject o = new JsonObject();
                for (int i = random.nextInt(4); i > 0; i--) o.put("k" + i, randomValue(random, depth + 1));
                yield o;
            }
        };
    }

    // ------------------------------------------------------------------ consistency tokens and cursors

    @Test
    void brokenTokensAndCursorsAreAClear400() {
        Random random = new Random(3L);
        List<String> bad = new ArrayList<>();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        for (int i = 0; i < 30; i++) {
            byte[] raw = new byte[random.nextInt(64)];
            random.nextBytes(raw);
            bad.add(b64.encodeToString(raw));
            bad.add(Base64.getEncoder().encodeToString(raw));
            bad.add(new String(raw, StandardCharsets.ISO_8859_1));
        }
        byte[] valid = Base64.getUrlDecoder().decode(token);
        for (int cut = 0; cut < token.length(); cut += 3) bad.add(token.substring(0, cut));
        for (int bit = 0; bit < valid.length * 8; bit += 5) {
            byte[] flipped = valid.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            bad.add(b64.encodeToString(flipped));
        }
        bad.add(Tokens.create("another deployment's secret").encode(new Revision(1)));
        bad.add(b64.encodeToString("read:1:not a relationship".getBytes(StandardCharsets.UTF_8)));
        bad.add(b64.encodeToString("resources:-1:0".getBytes(StandardCharsets.UTF_8)));
        bad.add(b64.encodeToString("resources:99999999999999999999:0".getBytes(StandardCharsets.UTF_8)));
        bad.add(b64.encodeToString("subjects:x:ann".getBytes(StandardCharsets.UTF_8)));
        bad.add(b64.encodeToString("export:1:nonsense".getBytes(StandardCharsets.UTF_8)));
        bad.add("a".repeat(5000));
        bad.add(token + "=");
        bad.add(" " + token);

        for (String t : bad) {
            JsonObject tok = new JsonObject().put("token", t);
            // consistency tokens of every kind, on a unary and a streaming endpoint
            for (String kind : new String[] {"atLeastAsFresh", "atExactSnapshot"}) {
                JsonObject c = new JsonObject().put(kind, tok);
                String body = new JsonObject(check(null)).put("consistency", c).encode();
                assertClear400(body, "/v1/permissions/check", send("/v1/permissions/check", body));
                body = new JsonObject(valid().get("/v1/relationships/read"))
                        .put("consistency", c)
                        .encode();
                assertClear400(body, "/v1/relationships/read", send("/v1/relationships/read", body));
            }
            String watch = new JsonObject().put("optionalStartCursor", tok).encode();
            assertClear400(watch, "/v1/watch", send("/v1/watch", watch));
            // cursors of every listing
            for (String path : new String[] {
                "/v1/relationships/read",
                "/v1/permissions/resources",
                "/v1/permissions/subjects",
                "/v1/relationships/exportbulk"
            }) {
                JsonObject body = new JsonObject(valid().get(path));
                body.put("optionalCursor", tok);
                Answer a = send(path, body.encode());
                // an empty cursor is no cursor: the listing starts at its beginning
                if (t.isEmpty()) assertSafe(path, body.encode(), a);
                else assertClear400(body.encode(), path, a);
            }
        }
    }

    private static void assertClear400(String body, String path, Answer a) {
        assertSafe(path, body, a);
        assertThat(a.status).as(path + " " + abbreviate(body) + " -> " + a.text).isEqualTo(400);
        JsonObject e = ServerFixture.unwrap(new JsonObject(a.text));
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.getString("message")).as(a.text).containsAnyOf("token", "cursor");
        assertThat(ServerFixture.meta(e).getString("field")).as(a.text).isNotBlank();
    }

    // ------------------------------------------------------------------ relationship strings and their parts

    /** Characters of the compact relationship syntax, of names and ids, and some that belong to neither. */
    private static final String RELATIONSHIP_CHARS = "abcxyz_019:#@*[]{}\"/|-=+. ,\t\\éü\u0000\u202e";

    private static String randomString(Random random, int maxLength) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) b.append(RELATIONSHIP_CHARS.charAt(random.nextInt(RELATIONSHIP_CHARS.length())));
        return b.toString();
    }

    /**
     * The compact relationship form ({@code document:1#viewer@user:ann[caveat:{…}][expiration:…]}), which validation
     * files, bootstrap files and the command line take: valid strings damaged at random are parsed, or refused with
     * an {@code InvalidArgument} that says what is wrong; never another exception. What parses prints back to a
     * string that parses to the same relationship.
     */
    @Test
    void mutatedRelationshipStringsAreParsedOrAClearError() {
        Random random = new Random(41L);
        String[] valid = {
            "document:fz#viewer@user:ann",
            "document:fz#viewer@user:*",
            "document:fz#viewer@group:eng#member",
            "document:fz#viewer@user:ann[on_day:{\"day\":\"monday\",\"n\":[1,2.5,{\"k\":null}]}]",
            "document:fz#viewer@user:ann[expiration:2030-01-02T03:04:05Z]",
            "document:fz#viewer@user:ann[on_day][expiration:2030-01-02T03:04:05.123Z]",
            "tenant1/document:a-b_c|d=e+f#viewer@user:x/y"
        };
        int parsed = 0;
        for (int i = 0; i < 3000; i++) {
            String text = valid[random.nextInt(valid.length)];
            int damage = 1 + random.nextInt(3);
            for (int d = 0; d < damage; d++) {
                if (text.isEmpty()) break;
                int at = random.nextInt(text.length() + 1);
                text = switch (random.nextInt(4)) {
                    case 0 -> text.substring(0, at);
                    case 1 -> text.substring(0, at) + randomString(random, 3) + text.substring(at);
                    case 2 -> at < text.length() ? text.substring(0, at) + text.substring(at + 1) : text;
                    default ->
                        at < text.length()
                                ? text.substring(0, at) + randomString(random, 1) + text.substring(at + 1)
                                : text;
                };
            }
            try {
                dev.kith.engine.Relationship r = dev.kith.engine.Relationship.parse(text);
                assertThat(dev.kith.engine.Relationship.parse(r.toString()))
                        .as("%s printed as %s", text, r)
                        .isEqualTo(r);
                parsed++;
            } catch (dev.kith.engine.KithException.InvalidArgument e) {
                assertThat(e.getMessage()).as(text).isNotBlank().doesNotContain("Exception");
            } catch (RuntimeException e) {
                throw new AssertionError("'" + text + "' failed with " + e, e);
            }
        }
        assertThat(parsed)
                .as("some damaged strings are still valid relationships")
                .isPositive();
    }

    /**
     * Every name and id of a written relationship (resource type and id, relation, subject type, id and relation,
     * caveat name) given random text of the relationship syntax's characters: the write is answered, or refused with
     * a 400 whose ErrorInfo metadata {@code field} is the path of that value.
     */
    @Test
    void oddNamesAndIdsInAWrittenRelationshipAreAnsweredOrAClear400NamingThem() {
        Random random = new Random(43L);
        // report#source allows group and group with on_day: the unchanged relationship is valid
        JsonObject relationship = new JsonObject(ServerFixture.relationshipJson("report:fz3#source@group:g1"));
        relationship.put("optionalCaveat", new JsonObject().put("caveatName", "on_day"));
        String prefix = "updates[0].relationship.";
        String[][] fields = {
            {"resource", "objectType"},
            {"resource", "objectId"},
            {"relation"},
            {"subject", "object", "objectType"},
            {"subject", "object", "objectId"},
            {"subject", "optionalRelation"},
            {"optionalCaveat", "caveatName"}
        };
        for (int i = 0; i < 400; i++) {
            String[] field = fields[random.nextInt(fields.length)];
            JsonObject rel = relationship.copy();
            JsonObject parent = rel;
            for (int k = 0; k < field.length - 1; k++) parent = parent.getJsonObject(field[k]);
            String value = random.nextInt(5) == 0 ? "a".repeat(130 + random.nextInt(1000)) : randomString(random, 12);
            parent.put(field[field.length - 1], value);
            String body = new JsonObject()
                    .put(
                            "updates",
                            new JsonArray()
                                    .add(new JsonObject()
                                            .put("operation", "OPERATION_TOUCH")
                                            .put("relationship", rel)))
                    .encode();
            Answer a = send("/v1/relationships/write", body);
            assertSafe("/v1/relationships/write", body, a);
            if (a.status == 200) continue;
            String what = abbreviate(body) + " -> " + a.text;
            assertThat(a.status).as(what).isEqualTo(400);
            JsonObject error = new JsonObject(a.text);
            assertThat(ServerFixture.meta(error).getString("code")).as(what).isIn("INVALID_ARGUMENT", "UNKNOWN_NAME");
            String path = prefix + String.join(".", field);
            assertThat(ServerFixture.meta(error).getString("field"))
                    .as(what)
                    .isIn(path, prefix.substring(0, prefix.length() - 1));
        }
    }

    /**
     * The HTTP head itself, sent raw: request lines and header lines damaged at random (methods, paths, versions,
     * separators, lengths, request ids, keys). Every answer is an HTTP response whose status is below 500 and whose
     * body, when there is one, is JSON without internals; the server answers {@code /healthz} throughout.
     */
    @Test
    void mutatedRequestHeadsGetAnHttpAnswerAndNeverA500() throws Exception {
        Random random = new Random(47L);
        Duration shortWait = Duration.ofMillis(300);
        Limits limits = Limits.defaults().withConnectionLimits(shortWait, shortWait, shortWait, 1000);
        try (ServerFixture raw = new ServerFixture(
                ServerConfig.loopback(List.of(ServerFixture.KEY)).withLimits(limits))) {
            String body = check(null);
            String[] lines = {
                "POST /v1/permissions/check HTTP/1.1",
                "Host: 127.0.0.1",
                "Authorization: Bearer " + ServerFixture.KEY,
                "X-Request-Id: fuzz-1",
                "Content-Type: application/json",
                "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length,
                "Connection: close"
            };
            for (int i = 0; i < 80; i++) {
                List<String> head = new ArrayList<>(List.of(lines));
                int damage = 1 + random.nextInt(2);
                for (int d = 0; d < damage; d++) {
                    int at = random.nextInt(head.size());
                    String line = head.get(at);
                    int pos = random.nextInt(line.length() + 1);
                    head.set(
                            at,
                            switch (random.nextInt(6)) {
                                case 0 -> line.substring(0, pos);
                                case 1 -> line.substring(0, pos) + randomString(random, 4) + line.substring(pos);
                                case 2 -> line.substring(0, pos) + "x".repeat(5000 + random.nextInt(5000));
                                case 3 -> line.substring(0, pos) + "\r" + line.substring(pos);
                                case 4 -> line.substring(0, pos) + "\u00ff\u0001" + line.substring(pos);
                                default -> line.replace(' ', random.nextBoolean() ? '\t' : '\u00a0');
                            });
                }
                String request = String.join("\r\n", head) + "\r\n\r\n" + body;
                String answer = exchangeRaw(raw, request);
                String what = abbreviate(request) + " -> " + abbreviate(answer);
                if (answer.isEmpty()) continue; // closed unanswered (the header timer on a head that never ended)
                // the HTTP parser takes a version with bytes before "HTTP/" for a protocol of that name, and the
                // status line of the answer repeats it
                int version = answer.indexOf("HTTP/1.");
                assertThat(version).as(what).isBetween(0, answer.indexOf("\r\n"));
                String status = answer.substring(version + 9, version + 12);
                assertThat(answer.substring(version)).as(what).matches("(?s)HTTP/1\\.[01] [1-4]\\d\\d .*");
                // the first answer's body (a request whose head was damaged into keeping the connection may get more)
                int bodyAt = answer.indexOf("\r\n\r\n");
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                        .matcher(bodyAt < 0 ? "" : answer.substring(0, bodyAt));
                String text = bodyAt < 0 || !length.find()
                        ? ""
                        : answer.substring(
                                bodyAt + 4, Math.min(answer.length(), bodyAt + 4 + Integer.parseInt(length.group(1))));
                assertSafe("(raw head)", request, new Answer(Integer.parseInt(status), text));
                if (text.startsWith("{") && status.compareTo("400") >= 0) {
                    JsonObject error = new JsonObject(text);
                    ServerFixture.assertStatusShape(error);
                    assertThat(error.getString("message")).as(what).isNotBlank();
                }
            }
            assertThat(raw.get("/healthz").status).isEqualTo(200);
        }
    }

    /** Sends {@code request} on a new connection and reads everything until the server closes it. */
    private static String exchangeRaw(ServerFixture server, String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.server.port())) {
            s.setSoTimeout((int) DEADLINE.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            try {
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException e) {
                return ""; // reset by the server: it closed with bytes of ours unread
            }
        }
    }

    // ------------------------------------------------------------------ mutation helpers

    private static final Object[] ODD = {
        null,
        "",
        " ",
        "*",
        "...",
        "a:b",
        "x#y",
        "ünïcödé",
        "a".repeat(2000),
        "\u0000",
        "\ud800",
        -1,
        0,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        1.5,
        1e300,
        true,
        new JsonArray(),
        new JsonObject(),
        new JsonObject().put("token", "x"),
        "OPERATION_DELETE",
        "user:*",
        "document",
        "fullyConsistent"
    };

    /** Replaces, removes or adds one value somewhere in the tree. */
    private static void mutate(Object node, Random random) {
        if (node instanceof JsonObject o) {
            List<String> keys = new ArrayList<>(o.fieldNames());
            keys.sort(null);
            if (keys.isEmpty() || random.nextInt(8) == 0) {
                o.put(
                        new String[] {"extra", "optional_limit", "optionalLimit", "consistency", "context"}
                                [random.nextInt(5)],
                        odd(random));
                return;
            }
            String key = keys.get(random.nextInt(keys.size()));
            Object child = o.getValue(key);
            int choice = random.nextInt(4);
            if (choice == 0) o.remove(key);
            else if (choice == 1 || !(child instanceof JsonObject || child instanceof JsonArray))
                o.put(key, odd(random));
            else mutate(child, random);
        } else if (node instanceof JsonArray a) {
            if (a.isEmpty() || random.nextInt(4) == 0) {
                a.add(random.nextBoolean() || a.isEmpty() ? odd(random) : copy(a.getValue(0)));
            } else {
                int i = random.nextInt(a.size());
                Object child = a.getValue(i);
                if (child instanceof JsonObject || child instanceof JsonArray) mutate(child, random);
                else a.set(i, odd(random));
            }
        }
    }

    private static Object copy(Object v) {
        return v instanceof JsonObject o ? o.copy() : v instanceof JsonArray a ? a.copy() : v;
    }

    private static Object odd(Random random) {
        return copy(ODD[random.nextInt(ODD.length)]);
    }

    /** Text-level damage: cut, a byte flipped, a character dropped or doubled, a stray quote or bracket. */
    private static String mutateText(String text, Random random) {
        if (text.isEmpty()) return "{";
        int at = random.nextInt(text.length());
        return switch (random.nextInt(6)) {
            case 0 -> text.substring(0, at);
            case 1 ->
                text.substring(0, at) + (char) (text.charAt(at) ^ (1 << random.nextInt(7))) + text.substring(at + 1);
            case 2 -> text.substring(0, at) + text.substring(at + 1);
            case 3 -> text.substring(0, at) + text.charAt(at) + text.substring(at);
            case 4 -> text.substring(0, at) + "\"[{:,}]".charAt(random.nextInt(7)) + text.substring(at);
            default ->
                text.substring(0, at) + text.substring(at, Math.min(text.length(), at + 40)) + text.substring(at);
        };
    }

    /** Every path (object keys and array indexes) in {@code node}, the containers included, not the root. */
    private static List<List<Object>> paths(Object node) {
        List<List<Object>> out = new ArrayList<>();
        collect(node, new ArrayList<>(), out);
        return out;
    }

    private static void collect(Object node, List<Object> prefix, List<List<Object>> out) {
        if (node instanceof JsonObject o) {
            for (String k : o.fieldNames()) {
                List<Object> p = new ArrayList<>(prefix);
                p.add(k);
                out.add(p);
                collect(o.getValue(k), p, out);
            }
        } else if (node instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                List<Object> p = new ArrayList<>(prefix);
                p.add(i);
                out.add(p);
                collect(a.getValue(i), p, out);
            }
        }
    }

    private static void set(Object root, List<Object> path, Object value) {
        Object node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            node = node instanceof JsonObject o ? o.getValue((String) step) : ((JsonArray) node).getValue((int) step);
        }
        Object last = path.getLast();
        if (node instanceof JsonObject o) o.put((String) last, value);
        else ((JsonArray) node).set((int) last, value);
    }

    private static final String MARK = "\"__fuzz_value__\"";

    /** {@code body} as JSON text with the value at {@code path} replaced by the raw JSON text {@code json}. */
    private static String replaceAt(JsonObject body, List<Object> path, String json) {
        JsonObject copy = body.copy();
        set(copy, path, "__fuzz_value__");
        return copy.encode().replace(MARK, json);
    }

    private static String quoteValue(Object v) {
        return new JsonArray().add(v).encode().replaceAll("^\\[|]$", "");
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "…(" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------ sending and asserting

    /** An answer: status and body; a watch that opened a stream is closed after its head and has no body. */
    record Answer(int status, String text) {}

    private static Answer send(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.server.port() + path))
                .timeout(DEADLINE)
                .header("Authorization", "Bearer " + ServerFixture.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (path.equals("/v1/watch") && r.statusCode() == 200) return new Answer(200, "");
                return new Answer(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new AssertionError("no answer within " + DEADLINE + " to " + path + " " + abbreviate(body), e);
        } catch (IOException e) {
            throw new AssertionError("the connection failed for " + path + " " + abbreviate(body), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Not a 500 (nor any 5xx), and nothing in the answer names Java's classes or a stack frame. */
    private static void assertSafe(String path, String body, Answer a) {
        String what = path + " " + abbreviate(body) + " -> " + a.status + " " + abbreviate(a.text);
        assertThat(a.status).as(what).isLessThan(500);
        assertThat(a.text)
                .as(what)
                .doesNotContain("java.")
                .doesNotContain("Exception")
                .doesNotContain("at dev.kith")
                .doesNotContain("\tat ")
                .doesNotContain("com.fasterxml")
                .doesNotContain("io.vertx")
                .doesNotContain("dev.cel");
    }
}

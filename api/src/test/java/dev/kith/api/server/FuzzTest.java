package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid requests (fields dropped, values replaced by other JSON types, strings
 * replaced by odd text, numbers by extremes): whatever comes in, the answer is never a 500 and never carries a
 * stack trace.
 */
class FuzzTest {
    static ServerFixture f;

    @BeforeAll
    static void start() {
        f = ServerFixture.withKey();
        f.writeSchema();
        f.touch("document:fz#viewer@user:ann", "group:g#member@user:ann", "document:fz#viewer@group:g#member");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static final Map<String, String> VALID = Map.of(
            "/v1/permissions/check", ServerFixture.checkJson("document", "fz", "view", "user", "ann"),
            "/v1/permissions/checkbulk",
                    "{\"items\":[" + ServerFixture.checkJson("document", "fz", "view", "user", "ann") + "]}",
            "/v1/permissions/expand",
                    "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"fz\"},\"permission\":\"view\"}",
            "/v1/permissions/resources",
                    "{\"resourceObjectType\":\"document\",\"permission\":\"view\",\"subject\":{\"object\":"
                            + "{\"objectType\":\"user\",\"objectId\":\"ann\"}},\"optionalLimit\":5}",
            "/v1/permissions/subjects",
                    "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"fz\"},\"permission\":\"view\","
                            + "\"subjectObjectType\":\"user\"}",
            "/v1/relationships/read",
                    "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalSubjectFilter\":"
                            + "{\"subjectType\":\"user\",\"optionalRelation\":{\"relation\":\"\"}}}}",
            "/v1/relationships/write",
                    "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                            + ServerFixture.relationshipJson(
                                    "document:fz2#viewer@user:ann[on_day:{\"day\":\"monday\"}]")
                            + "}],\"optionalPreconditions\":[{\"operation\":\"OPERATION_MUST_MATCH\",\"filter\":"
                            + "{\"resourceType\":\"document\",\"optionalResourceId\":\"fz\"}}]}",
            "/v1/relationships/delete",
                    "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"nothing\"},"
                            + "\"optionalLimit\":10}");

    @Test
    void mutatedRequestsNeverGetA500() {
        Random random = new Random(20261126L);
        List<String> paths = new ArrayList<>(VALID.keySet());
        paths.sort(null);
        for (int i = 0; i < 400; i++) {
            String path = paths.get(random.nextInt(paths.size()));
            JsonObject body = new JsonObject(VALID.get(path));
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) mutate(body, random);
            var a = f.post(path, body.encode());
            assertThat(a.status)
                    .as(path + " " + body.encode() + " -> " + a.text)
                    .isLessThan(500);
            assertThat(a.text)
                    .as(path + " " + body.encode())
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception");
        }
    }

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
        -1,
        0,
        Long.MAX_VALUE,
        1.5,
        true,
        new JsonArray(),
        new JsonObject(),
        new JsonObject().put("token", "x"),
        "OPERATION_DELETE",
        "user:*",
        "document"
    };

    /** Replaces, removes or adds one value somewhere in the tree. */
    private static void mutate(Object node, Random random) {
        if (node instanceof JsonObject o) {
            List<String> keys = new ArrayList<>(o.fieldNames());
            keys.sort(null);
            if (keys.isEmpty() || random.nextInt(8) == 0) {
                o.put(random.nextBoolean() ? "extra" : "optional_limit", odd(random));
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
                a.add(odd(random));
            } else {
                int i = random.nextInt(a.size());
                Object child = a.getValue(i);
                if (child instanceof JsonObject || child instanceof JsonArray) mutate(child, random);
                else a.set(i, odd(random));
            }
        }
    }

    private static Object odd(Random random) {
        Object v = ODD[random.nextInt(ODD.length)];
        return v instanceof JsonObject o ? o.copy() : v instanceof JsonArray a ? a.copy() : v;
    }
}

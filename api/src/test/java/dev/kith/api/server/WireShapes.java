package dev.kith.api.server;

import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Relationships and their JSON text in SpiceDB's v1 gateway shape: the text the server renders ({@code JsonOutTest})
 * and the {@code kith} command writes and reads (cli's {@code WireTest}), so that both sides are held to one text.
 */
public final class WireShapes {
    private WireShapes() {}

    /** Each relationship and its JSON in SpiceDB's v1 {@code Relationship} shape, fields in the gateway's order. */
    public static final Map<Relationship, String> CASES = cases();

    private static Map<Relationship, String> cases() {
        Map<Relationship, String> c = new LinkedHashMap<>();
        c.put(
                Relationship.parse("document:a#viewer@user:ann"),
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"a\"},\"relation\":\"viewer\","
                        + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"ann\"}}}");
        c.put(
                Relationship.parse("document:a#viewer@group:eng#member"),
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"a\"},\"relation\":\"viewer\","
                        + "\"subject\":{\"object\":{\"objectType\":\"group\",\"objectId\":\"eng\"},"
                        + "\"optionalRelation\":\"member\"}}");
        c.put(
                Relationship.parse("document:a#viewer@user:*"),
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"a\"},\"relation\":\"viewer\","
                        + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"*\"}}}");
        c.put(
                new Relationship(
                        new ObjectRef("document", "b"),
                        "viewer",
                        SubjectRef.object("user", "bob"),
                        new Caveat("on_day", Map.of("day", "monday")),
                        Instant.parse("2030-01-02T03:04:05Z")),
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"b\"},\"relation\":\"viewer\","
                        + "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"bob\"}},"
                        + "\"optionalCaveat\":{\"caveatName\":\"on_day\",\"context\":{\"day\":\"monday\"}},"
                        + "\"optionalExpiresAt\":\"2030-01-02T03:04:05Z\"}");
        c.put(
                new Relationship(
                        new ObjectRef("document", "c"),
                        "viewer",
                        new SubjectRef("group", "g", "member"),
                        null,
                        Instant.parse("2031-01-01T00:00:00.5Z")),
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"c\"},\"relation\":\"viewer\","
                        + "\"subject\":{\"object\":{\"objectType\":\"group\",\"objectId\":\"g\"},"
                        + "\"optionalRelation\":\"member\"},\"optionalExpiresAt\":\"2031-01-01T00:00:00.500Z\"}");
        return c;
    }
}

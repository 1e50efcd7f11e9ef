package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: base64url of {@code kind:revision:position}. A cursor pins the revision of the first
 * page, so every page of one listing is read at the same snapshot. A cursor that does not decode to what kith
 * hands out is an {@link KithException.InvalidArgument} of the request's {@code optionalCursor} (the field's
 * name in every API that takes one), never an unchecked error.
 */
public final class Cursors {
    private Cursors() {}

    /** Cursor kinds: a cursor of one kind of listing is refused by another. */
    public static final String READ = "read";

    public static final String RESOURCES = "resources";
    public static final String SUBJECTS = "subjects";
    public static final String EXPORT = "export";

    /** A decoded cursor. */
    public record Cursor(long revision, String position) {}

    static String encode(String kind, long revision, String position) {
        String raw = kind + ":" + revision + ":" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String kind, String cursor) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("is not a cursor kith handed out");
        }
        int a = raw.indexOf(':');
        int b = a < 0 ? -1 : raw.indexOf(':', a + 1);
        if (b < 0 || !raw.substring(0, a).equals(kind)) throw bad("is not a cursor of this kind of request");
        long revision;
        try {
            revision = Long.parseLong(raw.substring(a + 1, b));
        } catch (NumberFormatException e) {
            throw bad("is not a cursor kith handed out");
        }
        if (revision < 0) throw bad("is not a cursor kith handed out");
        return new Cursor(revision, raw.substring(b + 1));
    }

    static String ofRelationship(long revision, Relationship r) {
        return ofRelationship(READ, revision, r);
    }

    /** A cursor of {@code kind} (a listing of relationships: read or export) resuming right after {@code r}. */
    static String ofRelationship(String kind, long revision, Relationship r) {
        return encode(kind, revision, r.toString());
    }

    /** The relationship a read or export cursor's page ended at. */
    static Relationship relationshipPosition(Cursor c) {
        try {
            return RelationshipParser.parse(c.position());
        } catch (KithException.InvalidArgument e) {
            throw bad("is not a cursor kith handed out");
        }
    }

    /** The (non-negative) position a lookup cursor's page ended at. */
    static int intPosition(Cursor c) {
        int position;
        try {
            position = Integer.parseInt(c.position());
        } catch (NumberFormatException e) {
            throw bad("is not a cursor kith handed out");
        }
        if (position < 0) throw bad("is not a cursor kith handed out");
        return position;
    }

    private static KithException.InvalidArgument bad(String message) {
        return new KithException.InvalidArgument("optionalCursor", message);
    }
}

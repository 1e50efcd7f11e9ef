package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: base64url of {@code kind:revision:position}. A cursor pins the revision of the first
 * page, so every page of one listing is read at the same snapshot.
 */
final class Cursors {
    private Cursors() {}

    /** A decoded cursor. */
    record Cursor(long revision, String position) {}

    static String encode(String kind, long revision, String position) {
        String raw = kind + ":" + revision + ":" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String kind, String cursor) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("is not a cursor kith handed out");
        }
        int a = raw.indexOf(':');
        int b = a < 0 ? -1 : raw.indexOf(':', a + 1);
        if (b < 0 || !raw.substring(0, a).equals(kind)) throw bad("is not a cursor of this kind of request");
        try {
            return new Cursor(Long.parseLong(raw.substring(a + 1, b)), raw.substring(b + 1));
        } catch (NumberFormatException e) {
            throw bad("is not a cursor kith handed out");
        }
    }

    static String ofRelationship(long revision, Relationship r) {
        return encode("read", revision, r.toString());
    }

    static int intPosition(Cursor c) {
        try {
            return Integer.parseInt(c.position());
        } catch (NumberFormatException e) {
            throw bad("is not a cursor kith handed out");
        }
    }

    private static KithException.InvalidArgument bad(String message) {
        return new KithException.InvalidArgument("cursor", message);
    }
}

package dev.kith.api.server;

import dev.kith.engine.BugException;
import dev.kith.engine.KithException;
import dev.kith.engine.Revision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Consistency tokens (Zanzibar's zookies): opaque, URL-safe strings naming a revision of one kith deployment.
 *
 * <p>Layout before base64url (no padding): a version byte, the 8-byte deployment id, the 8-byte revision, and
 * the first 13 bytes of an HMAC-SHA256 over those 17 bytes (30 bytes in all, so every base64 character carries data). The deployment id and the HMAC key are both derived
 * from the deployment's token secret, so a token from another deployment is recognised as foreign and an altered
 * or forged one fails its MAC. Decoding failures are {@link KithException.InvalidArgument}s that say which.
 *
 * <p>Page cursors are signed with a key derived from the same secret, and bound to the request that produced them
 * ({@link #signCursor}).
 */
public final class Tokens {
    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 13;
    private static final int BODY_BYTES = 1 + 8 + 8;
    private static final int TOKEN_BYTES = BODY_BYTES + MAC_BYTES;

    private static final byte CURSOR_VERSION = 1;
    private static final int BINDING_BYTES = 8;

    private final byte[] deploymentId;
    private final SecretKeySpec key;
    private final SecretKeySpec cursorKey;

    /**
     * The last token encoded. Almost every answer is computed at the newest applied revision, so one entry
     * spares nearly every response a MAC computation (a new {@code Mac} and HMAC-SHA256 were about 1.5 µs
     * of the ~15 µs of server CPU a check request cost in the HTTP profile in BENCHMARKS.md).
     */
    private volatile Encoded last = new Encoded(-1, null);

    private record Encoded(long revision, String token) {}

    private Tokens(String secret) {
        this.deploymentId = java.util.Arrays.copyOf(sha256("kith-deployment:" + secret), 8);
        this.key = new SecretKeySpec(sha256("kith-token-key:" + secret), "HmacSHA256");
        this.cursorKey = new SecretKeySpec(sha256("kith-cursor-key:" + secret), "HmacSHA256");
    }

    /** Tokens signed with {@code secret}: the deployment's (see {@code Datastore.deployment()}) or an operator's. */
    public static Tokens create(String secret) {
        if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("a token secret is required");
        return new Tokens(secret);
    }

    /** The deployment id as hex, for logs. */
    String deploymentId() {
        return java.util.HexFormat.of().formatHex(deploymentId);
    }

    /** The consistency token of {@code revision}, as the server hands it out. */
    public String encode(Revision revision) {
        Encoded cached = last;
        if (cached.revision() == revision.value()) return cached.token();
        String token = sign(revision);
        last = new Encoded(revision.value(), token);
        return token;
    }

    private String sign(Revision revision) {
        ByteBuffer b = ByteBuffer.allocate(TOKEN_BYTES);
        b.put(VERSION).put(deploymentId).putLong(revision.value());
        b.put(mac(b.array()), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The revision {@code token} names; {@code field} names where it came from in errors. */
    Revision decode(String token, String field) {
        if (token == null || token.isEmpty()) {
            throw new KithException.InvalidArgument(field, "the consistency token is empty");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new KithException.InvalidArgument(field, "the consistency token is malformed (not base64url)");
        }
        if (raw.length != TOKEN_BYTES) {
            throw new KithException.InvalidArgument(
                    field, "the consistency token is malformed or truncated (" + raw.length + " bytes)");
        }
        if (raw[0] != VERSION) {
            throw new KithException.InvalidArgument(field, "the consistency token has an unknown version " + raw[0]);
        }
        if (!MessageDigest.isEqual(java.util.Arrays.copyOfRange(raw, 1, 9), deploymentId)) {
            throw new KithException.InvalidArgument(
                    field, "the consistency token was issued by another kith deployment");
        }
        byte[] expected = mac(raw);
        if (!MessageDigest.isEqual(
                java.util.Arrays.copyOf(expected, MAC_BYTES),
                java.util.Arrays.copyOfRange(raw, BODY_BYTES, TOKEN_BYTES))) {
            throw new KithException.InvalidArgument(field, "the consistency token has been altered or forged");
        }
        long revision = ByteBuffer.wrap(raw, 9, 8).getLong();
        if (revision < 0) {
            throw new KithException.InvalidArgument(field, "the consistency token names a negative revision");
        }
        return new Revision(revision);
    }

    /**
     * The cursor handed out for {@code position} (the engine's own cursor) of a listing whose request is {@code
     * binding} (its kind and every parameter that decides its results, see {@link StreamHandlers}).
     *
     * <p>Layout before base64url (no padding): a version byte, the first {@value #BINDING_BYTES} bytes of an HMAC
     * of the binding, the position's bytes, and the first {@value #MAC_BYTES} bytes of an HMAC over all of that.
     * So a cursor is URL-safe, an edited or forged one fails its MAC, and one handed out for another request
     * (another permission, subject, filter, resource type or kind of listing) is recognised as such.
     */
    String signCursor(String binding, String position) {
        byte[] p = position.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + BINDING_BYTES + p.length + MAC_BYTES);
        b.put(CURSOR_VERSION)
                .put(cursorMac(bindingInput(binding)), 0, BINDING_BYTES)
                .put(p);
        b.put(cursorMac(java.util.Arrays.copyOf(b.array(), b.position())), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * The engine's position in {@code cursor}, which must have been {@linkplain #signCursor signed} by this
     * deployment for a request with the same {@code binding}; {@code field} names it in errors.
     */
    String openCursor(String cursor, String binding, String field) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new KithException.InvalidArgument(field, "the cursor is malformed (not base64url)");
        }
        // only the one encoding kith writes: no padding, no stray bits in the last character
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(cursor)
                || raw.length < 1 + BINDING_BYTES + MAC_BYTES
                || raw[0] != CURSOR_VERSION) {
            throw new KithException.InvalidArgument(field, "the cursor is malformed: not a cursor kith handed out");
        }
        int body = raw.length - MAC_BYTES;
        byte[] expected = cursorMac(java.util.Arrays.copyOf(raw, body));
        if (!MessageDigest.isEqual(
                java.util.Arrays.copyOf(expected, MAC_BYTES), java.util.Arrays.copyOfRange(raw, body, raw.length))) {
            throw new KithException.InvalidArgument(
                    field, "the cursor has been altered or forged, or was handed out by another kith deployment");
        }
        if (!MessageDigest.isEqual(
                java.util.Arrays.copyOf(cursorMac(bindingInput(binding)), BINDING_BYTES),
                java.util.Arrays.copyOfRange(raw, 1, 1 + BINDING_BYTES))) {
            throw new KithException.InvalidArgument(
                    field,
                    "the cursor was handed out for another request: resume a listing with the same request (the same"
                            + " endpoint, and the same parameters besides the cursor, the limit and the consistency)");
        }
        return new String(raw, 1 + BINDING_BYTES, body - 1 - BINDING_BYTES, StandardCharsets.UTF_8);
    }

    private static byte[] bindingInput(String binding) {
        return ("binding:" + binding).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] cursorMac(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cursorKey);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new BugException("HmacSHA256 is part of every JDK", e);
        }
    }

    private byte[] mac(byte[] tokenBytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(tokenBytes, 0, BODY_BYTES);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new BugException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new BugException("SHA-256 is part of every JDK", e);
        }
    }
}

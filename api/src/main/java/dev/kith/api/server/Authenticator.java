package dev.kith.api.server;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <key>} against the preshared keys. Keys are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}, against every key without stopping early, so the time taken does not
 * depend on how much of a key was right. A caller is identified by a key id (a digest prefix), never the key.
 */
final class Authenticator {
    private record Key(byte[] digest, String id) {}

    private final List<Key> keys;

    Authenticator(List<String> presharedKeys) {
        this.keys = presharedKeys.stream()
                .map(k -> {
                    byte[] d = Tokens.sha256(k);
                    return new Key(d, "key-" + HexFormat.of().formatHex(d, 0, 4));
                })
                .toList();
    }

    boolean enabled() {
        return !keys.isEmpty();
    }

    /** The key id of the caller, or an {@link HttpFailure} with status 401. */
    String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthenticated("missing 'Authorization: Bearer <key>' header");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("the Authorization header must be 'Bearer <key>'");
        }
        byte[] presented = Tokens.sha256(authorization.substring(7).strip());
        String found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.digest(), presented)) found = k.id();
        }
        if (found == null) {
            // SpiceDB answers a key it does not know with PERMISSION_DENIED (HTTP 403), a missing one with 401
            throw new HttpFailure(
                    403,
                    "PERMISSION_DENIED",
                    "Authorization",
                    "invalid preshared key: the bearer key is not valid",
                    dev.kith.proto.v1.ErrorReason.ERROR_REASON_UNSPECIFIED,
                    io.grpc.Status.Code.PERMISSION_DENIED);
        }
        return found;
    }

    private static HttpFailure unauthenticated(String message) {
        return new HttpFailure(401, "UNAUTHENTICATED", "Authorization", message);
    }
}

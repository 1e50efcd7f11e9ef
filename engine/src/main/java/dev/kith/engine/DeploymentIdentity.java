package dev.kith.engine;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * Who a kith deployment is: every node over one store shares it, so a consistency token signed by one node is
 * accepted by the others and after restarts, and a token from another deployment is recognised as foreign.
 *
 * @param id a stable name of the deployment (a UUID), safe to log
 * @param tokenSecret the secret that signs consistency tokens; never logged ({@link #toString} leaves it out)
 */
public record DeploymentIdentity(String id, String tokenSecret) {
    /** Random bytes in a new secret: 256 bits. */
    private static final int SECRET_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    public DeploymentIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tokenSecret, "tokenSecret");
        if (id.isBlank()) throw new IllegalArgumentException("a deployment id must not be blank");
        if (tokenSecret.isBlank()) throw new IllegalArgumentException("a token secret must not be blank");
    }

    /** A new identity: a random UUID and a random 256-bit secret (base64). */
    public static DeploymentIdentity random() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new DeploymentIdentity(
                UUID.randomUUID().toString(), Base64.getEncoder().encodeToString(secret));
    }

    @Override
    public String toString() {
        return "DeploymentIdentity[id=" + id + ", tokenSecret=***]";
    }
}

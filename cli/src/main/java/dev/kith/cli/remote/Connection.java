package dev.kith.cli.remote;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything needed to reach a server: the endpoint, the bearer token (null for none), a CA certificate to trust
 * (PEM, null for the system's trust store), whether gRPC is plaintext, and how long a call may take.
 *
 * @param endpoint where the server is
 * @param token the preshared key sent as {@code authorization: Bearer …}, or null
 * @param certificatePath PEM certificates to trust for gRPC TLS and HTTPS, or null
 * @param insecure gRPC in plaintext (no TLS)
 * @param timeout the deadline of each call (not of a watch)
 */
public record Connection(Endpoint endpoint, String token, Path certificatePath, boolean insecure, Duration timeout) {

    /** Opens the transport the endpoint asks for: gRPC for {@code host:port}, HTTP for a URL. */
    public Transport open() {
        return endpoint.http() ? new HttpTransport(this) : new GrpcTransport(this);
    }
}

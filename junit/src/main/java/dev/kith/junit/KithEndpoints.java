package dev.kith.junit;

/**
 * Where the server of a {@link KithServer} test class listens and the key it asks for: what an application under test
 * needs to reach it.
 *
 * @param grpcTarget the gRPC target for {@code dev.kith.client.Kith#connect}, as {@code grpc://127.0.0.1:PORT}
 * @param httpUrl the base URL of the HTTP API, as {@code http://127.0.0.1:PORT}
 * @param presharedKey the key the server requires, sent as {@code authorization: Bearer KEY}
 */
public record KithEndpoints(String grpcTarget, String httpUrl, String presharedKey) {
    /**
     * The gRPC port.
     *
     * @return the gRPC port
     */
    public int grpcPort() {
        return Integer.parseInt(grpcTarget.substring(grpcTarget.lastIndexOf(':') + 1));
    }

    /**
     * The HTTP port.
     *
     * @return the HTTP port
     */
    public int httpPort() {
        return Integer.parseInt(httpUrl.substring(httpUrl.lastIndexOf(':') + 1));
    }
}

package dev.kith.cli.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a server is: {@code host:port} (or {@code host}, port 50051) for gRPC, as {@code zed} takes it, or an {@code
 * http://} / {@code https://} URL for kith's HTTP API.
 *
 * @param text the endpoint as written
 * @param http whether it is the HTTP API
 * @param host the host name or address
 * @param port the port
 */
public record Endpoint(String text, boolean http, String host, int port) {
    /** The gRPC port of a {@code host} written without one. */
    public static final int DEFAULT_GRPC_PORT = 50051;

    /** The endpoint of a user who names none. */
    public static final String DEFAULT = "localhost:" + DEFAULT_GRPC_PORT;

    /** Reads an endpoint; a malformed one is an {@link IllegalArgumentException} saying what is wrong. */
    public static Endpoint parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("the endpoint is empty");
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                URI uri = new URI(t);
                if (uri.getHost() == null) throw new IllegalArgumentException("'" + t + "' names no host");
                int port = uri.getPort() >= 0 ? uri.getPort() : lower.startsWith("https") ? 443 : 80;
                return new Endpoint(t, true, uri.getHost(), port);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + t + "' is not a URL: " + e.getReason(), e);
            }
        }
        if (t.contains("://")) {
            throw new IllegalArgumentException(
                    "'" + t + "': write host:port for gRPC, or an http:// or https:// URL for the HTTP API");
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0) return new Endpoint(t, false, t, DEFAULT_GRPC_PORT);
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) throw new IllegalArgumentException("'" + t + "' names no host");
        try {
            int port = Integer.parseInt(t.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
            return new Endpoint(t, false, host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + t + "': the port must be a number from 1 to 65535, as in localhost:50051");
        }
    }

    /** The URL of {@code path} on an HTTP endpoint. */
    URI resolve(String path) {
        String base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        return URI.create(base + path);
    }
}

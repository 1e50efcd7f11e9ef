package dev.kith.bench;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/** The {@code --endpoint} and {@code --key} options of the commands that load a running server. */
final class ServerTarget {
    @Option(
            names = "--endpoint",
            required = true,
            description = "the server's base URL, e.g. http://127.0.0.1:8443 (grpc://127.0.0.1:50051 for grpc)")
    private String endpoint;

    @Option(names = "--key", description = "API key, sent as Authorization: Bearer KEY")
    private String key;

    /** The endpoint as a URI; a value that is not one is a usage error naming the option. */
    URI uri() {
        try {
            return new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new BenchMain.UsageException("--endpoint is not a URL: " + e.getMessage());
        }
    }

    /** The API key, or null when none was given. */
    String key() {
        return key;
    }
}

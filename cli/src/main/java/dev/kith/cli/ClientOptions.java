package dev.kith.cli;

import dev.kith.client.KithClient;
import picocli.CommandLine.Option;

/** The options every client command shares: where the server is and the key to present. */
final class ClientOptions {
    @Option(
            names = "--endpoint",
            defaultValue = "${env:KITH_ENDPOINT:-http://127.0.0.1:8443}",
            description = "The kith server (env KITH_ENDPOINT; default ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(
            names = "--key",
            defaultValue = "${env:KITH_KEY}",
            description = "The preshared key to present as a bearer token (env KITH_KEY).")
    String key;

    KithClient client() {
        return new KithClient(endpoint, key);
    }
}

package dev.kith.bench;

import dev.kith.bench.grpc.GrpcLoad;
import dev.kith.bench.http.LoadOptions;
import dev.kith.bench.http.LoadReport;
import java.io.IOException;
import picocli.CommandLine.Command;

/**
 * {@code client}: the {@code grpc} command's check load made through kith's typed Java client ({@code
 * dev.kith.client.Kith}, its asynchronous API) on one connection, reported in the same JSON.
 */
@Command(
        name = "client",
        description = "Load a local kith server's gRPC CheckPermission with a queries file through the kith Java"
                + " client (one connection, --connections calls in flight)")
final class ClientCommand extends GrpcCommand {
    @Override
    LoadReport load(LoadOptions options, int channels) throws IOException {
        if (channels != 1) {
            throw new IllegalArgumentException("--channels must be 1 in client mode: the client keeps one connection");
        }
        return GrpcLoad.runClient(options);
    }

    @Override
    String driver() {
        return "client";
    }
}

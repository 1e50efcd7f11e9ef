package dev.kith.client;

/** The {@link KithContract} against a real kith server over gRPC. */
class GrpcKithTest extends KithContract {
    private TestServer server;

    @Override
    protected Kith open() {
        server = TestServer.start();
        return Kith.connect(server.config().build());
    }

    @Override
    protected void stop() {
        server.close();
    }
}

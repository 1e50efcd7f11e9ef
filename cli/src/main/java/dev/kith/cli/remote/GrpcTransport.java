package dev.kith.cli.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The v1 API over gRPC: the generated method descriptors over one {@link ManagedChannel}. */
final class GrpcTransport implements Transport {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Connection connection;
    private final ManagedChannel channel;
    private final io.grpc.Channel calls;

    GrpcTransport(Connection connection) {
        this.connection = connection;
        Endpoint e = connection.endpoint();
        try {
            this.channel = Grpc.newChannelBuilderForAddress(e.host(), e.port(), credentials(connection))
                    .userAgent("kith-cli")
                    .build();
        } catch (io.grpc.ManagedChannelRegistry.ProviderNotFoundException x) {
            throw new IllegalArgumentException("cannot open a gRPC channel to " + e.text() + ": " + x.getMessage(), x);
        }
        if (connection.token() != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + connection.token());
            this.calls =
                    io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        } else {
            this.calls = channel;
        }
    }

    private static ChannelCredentials credentials(Connection c) {
        if (c.insecure()) return InsecureChannelCredentials.create();
        if (c.certificatePath() == null) return TlsChannelCredentials.create();
        // Read it as the HTTP transport does first: a file that is not PEM is named in one line, not left to Netty.
        HttpTransport.trusting(c);
        try {
            return TlsChannelCredentials.newBuilder()
                    .trustManager(c.certificatePath().toFile())
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--certificate-path " + c.certificatePath() + ": cannot read a PEM certificate from it ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    private CallOptions options(boolean bounded) {
        return bounded
                ? CallOptions.DEFAULT.withDeadlineAfter(connection.timeout().toMillis(), TimeUnit.MILLISECONDS)
                : CallOptions.DEFAULT;
    }

    @Override
    public <Q extends Message, R extends Message> R call(Rpc<Q, R> rpc, Q request) {
        try {
            return ClientCalls.blockingUnaryCall(calls, rpc.method(), options(true), request);
        } catch (StatusRuntimeException e) {
            throw error(e);
        }
    }

    @Override
    public <Q extends Message, R extends Message> void stream(
            Rpc<Q, R> rpc, Q request, Predicate<R> sink, boolean bounded) {
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            Iterator<R> answers =
                    ClientCalls.blockingServerStreamingCall(calls, rpc.method(), options(bounded), request);
            while (answers.hasNext()) {
                if (!sink.test(answers.next())) break;
            }
        } catch (StatusRuntimeException e) {
            throw error(e);
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    @Override
    public <Q extends Message, R extends Message> R upload(Rpc<Q, R> rpc, List<Q> requests) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        StreamObserver<Q> sender = ClientCalls.asyncClientStreamingCall(
                calls.newCall(rpc.method(), options(true)), new StreamObserver<R>() {
                    @Override
                    public void onNext(R value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(Status.INTERNAL
                                .withDescription("the server sent no answer")
                                .asRuntimeException());
                    }
                });
        for (Q request : requests) {
            // The server answers a refused message at once: what is left of the batch is not sent.
            if (answer.isDone()) break;
            sender.onNext(request);
        }
        sender.onCompleted();
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw error(s);
            throw error(Status.fromThrowable(e.getCause()).asRuntimeException());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RemoteException.local("CANCELLED", "interrupted");
        }
    }

    private RemoteException error(StatusRuntimeException e) {
        String code = e.getStatus().getCode().name();
        String message = e.getStatus().getDescription();
        if (message == null)
            message = e.getStatus().getCause() == null
                    ? code
                    : e.getStatus().getCause().toString();
        // An error is one line: Netty's descriptions may go on with the channel's pipeline on the next.
        message = message.lines().findFirst().orElse(code);
        if (code.equals("UNAVAILABLE")
                && e.getStatus().getDescription() != null
                && e.getStatus().getDescription().startsWith("io exception")) {
            message = "cannot reach " + describe() + " (" + message + ")"
                    + (connection.insecure() ? "" : "; if the server speaks plaintext gRPC, add --insecure");
        } else if (code.equals("DEADLINE_EXCEEDED")
                && (message.toLowerCase(java.util.Locale.ROOT).contains("deadline exceeded after")
                        || message.startsWith("ClientCall started after"))) {
            // gRPC's own deadline (also "CallOptions deadline exceeded after …" while still connecting)
            message = "no answer from " + describe() + " within the request timeout (" + connection.timeout() + ")";
        }
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (com.google.protobuf.Any detail : status.getDetailsList()) {
                if (!detail.is(ErrorInfo.class)) continue;
                try {
                    ErrorInfo info = detail.unpack(ErrorInfo.class);
                    return new RemoteException(code, message, info.getReason(), info.getMetadataMap());
                } catch (InvalidProtocolBufferException ignored) {
                    // A detail that does not parse adds nothing to the message.
                }
            }
        }
        return new RemoteException(code, message, null, Map.of());
    }

    @Override
    public String describe() {
        return connection.endpoint().text() + " (gRPC" + (connection.insecure() ? ", plaintext" : ", TLS") + ")";
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

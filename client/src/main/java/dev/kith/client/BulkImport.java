package dev.kith.client;

import dev.kith.proto.v1.ImportBulkRelationshipsRequest;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.Relationship;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ImportBulkRelationships: the relationships sent in messages of {@link #BATCH}, each only when the call is ready to
 * take it (gRPC's flow control), so a large import never queues more than the transport's window in memory.
 */
final class BulkImport {
    /** Relationships per message (SpiceDB's clients send batches of this order). */
    static final int BATCH = 1_000;

    private BulkImport() {}

    static ImportBulkRelationshipsResponse run(
            GrpcKith client, Channel channel, Iterable<Relationship> relationships, Duration deadline) {
        var method = PermissionsServiceGrpc.getImportBulkRelationshipsMethod();
        String name = method.getBareMethodName();
        long end = System.nanoTime() + deadline.toNanos();
        client.acquire(name, end);
        try {
            Object readiness = new Object();
            CompletableFuture<ImportBulkRelationshipsResponse> answer = new CompletableFuture<>();
            ClientResponseObserver<ImportBulkRelationshipsRequest, ImportBulkRelationshipsResponse> observer =
                    new ClientResponseObserver<>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<ImportBulkRelationshipsRequest> call) {
                            call.setOnReadyHandler(() -> {
                                synchronized (readiness) {
                                    readiness.notifyAll();
                                }
                            });
                        }

                        @Override
                        public void onNext(ImportBulkRelationshipsResponse value) {
                            answer.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            answer.completeExceptionally(t);
                            synchronized (readiness) {
                                readiness.notifyAll();
                            }
                        }

                        @Override
                        public void onCompleted() {
                            answer.complete(ImportBulkRelationshipsResponse.getDefaultInstance());
                        }
                    };
            var call = channel.newCall(
                    method, CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
            var out = (ClientCallStreamObserver<ImportBulkRelationshipsRequest>)
                    ClientCalls.asyncClientStreamingCall(call, observer);
            try {
                ImportBulkRelationshipsRequest.Builder batch = ImportBulkRelationshipsRequest.newBuilder();
                for (Relationship r : relationships) {
                    batch.addRelationships(r);
                    if (batch.getRelationshipsCount() == BATCH) {
                        if (!send(out, batch, readiness, answer, end)) break;
                        batch = ImportBulkRelationshipsRequest.newBuilder();
                    }
                }
                if (batch.getRelationshipsCount() > 0) send(out, batch, readiness, answer, end);
                out.onCompleted();
            } catch (RuntimeException e) {
                out.onError(e);
                throw e;
            }
            return answer.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw KithCallException.of(name, s);
            throw new KithCallException(name, Status.Code.UNKNOWN, null, null, null, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            throw GrpcKith.deadlineExceeded(name, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GrpcKith.cancelled(name);
        } finally {
            client.release();
        }
    }

    /** Sends one batch once the call is ready; false when the call already ended (its answer says how). */
    private static boolean send(
            ClientCallStreamObserver<ImportBulkRelationshipsRequest> out,
            ImportBulkRelationshipsRequest.Builder batch,
            Object readiness,
            CompletableFuture<?> answer,
            long end)
            throws InterruptedException {
        synchronized (readiness) {
            while (!out.isReady() && !answer.isDone()) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) return false;
                readiness.wait(Math.min(left, 100));
            }
        }
        if (answer.isDone()) return false;
        out.onNext(batch.build());
        return true;
    }
}

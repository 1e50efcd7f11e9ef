package dev.kith.client;

import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsResponse;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WatchServiceGrpc;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@link Kith} over a gRPC channel: every call with its deadline, retried on {@code UNAVAILABLE} when idempotent (the
 * rule is on {@link Kith}), within the bound on calls in flight; streams through {@link ResumingIterator}.
 */
final class GrpcKith implements Kith {
    private final ManagedChannel managed;
    private final boolean owned;
    private final Channel channel;
    private final KithConfig config;
    private final Semaphore inFlight;
    private final Duration deadline;
    private final Duration streamDeadline;

    GrpcKith(ManagedChannel managed, boolean owned, KithConfig config) {
        this(managed, owned, config, channel(managed, config), new Semaphore(config.maxInFlight()), null);
    }

    private GrpcKith(
            ManagedChannel managed,
            boolean owned,
            KithConfig config,
            Channel channel,
            Semaphore inFlight,
            Duration deadline) {
        this.managed = managed;
        this.owned = owned;
        this.config = config;
        this.channel = channel;
        this.inFlight = inFlight;
        this.deadline = deadline == null ? config.deadline() : deadline;
        this.streamDeadline = deadline == null ? config.streamDeadline() : deadline;
    }

    /** A channel to {@code config}'s {@code grpc://} or {@code grpcs://} target, owned by the client. */
    static GrpcKith connect(KithConfig config) {
        URI u = config.address();
        boolean tls = config.scheme().equals("grpcs");
        ChannelCredentials credentials;
        if (!tls) {
            if (config.caCertificate() != null) {
                throw new IllegalArgumentException("kith target `" + config.target()
                        + "`: a CA certificate is only used over TLS; use grpcs://" + u.getHost());
            }
            credentials = InsecureChannelCredentials.create();
        } else if (config.caCertificate() == null) {
            credentials = TlsChannelCredentials.create();
        } else {
            try {
                credentials = TlsChannelCredentials.newBuilder()
                        .trustManager(config.caCertificate().toFile())
                        .build();
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "cannot read the CA certificate " + config.caCertificate() + ": " + e.getMessage(), e);
            }
        }
        int port = u.getPort() < 0 ? 50051 : u.getPort();
        ManagedChannel ch =
                Grpc.newChannelBuilderForAddress(u.getHost(), port, credentials).build();
        return new GrpcKith(ch, true, config);
    }

    private static Channel channel(ManagedChannel managed, KithConfig config) {
        List<ClientInterceptor> all = new ArrayList<>();
        if (config.presharedKey() != null) all.add(new BearerKey(config.presharedKey()));
        all.addAll(config.interceptors());
        // ClientInterceptors.intercept runs the last one first: reverse so that the configuration's first is outermost
        java.util.Collections.reverse(all);
        return ClientInterceptors.intercept(managed, all);
    }

    // ---- the call machinery

    /** Calls {@code method}, retrying on UNAVAILABLE when {@code idempotent}, all within this client's deadline. */
    private <Q, R> R unary(MethodDescriptor<Q, R> method, Q request, boolean idempotent) {
        String name = method.getBareMethodName();
        long end = System.nanoTime() + deadline.toNanos();
        acquire(name, end);
        try {
            for (int attempt = 1; ; attempt++) {
                long left = end - System.nanoTime();
                if (left <= 0) throw deadlineExceeded(name, deadline);
                try {
                    return ClientCalls.blockingUnaryCall(
                            channel,
                            method,
                            CallOptions.DEFAULT.withDeadlineAfter(left, TimeUnit.NANOSECONDS),
                            request);
                } catch (StatusRuntimeException e) {
                    if (!idempotent
                            || e.getStatus().getCode() != Status.Code.UNAVAILABLE
                            || attempt >= config.retry().maxAttempts()) {
                        throw KithCallException.of(name, e);
                    }
                    pause(name, config.retry().pauseNanos(attempt), end);
                }
            }
        } finally {
            inFlight.release();
        }
    }

    /**
     * The same calls answered asynchronously; a check is made without a thread of its own (grpc-java's
     * asynchronous call, with the same deadline, retries and in-flight bound as the blocking one), the other calls
     * run the blocking call on a virtual thread.
     */
    @Override
    public AsyncKith async() {
        return new ExecutorAsyncKith(this, this::checkPermissionAsync);
    }

    /**
     * {@link #checkPermission} without blocking: a slot of the in-flight bound taken at once (when none is free,
     * the blocking call on a virtual thread waits for one, as a blocking caller would), each attempt an
     * asynchronous call, a retry after UNAVAILABLE scheduled after the policy's pause. A failure completes the
     * stage with a {@link java.util.concurrent.CompletionException} whose cause is the {@link KithCallException}.
     * The stage completes on the network thread that read the answer: dependent stages that block belong on an
     * executor of their own ({@code thenApplyAsync(f, executor)}).
     */
    private java.util.concurrent.CompletionStage<CheckPermissionResponse> checkPermissionAsync(
            CheckPermissionRequest request) {
        if (!inFlight.tryAcquire()) {
            return java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> checkPermission(request),
                    r -> Thread.ofVirtual().name("kith-async").start(r));
        }
        java.util.concurrent.CompletableFuture<CheckPermissionResponse> answer =
                new java.util.concurrent.CompletableFuture<>();
        answer.whenComplete((r, e) -> inFlight.release());
        attempt(
                PermissionsServiceGrpc.getCheckPermissionMethod(),
                request,
                1,
                System.nanoTime() + deadline.toNanos(),
                answer);
        return answer;
    }

    /** One asynchronous attempt of an idempotent call, completing {@code answer} or scheduling the next attempt. */
    private <Q, R> void attempt(
            MethodDescriptor<Q, R> method,
            Q request,
            int attempt,
            long end,
            java.util.concurrent.CompletableFuture<R> answer) {
        String name = method.getBareMethodName();
        long left = end - System.nanoTime();
        if (left <= 0) {
            answer.completeExceptionally(
                    new java.util.concurrent.CompletionException(deadlineExceeded(name, deadline)));
            return;
        }
        // the answer is taken on the network thread that read it: handing each one to a pool thread cost more than
        // the call (JFR of kith-bench client); a caller with blocking work to do after it uses the *Async stages
        ClientCalls.asyncUnaryCall(
                channel.newCall(
                        method,
                        CallOptions.DEFAULT
                                .withDeadlineAfter(left, TimeUnit.NANOSECONDS)
                                .withExecutor(Runnable::run)),
                request,
                new io.grpc.stub.StreamObserver<R>() {
                    private R value;

                    @Override
                    public void onNext(R v) {
                        value = v;
                    }

                    @Override
                    public void onCompleted() {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        StatusRuntimeException e = t instanceof StatusRuntimeException s
                                ? s
                                : Status.fromThrowable(t).asRuntimeException();
                        KithCallException failure;
                        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
                                || attempt >= config.retry().maxAttempts()) {
                            failure = KithCallException.of(name, e);
                        } else {
                            long pause = config.retry().pauseNanos(attempt);
                            if (System.nanoTime() + pause < end) {
                                java.util.concurrent.CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS)
                                        .execute(() -> attempt(method, request, attempt + 1, end, answer));
                                return;
                            }
                            failure = unavailablePastDeadline(name);
                        }
                        answer.completeExceptionally(new java.util.concurrent.CompletionException(failure));
                    }
                });
    }

    /** Takes a slot of the in-flight bound, waiting for one until {@code end}. */
    void acquire(String name, long end) {
        try {
            if (!inFlight.tryAcquire(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new KithCallException(
                        name,
                        Status.Code.DEADLINE_EXCEEDED,
                        null,
                        null,
                        null,
                        "no call slot came free before the deadline: " + config.maxInFlight()
                                + " calls were in flight (maxInFlight)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled(name);
        }
    }

    void release() {
        inFlight.release();
    }

    /** The failure of a call whose retry after UNAVAILABLE would start past its deadline (blocking or not). */
    static KithCallException unavailablePastDeadline(String name) {
        return new KithCallException(
                name,
                Status.Code.DEADLINE_EXCEEDED,
                null,
                null,
                null,
                "the server was unavailable and the deadline passed before another attempt");
    }

    /** Sleeps {@code nanos} before a retry, or fails with DEADLINE_EXCEEDED if that would pass {@code end}. */
    static void pause(String name, long nanos, long end) {
        if (System.nanoTime() + nanos >= end) throw unavailablePastDeadline(name);
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled(name);
        }
    }

    static KithCallException deadlineExceeded(String name, Duration deadline) {
        return new KithCallException(
                name,
                Status.Code.DEADLINE_EXCEEDED,
                null,
                null,
                null,
                "the deadline of " + deadline.toMillis() + " ms passed");
    }

    static KithCallException cancelled(String name) {
        return new KithCallException(name, Status.Code.CANCELLED, null, null, null, "interrupted");
    }

    private <Q, R> Stream<R> stream(
            MethodDescriptor<Q, R> method, Q request, ResumingIterator.Resumer<Q, R> resumer, boolean watch) {
        ResumingIterator<Q, R> it = new ResumingIterator<>(
                this, channel, method, request, resumer, config.retry(), watch ? null : streamDeadline, !watch);
        return it.stream();
    }

    // ---- PermissionsService

    @Override
    public CheckPermissionResponse checkPermission(CheckPermissionRequest request) {
        return unary(PermissionsServiceGrpc.getCheckPermissionMethod(), request, true);
    }

    @Override
    public CheckBulkPermissionsResponse checkBulkPermissions(CheckBulkPermissionsRequest request) {
        return unary(PermissionsServiceGrpc.getCheckBulkPermissionsMethod(), request, true);
    }

    @Override
    public ExpandPermissionTreeResponse expandPermissionTree(ExpandPermissionTreeRequest request) {
        return unary(PermissionsServiceGrpc.getExpandPermissionTreeMethod(), request, true);
    }

    @Override
    public Stream<LookupResourcesResponse> lookupResources(LookupResourcesRequest request) {
        return stream(
                PermissionsServiceGrpc.getLookupResourcesMethod(),
                request,
                (q, last, taken) -> {
                    LookupResourcesRequest.Builder b = q.toBuilder().setOptionalCursor(last.getAfterResultCursor());
                    if (q.getOptionalLimit() > 0) {
                        if (taken >= q.getOptionalLimit()) return null;
                        b.setOptionalLimit((int) (q.getOptionalLimit() - taken));
                    }
                    return b.build();
                },
                false);
    }

    @Override
    public Stream<LookupSubjectsResponse> lookupSubjects(LookupSubjectsRequest request) {
        return stream(
                PermissionsServiceGrpc.getLookupSubjectsMethod(),
                request,
                (q, last, taken) -> {
                    LookupSubjectsRequest.Builder b = q.toBuilder().setOptionalCursor(last.getAfterResultCursor());
                    if (q.getOptionalConcreteLimit() > 0) {
                        if (taken >= q.getOptionalConcreteLimit()) return null;
                        b.setOptionalConcreteLimit((int) (q.getOptionalConcreteLimit() - taken));
                    }
                    return b.build();
                },
                false);
    }

    @Override
    public Stream<ReadRelationshipsResponse> readRelationships(ReadRelationshipsRequest request) {
        return stream(
                PermissionsServiceGrpc.getReadRelationshipsMethod(),
                request,
                (q, last, taken) -> {
                    ReadRelationshipsRequest.Builder b = q.toBuilder().setOptionalCursor(last.getAfterResultCursor());
                    if (q.getOptionalLimit() > 0) {
                        if (taken >= q.getOptionalLimit()) return null;
                        b.setOptionalLimit((int) (q.getOptionalLimit() - taken));
                    }
                    return b.build();
                },
                false);
    }

    @Override
    public WriteRelationshipsResponse writeRelationships(WriteRelationshipsRequest request) {
        boolean idempotent = request.getOptionalPreconditionsCount() == 0
                && request.getUpdatesList().stream()
                        .allMatch(u -> u.getOperation() == RelationshipUpdate.Operation.OPERATION_TOUCH
                                || u.getOperation() == RelationshipUpdate.Operation.OPERATION_DELETE);
        return unary(PermissionsServiceGrpc.getWriteRelationshipsMethod(), request, idempotent);
    }

    @Override
    public DeleteRelationshipsResponse deleteRelationships(DeleteRelationshipsRequest request) {
        boolean idempotent = request.getOptionalPreconditionsCount() == 0 && request.getOptionalLimit() == 0;
        return unary(PermissionsServiceGrpc.getDeleteRelationshipsMethod(), request, idempotent);
    }

    @Override
    public ImportBulkRelationshipsResponse importBulkRelationships(Iterable<Relationship> relationships) {
        return BulkImport.run(this, channel, relationships, streamDeadline);
    }

    @Override
    public Stream<ExportBulkRelationshipsResponse> exportBulkRelationships(ExportBulkRelationshipsRequest request) {
        return stream(
                PermissionsServiceGrpc.getExportBulkRelationshipsMethod(),
                request,
                (q, last, taken) -> q.toBuilder()
                        .setOptionalCursor(last.getAfterResultCursor())
                        .build(),
                false);
    }

    // ---- WatchService

    @Override
    public Stream<WatchResponse> watch(WatchRequest request) {
        return stream(
                WatchServiceGrpc.getWatchMethod(),
                request,
                (q, last, taken) -> q.toBuilder()
                        .setOptionalStartCursor(last.getChangesThrough())
                        .build(),
                true);
    }

    // ---- SchemaService

    @Override
    public ReadSchemaResponse readSchema(ReadSchemaRequest request) {
        return unary(SchemaServiceGrpc.getReadSchemaMethod(), request, true);
    }

    @Override
    public WriteSchemaResponse writeSchema(WriteSchemaRequest request) {
        return unary(SchemaServiceGrpc.getWriteSchemaMethod(), request, true);
    }

    @Override
    public DiffSchemaResponse diffSchema(DiffSchemaRequest request) {
        return unary(SchemaServiceGrpc.getDiffSchemaMethod(), request, true);
    }

    // ---- the client

    @Override
    public Kith withDeadline(Duration d) {
        if (d == null || !d.isPositive()) throw new IllegalArgumentException("a deadline must be positive: " + d);
        return new GrpcKith(managed, owned, config, channel, inFlight, d);
    }

    @Override
    public void close() {
        if (!owned) return;
        managed.shutdown();
        try {
            if (!managed.awaitTermination(5, TimeUnit.SECONDS)) managed.shutdownNow();
        } catch (InterruptedException e) {
            managed.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

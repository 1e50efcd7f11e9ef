package dev.kith.bench.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Query;
import dev.kith.bench.http.LoadOptions;
import dev.kith.bench.http.LoadReport;
import dev.kith.client.AsyncKith;
import dev.kith.client.Kith;
import dev.kith.client.KithCallException;
import dev.kith.client.KithConfig;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.SubjectReference;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop gRPC load generator for kith's {@code authzed.api.v1.PermissionsService/CheckPermission}, the gRPC
 * twin of {@link dev.kith.bench.http.LoadGenerator}: the same queries, the same fixed concurrency (each loop keeps
 * exactly one call in flight and sends the next when it is answered), the same warm-up, deadline, error and mismatch
 * rules, and the same coordinated-omission correction, so that its figures compare with the HTTP ones line by line.
 *
 * <p>Calls are multiplexed over {@code channels} HTTP/2 connections (SpiceDB's clients use one), the loops spread
 * over them in turn. Everything runs on one Netty event loop with a direct executor: every callback of a run on one
 * thread (no locking), which leaves the other core of a 2-core machine to the server, as the HTTP driver does. The
 * baseline is the standard health service's {@code Check}, the cheapest call the server answers: how close checks
 * come to the gRPC stack's own ceiling. Only loopback or local endpoints are accepted.
 */
public final class GrpcLoad {
    /** A call not answered in this long fails (and counts as an error) instead of hanging the run. */
    private static final long CALL_DEADLINE_MS = 10_000;

    /** After a failed call a loop pauses this long, so that a server that is down is not hammered. */
    private static final long FAILURE_PAUSE_MS = 10;

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private GrpcLoad() {}

    /** How one answer counts. */
    private enum Outcome {
        OK,
        ERROR,
        MISMATCH
    }

    /**
     * Runs the load (and the baseline when asked) against the gRPC endpoint {@code grpc://host:port} of {@code
     * options}, over {@code channels} connections; blocks until done.
     *
     * @throws IllegalArgumentException if the endpoint is not a local {@code grpc://host:port}
     * @throws IOException if the run could not complete
     */
    public static LoadReport run(LoadOptions options, int channels) throws IOException {
        URI endpoint = options.endpoint();
        requireLocal(endpoint);
        if (channels < 1 || channels > options.connections()) {
            throw new IllegalArgumentException("channels must be between 1 and the number of concurrent calls ("
                    + options.connections() + "), got " + channels);
        }
        EventLoopGroup loop = new NioEventLoopGroup(1);
        List<ManagedChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < channels; i++) {
                NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
                        .usePlaintext()
                        .eventLoopGroup(loop)
                        .channelType(NioSocketChannel.class)
                        .directExecutor();
                if (options.bearerKey() != null) {
                    Metadata metadata = new Metadata();
                    metadata.put(
                            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                            "Bearer " + options.bearerKey());
                    builder.intercept(MetadataUtils.newAttachHeadersInterceptor(metadata));
                }
                open.add(builder.build());
            }
            Traffic<CheckPermissionResponse> check = checks(
                    options.queries(),
                    request -> raw(open, PermissionsServiceGrpc.getCheckPermissionMethod(), request));
            Traffic<HealthCheckResponse> health = new Traffic<>(
                    raw(open, HealthGrpc.getCheckMethod(), sequence -> HealthCheckRequest.getDefaultInstance()),
                    (sequence, response, status) ->
                            status == null && response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                                    ? Outcome.OK
                                    : Outcome.ERROR);
            LoadReport report = measure(loop, check, options);
            return options.baseline() ? report.withBaseline(measure(loop, health, options)) : report;
        } finally {
            for (ManagedChannel channel : open) channel.shutdownNow();
            for (ManagedChannel channel : open) {
                try {
                    channel.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs the check load through the typed client ({@code dev.kith.client.Kith}, its {@link AsyncKith} API): one
     * {@code grpc://} connection made by {@link Kith#connect(KithConfig)} with the client's defaults (retries,
     * in-flight bound, consistency tokens) and a 10 s deadline, {@code options.connections()} calls in flight. Each
     * answer is handed back to the load's event loop, so the figures compare with {@link #run}'s line by line. No
     * baseline: the client has no health call.
     *
     * @throws IllegalArgumentException if the endpoint is not a local {@code grpc://host:port}, or a baseline is asked
     * @throws IOException if the run could not complete
     */
    public static LoadReport runClient(LoadOptions options) throws IOException {
        URI endpoint = options.endpoint();
        requireLocal(endpoint);
        if (options.baseline()) {
            throw new IllegalArgumentException(
                    "--baseline is not available in client mode: run grpc --baseline for" + " the transport's ceiling");
        }
        EventLoopGroup loop = new NioEventLoopGroup(1);
        KithConfig config = KithConfig.builder("grpc://" + endpoint.getHost() + ":" + endpoint.getPort())
                .presharedKey(options.bearerKey())
                .deadline(Duration.ofMillis(CALL_DEADLINE_MS))
                .maxInFlight(Math.max(256, options.connections()))
                .build();
        try (Kith kith = Kith.connect(config)) {
            AsyncKith async = kith.async();
            Traffic<CheckPermissionResponse> check = checks(
                    options.queries(),
                    request -> (lane, sequence, done) -> async.checkPermission(request.apply(sequence))
                            .whenCompleteAsync((response, failure) -> done.accept(response, status(failure)), loop));
            return measure(loop, check, options);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The status of a client call's failure ({@code null}: none). */
    private static Status status(Throwable failure) {
        if (failure == null) return null;
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof KithCallException k
                ? Status.fromCode(k.code()).withDescription(k.getMessage())
                : Status.fromThrowable(cause);
    }

    /** The decision in a check answer, or {@code null} for an unknown permissionship. */
    private static Expectation answer(CheckPermissionResponse response) {
        return switch (response.getPermissionship()) {
            case PERMISSIONSHIP_HAS_PERMISSION -> Expectation.TRUE;
            case PERMISSIONSHIP_NO_PERMISSION -> Expectation.FALSE;
            case PERMISSIONSHIP_CONDITIONAL_PERMISSION -> Expectation.NONE;
            default -> null;
        };
    }

    /** Builds every query's request once, before the run (as the HTTP driver encodes its bodies). */
    static List<CheckPermissionRequest> encode(List<Query> queries) {
        List<CheckPermissionRequest> out = new ArrayList<>(queries.size());
        for (Query q : queries) {
            CheckPermissionRequest.Builder b = CheckPermissionRequest.newBuilder()
                    .setConsistency(
                            Consistency.newBuilder().setMinimizeLatency(true).build())
                    .setResource(ObjectReference.newBuilder()
                            .setObjectType(q.resourceType())
                            .setObjectId(q.resourceId()))
                    .setPermission(q.permission())
                    .setSubject(SubjectReference.newBuilder()
                            .setObject(ObjectReference.newBuilder()
                                    .setObjectType(q.subjectType())
                                    .setObjectId(q.subjectId()))
                            .setOptionalRelation(q.subjectRelation()));
            if (q.context() != null) {
                Struct.Builder context = Struct.newBuilder();
                try {
                    JsonFormat.parser().merge(q.context(), context);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalArgumentException(
                            "a query's context is not a JSON object: " + q.toLine() + ": " + e.getMessage());
                }
                b.setContext(context);
            }
            out.add(b.build());
        }
        return out;
    }

    /** Judges one answer: {@code status} is null when the call succeeded, else its failure. */
    private interface Judge<R> {
        Outcome judge(long sequence, R response, Status status);
    }

    /**
     * Sends call number {@code sequence} of loop {@code lane} and hands its answer (or its failure's status) to {@code
     * done} on the load's event loop.
     */
    private interface Sender<R> {
        void send(int lane, long sequence, BiConsumer<R, Status> done);
    }

    /** What the loops call: how to send call number {@code sequence}, and how to judge its answer. */
    private record Traffic<R>(Sender<R> sender, Judge<R> judge) {}

    /** Raw grpc-java calls of {@code method} on the channels, the loops spread over them in turn. */
    private static <Q, R> Sender<R> raw(
            List<ManagedChannel> channels, MethodDescriptor<Q, R> method, Function<Long, Q> request) {
        return (lane, sequence, done) -> {
            ClientCall<Q, R> call = channels.get(lane % channels.size())
                    .newCall(method, CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS));
            ClientCalls.asyncUnaryCall(call, request.apply(sequence), new StreamObserver<R>() {
                private R response;

                @Override
                public void onNext(R value) {
                    response = value;
                }

                @Override
                public void onError(Throwable t) {
                    done.accept(null, Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    done.accept(response, null);
                }
            });
        };
    }

    /** The check traffic of the queries: their requests, judged against their expectations. */
    private static Traffic<CheckPermissionResponse> checks(
            List<Query> queries,
            Function<Function<Long, CheckPermissionRequest>, Sender<CheckPermissionResponse>> via) {
        List<CheckPermissionRequest> requests = encode(queries);
        List<Expectation> expected = queries.stream().map(Query::expected).toList();
        return new Traffic<>(
                via.apply(sequence -> requests.get((int) (sequence % requests.size()))),
                (sequence, response, status) -> {
                    Expectation wanted = expected.get((int) (sequence % expected.size()));
                    if (status != null) return wanted == Expectation.ERROR ? Outcome.OK : Outcome.ERROR;
                    Expectation answer = answer(response);
                    if (answer == null) return Outcome.ERROR;
                    return wanted != Expectation.NONE && answer != wanted ? Outcome.MISMATCH : Outcome.OK;
                });
    }

    private static LoadReport measure(EventLoopGroup loop, Traffic<?> traffic, LoadOptions options) throws IOException {
        long timeout = options.warmup().toSeconds() + options.duration().toSeconds() + 60;
        if (!options.warmup().isZero()) {
            Phase<?> warmup = new Phase<>(
                    loop, traffic, options.connections(), options.warmup().toNanos());
            loop.execute(warmup::start);
            await(warmup.done, timeout);
        }
        Phase<?> run = new Phase<>(
                loop, traffic, options.connections(), options.duration().toNanos());
        loop.execute(run::start);
        await(run.done, timeout);
        return LoadReport.of(run.histogram, run.requests, run.seconds(), run.errors, run.mismatches);
    }

    private static void await(CompletableFuture<Void> done, long seconds) throws IOException {
        try {
            done.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the gRPC load run", e);
        } catch (ExecutionException e) {
            throw new IOException("the gRPC load run failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the gRPC load run did not finish within " + seconds + " seconds", e);
        }
    }

    /** One timed phase: {@code loops} closed loops until the deadline, all on the event loop. */
    private static final class Phase<R> {
        final EventLoopGroup loop;
        final Traffic<R> traffic;
        final int loops;
        final long durationNanos;
        final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        final CompletableFuture<Void> done = new CompletableFuture<>();
        long startNanos;
        long deadlineNanos;
        long lastCompletionNanos;
        long sent;
        int running;
        long requests;
        long errors;
        long mismatches;

        @SuppressWarnings("unchecked")
        Phase(EventLoopGroup loop, Traffic<?> traffic, int loops, long nanos) {
            this.loop = loop;
            this.traffic = (Traffic<R>) traffic;
            this.loops = loops;
            this.durationNanos = nanos;
        }

        void start() {
            startNanos = System.nanoTime();
            deadlineNanos = startNanos + durationNanos;
            lastCompletionNanos = startNanos;
            running = loops;
            for (int i = 0; i < loops; i++) next(i);
        }

        private void next(int lane) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                if (--running == 0) done.complete(null);
                return;
            }
            long sequence = sent++;
            long sentNanos = System.nanoTime();
            traffic.sender()
                    .send(lane, sequence, (response, status) -> completed(lane, sequence, sentNanos, response, status));
        }

        private void completed(int lane, long sequence, long sentNanos, R response, Status status) {
            long now = System.nanoTime();
            lastCompletionNanos = now;
            requests++;
            histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (now - sentNanos) / 1_000)));
            boolean transport = status != null
                    && (status.getCode() == Status.Code.UNAVAILABLE
                            || status.getCode() == Status.Code.DEADLINE_EXCEEDED);
            Outcome outcome = transport ? Outcome.ERROR : traffic.judge().judge(sequence, response, status);
            switch (outcome) {
                case OK -> {}
                case ERROR -> errors++;
                case MISMATCH -> mismatches++;
            }
            if (transport) loop.schedule(() -> next(lane), FAILURE_PAUSE_MS, TimeUnit.MILLISECONDS);
            else loop.execute(() -> next(lane));
        }

        double seconds() {
            return Math.max(1e-9, (lastCompletionNanos - startNanos) / 1e9);
        }
    }

    /**
     * Refuses any endpoint that is not {@code grpc://host:port} on this machine (loopback, the wildcard address,
     * or an address of one of its interfaces).
     */
    static void requireLocal(URI endpoint) {
        if (!"grpc".equals(endpoint.getScheme()) || endpoint.getHost() == null || endpoint.getPort() < 0) {
            throw new IllegalArgumentException(
                    "the endpoint must be a plaintext grpc://host:port URL, like grpc://127.0.0.1:50051, got '"
                            + endpoint + "'");
        }
        dev.kith.bench.http.LoadGenerator.requireLocalHost(endpoint.getHost());
    }
}

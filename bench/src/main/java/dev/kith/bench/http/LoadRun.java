package dev.kith.bench.http;

import dev.kith.bench.data.Expectation;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * One timed phase of a load run: {@code connections} loops, each sending its next request when the previous one
 * is answered, until the deadline. Runs entirely on one event loop; {@link #done()} completes when every loop has
 * stopped.
 */
final class LoadRun {
    /** After a transport failure a loop pauses this long, so that a server that is down is not hammered. */
    private static final long FAILURE_PAUSE_MS = 10;

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    /** How one answer counts. */
    enum Outcome {
        OK,
        ERROR,
        MISMATCH
    }

    /** What the loops send: request number {@code sequence} of a phase (0, 1, 2, … across all its loops). */
    interface Traffic {
        Future<Outcome> send(long sequence);
    }

    /**
     * Check traffic: the reusable request, and the bodies and expectations by query (both {@code null} for the
     * no-op baseline, which sends no body and expects a 2xx). Queries are sent in turn.
     *
     * @param request the request to send
     * @param bodies the body of each query, or {@code null}
     * @param expectations the expectation of each query, or {@code null}
     */
    record Target(HttpRequest<Buffer> request, List<Buffer> bodies, List<Expectation> expectations) implements Traffic {
        @Override
        public Future<Outcome> send(long sequence) {
            if (bodies == null) {
                return request.send().map(LoadRun::twoHundred);
            }
            int index = (int) (sequence % bodies.size());
            Expectation expected = expectations.get(index);
            return request.sendBuffer(bodies.get(index)).map(response -> judge(response, expected));
        }
    }

    private final Vertx vertx;
    private final Traffic traffic;
    private final int connections;
    private final long durationNanos;
    private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private long startNanos;
    private long deadlineNanos;
    private long lastCompletionNanos;
    private long sent;
    private int running;
    private long requests;
    private long ok;
    private long errors;
    private long mismatches;

    LoadRun(Vertx vertx, Traffic traffic, int connections, long durationNanos) {
        this.vertx = vertx;
        this.traffic = traffic;
        this.connections = connections;
        this.durationNanos = durationNanos;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** Starts every loop; call on the run's event loop. */
    void start() {
        startNanos = System.nanoTime();
        deadlineNanos = startNanos + durationNanos;
        lastCompletionNanos = startNanos;
        running = connections;
        for (int i = 0; i < connections; i++) {
            next();
        }
    }

    private void next() {
        if (System.nanoTime() - deadlineNanos >= 0) {
            if (--running == 0) {
                done.complete(null);
            }
            return;
        }
        long sentNanos = System.nanoTime();
        traffic.send(sent++).onComplete(result -> completed(result, sentNanos));
    }

    private void completed(AsyncResult<Outcome> result, long sentNanos) {
        long now = System.nanoTime();
        lastCompletionNanos = now;
        requests++;
        histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (now - sentNanos) / 1_000)));
        if (result.failed()) {
            errors++;
            vertx.setTimer(FAILURE_PAUSE_MS, id -> next());
            return;
        }
        switch (result.result()) {
            case OK -> ok++;
            case ERROR -> errors++;
            case MISMATCH -> mismatches++;
        }
        vertx.runOnContext(v -> next());
    }

    /** A 2xx is OK, anything else an error: the no-op baseline's and the write load's rule. */
    static Outcome twoHundred(HttpResponse<Buffer> response) {
        return response.statusCode() / 100 == 2 ? Outcome.OK : Outcome.ERROR;
    }

    /**
     * A check answer against its expectation: a non-2xx is an error unless an error was expected; a 2xx without a
     * known permissionship is an error; a decision other than the expected one is a mismatch.
     */
    private static Outcome judge(HttpResponse<Buffer> response, Expectation expected) {
        if (response.statusCode() / 100 != 2) {
            return expected == Expectation.ERROR ? Outcome.OK : Outcome.ERROR;
        }
        Expectation answer = answer(response);
        if (answer == null) {
            return Outcome.ERROR;
        }
        return expected != Expectation.NONE && answer != expected ? Outcome.MISMATCH : Outcome.OK;
    }

    /**
     * The decision in a check answer: HAS → TRUE, NO → FALSE, CONDITIONAL → NONE (which matches no
     * expectation), or {@code null} when the body has no known permissionship.
     */
    private static Expectation answer(HttpResponse<Buffer> response) {
        JsonObject body;
        try {
            body = response.bodyAsJsonObject();
        } catch (DecodeException e) {
            return null;
        }
        if (body == null) {
            return null;
        }
        Object permissionship = body.getValue("permissionship");
        if (!(permissionship instanceof String value)) {
            return null;
        }
        return switch (value) {
            case "PERMISSIONSHIP_HAS_PERMISSION" -> Expectation.TRUE;
            case "PERMISSIONSHIP_NO_PERMISSION" -> Expectation.FALSE;
            case "PERMISSIONSHIP_CONDITIONAL_PERMISSION" -> Expectation.NONE;
            default -> null;
        };
    }

    /** Requests sent (answered or not); call after {@link #done()} completed. */
    long sent() {
        return sent;
    }

    /** Requests answered and counted OK. */
    long ok() {
        return ok;
    }

    long requests() {
        return requests;
    }

    long errors() {
        return errors;
    }

    /** The raw latency histogram, in microseconds. */
    Histogram histogram() {
        return histogram;
    }

    /** Measured time: from the start to the last answer. */
    double seconds() {
        return Math.max(1e-9, (lastCompletionNanos - startNanos) / 1e9);
    }

    /** The phase's figures; call after {@link #done()} completed. */
    LoadReport report() {
        return LoadReport.of(histogram, requests, seconds(), errors, mismatches);
    }
}

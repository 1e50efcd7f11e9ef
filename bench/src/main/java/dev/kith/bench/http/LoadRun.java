package dev.kith.bench.http;

import dev.kith.bench.data.Expectation;
import io.vertx.core.AsyncResult;
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

    /**
     * What to send: the reusable request, and for checks the bodies and expectations by query (both {@code null}
     * for the no-op baseline, which sends no body and expects a 2xx).
     *
     * @param request the request to send
     * @param bodies the body of each query, or {@code null}
     * @param expectations the expectation of each query, or {@code null}
     */
    record Target(HttpRequest<Buffer> request, List<Buffer> bodies, List<Expectation> expectations) {}

    private final Vertx vertx;
    private final Target target;
    private final int connections;
    private final long durationNanos;
    private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private long startNanos;
    private long deadlineNanos;
    private long lastCompletionNanos;
    private int nextQuery;
    private int running;
    private long requests;
    private long errors;
    private long mismatches;

    LoadRun(Vertx vertx, Target target, int connections, long durationNanos) {
        this.vertx = vertx;
        this.target = target;
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
        long sent = System.nanoTime();
        if (target.bodies() == null) {
            target.request().send().onComplete(result -> completed(result, Expectation.NONE, sent, true));
        } else {
            int index = nextQuery;
            nextQuery = (nextQuery + 1) % target.bodies().size();
            target.request()
                    .sendBuffer(target.bodies().get(index))
                    .onComplete(
                            result -> completed(result, target.expectations().get(index), sent, false));
        }
    }

    private void completed(AsyncResult<HttpResponse<Buffer>> result, Expectation expected, long sent, boolean noop) {
        long now = System.nanoTime();
        lastCompletionNanos = now;
        requests++;
        histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (now - sent) / 1_000)));
        if (result.failed()) {
            errors++;
            vertx.setTimer(FAILURE_PAUSE_MS, id -> next());
            return;
        }
        HttpResponse<Buffer> response = result.result();
        boolean ok = response.statusCode() / 100 == 2;
        if (noop) {
            if (!ok) {
                errors++;
            }
        } else if (!ok) {
            if (expected != Expectation.ERROR) {
                errors++;
            }
        } else {
            Expectation answer = answer(response);
            if (answer == null) {
                errors++;
            } else if (expected != Expectation.NONE && answer != expected) {
                mismatches++;
            }
        }
        vertx.runOnContext(v -> next());
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

    /** The phase's figures; call after {@link #done()} completed. */
    LoadReport report() {
        double seconds = Math.max(1e-9, (lastCompletionNanos - startNanos) / 1e9);
        Histogram corrected = histogram.getTotalCount() == 0
                ? histogram
                : histogram.copyCorrectedForCoordinatedOmission(Math.max(1, Math.round(histogram.getMean())));
        return new LoadReport(
                requests,
                round(seconds),
                round(requests / seconds),
                millis(corrected.getValueAtPercentile(50)),
                millis(corrected.getValueAtPercentile(90)),
                millis(corrected.getValueAtPercentile(99)),
                millis(corrected.getValueAtPercentile(99.9)),
                millis(corrected.getMaxValue()),
                millis(histogram.getValueAtPercentile(99)),
                errors,
                mismatches,
                null);
    }

    private static double millis(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

package dev.kith.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a call that the server answered {@code UNAVAILABLE} is tried again: at most {@code maxAttempts} attempts in all,
 * the n-th retry after a random pause between zero and {@code min(maxBackoff, initialBackoff × multiplier^(n-1))}
 * ("full jitter", so that clients cut off together do not come back together). Only idempotent calls are retried
 * (see {@link Kith}); every attempt stays within the call's one deadline.
 *
 * @param maxAttempts attempts in all, at least 1 (1: never retry)
 * @param initialBackoff the upper bound of the first pause
 * @param maxBackoff the upper bound of any pause
 * @param multiplier how much the bound grows per retry, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    /** Five attempts, pauses of up to 50 ms, 100 ms, 200 ms, 400 ms. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(2), 2.0);

    /** One attempt: no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);

    /**
     * A policy; see the record's parameters.
     *
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1, a backoff is negative, or the multiplier
     *     is below 1
     */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoffs must not be negative");
        }
        if (multiplier < 1) throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }

    /** The pause before retry number {@code retry} (1 for the first), in nanoseconds, with jitter. */
    long pauseNanos(int retry) {
        double bound = (double) initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, retry - 1));
        long cap = (long) Math.min((double) maxBackoff.toNanos(), bound);
        return cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
    }
}

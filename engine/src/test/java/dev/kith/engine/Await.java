package dev.kith.engine;

import java.time.Duration;

/**
 * Waits in a test for something another thread or process does: checks a condition, parking briefly between
 * checks, until it holds or the timeout passes, and then fails naming what it waited for. Tests wait this way (or
 * with a latch, a future or an injected clock), never by sleeping for a guessed time.
 */
public final class Await {
    /** A condition checked again and again; it may throw to fail the wait at once. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private static final Duration FIRST_PARK = Duration.ofMillis(1);
    private static final Duration LONGEST_PARK = Duration.ofMillis(20);

    private Await() {}

    /**
     * Returns as soon as {@code condition} holds; throws {@link AssertionError} "timed out after TIMEOUT waiting
     * for DESCRIPTION" if it still does not when {@code timeout} has passed. An unchecked exception or error from
     * the condition ends the wait with it; a checked one ends it with an {@link AssertionError} naming the wait.
     */
    public static void until(String description, Condition condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration park = FIRST_PARK;
        while (!check(description, condition)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + description);
            }
            Thread.sleep(park); // the poll interval of this bounded wait, not a wait of its own
            park = park.multipliedBy(2).compareTo(LONGEST_PARK) < 0 ? park.multipliedBy(2) : LONGEST_PARK;
        }
    }

    private static boolean check(String description, Condition condition) throws InterruptedException {
        try {
            return condition.holds();
        } catch (RuntimeException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("failed while waiting for " + description + ": " + e, e);
        }
    }
}

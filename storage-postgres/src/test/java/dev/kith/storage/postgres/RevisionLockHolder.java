package dev.kith.storage.postgres;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Holds the revision counter's row lock from a connection of its own, as a writer in the middle of its transaction
 * does, until closed: every write, delete and import of the database waits for it meanwhile.
 */
final class RevisionLockHolder implements AutoCloseable {
    private final PgClient client;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Future<?> holder;

    RevisionLockHolder(PostgresOptions options) throws InterruptedException {
        client = new PgClient(options.withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(2)));
        CountDownLatch locked = new CountDownLatch(1);
        holder = thread.submit(() -> client.inTransaction(c -> {
            client.await(
                    c.query("SELECT head FROM kith_revision_counter FOR UPDATE").execute());
            locked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        if (!locked.await(10, TimeUnit.SECONDS)) throw new AssertionError("the revision lock was not taken in 10 s");
    }

    /** Ends the holder's transaction, letting the waiting writers go on. */
    @Override
    public void close() throws Exception {
        release.countDown();
        try {
            holder.get(10, TimeUnit.SECONDS);
        } finally {
            thread.shutdown();
            client.close();
        }
    }
}

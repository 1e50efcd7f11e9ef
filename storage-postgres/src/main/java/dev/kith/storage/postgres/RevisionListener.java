package dev.kith.storage.postgres;

import io.vertx.pgclient.pubsub.PgSubscriber;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes the {@code onNewRevisions} callbacks: LISTENs on {@link #CHANNEL}, on which every write's transaction
 * NOTIFYs (delivered when it commits). The subscriber reconnects by itself after the connection drops, and
 * wakes the callbacks once it listens again, since notifications sent meanwhile are lost.
 *
 * <p>Notifications run the callbacks on one thread of their own, never on a Vert.x event loop (they block on
 * the store), one run at a time; wake-ups that arrive while a run is pending are merged into it. A write on
 * this node also runs them on the writer's thread right after it commits, so a callback may run on two
 * threads at once.
 */
final class RevisionListener implements AutoCloseable {
    static final String CHANNEL = "kith_revisions";

    private static final System.Logger LOG = System.getLogger(RevisionListener.class.getName());

    private final PgSubscriber subscriber;
    private final PgClient client;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kith-pg-revisions");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();

    RevisionListener(PgClient client, PostgresOptions options) {
        this.client = client;
        this.subscriber = PgSubscriber.subscriber(client.vertx(), PgClient.connectOptions(options))
                .reconnectPolicy(retries -> Math.min(2000L, 100L << Math.min(retries, 5)));
        subscriber.channel(CHANNEL).handler(payload -> wake()).subscribeHandler(v -> wake());
    }

    /** Connects and LISTENs; fails with {@code StoreUnavailable} if the database cannot be reached. */
    void start() {
        client.await(subscriber.connect());
    }

    void add(Runnable callback) {
        callbacks.add(callback);
    }

    /** Runs the callbacks soon (on the listener thread). */
    void wake() {
        if (callbacks.isEmpty() || !pending.compareAndSet(false, true)) return;
        try {
            executor.execute(this::runCallbacks);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.set(false);
        }
    }

    private void runCallbacks() {
        pending.set(false);
        runNow();
    }

    /** Runs the callbacks on this thread (after this node's own commit, before the write returns). */
    void runNow() {
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an onNewRevisions callback failed", e);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            subscriber.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.DEBUG, "closing the LISTEN connection failed", e);
        }
    }
}

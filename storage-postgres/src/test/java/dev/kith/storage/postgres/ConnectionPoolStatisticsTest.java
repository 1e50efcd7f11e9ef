package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Await;
import dev.kith.engine.ConnectionPool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pool statistics the server's metrics read: connections in use and idle, callers waiting, acquire times. */
final class ConnectionPoolStatisticsTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void aHeldConnectionIsInUseAndASecondCallerWaitsForItOnAPoolOfOne() throws Exception {
        PostgresOptions options = DB.newDatabase("pool").toBuilder().poolSize(1).build();
        // threads of their own: the common pool may have a single thread, which the holder occupies
        try (PgClient client = new PgClient(options);
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            ConnectionPool pool = client.connectionPool();
            List<Long> acquired = new CopyOnWriteArrayList<>();
            pool.onAcquire(acquired::add);
            assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(0, 0, 0));

            client.query("SELECT 1", Tuple.tuple());
            assertThat(acquired).hasSize(1);
            assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(0, 1, 0));

            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(
                    () -> client.inTransaction(c -> {
                        holding.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    }),
                    threads);
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(1, 0, 0));

            CompletableFuture<Void> waiter =
                    CompletableFuture.runAsync(() -> client.query("SELECT 2", Tuple.tuple()), threads);
            Await.until("a second caller waits", () -> pool.statistics().waiting() == 1, Duration.ofSeconds(30));
            long seenWaiting = System.nanoTime();
            assertThat(pool.statistics().inUse()).isEqualTo(1);
            long released = System.nanoTime();
            release.countDown();
            holder.get(30, TimeUnit.SECONDS);
            waiter.get(30, TimeUnit.SECONDS);

            assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(0, 1, 0));
            assertThat(acquired).hasSize(3).allSatisfy(n -> assertThat(n).isPositive());
            // the waiter's acquisition lasted at least from when it was seen waiting until the connection was released
            assertThat(acquired.get(2)).isGreaterThanOrEqualTo(released - seenWaiting);
        }
    }

    @Test
    void thePostgresStoreOffersItsPoolAndTheInMemoryStoreNone() {
        try (PostgresDatastore store = DB.open()) {
            store.headRevision();
            ConnectionPool.Statistics s = store.connectionPool().orElseThrow().statistics();
            assertThat(s.inUse()).isZero();
            assertThat(s.waiting()).isZero();
            assertThat(s.idle()).isBetween(1, DB.options().poolSize());
        }
        try (var memory = new dev.kith.engine.index.MemoryDatastore(java.time.Clock.systemUTC())) {
            assertThat(memory.connectionPool()).isEmpty();
        }
    }
}

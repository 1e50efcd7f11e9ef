package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Await;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database going away and coming back, reached through a proxy that the test cuts and restores. */
final class FaultsTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static RelationshipUpdate create(String text) {
        return RelationshipUpdate.create(Relationship.parse(text));
    }

    /** Waits (at most {@code limit}) until {@code condition} holds; the store being unavailable meanwhile is fine. */
    private static void eventually(String description, Duration limit, BooleanSupplier condition)
            throws InterruptedException {
        Await.until(
                description,
                () -> {
                    try {
                        return condition.getAsBoolean();
                    } catch (KithException.StoreUnavailable e) {
                        return false; // still reconnecting
                    }
                },
                limit);
    }

    @Test
    void callsFailFastWhileTheDatabaseIsUnreachableAndRecoverWithoutARestart() throws Exception {
        PostgresOptions direct = DB.newDatabase("faults");
        try (TcpProxy proxy = new TcpProxy(direct.host(), direct.port())) {
            proxy.start();
            PostgresOptions viaProxy = direct.withAddress("127.0.0.1", proxy.port())
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1));
            try (PostgresDatastore node = PostgresDatastore.open(viaProxy);
                    PostgresDatastore other = PostgresDatastore.open(direct)) {
                AtomicInteger wakeups = new AtomicInteger();
                node.onNewRevisions(wakeups::incrementAndGet);
                node.write(List.of(create("document:a#viewer@user:ann")), List.of());

                proxy.stop();
                long start = System.nanoTime();
                assertThatThrownBy(node::headRevision)
                        .isInstanceOf(KithException.StoreUnavailable.class)
                        .hasMessageContaining("PostgreSQL store")
                        .hasMessageContaining("is unavailable");
                assertThatThrownBy(() -> node.write(List.of(create("document:b#viewer@user:ann")), List.of()))
                        .isInstanceOf(KithException.StoreUnavailable.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                other.write(List.of(create("document:c#viewer@user:ann")), List.of());

                proxy.start();
                eventually(
                        "the pool to reconnect by itself",
                        Duration.ofSeconds(20),
                        () -> node.headRevision().equals(other.headRevision()));
                assertThat(node.write(List.of(create("document:d#viewer@user:ann")), List.of())
                                .value())
                        .isEqualTo(3);
                int[] seen = {wakeups.get()};
                eventually(
                        "LISTEN to be re-established: a write on the other node wakes this one",
                        Duration.ofSeconds(20),
                        () -> {
                            if (wakeups.get() > seen[0]) return true;
                            other.write(
                                    List.of(RelationshipUpdate.touch(Relationship.parse("document:e#viewer@user:ann"))),
                                    List.of());
                            return false;
                        });
            }
        }
    }

    @Test
    void openingAStoreWithNoServerFailsFastWithStoreUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        PostgresOptions nowhere = TestDatabase.server().withAddress("127.0.0.1", closedPort);
        long start = System.nanoTime();
        assertThatThrownBy(() -> PostgresDatastore.open(nowhere))
                .isInstanceOf(KithException.StoreUnavailable.class)
                .hasMessageContaining("the PostgreSQL store at 127.0.0.1:" + closedPort)
                .hasMessageContaining("is unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStatementStuckBehindALockEndsAtTheStatementTimeout() throws Exception {
        PostgresOptions options = DB.newDatabase("stuck").withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(2));
        try (PostgresDatastore node = PostgresDatastore.open(options)) {
            try (RevisionLockHolder held = new RevisionLockHolder(options)) {
                assertThatThrownBy(() -> node.write(List.of(create("document:a#viewer@user:ann")), List.of()))
                        .isInstanceOf(KithException.StoreUnavailable.class)
                        .hasMessageContaining("statement_timeout (300 ms)");
            }
            assertThat(node.write(List.of(create("document:a#viewer@user:ann")), List.of())
                            .value())
                    .isEqualTo(1);
        }
    }
}

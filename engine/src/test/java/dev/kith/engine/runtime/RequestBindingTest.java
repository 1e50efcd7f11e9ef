package dev.kith.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Consistency;
import dev.kith.engine.Deadline;
import dev.kith.engine.KithException;
import dev.kith.engine.Revision;
import dev.kith.engine.index.MemoryDatastore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The binding over the embedded store, whose writes reach the index as they commit. */
class RequestBindingTest {
    private static final String SCHEMA = "definition user {}";

    private final MemoryDatastore store = new MemoryDatastore(Clock.systemUTC());
    private final RevisionWindow window = new RevisionWindow(store.index(), Duration.ofHours(1), Clock.systemUTC());
    private final AppliedSignal applied = new AppliedSignal(store.index());
    private final EmbeddedFeed feed = new EmbeddedFeed(
            store,
            new Object(),
            new SchemaHistory(store.index()),
            window,
            applied,
            new ExpiryReaper(store, window, 1000));

    RequestBindingTest() {
        feed.start(() -> {});
        store.onNewRevisions(feed::revisionsAvailable);
    }

    private RequestBinding binding(Duration freshness) {
        return new RequestBinding(store, store.index(), feed, window, applied, freshness);
    }

    private static <T> T under(Deadline deadline, java.util.concurrent.Callable<T> work) throws Exception {
        return deadline.call(work);
    }

    private static Deadline cancelled() {
        Deadline d = Deadline.untilCancelled();
        d.cancel();
        return d;
    }

    @Test
    void aRequestForARevisionNotAppliedYetWaitsUntilItIs() throws Exception {
        RequestBinding binding = binding(Duration.ofSeconds(30));
        CompletableFuture<Long> waiting =
                CompletableFuture.supplyAsync(() -> binding.resolve(new Consistency.AtLeastAsFresh(new Revision(1))));
        Revision written = store.writeSchema(SCHEMA);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(written.value());
        assertThat(binding.resolve(Consistency.MINIMIZE_LATENCY)).isEqualTo(written.value());
        assertThat(binding.resolve(Consistency.FULLY_CONSISTENT)).isEqualTo(written.value());
    }

    @Test
    void theFreshnessTimeoutBoundsTheWait() {
        RequestBinding binding = binding(Duration.ofMillis(1));
        assertThatThrownBy(() -> binding.resolve(new Consistency.AtLeastAsFresh(new Revision(5))))
                .isInstanceOf(KithException.RevisionUnavailable.class)
                .hasMessageContaining("revision 5 was not applied within PT0.001S; the newest applied is 0");
    }

    @Test
    void theRequestsDeadlineBoundsTheWait() {
        RequestBinding binding = binding(Duration.ofSeconds(30));
        assertThatThrownBy(() -> under(cancelled(), () -> {
                    binding.awaitApplied(5);
                    return null;
                }))
                .isInstanceOf(KithException.DeadlineExceeded.class)
                .hasMessageContaining("waiting for revision 5 to be applied");
    }

    @Test
    void aCommittedWriteIsAwaitedWhateverTheRequestsDeadline() throws Exception {
        store.writeSchema(SCHEMA);
        assertThat(under(cancelled(), () -> {
                    binding(Duration.ofSeconds(30)).awaitCommitted(1);
                    return "applied";
                }))
                .isEqualTo("applied");
        assertThatThrownBy(() -> under(cancelled(), () -> {
                    binding(Duration.ofMillis(1)).awaitCommitted(2);
                    return null;
                }))
                .as("only the freshness timeout ends the wait for a committed revision")
                .isInstanceOf(KithException.RevisionUnavailable.class);
    }

    @Test
    void anExactSnapshotMustBeReadable() {
        RequestBinding binding = binding(Duration.ofMillis(1));
        store.writeSchema(SCHEMA);
        window.visibleNow(1);
        assertThat(binding.resolve(new Consistency.AtExactSnapshot(new Revision(1))))
                .isEqualTo(1);
        store.index().collectGarbage(1);
        assertThatThrownBy(() -> binding.resolve(new Consistency.AtExactSnapshot(new Revision(0))))
                .isInstanceOf(KithException.RevisionExpired.class);
    }
}

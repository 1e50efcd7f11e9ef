package dev.kith.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.WatchFilter;
import dev.kith.engine.index.MemoryDatastore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Delivery runs on the calling thread here (a direct executor), so every assertion sees it done. */
class WatchHubTest {
    private final MemoryDatastore store = new MemoryDatastore(Clock.systemUTC());
    private final WatchHub hub = new WatchHub(store, Runnable::run);

    WatchHubTest() {
        store.onNewRevisions(hub::revisionsAvailable);
    }

    private static final class Recorder implements Engine.WatchListener {
        final List<Results.ChangeSet> changes = new CopyOnWriteArrayList<>();
        final List<KithException> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onChanges(Results.ChangeSet set) {
            changes.add(set);
        }

        @Override
        public void onError(KithException error) {
            errors.add(error);
        }

        List<Long> revisions() {
            return changes.stream().map(c -> c.revision().value()).toList();
        }
    }

    private long create(String text) {
        return store.write(List.of(RelationshipUpdate.create(Relationship.parse(text))), List.of())
                .value();
    }

    @Test
    void deliversEveryChangeSetAfterTheWatchedRevisionInOrderUntilClosed() throws Exception {
        long first = create("doc:a#viewer@user:ann");
        store.writeSchema("definition user {}");
        Recorder recorder = new Recorder();
        AutoCloseable watch = hub.watch(new Revision(0), WatchFilter.ALL, recorder);
        assertThat(recorder.revisions())
                .as("the schema write changed no relationship")
                .containsExactly(first);

        long second = create("doc:b#viewer@user:bob");
        long third = create("doc:c#viewer@user:cid");
        assertThat(recorder.revisions()).containsExactly(first, second, third);
        assertThat(recorder.changes.get(1).changes())
                .containsExactly(new Results.RelationshipChange(
                        Results.RelationshipChange.Operation.TOUCH, Relationship.parse("doc:b#viewer@user:bob")));

        watch.close();
        create("doc:d#viewer@user:dan");
        assertThat(recorder.revisions()).containsExactly(first, second, third);
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void aWatchWhoseRevisionLeftTheLogEndsWithTheError() {
        create("doc:a#viewer@user:ann");
        create("doc:b#viewer@user:bob");
        store.collectGarbage(Instant.now().plusSeconds(3600));
        Recorder recorder = new Recorder();
        hub.watch(new Revision(0), WatchFilter.ALL, recorder);
        assertThat(recorder.errors).singleElement().isInstanceOf(KithException.RevisionExpired.class);

        create("doc:c#viewer@user:cid");
        assertThat(recorder.changes).as("the failed watch is closed").isEmpty();
        assertThat(recorder.errors).hasSize(1);
    }

    /** A listener that takes {@code room} change sets, then pauses until given more room. */
    private static final class Bounded implements Engine.WatchListener {
        final List<Long> revisions = new CopyOnWriteArrayList<>();
        int room;
        int readyCalls;
        Runnable resume;

        Bounded(int room) {
            this.room = room;
        }

        @Override
        public void onChanges(Results.ChangeSet set) {
            assertThat(room).as("delivered only when ready").isPositive();
            room--;
            revisions.add(set.revision().value());
        }

        @Override
        public boolean ready() {
            readyCalls++;
            return room > 0;
        }

        @Override
        public void onOpen(Runnable resume) {
            this.resume = resume;
        }
    }

    @Test
    void aListenerThatIsNotReadyGetsNothingMoreUntilItResumesThenEverythingOnceInOrder() {
        long a = create("doc:a#viewer@user:ann");
        long b = create("doc:b#viewer@user:bob");
        long c = create("doc:c#viewer@user:cid");
        Bounded listener = new Bounded(1);
        hub.watch(new Revision(0), WatchFilter.ALL, listener);
        assertThat(listener.resume).as("given its resume action as it opened").isNotNull();
        assertThat(listener.revisions).containsExactly(a);

        long d = create("doc:d#viewer@user:dan");
        assertThat(listener.revisions)
                .as("paused: the new revision is not delivered")
                .containsExactly(a);

        listener.room = 2;
        listener.resume.run();
        assertThat(listener.revisions).containsExactly(a, b, c);

        listener.room = 10;
        listener.resume.run();
        listener.resume.run();
        assertThat(listener.revisions).as("each change set exactly once").containsExactly(a, b, c, d);
    }
}

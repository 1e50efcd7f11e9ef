package dev.kith.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.MutableClock;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.index.MemoryDatastore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryReaperTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final MemoryDatastore store = new MemoryDatastore(clock);
    private final RevisionWindow window = new RevisionWindow(store.index(), Duration.ofHours(1), clock);
    private final ExpiryReaper reaper = new ExpiryReaper(store, window, 2);

    private Relationship write(RelationshipUpdate.Operation op, String text) {
        Relationship r = Relationship.parse(text);
        RelationshipUpdate u =
                op == RelationshipUpdate.Operation.CREATE ? RelationshipUpdate.create(r) : RelationshipUpdate.touch(r);
        store.write(List.of(u), List.of());
        reaper.expires(r);
        return r;
    }

    @Test
    void removesExpiredRelationshipsInBatchesAtRevisionsOfTheirOwn() {
        Relationship a =
                write(RelationshipUpdate.Operation.CREATE, "doc:a#viewer@user:ann[expiration:2030-01-01T00:01:00Z]");
        Relationship b =
                write(RelationshipUpdate.Operation.CREATE, "doc:b#viewer@user:bob[expiration:2030-01-01T00:02:00Z]");
        Relationship c =
                write(RelationshipUpdate.Operation.CREATE, "doc:c#viewer@user:cid[expiration:2030-01-01T00:03:00Z]");
        Relationship forever = write(RelationshipUpdate.Operation.CREATE, "doc:e#viewer@user:eve");
        assertThat(reaper.pending())
                .as("a relationship that never expires is not remembered")
                .isEqualTo(3);

        clock.advance(Duration.ofMinutes(5));
        long before = store.headRevision().value();
        reaper.removeExpired(clock.instant());
        assertThat(store.headRevision().value()).isEqualTo(before + 1);
        assertThat(store.stored(a)).isNull();
        assertThat(store.stored(b)).isNull();
        assertThat(store.stored(c)).as("the batch holds at most two").isNotNull();
        assertThat(window.oldestToKeep(clock.instant())).isEqualTo(before + 1);

        reaper.removeExpired(clock.instant());
        assertThat(store.stored(c)).isNull();
        assertThat(store.stored(forever)).isNotNull();
        assertThat(reaper.pending()).isZero();

        long head = store.headRevision().value();
        reaper.removeExpired(clock.instant());
        assertThat(store.headRevision().value())
                .as("nothing left to remove: no revision")
                .isEqualTo(head);
    }

    @Test
    void leavesARelationshipTouchedSinceWithAnotherExpiration() {
        write(RelationshipUpdate.Operation.CREATE, "doc:a#viewer@user:ann[expiration:2030-01-01T00:01:00Z]");
        Relationship later =
                write(RelationshipUpdate.Operation.TOUCH, "doc:a#viewer@user:ann[expiration:2030-01-01T01:00:00Z]");
        Relationship deleted =
                write(RelationshipUpdate.Operation.CREATE, "doc:d#viewer@user:dan[expiration:2030-01-01T00:01:00Z]");
        store.write(List.of(RelationshipUpdate.delete(deleted)), List.of());

        clock.advance(Duration.ofMinutes(5));
        long head = store.headRevision().value();
        reaper.removeExpired(clock.instant());
        assertThat(store.headRevision().value())
                .as("the touched one is not expired, the deleted one is gone already")
                .isEqualTo(head);
        assertThat(store.stored(later)).isEqualTo(later);
        assertThat(reaper.pending()).isEqualTo(1);

        clock.advance(Duration.ofHours(1));
        reaper.removeExpired(clock.instant());
        assertThat(store.stored(later)).isNull();
    }
}

package dev.kith.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.engine.MutableClock;
import dev.kith.engine.index.Index;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevisionWindowTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final Index index = new Index();
    private final RevisionWindow window = new RevisionWindow(index, WINDOW, clock);

    /** Publishes the next revision in the index and records it visible now. */
    private long next() {
        long rev = index.appliedRevision() + 1;
        index.publish(rev);
        window.visibleNow(rev);
        return rev;
    }

    @Test
    void aRevisionNotAppliedYetIsUnavailable() {
        window.visibleNow(0);
        long applied = next();
        assertThat(window.checkReadable(applied)).isEqualTo(applied);
        assertThatThrownBy(() -> window.checkReadable(applied + 1))
                .isInstanceOf(KithException.RevisionUnavailable.class)
                .hasMessageContaining("revision 2 has not been applied here; the newest is 1");
    }

    @Test
    void aRevisionBelowTheIndexsOldestHasExpired() {
        next();
        next();
        index.collectGarbage(2);
        assertThatThrownBy(() -> window.checkReadable(1))
                .isInstanceOf(KithException.RevisionExpired.class)
                .hasMessage("revision 1 has expired: the oldest readable revision is 2");
    }

    @Test
    void aSupersededRevisionExpiresAWindowAfterTheNextOneBecameVisible() {
        long first = next();
        clock.advance(Duration.ofMinutes(5));
        long second = next();
        clock.advance(Duration.ofMinutes(9));
        // the first was superseded 9 minutes ago: still inside the window, though older than one window itself
        assertThat(window.checkReadable(first)).isEqualTo(first);

        clock.advance(Duration.ofMinutes(1));
        long third = next();
        assertThatThrownBy(() -> window.checkReadable(first))
                .as("superseded exactly one window ago")
                .isInstanceOf(KithException.RevisionExpired.class)
                .hasMessage("revision " + first + " has expired: the oldest readable revision is " + second);
        // the newest applied revision never expires, however old
        clock.advance(Duration.ofDays(1));
        assertThat(window.checkReadable(third)).isEqualTo(third);
    }

    @Test
    void whatToKeepIsTheNewestRevisionVisibleAtTheHorizon() {
        Instant start = clock.instant();
        long first = next();
        clock.advance(Duration.ofMinutes(5));
        long second = next();
        clock.advance(Duration.ofMinutes(5));
        next();

        assertThat(window.oldestToKeep(start.minusSeconds(1)))
                .as("nothing visible yet")
                .isEqualTo(-1);
        assertThat(window.oldestToKeep(start)).isEqualTo(first);
        assertThat(window.horizon(clock.instant())).isEqualTo(start);
        assertThat(window.oldestToKeep(window.horizon(clock.instant().plus(Duration.ofMinutes(7)))))
                .isEqualTo(second);

        window.forgetBefore(-1);
        assertThat(window.oldestToKeep(start)).as("nothing forgotten").isEqualTo(first);
        window.forgetBefore(second);
        assertThat(window.oldestToKeep(start))
                .as("the time of the first revision is forgotten")
                .isEqualTo(-1);
        assertThat(window.oldestToKeep(start.plus(Duration.ofMinutes(7)))).isEqualTo(second);
    }
}

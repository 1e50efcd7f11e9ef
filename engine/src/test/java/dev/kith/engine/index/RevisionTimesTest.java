package dev.kith.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RevisionTimesTest {
    private static final Instant T0 = Instant.parse("2026-12-08T00:00:00.000000001Z");

    private static RevisionTimes times(int n) {
        RevisionTimes t = new RevisionTimes();
        for (int i = 0; i < n; i++) t.add(10L * i, T0.plusSeconds(i), "v" + i);
        return t;
    }

    private static List<Long> from(RevisionTimes t, long rev, boolean inclusive) {
        List<Long> out = new ArrayList<>();
        t.forEachFrom(rev, inclusive, (r, at, value) -> out.add(r));
        return out;
    }

    @Test
    void findsTimesValuesAndNeighbours() {
        RevisionTimes t = times(5); // revisions 0, 10, 20, 30, 40 at T0 + 0..4 s

        assertThat(t.size()).isEqualTo(5);
        assertThat(t.timeOf(20)).isEqualTo(T0.plusSeconds(2));
        assertThat(t.timeOf(25)).isNull();
        assertThat(t.valueOf(30)).isEqualTo("v3");
        assertThat(t.timeAfter(20)).isEqualTo(T0.plusSeconds(3));
        assertThat(t.timeAfter(25)).isEqualTo(T0.plusSeconds(3));
        assertThat(t.timeAfter(40)).isNull();
        assertThat(from(t, 20, true)).containsExactly(20L, 30L, 40L);
        assertThat(from(t, 20, false)).containsExactly(30L, 40L);
        assertThat(from(t, 15, false)).containsExactly(20L, 30L, 40L);
    }

    @Test
    void theRevisionInForceAtAnInstantIsTheLastNotAfterIt() {
        RevisionTimes t = times(5);

        assertThat(t.lastNotAfter(T0.minusNanos(1))).isEqualTo(-1);
        assertThat(t.lastNotAfter(T0)).isEqualTo(0);
        assertThat(t.lastNotAfter(T0.plusSeconds(2))).isEqualTo(20);
        assertThat(t.lastNotAfter(T0.plusSeconds(2).minusNanos(1))).isEqualTo(10);
        assertThat(t.lastNotAfter(T0.plusSeconds(99))).isEqualTo(40);
    }

    @Test
    void forgettingKeepsTheRevisionNamedAndEverythingAfter() {
        RevisionTimes t = times(100);

        t.forgetBefore(905);

        assertThat(t.size()).isEqualTo(9);
        assertThat(t.timeOf(900)).isNull();
        assertThat(t.timeOf(910)).isEqualTo(T0.plusSeconds(91));
        assertThat(from(t, 0, true).getFirst()).isEqualTo(910L);
        t.forgetBefore(0);
        assertThat(t.size()).isEqualTo(9);
        t.add(2000, T0.plusSeconds(200), null);
        assertThat(from(t, 990, false)).containsExactly(2000L);
        t.forgetBefore(5000);
        assertThat(t.size()).isZero();
        assertThat(t.lastNotAfter(T0.plusSeconds(999))).isEqualTo(-1);
        t.add(5000, T0.plusSeconds(300), null);
        assertThat(t.timeOf(5000)).isEqualTo(T0.plusSeconds(300));
    }

    @Test
    void aRevisionHeldAgainIsReplacedAndAnOlderOneGoesInItsPlace() {
        RevisionTimes t = times(3); // 0, 10, 20

        t.add(20, T0.plusSeconds(7), "again");
        t.add(5, T0.plusSeconds(1), "between");

        assertThat(t.size()).isEqualTo(4);
        assertThat(t.timeOf(20)).isEqualTo(T0.plusSeconds(7));
        assertThat(t.valueOf(20)).isEqualTo("again");
        assertThat(from(t, 0, true)).containsExactly(0L, 5L, 10L, 20L);
        assertThat(t.valueOf(5)).isEqualTo("between");
        t.add(30, T0.plusSeconds(8), null);
        assertThat(from(t, 10, false)).containsExactly(20L, 30L);
    }

    @Test
    void readersSeeAConsistentAscendingPrefixWhileTheWriterAddsAndForgets() throws Exception {
        RevisionTimes t = new RevisionTimes();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> broken = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!stop.get() && broken.get() == null) {
                long[] last = {-1};
                t.forEachFrom(0, true, (rev, at, value) -> {
                    if (rev <= last[0] || !at.equals(T0.plusNanos(rev)) || !value.equals(rev)) {
                        broken.set("revision " + rev + " after " + last[0] + " at " + at + " with " + value);
                        return false;
                    }
                    last[0] = rev;
                    return true;
                });
            }
        });
        for (long rev = 0; rev < 200_000; rev++) {
            t.add(rev, T0.plusNanos(rev), rev);
            if (rev % 1000 == 999) t.forgetBefore(rev - 500);
        }
        stop.set(true);
        reader.join();

        assertThat(broken.get()).isNull();
        assertThat(t.size()).isEqualTo(501); // 199,499 to 199,999
    }
}

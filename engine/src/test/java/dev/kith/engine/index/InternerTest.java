package dev.kith.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The interner against a plain map: short ASCII names (packed in a long) and all others, through growth. */
class InternerTest {
    @Test
    void agreesWithAHashMapThroughManyGrowths() {
        Interner interner = new Interner();
        Map<String, Integer> expected = new HashMap<>();
        Random random = new Random(3);
        String[] shapes = {"", "AaBB", "AaBBAaBB", "é", "a\0", "12345678"};
        for (int i = 0; i < 100_000; i++) {
            String s =
                    random.nextInt(4) == 0 ? shapes[random.nextInt(shapes.length)] + i % 97 : Integer.toString(i * 3);
            int id = interner.intern(s);
            Integer known = expected.putIfAbsent(s, expected.size());
            assertThat(id).as(s).isEqualTo(known == null ? expected.size() - 1 : known);
        }
        assertThat(interner.intern("")).isEqualTo(expected.size());
        expected.put("", expected.size());
        assertThat(interner.size()).isEqualTo(expected.size());
        expected.forEach((s, id) -> {
            assertThat(interner.find(s)).as(s).isEqualTo(id);
            assertThat(interner.name(id)).isEqualTo(s);
        });
        assertThat(interner.find("never")).isEqualTo(-1);
        assertThat(interner.find("x1")).isEqualTo(-1);
        assertThat(interner.find("1\0")).isEqualTo(-1);
        assertThat(interner.find("BBAa1")).isEqualTo(-1);
    }

    @Test
    void readersOnOtherThreadsFindEveryPublishedName() throws InterruptedException {
        Interner interner = new Interner();
        int n = 50_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            for (int round = 0; round < 20; round++) {
                int seen = Math.min(interner.size(), n);
                for (int i = 0; i < seen; i++) {
                    assertThat(interner.find("id" + i)).isEqualTo(i);
                    assertThat(interner.find("a longer name " + i)).isIn(-1, i + n);
                }
            }
        });
        reader.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        reader.start();
        for (int i = 0; i < n; i++) assertThat(interner.intern("id" + i)).isEqualTo(i);
        for (int i = 0; i < n; i++)
            assertThat(interner.intern("a longer name " + i)).isEqualTo(i + n);
        reader.join();
        assertThat(failure.get()).isNull();
        for (int i = 0; i < n; i++) assertThat(interner.find("id" + i)).isEqualTo(i);
    }
}

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
    void comparesIdsAsTheirStringsCompare() {
        Interner interner = new Interner();
        Random random = new Random(11);
        String alphabet = "\u007f019AZaz_-|é";
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(
                "", "a", "ab", "abc", "12345678", "123456789", "b", "\u007f", "\u007f\u007f", "é", "aé"));
        for (int i = 0; i < 2_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(11);
            for (int k = 0; k < n; k++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            all.add(b.toString());
        }
        int[] ids = all.stream().mapToInt(interner::intern).toArray();
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < ids.length; j += 7) {
                String a = interner.name(ids[i]);
                String b = interner.name(ids[j]);
                assertThat(Integer.signum(interner.compare(ids[i], ids[j])))
                        .as("%s against %s", a, b)
                        .isEqualTo(Integer.signum(a.compareTo(b)));
            }
        }
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

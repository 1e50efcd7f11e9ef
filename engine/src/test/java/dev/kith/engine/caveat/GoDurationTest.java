package dev.kith.engine.caveat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "10s, 10000000000",
        "1h30m, 5400000000000",
        "1.5h, 5400000000000",
        "-1m, -60000000000",
        "+2ms, 2000000",
        "3us, 3000",
        "3µs, 3000",
        "7ns, 7",
        ".5s, 500000000",
        "1h2m3s4ms5us6ns, 3723004005006",
        "1.0000000019s, 1000000001"
    })
    void parsesGoDurations(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "10", "1d", "h", "1..5s", ".s", "1h 30m", "3000000h"})
    void refusesOtherText(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.kith.engine.caveat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "2030-01-01T00:00:00Z",
                "2024-02-29T23:59:59Z",
                "2024-03-01T09:30:00.25+01:00",
                "1999-12-31T23:00:00-05:30",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "2024-03-01T09:30:00.123456789123Z",
                "2024-03-01t09:30:00z"
            })
    void agreesWithJavaTime(String text) {
        OffsetDateTime expected =
                OffsetDateTime.parse(text.toUpperCase(java.util.Locale.ROOT).replaceAll("\\.(\\d{9})\\d+", ".$1"));
        assertThat(Rfc3339.parse(text)).isEqualTo(expected.toInstant());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "2030-01-01",
                "2030-01-01T00:00:00",
                "2030-01-01 00:00:00Z",
                "2030-13-01T00:00:00Z",
                "2023-02-29T00:00:00Z",
                "2030-01-01T24:00:00Z",
                "2030-01-01T00:00:60Z",
                "2030-01-01T00:00:00.Z",
                "2030-01-01T00:00:00+0100",
                "2030-01-01T00:00:00Zjunk",
                "0000-01-01T00:00:00Z",
                "yesterday"
            })
    void refusesOtherText(String text) {
        assertThatThrownBy(() -> Rfc3339.parse(text)).isInstanceOf(DateTimeException.class);
    }
}

package dev.kith.engine.caveat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Parses Go's duration syntax, which SpiceDB's caveat context uses: an optional sign, then one or more decimal
 * numbers (with an optional fraction) each followed by a unit {@code ns}, {@code us} ({@code µs}), {@code ms},
 * {@code s}, {@code m} or {@code h}, e.g. {@code "1h30m"}, {@code "1.5h"}, {@code "-10s"}; a bare {@code "0"} is
 * zero. Fractions of a nanosecond are truncated, as Go does.
 */
final class GoDuration {
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private GoDuration() {}

    /** The duration {@code text} denotes; {@link IllegalArgumentException} with the reason if malformed. */
    static Duration parse(String text) {
        int i = 0;
        boolean negative = false;
        if (!text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        if (text.substring(i).equals("0")) return Duration.ZERO;
        if (i == text.length()) throw malformed(text);
        BigDecimal nanos = BigDecimal.ZERO;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) i++;
            String number = text.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw malformed(text);
            }
            int unitStart = i;
            while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') i++;
            long unit = unitNanos(text.substring(unitStart, i));
            if (unit == 0) throw malformed(text);
            nanos = nanos.add(
                    new BigDecimal(number.startsWith(".") ? "0" + number : number).multiply(BigDecimal.valueOf(unit)));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
        }
        long whole = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
        return Duration.ofNanos(negative ? -whole : whole);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 0L;
        };
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration such as \"1h30m\", \"10s\" or \"1.5h\"");
    }
}

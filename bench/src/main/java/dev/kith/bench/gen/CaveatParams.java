package dev.kith.bench.gen;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * The two caveats of the caveats dataset and how the generator evaluates them in plain Java: {@code in_network}
 * (the request's {@code client_ip} lies in the stored {@code network}, one of {@code 10.k.0.0/16}) and
 * {@code in_window} (the request's {@code now} lies in the stored {@code [not_before, not_after)}, a three-month
 * window starting on the first of a month of 2026).
 */
final class CaveatParams {
    static final int NONE = 0;
    static final int IN_NETWORK = 1;
    static final int IN_WINDOW = 2;

    static final int NETWORKS = 8;
    static final int WINDOWS = 12;

    static final String SCHEMA = """
            caveat in_network(client_ip ipaddress, network string) {
                client_ip.in_cidr(network)
            }

            caveat in_window(now timestamp, not_before timestamp, not_after timestamp) {
                now >= not_before && now < not_after
            }
            """;

    /** The range in which query times fall: 2025-07-01 up to 2027-01-01. */
    private static final long FIRST_NOW =
            LocalDate.of(2025, 7, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);

    private static final long LAST_NOW = LocalDate.of(2027, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);

    private CaveatParams() {}

    static String caveatName(int kind) {
        return switch (kind) {
            case IN_NETWORK -> "in_network";
            case IN_WINDOW -> "in_window";
            default -> throw new IllegalArgumentException("no caveat of kind " + kind);
        };
    }

    static String network(int index) {
        return "10." + index + ".0.0/16";
    }

    static long windowStart(int index) {
        return LocalDate.of(2026, 1, 1).plusMonths(index).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }

    static long windowEnd(int index) {
        return LocalDate.of(2026, 1, 1).plusMonths(index + 3L).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }

    /** The relationship's caveat bracket, e.g. {@code [in_network:{"network":"10.3.0.0/16"}]}. */
    static void appendBracket(StringBuilder line, int kind, int arg) {
        line.append('[').append(caveatName(kind)).append(":{");
        switch (kind) {
            case IN_NETWORK ->
                line.append("\"network\":\"").append(network(arg)).append('"');
            case IN_WINDOW ->
                line.append("\"not_before\":\"")
                        .append(Instant.ofEpochSecond(windowStart(arg)))
                        .append("\",\"not_after\":\"")
                        .append(Instant.ofEpochSecond(windowEnd(arg)))
                        .append('"');
            default -> throw new IllegalArgumentException("no caveat of kind " + kind);
        }
        line.append("}]");
    }

    /** Whether a grant's caveat holds for a request context; a grant without caveat always holds. */
    static boolean holds(int kind, int arg, Context context) {
        return switch (kind) {
            case NONE -> true;
            case IN_NETWORK -> (context.clientIp >>> 16) == ((10 << 8) | arg);
            case IN_WINDOW -> context.now >= windowStart(arg) && context.now < windowEnd(arg);
            default -> throw new IllegalArgumentException("no caveat of kind " + kind);
        };
    }

    /**
     * A query's context: {@code client_ip} (IPv4 as an int) and {@code now} (epoch seconds).
     *
     * @param clientIp the IPv4 address, big-endian
     * @param now the time in epoch seconds
     */
    record Context(int clientIp, long now) {
        static Context random(Random random) {
            int ip = (10 << 24)
                    | (random.nextInt(NETWORKS) << 16)
                    | (random.nextInt(256) << 8)
                    | (1 + random.nextInt(254));
            long hours = (LAST_NOW - FIRST_NOW) / 3600;
            return new Context(ip, FIRST_NOW + 3600 * (long) random.nextInt((int) hours));
        }

        String json() {
            return "{\"client_ip\":\"" + (clientIp >>> 24) + '.' + ((clientIp >>> 16) & 0xff) + '.'
                    + ((clientIp >>> 8) & 0xff) + '.' + (clientIp & 0xff) + "\",\"now\":\""
                    + Instant.ofEpochSecond(now) + "\"}";
        }
    }
}

package dev.kith.engine.caveat;

import java.util.Arrays;

/**
 * The runtime value of a caveat parameter of type {@code ipaddress}: an IPv4 (4 bytes) or IPv6 (16 bytes)
 * address, parsed from its textual form without any name lookup. {@link #inCidr} implements the CEL member
 * function {@code ip.in_cidr("10.0.0.0/8")}: true when the address lies in the prefix; an IPv4 address is
 * never inside an IPv6 prefix nor the other way round (IPv4-mapped IPv6 addresses are IPv6 addresses).
 */
final class IpAddress {
    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Parses an IPv4 dotted quad or an IPv6 address; throws {@link IllegalArgumentException} with the reason. */
    static IpAddress parse(String text) {
        byte[] b = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
        if (b == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        return new IpAddress(b);
    }

    /** Whether this address is inside {@code cidr} ({@code address/prefix-length}). */
    boolean inCidr(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR prefix such as 10.0.0.0/8");
        }
        String address = cidr.substring(0, slash);
        byte[] network = address.indexOf(':') >= 0 ? parseV6(address) : parseV4(address);
        int bits = parseDecimal(cidr, slash + 1, cidr.length(), 128);
        if (network == null || bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR prefix such as 10.0.0.0/8");
        }
        if (network.length != bytes.length) return false;
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) return false;
        }
        int rest = bits % 8;
        if (rest == 0) return true;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    boolean isV4() {
        return bytes.length == 4;
    }

    private static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int start = 0;
        for (int part = 0; part < 4; part++) {
            int end = part == 3 ? s.length() : s.indexOf('.', start);
            if (end < 0) return null;
            int value = parseDecimal(s, start, end, 255);
            if (value < 0) return null;
            out[part] = (byte) value;
            start = end + 1;
        }
        return out;
    }

    /** A decimal number in {@code s[from, to)} without leading zeros, at most {@code max}; -1 if malformed. */
    private static int parseDecimal(String s, int from, int to, int max) {
        int len = to - from;
        if (len < 1 || len > 3 || (len > 1 && s.charAt(from) == '0')) return -1;
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static byte[] parseV6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) return null;
        byte[] head = gap < 0 ? parseV6Groups(s, true) : parseV6Groups(s.substring(0, gap), false);
        byte[] tail = gap < 0 ? new byte[0] : parseV6Groups(s.substring(gap + 2), true);
        if (head == null || tail == null) return null;
        int total = head.length + tail.length;
        if (gap < 0 ? total != 16 : total > 14) return null;
        byte[] out = new byte[16];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, 16 - tail.length, tail.length);
        return out;
    }

    /** Colon-separated hex groups, the last possibly a dotted IPv4 address when {@code ipv4Tail}. */
    private static byte[] parseV6Groups(String s, boolean ipv4Tail) {
        if (s.isEmpty()) return new byte[0];
        String[] groups = s.split(":", -1);
        byte[] out = new byte[groups.length * 2 + 2];
        int n = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (ipv4Tail && i == groups.length - 1 && g.indexOf('.') >= 0) {
                byte[] v4 = parseV4(g);
                if (v4 == null) return null;
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
                continue;
            }
            if (g.isEmpty() || g.length() > 4) return null;
            int value = 0;
            for (int k = 0; k < g.length(); k++) {
                int d = Character.digit(g.charAt(k), 16);
                if (d < 0) return null;
                value = value * 16 + d;
            }
            out[n++] = (byte) (value >> 8);
            out[n++] = (byte) value;
        }
        return n > 16 ? null : Arrays.copyOf(out, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (isV4()) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) b.append(':');
            b.append(Integer.toHexString(((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF)));
        }
        return b.toString();
    }
}

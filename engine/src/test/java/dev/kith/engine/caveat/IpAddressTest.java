package dev.kith.engine.caveat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {
    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 10.0.0.1",
        "255.255.255.255, 255.255.255.255",
        "::, 0:0:0:0:0:0:0:0",
        "::1, 0:0:0:0:0:0:0:1",
        "2001:db8::ff00:42:8329, 2001:db8:0:0:0:ff00:42:8329",
        "2001:DB8:0:0:8:800:200C:417A, 2001:db8:0:0:8:800:200c:417a",
        "::ffff:192.0.2.128, 0:0:0:0:0:ffff:c000:280",
        "fe80::, fe80:0:0:0:0:0:0:0"
    })
    void parsesLiterals(String text, String canonical) {
        assertThat(IpAddress.parse(text).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "10.0.0",
                "10.0.0.256",
                "10.0.0.01",
                "10.0.0.1.2",
                "a.b.c.d",
                "1::2::3",
                "12345::",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7",
                "fe80::1%eth0",
                "localhost",
                ":1:2:3:4:5:6:7"
            })
    void refusesOtherText(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv4 or IPv6 address");
    }

    @ParameterizedTest
    @CsvSource({
        "10.1.2.3, 10.0.0.0/8, true",
        "10.1.2.3, 10.1.2.3/32, true",
        "10.1.2.4, 10.1.2.3/32, false",
        "10.1.2.3, 0.0.0.0/0, true",
        "172.16.5.4, 172.16.0.0/12, true",
        "172.32.0.1, 172.16.0.0/12, false",
        "10.1.2.3, 10.255.0.0/8, true",
        "2001:db8::1, 2001:db8::/32, true",
        "2001:db8:8000::1, 2001:db8::/33, false",
        "2001:db8:7fff::1, 2001:db8::/33, true",
        "::ffff:10.0.0.1, 10.0.0.0/8, false",
        "10.0.0.1, ::ffff:10.0.0.0/104, false"
    })
    void matchesPrefixesOfTheSameFamily(String address, String cidr, boolean inside) {
        assertThat(IpAddress.parse(address).inCidr(cidr)).isEqualTo(inside);
    }

    @Test
    void refusesMalformedPrefixes() {
        IpAddress ip = IpAddress.parse("10.0.0.1");
        for (String cidr :
                new String[] {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "::/129", "10.0.0.0/08"}) {
            assertThatThrownBy(() -> ip.inCidr(cidr))
                    .as(cidr)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a CIDR prefix");
        }
    }
}

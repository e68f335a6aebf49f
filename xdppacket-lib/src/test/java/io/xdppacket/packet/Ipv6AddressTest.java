package io.xdppacket.packet;

import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv6AddressTest {

    @Test
    void parsesTheTextFormsAndPrintsTheCanonicalOne() {
        Ipv6Address a = Ipv6Address.parse("2001:0DB8:0000:0000:0000:0000:0000:0001");
        assertEquals(0x2001_0DB8_0000_0000L, a.high());
        assertEquals(1, a.low());
        assertEquals("2001:db8::1", a.toString());
        assertEquals(a, Ipv6Address.parse("2001:db8::1"));
        assertEquals(new Ipv6Address(0, 0), Ipv6Address.parse("::"));
        assertEquals("::", new Ipv6Address(0, 0).toString());
        assertEquals("::1", Ipv6Address.LOOPBACK.toString());
        assertEquals("1::", Ipv6Address.parse("1:0:0:0:0:0:0:0").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", Ipv6Address.parse("2001:db8::1:1:1:1:1").toString(), "one zero group stays");
        assertEquals("2001:0:0:1::1", Ipv6Address.parse("2001:0:0:1:0:0:0:1").toString(), "the longest run");
        assertEquals("2001:db8::1:0:0:1", Ipv6Address.parse("2001:db8:0:0:1:0:0:1").toString(), "the first of equal runs");
        assertEquals("::ffff:198.18.0.1", Ipv6Address.parse("::ffff:c612:1").toString());
        assertEquals(Ipv6Address.parse("::ffff:c612:1"), Ipv6Address.parse("::FFFF:198.18.0.1"));
        assertEquals(Ipv6Address.parse("64:ff9b::c612:1"), Ipv6Address.parse("64:ff9b::198.18.0.1"));
    }

    @Test
    void bytesAndDerivedAddresses() {
        Ipv6Address a = Ipv6Address.parse("fe80::1234:5678:9abc:def0");
        byte[] b = a.toBytes();
        assertEquals(16, b.length);
        assertEquals((byte) 0xFE, b[0]);
        assertEquals((byte) 0xF0, b[15]);
        assertEquals(a, Ipv6Address.of(b));
        byte[] dst = new byte[18];
        a.writeTo(dst, 1);
        assertArrayEquals(b, java.util.Arrays.copyOfRange(dst, 1, 17));
        assertTrue(a.isLinkLocal());
        assertFalse(a.isMulticast());
        Ipv6Address solicited = a.solicitedNode();
        assertEquals("ff02::1:ffbc:def0", solicited.toString());
        assertTrue(solicited.isMulticast());
        assertEquals("33:33:ff:bc:de:f0", MacAddress.ofIpv6Multicast(solicited).toString());
        assertThrows(IllegalArgumentException.class, () -> Ipv6Address.of(new byte[15]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1::2:", "12345::",
            "g::", "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", "[::1]", " ::1"})
    void rejectsMalformedTextNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv6Address.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
    }

    /** Python's ipaddress module, nobody's here, prints RFC 5952 text; ours must match it and parse its output back. */
    @Test
    @Privileged(tools = Tools.PYTHON)
    void agreesWithPythonsIpaddressOnRandomAddresses(@TempDir Path dir) throws IOException {
        Random rnd = new Random(3);
        List<Ipv6Address> addresses = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            long high = 0, low = 0;
            for (int g = 0; g < 8; g++) {
                int v = rnd.nextInt(4) == 0 ? rnd.nextInt(65536) : rnd.nextInt(3) == 0 ? 1 : 0; // many zero runs
                if (g < 4) high = high << 16 | v;
                else low = low << 16 | v;
            }
            if (high == 0 && (low >>> 32) == 0xFFFF) continue; // mapped: Python 3.11 prints it in hex
            addresses.add(new Ipv6Address(high, low));
        }
        Path hex = dir.resolve("addresses.hex");
        Files.write(hex, addresses.stream().map(a -> HexFormat.of().formatHex(a.toBytes())).toList());
        String script = """
                import ipaddress, sys
                for line in open(sys.argv[1]).read().split():
                    print(ipaddress.IPv6Address(bytes.fromhex(line)))
                """;
        List<String> python = Tools.run(Tools.PYTHON, "-c", script, hex.toString()).stdout().lines().toList();
        assertEquals(addresses.size(), python.size());
        for (int i = 0; i < addresses.size(); i++) {
            assertEquals(python.get(i), addresses.get(i).toString());
            assertEquals(addresses.get(i), Ipv6Address.parse(python.get(i)));
        }
    }
}

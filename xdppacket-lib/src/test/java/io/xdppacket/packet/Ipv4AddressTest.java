package io.xdppacket.packet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4AddressTest {

    @Test
    void parsesAndFormatsDottedQuad() {
        Ipv4Address a = Ipv4Address.parse("198.19.255.254");
        assertEquals(0xC613FFFE, a.value());
        assertEquals("198.19.255.254", a.toString());
        assertEquals("0.0.0.0", Ipv4Address.parse("0.0.0.0").toString());
        assertEquals("255.255.255.255", new Ipv4Address(-1).toString());
    }

    @Test
    void bytesAreInNetworkOrder() {
        byte[] wire = {(byte) 198, 18, 0, 1};
        assertArrayEquals(wire, Ipv4Address.parse("198.18.0.1").toBytes());
        assertEquals(Ipv4Address.parse("198.18.0.1"), Ipv4Address.of(wire));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of(new byte[16]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "198.18.0", "198.18.0.1.", "198.18.0.1.2", "198.18.0.256", "198.18..1", "198.18.0.01",
            "198.18.0.-1", "+198.18.0.1", "198.18.0.1 ", "a.b.c.d", "1981.8.0.1", "198.18.0.0/15"})
    void rejectsMalformedTextNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
    }
}

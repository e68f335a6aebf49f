package io.xdppacket.packet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest {

    @Test
    void parsesBothSeparatorsAndCasesToTheSameValue() {
        MacAddress a = MacAddress.parse("02:1a:Bc:00:fF:09");
        assertEquals(0x02_1A_BC_00_FF_09L, a.value());
        assertEquals(a, MacAddress.parse("02-1A-BC-00-FF-09"));
        assertEquals("02:1a:bc:00:ff:09", a.toString());
        assertEquals(a, MacAddress.parse(a.toString()));
    }

    @Test
    void bytesAreInWireOrder() {
        byte[] wire = {0x02, 0x1A, (byte) 0xBC, 0x00, (byte) 0xFF, 0x09};
        assertArrayEquals(wire, MacAddress.parse("02:1a:bc:00:ff:09").toBytes());
        assertEquals(MacAddress.parse("02:1a:bc:00:ff:09"), MacAddress.of(wire));
        byte[] dst = new byte[8];
        MacAddress.of(wire).writeTo(dst, 1);
        assertArrayEquals(new byte[] {0, 0x02, 0x1A, (byte) 0xBC, 0x00, (byte) 0xFF, 0x09, 0}, dst);
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:0g", "02:00-00:00:00:01",
            "2:00:00:00:00:001", "02.00.00.00.00.01", " 02:00:00:00:00:01", "0200.0000.0001"})
    void rejectsMalformedTextNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
    }

    @Test
    void rejectsValuesAndArraysOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
    }
}

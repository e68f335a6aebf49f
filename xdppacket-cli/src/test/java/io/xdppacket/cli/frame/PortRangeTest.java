package io.xdppacket.cli.frame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortRangeTest {

    @Test
    void parsesOnePortOrARange() {
        assertEquals(new PortRange(9, 9), PortRange.parse("9"));
        assertEquals(new PortRange(1024, 2047), PortRange.parse("1024-2047"));
        assertEquals(1024, PortRange.parse("1024-2047").size());
        assertEquals(65536, PortRange.parse("0-65535").size());
        assertEquals("1024-2047", PortRange.parse("1024-2047").toString());
        assertEquals("9", PortRange.of(9).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "9-", "-9", "2047-1024", "65536", "1-70000", "+9", "9 - 10", "x", "100000"})
    void rejectsMalformedTextNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortRange.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
    }
}

package io.xdppacket.cli.traffic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvertersTest {
    private final Converters.DurationConverter duration = new Converters.DurationConverter();

    @ParameterizedTest
    @CsvSource({"10, 10000000000", "1.5, 1500000000", "10s, 10000000000", "500ms, 500000000", "250us, 250000",
            "7ns, 7", "2m, 120000000000", "1h, 3600000000000", "0.001s, 1000000", "1.000000001s, 1000000001"})
    void durations(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), duration.convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "-1", "-1s", "1 s", "1.s", ".5", "10sec", "1e3", "PT10S", "1.0000000001"})
    void notDurations(String text) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> duration.convert(text));
        assertTrue(e.getMessage().startsWith("'" + text + "' is not a duration"), e.getMessage());
    }

    @Test
    void zeroAndHugeAreRefused() {
        assertEquals("'0s': must be more than 0", assertThrows(TypeConversionException.class, () -> duration.convert("0s")).getMessage());
        assertTrue(assertThrows(TypeConversionException.class, () -> duration.convert("999999999999h")).getMessage()
                .contains("too long"));
    }

    @Test
    void addressesAndPortsCarryTheParsersMessage() {
        assertTrue(assertThrows(TypeConversionException.class, () -> new Converters.MacConverter().convert("x"))
                .getMessage().startsWith("not a MAC address: \"x\""));
        assertTrue(assertThrows(TypeConversionException.class, () -> new Converters.Ipv4Converter().convert("1.2.3.04"))
                .getMessage().startsWith("not an IPv4 address: \"1.2.3.04\""));
        assertTrue(assertThrows(TypeConversionException.class, () -> new Converters.PortRangeConverter().convert("9-8"))
                .getMessage().startsWith("not a port range: \"9-8\""));
        assertEquals("02:00:00:00:00:0a", new Converters.MacConverter().convert("02-00-00-00-00-0A").toString());
        assertEquals("1000-1003", new Converters.PortRangeConverter().convert("1000-1003").toString());
    }
}

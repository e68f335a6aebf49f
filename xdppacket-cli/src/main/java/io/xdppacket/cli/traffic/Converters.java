package io.xdppacket.cli.traffic;

import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.frame.PortRange;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Option text to values. A bad value becomes picocli's one-line usage error naming the option, the
 * value and the expected form: {@code Invalid value for option '--dst-mac': not a MAC address: "x" (...)}.
 */
public final class Converters {
    private Converters() {}

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 250us}; a bare number is seconds ({@code 1.5}). More than 0. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)(ns|us|ms|s|m|h)?");

        @Override
        public Duration convert(String text) {
            Matcher m = FORM.matcher(text.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + text + "' is not a duration (expected a number with an optional unit"
                        + " ns, us, ms, s, m or h, e.g. 10s, 500ms, 2m; no unit means seconds)");
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            long nanosPerUnit = switch (unit) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new TypeConversionException("'" + text + "' is too long a duration (at most 292 years)");
            }
            if (nanos.signum() == 0) throw new TypeConversionException("'" + text + "': must be more than 0");
            return Duration.ofNanos(nanos.longValue());
        }
    }

    public static final class MacConverter implements ITypeConverter<MacAddress> {
        @Override
        public MacAddress convert(String text) {
            try {
                return MacAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class Ipv4Converter implements ITypeConverter<Ipv4Address> {
        @Override
        public Ipv4Address convert(String text) {
            try {
                return Ipv4Address.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class PortRangeConverter implements ITypeConverter<PortRange> {
        @Override
        public PortRange convert(String text) {
            try {
                return PortRange.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

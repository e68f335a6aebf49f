package io.xdppacket.cli.traffic;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.testing.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.xdppacket.cli.testing.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every option of {@code send} and {@code recv} with a bad value: exit code 2, nothing on stdout, and
 * one line on stderr naming the option, the value and the rule (picocli adds a "try --help" line to
 * its own parse errors), never a stack trace. All of this is decided before anything is opened, so
 * it needs no privilege.
 */
class BadArgumentsTest {

    /** {@code args} (after the subcommand and IFACE), then the fragments the error line must contain. */
    private static Arguments bad(String args, String... fragments) {
        return Arguments.of(args, List.of(fragments));
    }

    /** Options both commands share. */
    private static Stream<Arguments> common() {
        return Stream.of(
                bad("--mode xdp", "--mode xdp", "auto, drv or skb"),
                bad("--ring-size 100", "--ring-size 100", "power of two", "16", "1048576"),
                bad("--ring-size 8", "--ring-size 8", "power of two"),
                bad("--ring-size big", "--ring-size", "'big'"),
                bad("--ring-size 1024 --frames 512", "--frames 512", "between --ring-size (1024) and 1048576"),
                bad("--frames 2000000", "--frames 2000000", "1048576"),
                bad("--frame-size 3000", "--frame-size 3000", "2048 or 4096"),
                bad("--batch 0", "--batch 0", "between 1 and 1024"),
                bad("--batch 2000", "--batch 2000", "between 1 and 1024"),
                bad("--queues 0", "--queues 0", "at least 1"),
                bad("--queues -2", "--queues -2", "at least 1"),
                bad("--queues x", "--queues x", "a number of queues", "'all'"),
                bad("--queues 2.5", "--queues 2.5", "a number of queues"),
                bad("--cpu -1", "--cpu -1", "between 0 and"),
                bad("--cpu 4096", "--cpu 4096", "between 0 and"),
                bad("--netns a/b", "--netns 'a/b'", "ip netns list"),
                bad("--count 0", "--count 0", "at least 1"),
                bad("--count -3", "--count -3", "at least 1"),
                bad("--count many", "--count", "'many'"),
                bad("--duration 0", "--duration", "'0'", "more than 0"),
                bad("--duration 0ms", "--duration", "'0ms'", "more than 0"),
                bad("--duration 5x", "--duration", "'5x' is not a duration", "ms"),
                bad("--duration -1s", "--duration", "'-1s' is not a duration"),
                bad("--bogus", "Unknown option", "--bogus"));
    }

    private static Stream<Arguments> send() {
        return Stream.concat(common(), Stream.of(
                bad("--size 59", "--size 59", "between 60 and 1514"),
                bad("--size 1515", "--size 1515", "between 60 and 1514"),
                bad("--size x", "--size", "'x'"),
                bad("--rate 0", "--rate 0.0", "more than 0"),
                bad("--rate -5", "--rate -5.0", "more than 0"),
                bad("--rate 2e9", "--rate 2.0E9", "at most 1000000000"),
                bad("--src-mac 02:00:00:00:00", "--src-mac", "not a MAC address", "02:00:00:00:00"),
                bad("--dst-mac zz:00:00:00:00:01", "--dst-mac", "not a MAC address"),
                bad("--src-ip 198.18.0", "--src-ip", "not an IPv4 address", "198.18.0"),
                bad("--dst-ip 198.18.0.256", "--dst-ip", "not an IPv4 address"),
                bad("--src-port 70000", "--src-port", "not a port range", "70000"),
                bad("--dst-port 10-5", "--dst-port", "not a port range", "10-5"),
                bad("--loop 2", "--loop 2", "only with --pcap"),
                bad("--pcap x.pcap --size 100", "--size cannot be used with --pcap"),
                bad("--pcap x.pcap --dst-port 7", "--dst-port cannot be used with --pcap"),
                bad("--pcap x.pcap --loop -1", "--loop -1", "0 (no end) or more")));
    }

    private static Stream<Arguments> recv() {
        return Stream.concat(common(), Stream.of(
                bad("--snaplen 100", "--snaplen 100", "only with --write"),
                bad("--write x.pcap --snaplen 0", "--snaplen 0", "between 1 and 262144"),
                bad("--write x.pcap --snaplen 300000", "--snaplen 300000", "between 1 and 262144"),
                bad("--write x.txt", "--write x.txt", ".pcap or .pcapng")));
    }

    @ParameterizedTest(name = "send IFACE {0}")
    @MethodSource("send")
    void send(String args, List<String> fragments) {
        check("send", args, fragments);
    }

    @ParameterizedTest(name = "recv IFACE {0}")
    @MethodSource("recv")
    void recv(String args, List<String> fragments) {
        check("recv", args, fragments);
    }

    static void check(String command, String args, List<String> fragments) {
        List<String> argv = new ArrayList<>(List.of(command, "vX"));
        argv.addAll(List.of(args.split(" ")));
        Cli.Run r = Cli.run(argv.toArray(String[]::new));
        assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
        assertEquals("", r.out(), "nothing on stdout");
        assertOneLineError(r, "xdppacket " + command + ": ", fragments);
    }
}

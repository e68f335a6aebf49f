package io.xdppacket.cli.bench;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.testing.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.xdppacket.cli.testing.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every option of {@code bench} with a bad value: exit code 2, nothing on stdout, one line on stderr
 * naming the option, the value and the rule. Decided before anything is created, so no privilege is needed.
 */
class BenchArgumentsTest {

    private static Arguments bad(String args, String... fragments) {
        return Arguments.of(args, List.of(fragments));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("--size 59", "--size 59", "between 60 and 1514"),
                bad("--size 1515", "--size 1515", "between 60 and 1514"),
                bad("--batch 0", "--batch 0", "between 1 and 1024"),
                bad("--queues 1", "--queues 1", "between 2 and 16"),
                bad("--queues 17", "--queues 17", "between 2 and 16"),
                bad("--rounds 0", "--rounds 0", "between 1 and 100"),
                bad("--seconds 0", "--seconds 0.0", "between 0.1 and 600"),
                bad("--warmup -1", "--warmup -1.0", "between 0 and 60"),
                bad("--rows 12", "--rows 12", "rows are 2..11"),
                bad("--rows 1", "--rows 1", "row 1 is the test environment"),
                bad("--rows two", "--rows", "'two'"),
                bad("--mode xdp", "--mode xdp", "drv or skb"),
                bad("--wait spin", "--wait spin", "busy or poll"),
                bad("--quick --seconds 3", "--quick sets its own timing"),
                bad("--c-dir /tmp", "--c-dir /tmp", "only with --compare-c"),
                bad("--compare-c --c-dir /nonexistent/cbench", "--c-dir /nonexistent/cbench", "not the C side's sources",
                        "no Makefile"),
                bad("--bogus", "Unknown option", "--bogus"));
    }

    @ParameterizedTest(name = "bench {0}")
    @MethodSource("cases")
    void badValueIsOneLineUsageError(String args, List<String> fragments) {
        Cli.Run r = Cli.run(("bench " + args).split(" "));
        assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
        assertEquals("", r.out(), "nothing on stdout");
        assertOneLineError(r, "xdppacket bench: ", fragments);
    }
}

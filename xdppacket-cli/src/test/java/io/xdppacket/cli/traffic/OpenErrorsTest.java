package io.xdppacket.cli.traffic;

import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.testing.Cli;
import io.xdppacket.cli.testing.Jvm;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.xdppacket.cli.testing.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Errors found when the commands look for their interface and open their socket: exit code 2 for a
 * name that is not there (with the library's message), 3 without privilege, and a stack trace only
 * with --verbose.
 */
class OpenErrorsTest {
    @TempDir
    Path dir;

    @Test
    @Privileged(tools = "ip")
    void unknownInterfaceOrNamespaceIsAUsageError() {
        for (String command : List.of("send", "recv")) {
            Cli.Run r = Cli.run(command, "nosuch0", "--count", "1");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertOneLineError(r, "xdppacket " + command + ": ", List.of("if_nametoindex(nosuch0) failed: ENODEV",
                    "no network interface named 'nosuch0' in this network namespace (ip link show)"));

            r = Cli.run(command, "vX", "--netns", "xpnosuchns");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertOneLineError(r, "xdppacket " + command + ": --netns xpnosuchns: ",
                    List.of("no network namespace named 'xpnosuchns' (ip netns list)"));
        }
    }

    /** The name is looked up inside --netns: the interface exists, but in the other namespace. */
    @Test
    @Privileged(tools = "ip")
    void theInterfaceIsLookedUpInItsNamespace() {
        try (VethPair veth = VethPair.create()) {
            Cli.Run r = Cli.run("send", veth.ifA(), "--netns", veth.nsB(), "--count", "1");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertOneLineError(r, "xdppacket send: ", List.of("no network interface named '" + veth.ifA() + "'"));
            assertEquals(0, veth.statistic(veth.nsB(), veth.ifB(), "rx_packets"));
        }
    }

    /**
     * More queues than the interface has: a usage error naming the interface, the value and its
     * queue count, before anything is opened. send counts TX queues, recv RX queues.
     */
    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void moreQueuesThanTheInterfaceHasIsAUsageError() {
        try (VethPair veth = VethPair.create(4, 1500)) {
            Cli.Run r = Cli.run("recv", veth.ifB(), "--netns", veth.nsB(), "--queues", "5", "--count", "1");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertEquals("", r.out());
            assertOneLineError(r, "xdppacket recv: --queues 5: ", List.of(veth.ifB() + " (netns " + veth.nsB() + ") has 4 RX queues in use",
                    "ethtool -l " + veth.ifB()));
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), "nothing was opened");

            // send counts the TX queues: with 2 of 4 in use, 3 is too many, though there are 4 RX queues.
            Tools.run("ip", "netns", "exec", veth.nsA(), "ethtool", "-L", veth.ifA(), "tx", "2");
            r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--queues", "3", "--count", "1");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertOneLineError(r, "xdppacket send: --queues 3: ", List.of(veth.ifA() + " (netns " + veth.nsA() + ") has 2 TX queues in use"));
            assertEquals(0, veth.statistic(veth.nsB(), veth.ifB(), "rx_packets"), "nothing was sent");

            // A write gives each queue a chunk of its batch: fewer frames than queues would starve the last ones.
            r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--queues", "2", "--batch", "1", "--count", "1");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertOneLineError(r, "xdppacket send: --batch 1: ", List.of("at least --queues (2)"));

            // all: every queue there is, here 2 TX queues.
            r = Cli.run("send", veth.ifA(), "--netns", veth.nsA(), "--queues", "all", "--count", "10");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("2", r.summary().get("queues"), r::toString);
            assertTrue(r.err().startsWith("send: " + veth.ifA() + " (netns " + veth.nsA() + ") queues 0-1, "), r::toString);
        }
    }

    @Test
    @Privileged(tools = "ip")
    void verboseAddsTheStackTrace() {
        Cli.Run r = Cli.run("recv", "nosuch0", "--verbose");
        assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().lines().count() > 3 && r.err().contains("\tat io.xdppacket."), r::toString);
    }

    @Test
    @Privileged(tools = "ip")
    void captureFileThatCannotBeCreated() {
        try (VethPair veth = VethPair.create()) {
            Path bad = dir.resolve("no/such/dir/x.pcap");
            Cli.Run r = Cli.run("recv", veth.ifB(), "--netns", veth.nsB(), "--write", bad.toString(), "--count", "1");
            assertEquals(CliErrors.USAGE, r.exitCode(), r::toString);
            assertOneLineError(r, "xdppacket recv: --write " + bad + ": ", List.of("no such directory"));
            assertTrue(!veth.xdpAttached(veth.nsB(), veth.ifB()), "nothing was opened");
        }
    }

    /** As nobody, in a process of its own (the check is on the real euid): exit code 3, one line. */
    @Test
    @Privileged(tools = "setpriv")
    void withoutRootTheExitCodeIs3() throws Exception {
        List<Path> cp = Jvm.worldReadableClassPath(dir);
        for (String command : List.of("send", "recv")) {
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            cmd.addAll(Jvm.command(cp, command, "lo", "--count", "1"));
            Tools.Result r = Tools.run(cmd);
            assertEquals(CliErrors.UNAVAILABLE, r.exitCode(), r::toString);
            assertEquals("", r.stdout());
            assertEquals("xdppacket " + command + ": needs root: AF_XDP sockets and XDP programs (run with sudo)\n", r.stderr());
        }
    }
}

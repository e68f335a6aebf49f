package io.xdppacket;

import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link XdpMode#AUTO}, the default: native XDP where the driver takes the program, generic XDP
 * with the reason kept where it refuses; DRV stays strict. veth has native XDP, and refuses it in
 * two situations a test can make: an MTU too large for a program without multi-buffer support
 * (ERANGE), and fewer RX queues in use than the peer has TX queues (ENOSPC).
 */
@Privileged(tools = "ip")
class XdpModeAutoTest {

    /** {@code ip -d link}'s first line names the mode: {@code xdp} for native, {@code xdpgeneric} for generic. */
    private static String attachedMode(VethPair veth, String ns, String ifname) {
        String first = veth.linkDetails(ns, ifname).lines().findFirst().orElse("");
        if (first.contains(" xdpgeneric ")) return "xdpgeneric";
        if (first.contains(" xdp ")) return "xdp";
        return "none";
    }

    @Test
    void autoIsTheDefaultAndGivesNativeXdpOnVeth() throws Exception {
        assertEquals(XdpMode.AUTO, XdpOptions.defaults().xdpMode());
        try (VethPair veth = VethPair.create(2, 1500)) {
            XdpOptions options = XdpOptions.builder().networkNamespace(veth.nsB()).build();
            try (XdpSocket s = XdpSocket.open(veth.ifB(), options)) {
                assertEquals(XdpMode.DRV, s.mode());
                assertNull(s.modeReason(), "nothing to explain: native XDP");
                assertEquals("xdp", attachedMode(veth, veth.nsB(), veth.ifB()));
            }
            try (XdpMultiQueue m = XdpMultiQueue.open(veth.ifB(), options.toBuilder().queueCount(2).build())) {
                assertEquals(XdpMode.DRV, m.mode());
                assertNull(m.modeReason());
                for (XdpSocket s : m.sockets()) assertEquals(XdpMode.DRV, s.mode());
                assertEquals("xdp", attachedMode(veth, veth.nsB(), veth.ifB()));
            }
        }
    }

    /**
     * MTU 9000 with multi-buffer off: native XDP refuses the program (ERANGE). AUTO ends in generic
     * XDP, says why, and frames arrive; DRV fails and leaves nothing attached.
     */
    @Test
    @Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
    void autoFallsBackToGenericWhereTheMtuIsTooLargeForNativeXdp() throws Exception {
        try (VethPair veth = VethPair.create(1, 9000)) {
            XdpOptions auto = XdpOptions.builder().multiBuffer(MultiBuffer.OFF).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build();
            XdpOptions drv = auto.toBuilder().xdpMode(XdpMode.DRV).build();
            XdpUnavailableException e = assertThrows(XdpUnavailableException.class, () -> XdpSocket.open(veth.ifB(), drv));
            assertEquals(Missing.INTERFACE_SUPPORT, e.missing());
            assertEquals("ERANGE", e.errnoName(), e.getMessage());
            assertEquals("none", attachedMode(veth, veth.nsB(), veth.ifB()), "DRV is strict: a failed open attaches nothing");

            try (XdpSocket s = XdpSocket.open(veth.ifB(), auto)) {
                assertEquals(XdpMode.SKB, s.mode());
                assertEquals("xdpgeneric", attachedMode(veth, veth.nsB(), veth.ifB()));
                String reason = s.modeReason();
                assertNotNull(reason, "AUTO says why it did not get native XDP");
                assertTrue(reason.contains("ERANGE") && reason.contains("MTU") && reason.contains("SKB"), reason);

                // Generic XDP works: a frame from scapy arrives.
                String script = "from scapy.all import Ether, Raw, sendp\n"
                        + "sendp(Ether(dst='" + HexFormat.ofDelimiter(":").formatHex(veth.macB()) + "', type=0x88b5) / Raw(b'auto' * 20),"
                        + " iface='" + veth.ifA() + "', verbose=False)";
                byte[] got = null;
                Tools.run(List.of("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", script)).orThrow(List.of("scapy"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (got == null && System.nanoTime() < deadline) got = s.readPacketData();
                assertNotNull(got, "the frame reached the socket through generic XDP");
                assertEquals(94, got.length);
                assertArrayEquals("auto".repeat(20).getBytes(), java.util.Arrays.copyOfRange(got, 14, 94));
            }
        }
    }

    /**
     * Fewer RX queues in use on the receiving end than TX queues on its peer: native XDP on veth
     * refuses (ENOSPC). AUTO ends in generic XDP for a socket and for a set, each member saying so.
     */
    @Test
    @Privileged(tools = {"ip", "ethtool"})
    void autoFallsBackToGenericWhereTheVethHasTooFewRxQueues() throws Exception {
        try (VethPair veth = VethPair.create(4, 1500)) {
            Tools.run("ip", "netns", "exec", veth.nsB(), "ethtool", "-L", veth.ifB(), "rx", "2");
            XdpOptions auto = XdpOptions.builder().networkNamespace(veth.nsB()).build();
            XdpUnavailableException e = assertThrows(XdpUnavailableException.class,
                    () -> XdpSocket.open(veth.ifB(), auto.toBuilder().xdpMode(XdpMode.DRV).build()));
            assertEquals(Missing.INTERFACE_SUPPORT, e.missing());
            assertEquals("ENOSPC", e.errnoName(), e.getMessage());
            assertEquals("none", attachedMode(veth, veth.nsB(), veth.ifB()));

            try (XdpSocket s = XdpSocket.open(veth.ifB(), auto)) {
                assertEquals(XdpMode.SKB, s.mode());
                assertTrue(s.modeReason() != null && s.modeReason().contains("ENOSPC"), s.modeReason());
                assertEquals("xdpgeneric", attachedMode(veth, veth.nsB(), veth.ifB()));
            }
            try (XdpMultiQueue m = XdpMultiQueue.open(veth.ifB(), auto.toBuilder().queueCount(2).build())) {
                assertEquals(XdpMode.SKB, m.mode());
                assertTrue(m.modeReason() != null && m.modeReason().contains("ENOSPC"), m.modeReason());
                for (XdpSocket s : m.sockets()) {
                    assertEquals(XdpMode.SKB, s.mode());
                    assertEquals(m.modeReason(), s.modeReason());
                }
                assertEquals("xdpgeneric", attachedMode(veth, veth.nsB(), veth.ifB()));
            }
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()));
        }
    }
}

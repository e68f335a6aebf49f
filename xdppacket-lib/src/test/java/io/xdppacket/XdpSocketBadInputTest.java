package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets a clear error that names what was wrong, and an open socket keeps working. */
class XdpSocketBadInputTest {

    @Test
    void optionsBreakingARuleNameTheOptionTheValueAndTheRule() {
        var e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().ringSize(1000).build());
        assertTrue(e.getMessage().startsWith("ringSize = 1000: must be a power of two"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().numFrames(0).build());
        assertTrue(e.getMessage().startsWith("numFrames = 0: must be between 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().numFrames(512).build());
        assertTrue(e.getMessage().contains("at least ringSize (1024)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().pollTimeout(Duration.ZERO).build());
        assertTrue(e.getMessage().startsWith("pollTimeout = PT0S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().busyPoll(Duration.ofNanos(-1)).build());
        assertTrue(e.getMessage().startsWith("busyPoll = PT-0.000000001S: must be between 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().busyPoll(Duration.ofHours(2)).build());
        assertTrue(e.getMessage().startsWith("busyPoll = PT2H: must be between 0 (sleep at once) and 1 hour"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().frameSize(3000).build());
        assertTrue(e.getMessage().startsWith("frameSize = 3000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().queueCount(0).build());
        assertTrue(e.getMessage().startsWith("queueCount = 0"), e.getMessage());
        assertEquals(1792, XdpOptions.defaults().frameRoom());
        assertEquals(4096 - 256, XdpOptions.builder().frameSize(4096).build().frameRoom());
    }

    @Test
    @Privileged
    void interfaceNamesAreCheckedBeforeAnythingIsCreated() {
        var e = assertThrows(XdpException.class, () -> XdpSocket.open("xpnosuch0"));
        assertTrue(e.getMessage().contains("xpnosuch0"), e.getMessage());
        assertEquals("ENODEV", e.errnoName());
        var bad = assertThrows(IllegalArgumentException.class, () -> XdpSocket.open(""));
        assertTrue(bad.getMessage().contains("empty"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> XdpSocket.open("a-name-of-16-chr"));
        assertTrue(bad.getMessage().contains("a-name-of-16-chr") && bad.getMessage().contains("15"), bad.getMessage());
        assertThrows(NullPointerException.class, () -> XdpSocket.open("lo", null));
        var q = assertThrows(IllegalArgumentException.class,
                () -> XdpSocket.open("lo", XdpOptions.builder().queueCount(2).build()));
        assertTrue(q.getMessage().contains("XdpMultiQueue"), q.getMessage());
        var ns = assertThrows(XdpException.class,
                () -> XdpSocket.open("lo", XdpOptions.builder().networkNamespace("xp-no-such-netns").build()));
        assertTrue(ns.getMessage().contains("xp-no-such-netns"), ns.getMessage());
    }

    @Test
    @Privileged(tools = "ip")
    void framesOfBadLengthAreRejectedAndTheSocketKeepsWorking() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().networkNamespace(veth.nsA()).build());
             XdpSocket rx = XdpSocket.open(veth.ifB(), XdpOptions.builder().networkNamespace(veth.nsB()).build())) {
            Random random = new Random(3);
            byte[] tooLong = Frames.frame(veth.macB(), veth.macA(), 0, 1793, random);
            var e = assertThrows(IllegalArgumentException.class, () -> tx.writePacket(tooLong));
            assertTrue(e.getMessage().contains("1793") && e.getMessage().contains("1792"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tx.writePacket(new byte[13]));
            byte[] ok = Frames.frame(veth.macB(), veth.macA(), 1, 1792, random);
            assertThrows(IllegalArgumentException.class, () -> tx.writePackets(new byte[][] {ok, tooLong}),
                    "a batch is checked before any frame is written");
            assertThrows(IndexOutOfBoundsException.class, () -> tx.writePacket(ok, 100, 1792));
            assertEquals(0, tx.stats().txPackets(), "nothing was written");

            byte[] good = Frames.frame(veth.macB(), veth.macA(), 2, 1500, random);
            assertTrue(tx.writePacket(good));
            assertArrayEquals(good, rx.readPacketData());
            assertEquals(1, tx.stats().txPackets());
        }
    }

    /**
     * veth cannot run a native XDP program without multi-buffer support when the MTU is 9000
     * (ERANGE); with multi-buffer turned off the error says so and what to do. SKB mode works on the
     * same interface, and so does DRV with the default (multi-buffer on for an MTU that needs it).
     */
    @Test
    @Privileged(tools = "ip")
    void drvModeOnAnInterfaceThatRefusesItGivesAClearError() throws Exception {
        try (VethPair veth = VethPair.create(1, 9000)) {
            try (XdpSocket auto = XdpSocket.open(veth.ifB(), XdpOptions.builder().xdpMode(XdpMode.DRV).networkNamespace(veth.nsB()).build())) {
                assertTrue(auto.isMultiBuffer(), "MTU 9000 does not fit a 2048-byte frame");
            }
            XdpOptions drv = XdpOptions.builder().xdpMode(XdpMode.DRV).multiBuffer(MultiBuffer.OFF).networkNamespace(veth.nsB()).build();
            var e = assertThrows(XdpException.class, () -> XdpSocket.open(veth.ifB(), drv));
            assertEquals("ERANGE", e.errnoName(), e.getMessage());
            assertTrue(e.getMessage().contains(veth.ifB()) && e.getMessage().contains("SKB"), e.getMessage());
            assertFalse(veth.xdpAttached(veth.nsB(), veth.ifB()), "a failed open leaves nothing attached");
            try (XdpSocket s = XdpSocket.open(veth.ifB(), drv.toBuilder().xdpMode(XdpMode.SKB).build())) {
                assertTrue(veth.xdpAttached(veth.nsB(), veth.ifB()));
            }
        }
    }
}

package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The copy-mode TX budget: how many frames one kick may send. Seen through its effect on the
 * number of kicks a batch takes, since the kernel offers no way to read the option back.
 */
class XdpSocketTxBudgetTest {

    @Test
    void budgetOutsideTheKernelsRangeIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().txBudget(16).build());
        assertTrue(e.getMessage().startsWith("txBudget = 16: must be 0 (auto) or between 32 and ringSize (1024)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> XdpOptions.builder().ringSize(64).numFrames(64).txBudget(128).build());
        assertEquals(0, XdpOptions.defaults().txBudget());
    }

    @Test
    @Privileged(tools = "ip")
    void aBatchOf64TakesOneKickWithTheAutoBudgetAndTwoWithTheKernelDefault() throws Exception {
        try (VethPair veth = VethPair.create()) {
            List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), 64, 60, 60, 5);
            byte[][] batch = frames.toArray(new byte[0][]);
            XdpOptions base = XdpOptions.builder().networkNamespace(veth.nsA()).build();
            // The peer drops what arrives (no socket there): only the sender's kicks matter.
            try (XdpSocket auto = XdpSocket.open(veth.ifA(), base)) {
                assertEquals(256, auto.txBudget(), "auto is min(256, ringSize) on a kernel with XDP_MAX_TX_SKB_BUDGET");
                kicksFor(auto, batch); // the first batch pays for first-use work; count the second
                assertEquals(1, kicksFor(auto, batch), "64 frames within one budget: one sendto");
            }
            try (XdpSocket kernelDefault = XdpSocket.open(veth.ifA(), base.toBuilder().txBudget(32).build())) {
                assertEquals(32, kernelDefault.txBudget());
                kicksFor(kernelDefault, batch);
                assertEquals(2, kicksFor(kernelDefault, batch), "64 frames at 32 per kick: two sendto calls");
            }
            try (XdpSocket small = XdpSocket.open(veth.ifA(),
                    base.toBuilder().ringSize(64).numFrames(128).build())) {
                assertEquals(64, small.txBudget(), "auto never exceeds the ring");
            }
        }
    }

    private static long kicksFor(XdpSocket s, byte[][] batch) throws Exception {
        assertTrue(s.flush(Duration.ofSeconds(5)));
        long before = s.stats().txKicks();
        assertEquals(batch.length, s.writePackets(batch));
        long kicks = s.stats().txKicks() - before;
        assertTrue(s.flush(Duration.ofSeconds(5)));
        return kicks;
    }
}

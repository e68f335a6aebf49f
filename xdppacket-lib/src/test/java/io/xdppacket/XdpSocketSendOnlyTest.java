package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code receive(false)}: a socket that only sends leaves the interface's incoming traffic to the kernel stack. */
@Privileged(tools = "ip")
class XdpSocketSendOnlyTest {

    @Test
    void sendsWithoutAttachingAnythingAndRefusesToRead() throws Exception {
        try (VethPair veth = VethPair.create();
             XdpSocket sender = XdpSocket.open(veth.ifA(),
                     XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build());
             XdpSocket receiver = XdpSocket.open(veth.ifB(), XdpOptions.builder().networkNamespace(veth.nsB()).build())) {
            assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()), () -> veth.linkDetails(veth.nsA(), veth.ifA()));

            List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), 200, 60, 1514, 31);
            assertEquals(200, sender.writePackets(frames));
            assertTrue(sender.flush(Duration.ofSeconds(5)));
            for (byte[] f : frames) assertArrayEquals(f, receiver.readPacketData());
            assertEquals(200, sender.stats().txSent());

            var e = assertThrows(IllegalStateException.class, sender::readPacketData);
            assertTrue(e.getMessage().contains("receive(false)"), e.getMessage());
            assertThrows(IllegalStateException.class, sender::zeroCopyReadPacket);
            assertThrows(IllegalStateException.class, () -> sender.zeroCopyReadPackets(new PacketBatch()));

            // Frames for the send-only side reach its IP stack, not a socket.
            long before = veth.ipInReceives(veth.nsA());
            for (int i = 0; i < 50; i++) assertTrue(receiver.writePacket(Frames.ipv4Udp(veth.macA(), veth.macB(), i, 100)));
            assertTrue(receiver.flush(Duration.ofSeconds(5)));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (veth.ipInReceives(veth.nsA()) - before < 50 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(50, veth.ipInReceives(veth.nsA()) - before, "IPv4 frames reached the stack of the send-only side");
            assertEquals(0, sender.stats().rxPackets());
        }
    }

    @Test
    void aSendOnlyMultiQueueSetAttachesNothing() throws Exception {
        try (VethPair veth = VethPair.create(4, 1500);
             XdpMultiQueue mq = XdpMultiQueue.open(veth.ifA(),
                     XdpOptions.builder().queueCount(4).receive(false).networkNamespace(veth.nsA()).build())) {
            assertFalse(veth.xdpAttached(veth.nsA(), veth.ifA()));
            List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), 400, 60, 200, 32);
            assertEquals(400, mq.writePacket(frames));
            for (XdpSocket s : mq.sockets()) assertTrue(s.flush(Duration.ofSeconds(5)));
            assertEquals(400, mq.stats().txSent());
            assertThrows(IllegalStateException.class, () -> mq.zeroCopyReadPacket(new PacketBatch(4)));
        }
    }
}

package io.xdppacket;

import io.xdppacket.packet.Ethernet;
import io.xdppacket.packet.IpProtocol;
import io.xdppacket.packet.Ipv4;
import io.xdppacket.packet.Udp;
import io.xdppacket.testing.Allocations;
import io.xdppacket.testing.UdpFrames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge between a received {@link Packet} and the header views: binding without allocation,
 * in-place access to the frame and nothing beyond it, and views that stop reading when the frame
 * is released or the memory freed. A segment of an arena plays the UMEM, the Packet is pointed at
 * frames in it as the receiver points it.
 */
class FrameViewTest {
    private static final int FRAME = 2048;

    private final Ethernet eth = new Ethernet();
    private final Ipv4 ip = new Ipv4();
    private final Udp udp = new Udp();

    /** Puts frame {@code seq} of {@code length} bytes at {@code offset} of the fake UMEM. */
    private static void put(MemorySegment umem, long offset, int length, long seq) {
        byte[] f = UdpFrames.frame(length, seq);
        MemorySegment.copy(f, 0, umem, ValueLayout.JAVA_BYTE, offset, length);
    }

    private boolean wrapAll(Packet p) {
        return eth.wrap(p) && ip.wrap(eth) && ip.protocol() == IpProtocol.UDP && udp.wrap(ip);
    }

    @Test
    void viewsOfAReceivedFrameReadItAndAreUnboundWhenItIsReleased() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(4 * FRAME);
            put(umem, FRAME + 256, 60, 7);
            Packet p = new Packet();
            p.point(umem, FRAME + 256, 60, null);
            assertTrue(wrapAll(p));
            assertEquals(9, udp.destinationPort());
            assertEquals(7, udp.getLong(Udp.HEADER_LENGTH), "the sequence number in the payload");
            assertEquals(46, ip.totalLength());
            assertTrue(ip.isChecksumValid());
            assertTrue(udp.isChecksumValid(ip));

            p.clear(); // what XdpSocket.release() and the next read do
            for (var v : new io.xdppacket.FrameView[] {eth, ip, udp}) {
                assertFalse(v.isBound());
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.getByte(0));
                assertTrue(e.getMessage().contains("released"), e.getMessage());
            }
            assertThrows(IllegalStateException.class, udp::destinationPort);
            assertThrows(IllegalStateException.class, () -> eth.wrap(p), "a released Packet cannot be wrapped");

            put(umem, 2 * FRAME, 100, 8);
            p.point(umem, 2 * FRAME, 100, null);
            assertFalse(udp.isBound(), "a view does not follow its Packet to the next frame");
            assertTrue(wrapAll(p));
            assertEquals(8, udp.getLong(Udp.HEADER_LENGTH));
        }
    }

    @Test
    void pointingAPacketAtAnotherFrameUnbindsItsViewsToo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(4 * FRAME);
            put(umem, 0, 60, 1);
            Packet p = new Packet();
            p.point(umem, 0, 60, null);
            assertTrue(wrapAll(p));
            p.point(umem, FRAME, 60, null);
            assertFalse(eth.isBound());
            assertFalse(udp.isBound());
        }
    }

    @Test
    void aViewRewrappedOnAnotherFrameOutlivesTheFirstFramesRelease() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(4 * FRAME);
            put(umem, 0, 60, 1);
            put(umem, FRAME, 70, 2);
            Packet p1 = new Packet(), p2 = new Packet();
            p1.point(umem, 0, 60, null);
            p2.point(umem, FRAME, 70, null);
            assertTrue(wrapAll(p1));           // eth, ip, udp in p1's list
            assertTrue(eth.wrap(p2));          // eth leaves p1's list, from its head
            assertTrue(ip.wrap(eth));          // ip leaves p1's list, from its middle
            p1.clear();
            assertFalse(udp.isBound(), "udp still showed frame 1");
            assertTrue(eth.isBound());
            assertTrue(ip.isBound());
            assertEquals(70 - 14, ip.totalLength());
            p2.clear();
            assertFalse(eth.isBound());
            assertFalse(ip.isBound());
        }
    }

    @Test
    void afterTheMemoryIsFreedEveryAccessThrows() {
        Arena arena = Arena.ofShared();
        MemorySegment umem = arena.allocate(2 * FRAME);
        put(umem, 0, 60, 1);
        Packet p = new Packet();
        p.point(umem, 0, 60, null);
        assertTrue(wrapAll(p));
        arena.close(); // what closing the socket does to the UMEM
        assertThrows(IllegalStateException.class, eth::destination);
        assertThrows(IllegalStateException.class, udp::sourcePort);
        assertThrows(IllegalStateException.class, () -> ip.isChecksumValid());
    }

    @Test
    void aReceivedFrameCanBeEditedInPlaceButNothingOutsideItIsReachable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(4 * FRAME);
            umem.fill((byte) 0x55);
            put(umem, FRAME, 60, 1);
            Packet p = new Packet();
            p.point(umem, FRAME, 60, null);
            assertTrue(wrapAll(p));
            assertTrue(eth.isWritable(), "a received frame is edited in place before it is forwarded");
            long destination = eth.destination();
            eth.swapAddresses();
            udp.setSourcePort(4242);
            udp.updateChecksum(ip);
            assertEquals(4242, udp.sourcePort());
            assertTrue(udp.isChecksumValid(ip));
            assertEquals(destination, eth.source());
            assertEquals(4242, Short.toUnsignedInt(umem.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                    FRAME + 14 + 20)), "the change is in the UMEM frame itself");

            assertEquals(60, eth.length());
            IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, () -> eth.getByte(60));
            assertTrue(oob.getMessage().contains("Ethernet view of 60 bytes"), oob.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> eth.getShort(59));
            assertThrows(IndexOutOfBoundsException.class, () -> eth.getByte(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> eth.setByte(60, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> eth.setByte(-1, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> udp.getLong(udp.length() - 7));
            assertThrows(IndexOutOfBoundsException.class, () -> udp.setLong(udp.length() - 7, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> eth.copyTo(0, new byte[100], 0, 61));
            assertEquals((byte) 0x55, umem.get(ValueLayout.JAVA_BYTE, FRAME - 1), "the byte before the frame is untouched");
            assertEquals((byte) 0x55, umem.get(ValueLayout.JAVA_BYTE, FRAME + 60), "the byte after the frame is untouched");
            assertFalse(eth.wrap(p, 61), "an offset past the frame does not wrap");
            assertFalse(eth.isBound());
        }
    }

    @Test
    void unboundViewsSaySo() {
        Udp fresh = new Udp();
        IllegalStateException e = assertThrows(IllegalStateException.class, fresh::sourcePort);
        assertTrue(e.getMessage().contains("not bound"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new Ipv4().wrap(fresh));
    }

    @Test
    void bindingAndReadingAllocateNothing() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(64 * FRAME);
            Packet[] packets = new Packet[64];
            for (int i = 0; i < 64; i++) {
                put(umem, (long) i * FRAME, 60 + i, i);
                packets[i] = new Packet();
            }
            byte[] array = UdpFrames.frame(100, 3);
            long[] sum = {0};
            long bytes = Allocations.of(() -> {
                for (int round = 0; round < 2000; round++) {
                    for (int i = 0; i < 64; i++) {
                        Packet p = packets[i];
                        p.point(umem, (long) i * FRAME, 60 + i, null);
                        if (wrapAll(p)) sum[0] += ip.source() + ip.destination() + udp.sourcePort() + udp.destinationPort() + udp.payloadLength();
                    }
                    for (Packet p : packets) p.clear();
                    if (eth.wrap(array, 0, array.length) && ip.wrap(eth) && udp.wrap(ip)) sum[0] += udp.sourcePort();
                    if (eth.wrap(umem, 0, 60) && ip.wrap(eth) && udp.wrap(ip)) sum[0] += udp.checksum();
                }
            });
            assertEquals(0, bytes, "bytes allocated by 132,000 bindings and reads");
            assertTrue(sum[0] != 0);
        }
    }
}

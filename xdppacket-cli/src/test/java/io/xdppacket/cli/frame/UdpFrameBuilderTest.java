package io.xdppacket.cli.frame;

import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class UdpFrameBuilderTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] frame(UdpFrameBuilder b, long seq) {
        byte[] f = new byte[b.frameLength()];
        b.write(f, 0, seq);
        return f;
    }

    // Expected bytes produced by scapy: Ether()/IP(id=seq & 0xffff, ttl=64, flags=...)/UDP()/Raw(payload).

    @Test
    void defaultFrameMatchesScapyByteForByte() {
        assertEquals("ffffffffffff02000000000108004500002e000000004011ee97c6120001c612000200090009001a373f"
                        + "000000000000000008090a0b0c0d0e0f1011",
                HEX.formatHex(frame(new UdpFrameBuilder(UdpFrameSpec.defaults()), 0)));
    }

    @Test
    void oddLengthDfFrameMatchesScapyByteForByte() {
        UdpFrameSpec spec = UdpFrameSpec.defaults().withFrameLength(61).withDontFragment(true)
                .withSrcPorts(PortRange.parse("40000-40003")).withDstPorts(PortRange.of(50000));
        // 0x...88 mod 4 flows = flow 0: source port 40000
        assertEquals("ffffffffffff02000000000108004500002f778840004011370ec6120001c61200029c40c350001bb468"
                        + "112233445566778808090a0b0c0d0e0f101112",
                HEX.formatHex(frame(new UdpFrameBuilder(spec), 0x1122334455667788L)));
    }

    @Test
    void everyFieldAndBothChecksumsAreRightForManySpecsAndSequenceNumbers() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int srcFirst = random.nextInt(65536);
            int dstFirst = random.nextInt(65536);
            UdpFrameSpec spec = UdpFrameSpec.defaults()
                    .withSrcMac(new MacAddress(random.nextLong() >>> 16))
                    .withDstMac(new MacAddress(random.nextLong() >>> 16))
                    .withSrcIp(new Ipv4Address(0xC6120000 | random.nextInt(0x20000)))
                    .withDstIp(new Ipv4Address(0xC6120000 | random.nextInt(0x20000)))
                    .withSrcPorts(new PortRange(srcFirst, Math.min(65535, srcFirst + random.nextInt(20))))
                    .withDstPorts(new PortRange(dstFirst, Math.min(65535, dstFirst + random.nextInt(5))))
                    .withFrameLength(60 + random.nextInt(1514 - 60 + 1))
                    .withDontFragment(random.nextBoolean())
                    .withUdpChecksum(round % 5 != 0);
            UdpFrameBuilder b = new UdpFrameBuilder(spec);
            List<Long> seqs = new ArrayList<>();
            for (long s = 0; s < 50; s++) seqs.add(s);
            for (long s = 65530; s < 65540; s++) seqs.add(s); // IP id wraps
            for (int i = 0; i < 20; i++) seqs.add(random.nextLong());
            seqs.add(-1L);
            for (long seq : seqs) FrameCheck.assertValid(spec, seq, frame(b, seq));
        }
    }

    @Test
    void flowsWalkSourcePortsFirstThenDestinationPorts() {
        UdpFrameBuilder b = new UdpFrameBuilder(UdpFrameSpec.defaults()
                .withSrcPorts(PortRange.parse("1000-1002")).withDstPorts(PortRange.parse("2000-2001")));
        int[][] expected = {{1000, 2000}, {1001, 2000}, {1002, 2000}, {1000, 2001}, {1001, 2001}, {1002, 2001}, {1000, 2000}};
        for (int seq = 0; seq < expected.length; seq++) {
            byte[] f = frame(b, seq);
            assertEquals(expected[seq][0], FrameCheck.u16(f, 34), "source port of frame " + seq);
            assertEquals(expected[seq][1], FrameCheck.u16(f, 36), "destination port of frame " + seq);
        }
        assertEquals(6, b.spec().flowCount());
    }

    @Test
    void aFrameDependsOnlyOnItsSequenceNumberNotOnCallOrder() {
        UdpFrameSpec spec = UdpFrameSpec.defaults().withFrameLength(100)
                .withSrcPorts(PortRange.parse("10-16")).withDstPorts(PortRange.parse("20-22"));
        UdpFrameBuilder sequential = new UdpFrameBuilder(spec);
        List<byte[]> inOrder = new ArrayList<>();
        for (long seq = 0; seq < 100; seq++) inOrder.add(frame(sequential, seq));

        UdpFrameBuilder scattered = new UdpFrameBuilder(spec);
        List<Integer> order = new ArrayList<>();
        for (int i = 99; i >= 0; i--) order.add(i);
        Collections.shuffle(order, new Random(7));
        order.addAll(List.of(5, 5, 6, 7, 3, 4, 0));
        for (int seq : order) assertArrayEquals(inOrder.get(seq), frame(scattered, seq), "frame " + seq);

        // Around the 64-bit wrap: 2^64 - 1 and 0 are not consecutive flows unless the count divides 2^64.
        UdpFrameBuilder wrap = new UdpFrameBuilder(spec);
        byte[] last = frame(wrap, -1L);
        FrameCheck.assertValid(spec, -1L, last);
        assertArrayEquals(inOrder.getFirst(), frame(wrap, 0));
        assertEquals(10 + (int) Long.remainderUnsigned(-1L, 21) % 7, FrameCheck.u16(last, 34));
    }

    @Test
    void segmentAndArrayOutputsAreIdenticalAndPatchEqualsWrite() {
        UdpFrameSpec spec = UdpFrameSpec.defaults().withFrameLength(333).withSrcPorts(PortRange.parse("1-300"));
        UdpFrameBuilder b = new UdpFrameBuilder(spec);
        int len = b.frameLength();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(4096);
            umem.fill((byte) 0x5A);
            byte[] array = new byte[4096];
            Arrays.fill(array, (byte) 0x5A);
            for (long seq = 1000; seq < 1400; seq++) {
                b.write(umem, 2048 + 256, seq);
                b.write(array, 7, seq);
                byte[] fromSegment = umem.asSlice(2048 + 256, len).toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(frame(b, seq), fromSegment, "segment frame " + seq);
                assertArrayEquals(fromSegment, Arrays.copyOfRange(array, 7, 7 + len), "array frame " + seq);
            }
            // Nothing outside the frames was touched.
            for (int i = 0; i < 4096; i++) {
                if (i < 2048 + 256 || i >= 2048 + 256 + len) assertEquals(0x5A, umem.get(ValueLayout.JAVA_BYTE, i), "umem " + i);
                if (i < 7 || i >= 7 + len) assertEquals(0x5A, array[i], "array " + i);
            }
            // Patching a frame of another sequence number in place gives the same frame as writing it.
            b.write(umem, 0, 5);
            b.write(array, 0, 5);
            for (long seq : new long[] {6, 99_999, 3, 3, -7}) {
                b.patch(umem, 0, seq);
                b.patch(array, 0, seq);
                assertArrayEquals(frame(b, seq), umem.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), "patched segment " + seq);
                assertArrayEquals(frame(b, seq), Arrays.copyOf(array, len), "patched array " + seq);
            }
        }
    }

    @Test
    void withoutUdpChecksumTheFieldIsZero() {
        UdpFrameSpec spec = UdpFrameSpec.defaults().withUdpChecksum(false).withSrcPorts(PortRange.parse("1-9"));
        UdpFrameBuilder b = new UdpFrameBuilder(spec);
        for (long seq = 0; seq < 20; seq++) {
            byte[] f = frame(b, seq);
            assertEquals(0, FrameCheck.u16(f, 40));
            FrameCheck.assertValid(spec, seq, f);
        }
    }

    @Test
    void aComputedZeroUdpChecksumIsSentAsFfff() {
        UdpFrameSpec spec = FrameCheck.ZERO_SUM_SPEC;
        long seq = FrameCheck.zeroSumSequence();
        byte[] f = frame(new UdpFrameBuilder(spec), seq);
        assertEquals(0xFFFF, FrameCheck.u16(f, 40));
        FrameCheck.assertValid(spec, seq, f);
    }

    @Test
    void frameLengthOutside60To1514IsRejected() {
        for (int bad : new int[] {0, 41, 59, 1515, 9000}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UdpFrameSpec.defaults().withFrameLength(bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)) && e.getMessage().contains("60..1514"), e.getMessage());
        }
        assertEquals(1514, new UdpFrameBuilder(UdpFrameSpec.defaults().withFrameLength(1514)).frameLength());
    }

    @Test
    void tooSmallTargetFailsWithoutWritingPastIt() {
        UdpFrameBuilder b = new UdpFrameBuilder(UdpFrameSpec.defaults().withFrameLength(100));
        byte[] small = new byte[120];
        assertThrows(IndexOutOfBoundsException.class, () -> b.write(small, 21, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(120);
            assertThrows(IndexOutOfBoundsException.class, () -> b.write(seg, 21, 0));
        }
    }

    @Test
    void buildingFramesAllocatesNothing() throws Exception {
        UdpFrameBuilder b = new UdpFrameBuilder(UdpFrameSpec.defaults().withFrameLength(1514)
                .withSrcPorts(PortRange.parse("1000-1999")).withDstPorts(PortRange.parse("5-6")));
        byte[] array = new byte[2048];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment umem = arena.allocate(64 * 2048);
            long[] seq = {0};
            long bytes = Allocations.of(() -> {
                for (int i = 0; i < 100_000; i++) {
                    long s = seq[0]++;
                    b.write(umem, (s & 63) * 2048, s);
                    b.patch(umem, (s & 63) * 2048, s + 1_000_000);
                    b.write(array, 0, s * 7); // non-consecutive: the division path
                }
            });
            if (bytes > 4096) fail(bytes + " bytes allocated for 300000 frames");
        }
    }
}

package io.xdppacket;

import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.xdppacket.EngineFixture.onOtherThread;
import static io.xdppacket.EngineFixture.resultOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Frames forwarded without copying, on real sockets: between two sockets of one {@link XdpUmem} on
 * two veth pairs (sender → bridge in → bridge out → receiver), and back out of the socket they came
 * in on.
 */
class ForwardingTest {
    private static final long FRAMES = 10_000_000;

    /** Frame {@code seq}: Ethernet to {@code dst}, EtherType 0x88B5, the sequence number, then bytes that follow from it. */
    private static void fill(byte[] f, byte[] dst, byte[] src, long seq) {
        ByteBuffer b = ByteBuffer.wrap(f);
        b.put(dst).put(src).putShort((short) 0x88B5).putLong(seq);
        for (int i = 22; i < f.length; i++) f[i] = (byte) (seq * 31 + i);
    }

    /**
     * Ten million frames with sequence numbers go from a sender through a bridge of two sockets on one
     * UMEM to a receiver. The receiver checks each frame's bytes and that sequence numbers only grow;
     * afterwards every frame sent is received or counted as dropped by one of the counters on its way.
     */
    @Test
    @Privileged(tools = "ip")
    void tenMillionFramesCrossABridgeOfTwoSocketsOnOneUmemNoneLostUncountedDuplicatedOrCorrupted() throws Exception {
        try (VethPair in = VethPair.create(); VethPair out = VethPair.create();
             XdpUmem umem = XdpUmem.create(4 * 2 * 4096, 2048)) {
            XdpOptions base = XdpOptions.builder().numFrames(4096).ringSize(2048).build();
            XdpOptions reading = base.toBuilder().ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(10)).build();
            byte[] inA = in.macA(), inB = in.macB(), outA = out.macA(), outB = out.macB();
            try (XdpSocket sender = XdpSocket.open(in.ifA(), base.toBuilder().receive(false).networkNamespace(in.nsA()).build());
                 XdpSocket bridgeIn = XdpSocket.open(in.ifB(), reading.toBuilder().networkNamespace(in.nsB()).build(), umem);
                 XdpSocket bridgeOut = XdpSocket.open(out.ifA(), base.toBuilder().receive(false).networkNamespace(out.nsA()).build(), umem);
                 XdpSocket receiver = XdpSocket.open(out.ifB(), reading.toBuilder().networkNamespace(out.nsB()).build())) {
                AtomicBoolean sending = new AtomicBoolean(true);
                AtomicBoolean bridging = new AtomicBoolean(true);
                Future<Long> bridge = onOtherThread(() -> {
                    PacketBatch batch = new PacketBatch(64);
                    long forwarded = 0;
                    while (bridging.get()) {
                        int n = bridgeIn.zeroCopyReadPackets(batch);
                        for (int i = 0; i < n; i++) {
                            Packet p = batch.get(i);
                            p.setLong(0, 0);  // rewrite the addresses in place: to the receiver, from the bridge
                            p.setInt(0, ByteBuffer.wrap(outB).getInt(0));
                            p.setShort(4, ByteBuffer.wrap(outB).getShort(4));
                            p.setInt(6, ByteBuffer.wrap(outA).getInt(0));
                            p.setShort(10, ByteBuffer.wrap(outA).getShort(4));
                        }
                        forwarded += bridgeOut.forwardPackets(batch);
                    }
                    return forwarded;
                });
                Future<Long> send = onOtherThread(() -> {
                    byte[][] frames = new byte[64][64];
                    long seq = 0;
                    while (seq < FRAMES && sending.get()) {
                        int n = (int) Math.min(64, FRAMES - seq);
                        for (int i = 0; i < n; i++) fill(frames[i], inB, inA, seq + i);
                        seq += sender.writePackets(frames, 0, n);
                    }
                    sender.flush(Duration.ofSeconds(5));
                    return seq;
                });
                long received = 0, last = -1;
                byte[] expected = new byte[64];
                PacketBatch batch = new PacketBatch(64);
                try {
                    long quiet = 0;
                    while (quiet < 50) {  // until half a second without a frame once the sender is done
                        int n = receiver.zeroCopyReadPackets(batch);
                        quiet = n == 0 && ((java.util.concurrent.CompletableFuture<Long>) send).isDone() ? quiet + 1 : 0;
                        for (int i = 0; i < n; i++) {
                            Packet p = batch.get(i);
                            long seq = p.getLong(14);
                            if (seq <= last) fail("sequence " + seq + " after " + last + ": duplicated or reordered");
                            fill(expected, outB, outA, seq);
                            for (int k = 0; k < 64; k++) {
                                if (p.getByte(k) != expected[k]) fail("frame " + seq + " corrupted at byte " + k);
                            }
                            last = seq;
                            received++;
                        }
                    }
                } finally {
                    sending.set(false);
                    bridging.set(false);
                }
                long sent = resultOf(send);
                long forwarded = resultOf(bridge);
                assertEquals(FRAMES, sent);
                XdpStats s = sender.stats(), bi = bridgeIn.stats(), bo = bridgeOut.stats(), r = receiver.stats();
                String counters = "sender " + s + "\nbridge in " + bi + "\nbridge out " + bo + "\nreceiver " + r;
                // Every frame on each hop: sent = taken by the next socket + dropped on the way, counted.
                assertEquals(s.txSent(), bi.rxPackets() + bi.kernelRxDropsTotal() + bi.rxInvalid(), "hop 1\n" + counters);
                assertEquals(bi.rxPackets(), forwarded, "the bridge forwarded every frame it read\n" + counters);
                assertEquals(forwarded, bo.txForwarded(), counters);
                assertTrue(bridgeOut.flush(Duration.ofSeconds(5)));
                assertEquals(bo.txPackets(), bridgeOut.stats().txCompleted(), counters);
                assertEquals(bridgeOut.stats().txSent(), r.rxPackets() + r.kernelRxDropsTotal(), "hop 2\n" + counters);
                assertEquals(received, r.rxPackets(), counters);
                long dropped = s.txDropped() + bi.kernelRxDropsTotal() + bi.rxInvalid() + bridgeOut.stats().txDropped() + r.kernelRxDropsTotal();
                assertEquals(FRAMES, received + dropped, "every frame received or counted as dropped\n" + counters);
                assertTrue(received > FRAMES / 2, "most frames arrive: " + received + "\n" + counters);
                System.out.println("forwarded " + forwarded + " frames, received " + received + ", dropped " + dropped + "\n" + counters);
            }
        }
    }

    /** A socket sends frames back out of itself, without copying, after swapping their MAC addresses. */
    @Test
    @Privileged(tools = "ip")
    void aSocketReflectsFramesOutOfItselfWithTheirAddressesSwapped() throws Exception {
        try (VethPair veth = VethPair.create()) {
            XdpOptions nb = XdpOptions.builder().ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(10)).build();
            byte[] macA = veth.macA(), macB = veth.macB();
            try (XdpSocket client = XdpSocket.open(veth.ifA(), nb.toBuilder().networkNamespace(veth.nsA()).build());
                 XdpSocket reflector = XdpSocket.open(veth.ifB(), nb.toBuilder().networkNamespace(veth.nsB()).build())) {
                PacketBatch in = new PacketBatch(16), back = new PacketBatch(16);
                byte[] f = new byte[100];
                int answered = 0;
                for (int seq = 0; seq < 3000; seq++) {
                    fill(f, macB, macA, seq);
                    assertTrue(client.writePacket(f));
                    int n;
                    while ((n = reflector.zeroCopyReadPackets(in)) == 0) Thread.onSpinWait();
                    for (int i = 0; i < n; i++) {
                        Packet p = in.get(i);
                        long dst = p.getLong(0) >>> 16, src = p.getLong(6) >>> 16;  // six bytes each
                        p.setShort(0, (short) (src >>> 32));
                        p.setInt(2, (int) src);
                        p.setShort(6, (short) (dst >>> 32));
                        p.setInt(8, (int) dst);
                    }
                    assertEquals(n, reflector.forwardPackets(in));
                    int m;
                    while ((m = client.zeroCopyReadPackets(back)) == 0) Thread.onSpinWait();
                    for (int i = 0; i < m; i++) {
                        byte[] got = back.get(i).toArray();
                        byte[] want = f.clone();
                        System.arraycopy(macA, 0, want, 0, 6);
                        System.arraycopy(macB, 0, want, 6, 6);
                        assertEquals(java.util.HexFormat.of().formatHex(want), java.util.HexFormat.of().formatHex(got), "answer " + seq);
                        answered++;
                    }
                }
                assertEquals(3000, answered);
                assertEquals(3000, reflector.stats().txForwarded());
                assertEquals(0, reflector.stats().kernelRxFillRingEmpty(), "the reflected frames came home to FILL");
            }
        }
    }
}

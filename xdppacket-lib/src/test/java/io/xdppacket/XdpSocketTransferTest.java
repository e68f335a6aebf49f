package io.xdppacket;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Frames from an XdpSocket on one end of a veth to an XdpSocket on the other: all arrive,
 * byte-identical, in order, and both sides' stats agree with what was sent.
 */
@Privileged(tools = "ip")
class XdpSocketTransferTest {
    private static final int FRAMES = 10_000;
    /** The writer stays at most this many frames ahead of the reader: test flow control, so that no ring overflows. */
    private static final int WINDOW = 128;

    static Stream<Arguments> modes() {
        return Stream.of(XdpMode.SKB, XdpMode.DRV)
                .flatMap(m -> Stream.of(IoMode.BLOCK, IoMode.NONBLOCK).map(io -> Arguments.of(m, io)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modes")
    void randomFramesArriveByteIdenticalInOrderAndStatsAgree(XdpMode mode, IoMode io) throws Exception {
        try (VethPair veth = VethPair.create()) {
            List<byte[]> frames = Frames.randomFrames(veth.macB(), veth.macA(), FRAMES, 60, 1514, mode.ordinal() * 2L + io.ordinal());
            long totalBytes = frames.stream().mapToLong(f -> f.length).sum();
            XdpOptions base = XdpOptions.builder().xdpMode(mode).ioMode(io).pollTimeout(Duration.ofMillis(2)).build();
            long startedAt = System.currentTimeMillis() * 1_000_000L;

            try (XdpSocket rx = XdpSocket.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
                 XdpSocket tx = XdpSocket.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build())) {
                byte[][] received = new byte[FRAMES][];
                AtomicInteger count = new AtomicInteger();
                AtomicReference<Throwable> readerFailure = new AtomicReference<>();
                Thread reader = Thread.ofPlatform().name("reader").start(() -> {
                    try {
                        readAll(rx, received, count, startedAt);
                    } catch (Throwable t) {
                        readerFailure.set(t);
                    }
                });

                writeAll(tx, frames, count, reader);
                reader.join(30_000);
                if (reader.isAlive()) {
                    rx.close(); // wakes the reader, which then fails with XdpClosedException
                    reader.join(5_000);
                    fail("received only " + count.get() + " of " + FRAMES + " frames; receiver stats " + rx);
                }
                assertNull(readerFailure.get(), () -> "reader failed: " + readerFailure.get());
                assertTrue(tx.flush(Duration.ofSeconds(10)), "every written frame completes");

                for (int i = 0; i < FRAMES; i++) {
                    final int n = i;
                    assertArrayEquals(frames.get(i), received[i],
                            () -> "frame " + n + ": sent " + Frames.describe(frames.get(n)) + ", received " + Frames.describe(received[n]));
                }

                XdpStats t = tx.stats();
                assertEquals(FRAMES, t.txPackets(), "tx packets");
                assertEquals(totalBytes, t.txBytes(), "tx bytes");
                assertEquals(FRAMES, t.txCompleted(), "tx completed");
                assertEquals(0, t.txDropped(), "tx dropped by the driver");
                assertEquals(0, t.txInFlight());
                assertTrue(t.txKicks() > 0, "kicks are counted");
                XdpStats r = rx.stats();
                assertEquals(FRAMES, r.rxPackets(), "rx packets");
                assertEquals(totalBytes, r.rxBytes(), "rx bytes");
                assertEquals(0, r.kernelRxDropsTotal(), () -> "kernel dropped frames: " + r);
                assertEquals(0, t.rxPackets(), "nothing came back to the sender: " + t);
            }
        }
    }

    /**
     * Writes with each write method in turn, staying within {@link #WINDOW} frames of the reader.
     * Stops waiting when the reader has died or made no progress for 20 s; the caller then reports why.
     */
    private static void writeAll(XdpSocket tx, List<byte[]> frames, AtomicInteger received, Thread reader) throws Exception {
        int sent = 0;
        int round = 0;
        while (sent < frames.size()) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (sent - received.get() > WINDOW) {
                if (!reader.isAlive() || System.nanoTime() > deadline) return;
                Thread.onSpinWait();
            }
            byte[] f = frames.get(sent);
            switch (round++ % 4) {
                case 0 -> {
                    if (tx.writePacket(f)) sent++;
                }
                case 1 -> {
                    int n = Math.min(16, frames.size() - sent);
                    sent += tx.writePackets(frames.subList(sent, sent + n).toArray(new byte[0][]));
                }
                case 2 -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(f.length).put(f).flip();
                    if (tx.writePacket(b)) {
                        assertFalse(b.hasRemaining(), "a taken frame's buffer is consumed");
                        sent++;
                    }
                }
                default -> {
                    if (tx.writePacket(MemorySegment.ofArray(f))) sent++;
                }
            }
        }
    }

    /** Reads with each read method in turn until every frame is in; checks capture info on the way. */
    private static void readAll(XdpSocket rx, byte[][] received, AtomicInteger count, long startedAt) throws Exception {
        PacketBatch batch = new PacketBatch(8);
        PacketInfo info = new PacketInfo();
        byte[] buffer = new byte[rx.maxFrameLength()];
        int round = 0;
        int n = 0;
        while (n < received.length) {
            switch (round++ % 4) {
                case 0 -> {
                    byte[] f = rx.readPacketData(info);
                    if (f != null) {
                        checkInfo(rx, info, f.length, startedAt);
                        received[n++] = f;
                    }
                }
                case 1 -> {
                    int len = rx.readPacketData(buffer, info);
                    if (len >= 0) {
                        checkInfo(rx, info, len, startedAt);
                        received[n++] = Arrays.copyOf(buffer, len);
                    }
                }
                case 2 -> {
                    Packet p = rx.zeroCopyReadPacket();
                    if (p != null) {
                        checkInfo(rx, p.info(), p.length(), startedAt);
                        received[n++] = p.toArray();
                    }
                }
                default -> {
                    int k = rx.zeroCopyReadPackets(batch);
                    assertEquals(k, batch.size());
                    for (int i = 0; i < k && n < received.length; i++) {
                        Packet p = batch.get(i);
                        checkInfo(rx, p.info(), p.length(), startedAt);
                        received[n++] = p.toArray();
                    }
                }
            }
            count.set(n);
        }
    }

    private static void checkInfo(XdpSocket rx, PacketInfo info, int length, long startedAt) {
        assertEquals(length, info.length());
        assertEquals(length, info.captureLength());
        assertEquals(rx.interfaceIndex(), info.interfaceIndex());
        assertEquals(0, info.queueId());
        long now = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
        assertTrue(info.timestampNanos() >= startedAt - 1_000_000L && info.timestampNanos() <= now,
                () -> "timestamp " + info.timestampNanos() + " outside the test's run [" + startedAt + ", " + now + "]");
    }
}

package io.xdppacket.cli.send;

import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;
import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.cli.testing.Allocations;
import io.xdppacket.cli.traffic.FakePort;
import io.xdppacket.cli.traffic.StopSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send loop against a port that takes a few frames per write, or none: order, exactness, allocation. */
class SendLoopTest {
    @TempDir
    Path dir;

    @Test
    void partialWritesKeepEveryFrameOnceInOrder() throws Exception {
        long[] seen = new long[1000];
        int[] n = {0};
        FakePort port = new FakePort(5, f -> seen[n[0]++] = ByteBuffer.wrap(f).getLong(UdpFrameBuilder.SEQUENCE_OFFSET));
        try (StopSignal signal = StopSignal.install()) {
            SendLoop loop = new SendLoop(port, new GeneratedFrames(UdpFrameSpec.defaults(), 64), null, signal, 1000, null, 64);
            loop.run();
            assertEquals(SendLoop.Stop.COUNT, loop.stop);
            assertEquals(1000, loop.frames);
            assertEquals(60_000, loop.bytes);
            assertEquals(1000, loop.meter.frames());
            assertEquals(60_000, loop.meter.bytes());
            assertTrue(loop.flushed);
        }
        assertEquals(1000, n[0]);
        for (int i = 0; i < 1000; i++) assertEquals(i, seen[i], "frame " + i);
    }

    @Test
    void aCaptureEndsTheLoopAfterItsPasses() throws Exception {
        Path file = dir.resolve("ten.pcap");
        List<byte[]> frames = new ArrayList<>();
        try (CaptureWriter w = CaptureWriter.open(file)) {
            for (int i = 0; i < 10; i++) {
                byte[] f = new byte[60 + 97 * i];
                new UdpFrameBuilder(UdpFrameSpec.defaults().withFrameLength(f.length)).write(f, 0, i);
                frames.add(f);
                w.write(f, 0, f.length, f.length, i);
            }
        }
        List<byte[]> seen = new ArrayList<>();
        FakePort port = new FakePort(4, f -> seen.add(f.clone()));
        try (StopSignal signal = StopSignal.install(); PcapFrames source = new PcapFrames(file, 3, 1792, 8)) {
            SendLoop loop = new SendLoop(port, source, null, signal, Long.MAX_VALUE, null, 8);
            loop.run();
            assertEquals(SendLoop.Stop.END, loop.stop);
            assertEquals(30, loop.frames);
        }
        assertEquals(30, seen.size());
        for (int i = 0; i < 30; i++) assertArrayEquals(frames.get(i % 10), seen.get(i), "frame " + i);
    }

    @Test
    void theLoopAllocatesNothingPerFrame() throws Exception {
        FakePort port = new FakePort(64, f -> { });
        try (StopSignal signal = StopSignal.install()) {
            GeneratedFrames source = new GeneratedFrames(UdpFrameSpec.defaults(), 64);
            long bytes = Allocations.of(() -> new SendLoop(port, source, new Pacer(1e9, 64, System.nanoTime()), signal,
                    100_000, null, 64).run());
            // The loop object itself is some; a deoptimisation may add a few. Per frame would be megabytes.
            assertTrue(bytes < 1024, "allocated " + bytes + " bytes for 100000 frames");
        }
    }
}

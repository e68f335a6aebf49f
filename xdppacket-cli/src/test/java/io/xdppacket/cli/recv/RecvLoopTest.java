package io.xdppacket.cli.recv;

import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.pcap.PcapReader;
import io.xdppacket.cli.testing.Allocations;
import io.xdppacket.cli.traffic.FakePort;
import io.xdppacket.cli.traffic.StopSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive loop against a port that always has frames: exact counts, what it writes, allocation. */
class RecvLoopTest {
    @TempDir
    Path dir;

    /** Never more frames taken from the port than the count, though each read could return a full batch. */
    @Test
    void theCountIsExactAndNoFrameBeyondItIsTaken() throws Exception {
        FakePort port = new FakePort(0, f -> { }, 60, 61);
        try (StopSignal signal = StopSignal.install()) {
            RecvLoop loop = new RecvLoop(port, signal, 1000, null, null, 64);
            loop.run();
            assertEquals(RecvLoop.Stop.COUNT, loop.stop);
            assertEquals(1000, loop.frames);
            assertEquals(500 * 60 + 500 * 61, loop.bytes);
            assertEquals(1000, port.framesRead, "frames taken from the port");
            assertTrue(loop.startNanos != 0 && loop.endNanos - loop.startNanos >= 0, "the measured window");
        }
    }

    @Test
    void framesGoToTheFileWithLengthsTimestampsAndSnaplen() throws Exception {
        Path file = dir.resolve("x.pcapng");
        FakePort port = new FakePort(0, f -> { }, 60, 1514, 333);
        try (StopSignal signal = StopSignal.install(); CaptureWriter w = CaptureWriter.open(file, 100, "vX")) {
            RecvLoop loop = new RecvLoop(port, signal, 300, null, w, 64);
            loop.run();
            assertEquals(300, loop.frames);
        }
        int[] lengths = {60, 1514, 333};
        try (PcapReader r = PcapReader.open(file)) {
            for (int i = 0; i < 300; i++) {
                assertTrue(r.next(), "record " + i);
                int length = lengths[i % 3];
                assertEquals(length, r.originalLength());
                assertEquals(Math.min(length, 100), r.capturedLength());
                // FakePort stamps each batch with 1.7e18 + frames read before it; a batch is 64 frames (the tail: 1).
                long batchStart = i < 256 ? i / 64 * 64 : i;
                assertEquals(1_700_000_000_000_000_000L + batchStart, r.timestampNanos(), "record " + i);
                byte[] data = new byte[r.capturedLength()];
                r.copyFrame(data, 0);
                for (int j = 0; j < data.length; j++) assertEquals((byte) j, data[j]);
            }
            assertTrue(!r.next());
        }
    }

    @Test
    void theLoopAllocatesNothingPerFrame() throws Exception {
        FakePort port = new FakePort(0, f -> { }, 60, 100);
        try (StopSignal signal = StopSignal.install();
             CaptureWriter w = CaptureWriter.open(dir.resolve("y.pcap"))) {
            // One loop per run Allocations.of may make (a warm-up and up to five measured), built outside the measurement.
            RecvLoop[] loops = new RecvLoop[6];
            for (int i = 0; i < loops.length; i++) loops[i] = new RecvLoop(port, signal, 100_000, null, w, 64);
            int[] next = {0};
            long bytes = Allocations.of(() -> loops[next[0]++].run());
            // Not exactly 0: a deoptimisation re-allocates objects the JIT had eliminated, some tens of bytes.
            // One allocation per frame would be megabytes.
            assertTrue(bytes < 1024, "allocated " + bytes + " bytes for 100000 frames written to a file");
        }
    }
}

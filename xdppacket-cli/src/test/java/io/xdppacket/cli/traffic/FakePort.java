package io.xdppacket.cli.traffic;

import io.xdppacket.PacketBatch;
import io.xdppacket.TestBatches;
import io.xdppacket.XdpMultiQueueStats;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpPort;
import io.xdppacket.XdpStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;

/**
 * An {@link XdpPort} without a socket, for the hot loops' own behaviour: writes take at most a
 * chosen number of frames per call (0 on every third call), so partial writes happen on every batch;
 * each write's frames are handed to a {@link Sink}. Reads return frames of the given lengths, in
 * batches as large as asked. Allocates nothing per call.
 */
public final class FakePort implements XdpPort {
    /** Sees each frame a write took. */
    @FunctionalInterface
    public interface Sink {
        void frame(byte[] frame);
    }

    private static final int STRIDE = 2048;

    private final int takePerWrite;
    private final Sink sink;
    private final int[] lengths;
    private final MemorySegment rx;
    private final int[] batchLengths = new int[1024];
    private long writes;
    private int next;
    public long framesWritten, framesRead;

    /**
     * @param takePerWrite the most frames one write takes
     * @param rxLengths    lengths of the frames reads return, round and round; byte j of a frame is {@code (byte) j}
     */
    public FakePort(int takePerWrite, Sink sink, int... rxLengths) {
        this.takePerWrite = takePerWrite;
        this.sink = sink;
        this.lengths = rxLengths;
        this.rx = Arena.ofAuto().allocate((long) STRIDE * batchLengths.length);
        for (long i = 0; i < rx.byteSize(); i++) rx.set(ValueLayout.JAVA_BYTE, i, (byte) (i % STRIDE));
    }

    @Override
    public int writePackets(byte[][] frames, int from, int count) {
        if (++writes % 3 == 0) return 0; // "no room for a poll timeout"
        int n = Math.min(count, takePerWrite);
        for (int i = from; i < from + n; i++) sink.frame(frames[i]);
        framesWritten += n;
        return n;
    }

    @Override
    public int writePackets(List<byte[]> frames) {
        return writePackets(frames.toArray(new byte[0][]), 0, frames.size());
    }

    @Override
    public int zeroCopyReadPackets(PacketBatch batch) {
        int n = batch.capacity();
        for (int i = 0; i < n; i++) {
            batchLengths[i] = lengths[next];
            next = (next + 1) % lengths.length;
        }
        TestBatches.fill(batch, rx, STRIDE, batchLengths, n, 1_700_000_000_000_000_000L + framesRead);
        framesRead += n;
        return n;
    }

    @Override
    public void release() {
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public XdpStats stats() {
        return XdpStats.ZERO;
    }

    @Override
    public XdpMultiQueueStats queueStats() {
        return new XdpMultiQueueStats(List.of(XdpStats.ZERO));
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int maxFrameLength() {
        return STRIDE - 256;
    }

    @Override
    public io.xdppacket.XdpMode mode() {
        return io.xdppacket.XdpMode.AUTO;
    }

    @Override
    public String modeReason() {
        return null;
    }

    @Override
    public io.xdppacket.TimestampSource timestampSource() {
        return io.xdppacket.TimestampSource.READ;
    }

    @Override
    public boolean isMultiBuffer() {
        return false;
    }

    @Override
    public int forwardPackets(PacketBatch batch) {
        throw new UnsupportedOperationException("FakePort does not forward");
    }

    @Override
    public boolean isZeroCopy() {
        return false;
    }

    @Override
    public String interfaceName() {
        return "fake0";
    }

    @Override
    public int interfaceIndex() {
        return 1;
    }

    @Override
    public XdpOptions options() {
        return XdpOptions.defaults();
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public void close() {
    }
}

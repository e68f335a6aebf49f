package io.xdppacket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The receiver's zero-copy reads against the in-memory kernel, 64-byte frames: {@code readBatch}
 * into a {@link PacketBatch} of 16 and of 64, and {@code readOne}. One op is one frame. Each read
 * also gives the previous read's frames back (to FILL, in batches of 16) and, once per 1024 frames,
 * finds the RX ring empty, refills FILL and wakes the kernel, which delivers the next 1024.
 *
 * <p>Each frame is used the least a reader does: its length and its EtherType (an accessor of the
 * view, bounds-checked), summed and returned.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReceiverZeroCopyBench {
    private static final int FRAME_LENGTH = 64;
    private static final int ETHER_TYPE = 12;

    private InMemorySocket socket;
    private Receiver receiver;
    private final PacketBatch batch16 = new PacketBatch(16);
    private final PacketBatch batch64 = new PacketBatch(64);

    @Setup
    public void setUp() throws XdpException {
        socket = new InMemorySocket(FRAME_LENGTH, XdpOptions.AUTO_TX_BUDGET);
        receiver = socket.receiver;
    }

    @TearDown
    public void tearDown() {
        socket.close();
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public long readBatch16() throws XdpException {
        return readBatch(batch16);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long readBatch64() throws XdpException {
        return readBatch(batch64);
    }

    @Benchmark
    public long readOne() throws XdpException {
        Packet p = receiver.readOne();
        return p.length() + p.getShort(ETHER_TYPE);
    }

    private long readBatch(PacketBatch batch) throws XdpException {
        int n = receiver.readBatch(batch);
        // Per-frame numbers are honest only if every read filled the batch (1024 frames per delivery divide evenly).
        if (n != batch.capacity()) throw new IllegalStateException("read " + n + " of " + batch.capacity());
        long sum = 0;
        for (int i = 0; i < n; i++) {
            Packet p = batch.get(i);
            sum += p.length() + p.getShort(ETHER_TYPE);
        }
        return sum;
    }
}

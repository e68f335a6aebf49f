package io.xdppacket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The transmitter's writes against the in-memory kernel in copy mode, one op per frame:
 * {@code write(byte[], offset, length)} of one frame (copy into a TX frame, one descriptor, submit,
 * one kick, reclaim its completion) and {@code writeBatch} of a {@code byte[][]} of 64 (checks, 64
 * copies, one submit, {@code ceil(64 / txBudget)} kicks, one reclaim per kick).
 *
 * <p>{@code txBudget} is the frames one kick sends: 256 by default (the library's auto value on
 * Linux 6.17+); {@code -p txBudget=32} plays an older kernel, where a batch of 64 takes two kicks
 * and the first answers EAGAIN.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TransmitterBench {
    private static final int BATCH = 64;

    @Param({"64", "1514"})
    public int frameLength;

    @Param({"256"})
    public int txBudget;

    private InMemorySocket socket;
    private Transmitter transmitter;
    private byte[] frame;
    private byte[][] frames;

    @Setup
    public void setUp() throws XdpException {
        socket = new InMemorySocket(frameLength, txBudget);
        transmitter = socket.transmitter;
        frame = InMemorySocket.ethernetFrame(frameLength);
        frames = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) frames[i] = InMemorySocket.ethernetFrame(frameLength);
    }

    @TearDown
    public void tearDown() {
        socket.close();
    }

    @Benchmark
    public boolean write() throws XdpException {
        return transmitter.write(frame, 0, frame.length);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int writeBatch64() throws XdpException {
        int n = transmitter.writeBatch(frames, 0, BATCH);
        // Per-frame numbers are honest only if every call took the whole batch.
        if (n != BATCH) throw new IllegalStateException("wrote " + n + " of " + BATCH);
        return n;
    }
}

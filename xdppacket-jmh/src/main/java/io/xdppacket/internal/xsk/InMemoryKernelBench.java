package io.xdppacket.internal.xsk;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * What the in-memory kernel itself costs per frame, the part of the Receiver and Transmitter
 * numbers that is not the library: {@code wakeRx} moving a full ring of 1024 frames from FILL to RX,
 * and {@code kickTx} moving 1024 TX descriptors to COMPLETION in kicks of 256. One op is one frame.
 *
 * <p>The user side is played by index stores alone ({@link KernelRing#produceFullRing},
 * {@link KernelRing#consumeAllPublished}): the slots keep the entries written at setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InMemoryKernelBench {
    private static final int RING_SIZE = 1024;
    private static final int FRAME_SIZE = 2048;
    private static final int TX_BUDGET = 256;

    private Arena arena;
    private InMemoryKernel kernel;

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        kernel = new InMemoryKernel(arena, RING_SIZE, TX_BUDGET, 64);
        for (int i = 0; i < RING_SIZE; i++) {
            kernel.fill.putAddress(i, (long) (RING_SIZE + i) * FRAME_SIZE);
            kernel.tx.putDescriptor(i, (long) i * FRAME_SIZE, 64, 0);
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(RING_SIZE)
    public int wakeRx() {
        kernel.rx.consumeAllPublished();
        kernel.fill.produceFullRing();
        return kernel.wakeRx();
    }

    @Benchmark
    @OperationsPerInvocation(RING_SIZE)
    public int kickTx() {
        kernel.completion.consumeAllPublished();
        kernel.tx.produceFullRing();
        int kicks = 0;
        while (kernel.kickTx() != 0) kicks++;
        // Every call must move the whole ring, or the per-frame number is wrong.
        if (kicks != RING_SIZE / TX_BUDGET - 1) throw new IllegalStateException(kicks + 1 + " kicks for " + RING_SIZE + " frames");
        return kicks;
    }
}

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
 * The user side of a producer ring alone — reserve, write the entries, submit once — for FILL
 * (u64 frame addresses) and TX (16-byte descriptors), at batches of 1, 16 and 64. Each op is one
 * entry: a batch benchmark counts {@code batch} operations per call.
 *
 * <p>The kernel's side takes the whole ring at once when the producer finds it full
 * ({@link KernelRing#consumeAllPublished}): one acquire and one release per 1024 entries.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProducerRingBench {
    private static final int RING_SIZE = 1024;
    private static final int FRAME_SHIFT = 11; // 2048-byte frames

    private Arena arena;
    private KernelRing fillKernel;
    private KernelRing txKernel;
    private FillRing fill;
    private TxRing tx;

    @Setup
    public void setUp() {
        arena = Arena.ofShared(); // as a socket's: the engines' memory is in a shared arena
        fillKernel = new KernelRing(arena, RING_SIZE, KernelRing.ADDRESS_BYTES);
        txKernel = new KernelRing(arena, RING_SIZE, KernelRing.DESCRIPTOR_BYTES);
        fill = fillKernel.fillRing();
        tx = txKernel.txRing();
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void fillBatch1() {
        produceFill(1);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public void fillBatch16() {
        produceFill(16);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public void fillBatch64() {
        produceFill(64);
    }

    @Benchmark
    public void txBatch1() {
        produceTx(1);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public void txBatch16() {
        produceTx(16);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public void txBatch64() {
        produceTx(64);
    }

    private void produceFill(int batch) {
        int start = reserved(fill, fillKernel, batch);
        for (int i = 0; i < batch; i++) fill.setAddress(start + i, (long) (start + i) << FRAME_SHIFT);
        fill.submit();
    }

    private void produceTx(int batch) {
        int start = reserved(tx, txKernel, batch);
        for (int i = 0; i < batch; i++) tx.setDescriptor(start + i, (long) (start + i) << FRAME_SHIFT, 64, 0);
        tx.submit();
    }

    /**
     * Reserves exactly {@code batch} entries (the ring size is a multiple), letting the kernel empty the
     * ring when it is full; returns the first index. Per-entry numbers are honest only if every call
     * moves exactly one batch, which {@link ProducerRing#reserve} enforces by throwing otherwise.
     */
    private static int reserved(ProducerRing ring, KernelRing kernel, int batch) {
        if (ring.free(batch) < batch) kernel.consumeAllPublished();
        return ring.reserve(batch);
    }
}

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
 * The user side of a consumer ring alone — peek, read the entries, release once — for RX
 * (16-byte descriptors: address and length read) and COMPLETION (u64 addresses), at batches of 1,
 * 16 and 64. Each op is one entry: a batch benchmark counts {@code batch} operations per call.
 * The entries read are summed and returned, so that the reads cannot be optimised away.
 *
 * <p>Every slot holds an entry written once at setup; the kernel's side republishes the whole ring
 * when the consumer finds it empty ({@link KernelRing#produceFullRing}): one acquire and one release
 * per 1024 entries.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConsumerRingBench {
    private static final int RING_SIZE = 1024;
    private static final int FRAME_SIZE = 2048;

    private Arena arena;
    private KernelRing rxKernel;
    private KernelRing completionKernel;
    private RxRing rx;
    private CompletionRing completion;

    @Setup
    public void setUp() {
        arena = Arena.ofShared(); // as a socket's: the engines' memory is in a shared arena
        rxKernel = new KernelRing(arena, RING_SIZE, KernelRing.DESCRIPTOR_BYTES);
        completionKernel = new KernelRing(arena, RING_SIZE, KernelRing.ADDRESS_BYTES);
        for (int i = 0; i < RING_SIZE; i++) {
            rxKernel.putDescriptor(i, (long) i * FRAME_SIZE + InMemoryKernel.RX_HEADROOM, 64, 0);
            completionKernel.putAddress(i, (long) i * FRAME_SIZE);
        }
        rx = rxKernel.rxRing();
        completion = completionKernel.completionRing();
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public long rxBatch1() {
        return consumeRx(1);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public long rxBatch16() {
        return consumeRx(16);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long rxBatch64() {
        return consumeRx(64);
    }

    @Benchmark
    public long completionBatch1() {
        return consumeCompletion(1);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public long completionBatch16() {
        return consumeCompletion(16);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long completionBatch64() {
        return consumeCompletion(64);
    }

    private long consumeRx(int batch) {
        int start = peeked(rx, rxKernel, batch);
        long sum = 0;
        for (int i = 0; i < batch; i++) sum += rx.address(start + i) + rx.length(start + i);
        rx.release(batch);
        return sum;
    }

    private long consumeCompletion(int batch) {
        int start = peeked(completion, completionKernel, batch);
        long sum = 0;
        for (int i = 0; i < batch; i++) sum += completion.address(start + i);
        completion.release(batch);
        return sum;
    }

    /**
     * Peeks exactly {@code batch} entries (the ring size is a multiple), letting the kernel refill the
     * ring when it is empty; returns the first index. Per-entry numbers are honest only if every call
     * moves exactly one batch, which {@link ConsumerRing#peek} enforces by throwing otherwise.
     */
    private static int peeked(ConsumerRing ring, KernelRing kernel, int batch) {
        if (ring.available(batch) == 0) kernel.produceFullRing();
        return ring.peek(batch);
    }
}

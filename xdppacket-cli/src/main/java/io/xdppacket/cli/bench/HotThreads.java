package io.xdppacket.cli.bench;

import io.xdppacket.XdpClosedException;
import io.xdppacket.cli.os.Affinity;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The threads of one measured side: platform threads, each pinned to its CPU (only the hot thread,
 * never the JVM: the JIT and GC threads stay free), each running its loop until {@link #stop()}.
 * The harness reads their CPU time and heap allocation from outside, through HotSpot's per-thread
 * accounting, so the loops themselves carry no instrumentation.
 */
final class HotThreads {
    /** One thread's loop: runs until {@code running} says stop. */
    @FunctionalInterface
    interface Loop {
        void run(Running running) throws Exception;
    }

    /** The flag every loop checks once per call (a volatile read: no fence on x86, nothing on the frame path). */
    static final class Running {
        private volatile boolean on = true;

        boolean on() {
            return on;
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Running running = new Running();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Throwable failure;

    /** Starts {@code loop} on a new thread pinned to {@code cpu}. */
    void start(String name, int cpu, Loop loop) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            try {
                if (!Affinity.pin(cpu)) throw new IllegalStateException(name + ": could not pin to CPU " + cpu);
                loop.run(running);
            } catch (XdpClosedException closed) {
                if (running.on()) failure = closed; // closed by the harness to wake a blocked read: the normal end
            } catch (Throwable e) {
                failure = e;
            }
        });
        threads.add(t);
        t.start();
    }

    /** CPU time of all threads so far, in nanoseconds. */
    long cpuNanos() {
        long sum = 0;
        for (Thread t : threads) sum += Math.max(0, THREADS.getThreadCpuTime(t.threadId()));
        return sum;
    }

    /** Heap bytes all threads allocated so far. */
    long allocatedBytes() {
        long sum = 0;
        for (Thread t : threads) sum += Math.max(0, THREADS.getThreadAllocatedBytes(t.threadId()));
        return sum;
    }

    /** Asks the loops to end; a loop blocked in a read ends when its socket is closed. */
    void stop() {
        running.on = false;
    }

    /** Waits up to {@code timeout} for every thread; returns whether all ended. */
    boolean join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    /** What ended a loop with an exception (not the harness's own close), or null. */
    Throwable failure() {
        return failure;
    }
}

package io.xdppacket.cli.traffic;

import io.xdppacket.cli.os.Affinity;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The thread that runs a command's hot loop: a platform thread of its own, so that {@code --cpu} pins
 * it and nothing else (the caller may be a test's thread, or main). The caller waits in
 * {@link #join}, printing progress between seconds.
 */
public final class HotThread {
    /** The loop. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile Throwable failure;

    private HotThread(String name, Integer cpu, Body body) {
        thread = Thread.ofPlatform().name(name).unstarted(() -> {
            try {
                if (cpu != null && !Affinity.pin(cpu)) {
                    throw new IllegalStateException("--cpu " + cpu + ": the kernel refused to pin the thread to CPU " + cpu
                            + " (sched_setaffinity; is it in this process's CPU set? taskset -p " + ProcessHandle.current().pid() + ")");
                }
                body.run();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** Starts {@code body} on a new thread, pinned to {@code cpu} unless that is null. */
    public static HotThread start(String name, Integer cpu, Body body) {
        HotThread h = new HotThread(name, cpu, body);
        h.thread.start();
        return h;
    }

    /**
     * Waits for the loop to end, calling {@code tick} with the seconds elapsed since {@code startNanos}
     * at every whole second before that.
     */
    public void join(long startNanos, LongConsumer tick) throws InterruptedException {
        long second = 1;
        while (true) {
            long wait = startNanos + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
            if (wait > 0 && thread.join(Duration.ofNanos(wait))) return;
            if (!thread.isAlive()) return;
            tick.accept(second++);
        }
    }

    /** What ended the loop with an exception, or null. Valid after {@link #join}. */
    public Throwable failure() {
        return failure;
    }
}

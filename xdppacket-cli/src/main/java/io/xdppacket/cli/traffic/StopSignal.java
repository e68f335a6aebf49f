package io.xdppacket.cli.traffic;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM while a command runs: a shutdown hook raises a flag that the hot loop
 * checks between batches, then holds the JVM's exit until the command has flushed, printed its
 * summary and closed its socket ({@link #close()}), for at most {@link #GRACE_SECONDS}. The JVM then
 * exits with 128 + the signal number: 130 for Ctrl-C.
 *
 * <p>A flag and poll timeouts rather than closing the socket under the loop: the loop ends by
 * itself, with every frame it wrote completed and counted.
 */
public final class StopSignal implements AutoCloseable {
    /** Longest the exit waits for the command to wind down. */
    static final long GRACE_SECONDS = 10;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean raised;

    private StopSignal() {
        hook = new Thread(this::onShutdown, "xdppacket-stop");
    }

    /** Starts listening; {@link #close()} stops. */
    public static StopSignal install() {
        StopSignal s = new StopSignal();
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void onShutdown() {
        raised = true;
        try {
            finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the process was told to stop. */
    public boolean raised() {
        return raised;
    }

    /** The command is done: lets a pending exit proceed and removes the hook. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: it returns now that finished is counted down.
        }
    }
}

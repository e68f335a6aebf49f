package io.xdppacket;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;

/** Helpers of the engine unit tests: options, numbered frames, and calls on another thread. */
final class EngineFixture {
    private EngineFixture() {}

    /** Small sockets: 64 frames each way, rings of 64. */
    static XdpOptions options(IoMode mode) {
        return XdpOptions.builder().numFrames(64).ringSize(64).ioMode(mode).pollTimeout(Duration.ofMillis(2)).build();
    }

    /** A 64-byte frame carrying {@code seq} at offset 14 (after the Ethernet header). */
    static byte[] frame(int seq) {
        byte[] f = InMemorySocket.ethernetFrame(64);
        ByteBuffer.wrap(f).putInt(14, seq);
        return f;
    }

    static int seqOf(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(14);
    }

    static int seqOf(Packet p) {
        return p.getInt(14);
    }

    /** Runs {@code call} on a new platform thread. */
    static <T> Future<T> onOtherThread(Callable<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** A condition that may throw. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits (up to 10 s, a hang guard, not a timing assertion) until {@code condition} holds. */
    static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) fail("gave up waiting: " + what);
            Thread.sleep(1);
        }
    }

    /** The exception {@code f} ended with (waiting up to 10 s as a hang guard). */
    static Throwable failureOf(Future<?> f) throws InterruptedException {
        try {
            Object v = f.get(10, TimeUnit.SECONDS);
            return fail("expected a failure, got " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return fail("the call did not end");
        }
    }

    static <T> T resultOf(Future<T> f) throws Exception {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }
}

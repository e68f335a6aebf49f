package io.xdppacket.cli.traffic;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Frames and bytes moved by a hot loop, for the once-a-second progress line. The loop (the only
 * writer) publishes once per batch with a release store, which on x86 and ARM is a plain store: no
 * atomic read-modify-write, no fence on the hot path. Readers on other threads see a recent value.
 */
public final class Meter {
    private static final VarHandle FRAMES, BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FRAMES = l.findVarHandle(Meter.class, "frames", long.class);
            BYTES = l.findVarHandle(Meter.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through the var handles
    private long frames, bytes;

    /** Adds a batch. Only the owning thread calls this. */
    public void add(long frameCount, long byteCount) {
        FRAMES.setRelease(this, (long) FRAMES.getOpaque(this) + frameCount);
        BYTES.setRelease(this, (long) BYTES.getOpaque(this) + byteCount);
    }

    public long frames() {
        return (long) FRAMES.getAcquire(this);
    }

    public long bytes() {
        return (long) BYTES.getAcquire(this);
    }
}

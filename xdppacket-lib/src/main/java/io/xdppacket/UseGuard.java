package io.xdppacket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lets one thread at a time use one side of a socket's rings — its reading side (RX and FILL) or its
 * writing side (TX and COMPLETION) — and refuses overlapping use with an
 * {@link IllegalStateException} that states the rule, before anything was taken from a ring. Each
 * ring has exactly one user-space producer or consumer: two threads reading at once would take the
 * same descriptors twice and hand the same frames out twice; two writing at once would post frames
 * over each other. Sequential use from different threads stays allowed: the guard's release and
 * acquire order the rings' plain state between them.
 *
 * <p>Cost per call: one compare-and-set to enter (uncontended, on a line this thread owns in the
 * steady state) and one release store to exit; nothing per frame.
 *
 * <p>Close and the guard: {@link #enter} reads the closed flag after its CAS, and close sets the flag
 * before it waits for the guard to be idle ({@link SocketResources#awaitIdle}); both are sequentially
 * consistent, so either the entering thread sees "closed" and backs out, or close sees it inside and
 * waits until it leaves. Memory is freed only once no thread can be inside.
 */
final class UseGuard {
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(UseGuard.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SocketResources owner;
    private final String rule;
    @SuppressWarnings("unused") // through BUSY
    private volatile int busy;

    UseGuard(SocketResources owner, String rule) {
        this.owner = owner;
        this.rule = rule;
    }

    /**
     * Takes the guard for the calling thread.
     *
     * @throws IllegalStateException if another thread is inside (the message is the rule)
     * @throws XdpClosedException if the owner is closed
     */
    void enter() throws XdpClosedException {
        if (!BUSY.compareAndSet(this, 0, 1)) throw new IllegalStateException(rule);
        if (owner.isClosed()) {
            BUSY.setRelease(this, 0);
            throw owner.closedException();
        }
    }

    /**
     * Takes the guard if it is free, whether the owner is closed or not: for the close protocol, which
     * uses the rings itself once their users have left, and for a reader that must skip a closed
     * member instead of failing. False if another thread is inside.
     */
    boolean tryEnter() {
        return BUSY.compareAndSet(this, 0, 1);
    }

    /** Leaves the guard; the next thread to enter sees everything done inside. */
    void exit() {
        BUSY.setRelease(this, 0);
    }

    boolean isIdle() {
        return (int) BUSY.getVolatile(this) == 0;
    }

    /** The refusal a caller gets while another thread is inside. */
    IllegalStateException refusal() {
        return new IllegalStateException(rule);
    }
}

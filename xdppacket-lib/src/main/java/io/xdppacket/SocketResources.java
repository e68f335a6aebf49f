package io.xdppacket;

import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one owner of the native resources behind a public socket object ({@link XdpSocket}, or the
 * set of an {@link XdpMultiQueue}) and of the protocol that frees them while other threads may be
 * inside a read or a write:
 *
 * <ul>
 *   <li>a shared {@link Arena} holding every mapping and every segment a system call is given (rings,
 *       UMEM, poll sets, errno slots): a downcall holds the arena of its arguments, so while a thread
 *       is in the kernel with our memory the arena cannot close under it;</li>
 *   <li>the file descriptors, closed only after the arena, so that no system call in progress can
 *       find its fd number reused;</li>
 *   <li>the wake-up eventfd that every poll set of the owner includes, so that closing ends a sleep;</li>
 *   <li>the open/closed state, and the {@link UseGuard}s of the owner's rings.</li>
 * </ul>
 *
 * <p>Close, in order: {@link #markClosed} (the first caller wins; new calls now fail and sleepers are
 * woken), {@link #awaitIdle} on each guard (threads inside a read or write leave: spins and sleeps
 * look at the closed flag), whatever the owner does with its rings once alone (complete written
 * frames), then {@link #release}.
 */
final class SocketResources {
    /** How long close waits for threads to leave our rings and system calls before it gives up and leaks. */
    static final long CLOSE_DRAIN_NANOS = 5_000_000_000L;
    private static final long DRAIN_PAUSE_NANOS = 200_000L;

    private final String name;
    private final Arena arena = Arena.ofShared();
    private final int wakeFd;
    private final List<Integer> fds = new ArrayList<>();
    private final Object lock = new Object();
    private volatile boolean closed;
    /** Guarded by {@link #lock}: the fds are closed; the wake-up fd's number may belong to someone else now. */
    private boolean released;

    private SocketResources(String name, int wakeFd) {
        this.name = name;
        this.wakeFd = wakeFd;
    }

    /** Creates the owner of {@code name} (how messages name it) with its wake-up eventfd. */
    static SocketResources create(String name) throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            int fd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            return new SocketResources(name, SysCall.check(fd, errno, "eventfd() for " + name));
        }
    }

    String name() {
        return name;
    }

    /** The arena for everything the owner maps or hands to the kernel. */
    Arena arena() {
        return arena;
    }

    /** The eventfd every poll set of the owner includes; readable once the owner closes. */
    int wakeFd() {
        return wakeFd;
    }

    /** Takes {@code fd} over: it is closed by {@link #release}, after the arena. */
    void adopt(int fd) {
        synchronized (lock) {
            fds.add(fd);
        }
    }

    /** A guard that lets one thread at a time use a ring side; {@code rule} is the message of a refusal. */
    UseGuard newGuard(String rule) {
        return new UseGuard(this, rule);
    }

    boolean isClosed() {
        return closed;
    }

    void ensureOpen() throws XdpClosedException {
        if (closed) throw closedException();
    }

    XdpClosedException closedException() {
        return new XdpClosedException(name);
    }

    /**
     * Marks the owner closed and wakes every sleeper. Returns true for the first caller only, who then
     * runs the rest of the close.
     */
    boolean markClosed() {
        synchronized (lock) {
            if (closed) return false;
            closed = true;
        }
        wake();
        return true;
    }

    /** Makes the wake-up fd readable: every ppoll that includes it returns. Does nothing once released. */
    void wake() {
        synchronized (lock) {
            if (released) return;
            try (Arena call = Arena.ofConfined()) {
                Libc.write(Libc.allocateErrno(call), wakeFd, call.allocateFrom(JAVA_LONG, 1L), Long.BYTES);
            }
        }
    }

    /**
     * Waits until no thread is inside {@code guard} (after {@link #markClosed}, a thread leaves at its
     * next check of the flag), waking sleepers again now and then. False if one stayed for
     * {@link #CLOSE_DRAIN_NANOS}: the caller must then leave the memory mapped.
     */
    boolean awaitIdle(UseGuard guard) {
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (!guard.isIdle()) {
            if (System.nanoTime() - deadline > 0) return false;
            wake();
            LockSupport.parkNanos(DRAIN_PAUSE_NANOS);
        }
        return true;
    }

    /**
     * Frees everything: closes the arena (unmapping rings and UMEM) once no system call holds it,
     * then the adopted fds and the wake-up fd. If a thread stays inside a system call with our memory
     * for {@link #CLOSE_DRAIN_NANOS}, leaks all of it rather than free memory or fds under it, and
     * says so. Returns whether everything was freed. Also the clean-up of a failed open.
     */
    boolean release() {
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (true) {
            try {
                arena.close();
                break;
            } catch (IllegalStateException inUse) {
                if (System.nanoTime() - deadline > 0) {
                    System.getLogger("io.xdppacket").log(System.Logger.Level.WARNING, name
                            + ": a thread stayed inside a system call on it for 5 s; its memory and file descriptors are left open");
                    return false;
                }
                wake();
                LockSupport.parkNanos(DRAIN_PAUSE_NANOS);
            }
        }
        synchronized (lock) {
            released = true;
            try (Arena call = Arena.ofConfined()) {
                MemorySegment errno = Libc.allocateErrno(call);
                for (int i = fds.size() - 1; i >= 0; i--) Libc.close(errno, fds.get(i));
                Libc.close(errno, wakeFd);
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return closed ? name + " (closed)" : name;
    }
}

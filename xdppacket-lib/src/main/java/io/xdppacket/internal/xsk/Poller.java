package io.xdppacket.internal.xsk;

import io.xdppacket.XdpException;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.Objects;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Waits with {@code ppoll(2)} until one of a fixed set of sockets is ready, or until a wake-up fd
 * (an eventfd that {@code close()} signals) fires, or a timeout passes. One poller per waiting
 * thread: its {@code pollfd} array, timeout and errno slot live in the owner's arena, so a wait in
 * progress holds that arena open and the owner cannot free the fds under it.
 *
 * <p>A poller over sockets it does not own (a multi-queue reader waiting on every queue) must stop
 * watching a socket before that socket's fd is closed: {@link #exclude} it, and coordinate with the
 * socket's owner so that no wait is in progress on the old fd when it closes.
 */
public final class Poller {
    /** {@code struct pollfd} ({@code <poll.h>}). */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")).withName("pollfd");
    private static final long FD = POLLFD.byteOffset(groupElement("fd"));
    private static final long EVENTS = POLLFD.byteOffset(groupElement("events"));
    private static final long REVENTS = POLLFD.byteOffset(groupElement("revents"));

    /** {@code struct timespec} ({@code <time.h>}, LP64). */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** {@link #await} result: the wake-up fd fired (the owner is closing). */
    public static final int WOKEN = -1;

    private final MemorySegment fds;
    private final MemorySegment timeout;
    private final MemorySegment errno;
    private final MemorySegment drain;
    private final int count;
    private final int wakeFd;
    private final String what;

    /**
     * @param socketFds the fds to wait on, all for the same {@code events} ({@code POLLIN} or {@code POLLOUT})
     * @param wakeFd an eventfd; readable means "stop waiting"
     * @param what how errors name the sockets
     */
    public Poller(Arena arena, int[] socketFds, int events, int wakeFd, String what) {
        this.count = socketFds.length;
        this.fds = arena.allocate(POLLFD, count + 1L);
        this.timeout = arena.allocate(TIMESPEC);
        this.errno = Libc.allocateErrno(arena);
        this.drain = arena.allocate(JAVA_LONG);
        this.wakeFd = wakeFd;
        this.what = what;
        for (int i = 0; i <= count; i++) {
            long base = i * POLLFD.byteSize();
            fds.set(JAVA_INT, base + FD, i < count ? socketFds[i] : wakeFd);
            fds.set(JAVA_SHORT, base + EVENTS, (short) (i < count ? events : Libc.POLLIN));
        }
    }

    /**
     * Waits until a socket is ready, the wake-up fd fires, or {@code timeoutNanos} passes
     * ({@code < 0}: no limit).
     *
     * @return how many sockets are ready (0 after a timeout or a signal), or {@link #WOKEN}
     * @throws XdpException if ppoll fails, or reports an error or a closed fd on a socket
     */
    public int await(long timeoutNanos) throws XdpException {
        MemorySegment ts = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timeout.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            ts = timeout;
        }
        int n = Libc.ppoll(errno, fds, count + 1L, ts);
        if (n < 0) {
            int e = Libc.errno(errno);
            if (e == Errno.EINTR) return 0;
            throw SysCall.failure("ppoll(" + what + ")", e, null);
        }
        if (n == 0) return 0;
        if (revents(count) != 0) return WOKEN;
        int ready = 0;
        for (int i = 0; i < count; i++) {
            int r = revents(i);
            if ((r & (Libc.POLLERR | Libc.POLLNVAL)) != 0) {
                throw new XdpException("ppoll(" + what + ") reports " + ((r & Libc.POLLNVAL) != 0 ? "POLLNVAL (fd not open)" : "POLLERR")
                        + " on socket " + i + " (fd " + fds.get(JAVA_INT, i * POLLFD.byteSize() + FD) + "): the interface may be down or gone");
            }
            if (r != 0) ready++;
        }
        return ready;
    }

    /**
     * Stops watching socket {@code i}: {@code ppoll} ignores a negative fd, and {@link #ready}
     * reports it as not ready from then on. For a socket that was closed; it cannot be undone.
     */
    public void exclude(int i) {
        Objects.checkIndex(i, count);
        long base = i * POLLFD.byteSize();
        fds.set(JAVA_INT, base + FD, -1);
        fds.set(JAVA_SHORT, base + REVENTS, (short) 0);
    }

    /** Whether socket {@code i} is still watched (not {@link #exclude}d). */
    public boolean watching(int i) {
        Objects.checkIndex(i, count);
        return fds.get(JAVA_INT, i * POLLFD.byteSize() + FD) >= 0;
    }

    /**
     * Resets the wake-up fd (reads the eventfd's counter to zero), for owners whose wake-up does not
     * always mean "closing" and who keep waiting after one. The eventfd must be non-blocking.
     */
    public void clearWake() {
        Libc.read(errno, wakeFd, drain, Long.BYTES);  // EAGAIN when already clear: nothing to do
    }

    /** Whether socket {@code i} was ready after the last {@link #await}. */
    public boolean ready(int i) {
        return revents(i) != 0;
    }

    private int revents(int i) {
        return fds.get(JAVA_SHORT, i * POLLFD.byteSize() + REVENTS);
    }
}

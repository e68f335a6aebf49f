package io.xdppacket.internal.sys;

import io.xdppacket.XdpException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs the calling thread inside a named network namespace ({@code ip netns add NAME}) until closed.
 *
 * <p>A network namespace is a property of each thread ({@code setns(2)} with {@code CLONE_NEWNET}),
 * and everything the kernel resolves by name or index — interfaces, {@code if_nametoindex}, netlink,
 * {@code BPF_LINK_CREATE}'s ifindex — uses the namespace of the thread that asks. Sockets keep the
 * namespace they were created in, so a socket opened inside stays usable from any thread after
 * {@link #close()}. Use on platform threads only: a virtual thread can move between carriers.
 */
public final class NetNs implements AutoCloseable {
    private static final String[] DIRS = {"/run/netns/", "/var/run/netns/"};

    private final int previousFd;
    private final Thread owner;
    private final String name;
    private boolean closed;

    private NetNs(int previousFd, String name) {
        this.previousFd = previousFd;
        this.owner = Thread.currentThread();
        this.name = name;
    }

    /**
     * Refuses a name that cannot be a namespace {@code ip netns} made: a file name in
     * {@code /run/netns}, so not empty, not {@code .} or {@code ..}, at most 255 bytes, and without
     * {@code /}, NUL or other control characters (a NUL would silently cut the name short).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkName(String name) {
        if (name == null) throw new IllegalArgumentException("network namespace name is null");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("network namespace name '" + name + "' is not a name 'ip netns add' accepts");
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("network namespace name of " + name.length() + " characters: at most 255 bytes");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || Character.isISOControl(c)) {
                String what = c == 0 ? "NUL" : c == '/' ? "'/'" : String.format("the control character U+%04X", (int) c);
                throw new IllegalArgumentException("network namespace name '" + name.replace("\0", "\\0") + "' contains " + what
                        + " at index " + i + ": expected a name as 'ip netns list' shows it");
            }
        }
    }

    /**
     * Moves the calling thread into namespace {@code name}; {@link #close()} moves it back.
     *
     * @throws IllegalArgumentException if {@code name} cannot be a namespace's name ({@link #checkName})
     * @throws XdpException if there is no such namespace or the thread may not enter it
     */
    public static NetNs enter(String name) throws XdpException {
        checkName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            int target = -1;
            int lastErrno = Errno.ENOENT;
            for (String dir : DIRS) {
                target = Libc.open(errno, arena.allocateFrom(dir + name), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
                if (target >= 0) break;
                lastErrno = Libc.errno(errno);
            }
            if (target < 0) {
                throw SysCall.failure("open(/run/netns/" + name + ")", lastErrno,
                        lastErrno == Errno.ENOENT ? "no network namespace named '" + name + "' (ip netns list)" : null);
            }
            try {
                int previous = Libc.open(errno, arena.allocateFrom("/proc/thread-self/ns/net"), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
                SysCall.check(previous, errno, "open(/proc/thread-self/ns/net)");
                if (Libc.setns(errno, target, Libc.CLONE_NEWNET) < 0) {
                    int e = Libc.errno(errno);
                    Libc.close(errno, previous);
                    throw SysCall.failure("setns(" + name + ", CLONE_NEWNET)", e, null);
                }
                return new NetNs(previous, name);
            } finally {
                Libc.close(errno, target);
            }
        }
    }

    /** The namespace this handle entered. */
    public String name() {
        return name;
    }

    /** Moves the thread back to the namespace it was in before {@link #enter}. Must run on the same thread. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("NetNs.close() must run on the thread that entered " + name);
        }
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            int rc = Libc.setns(errno, previousFd, Libc.CLONE_NEWNET);
            Libc.close(errno, previousFd);
            if (rc < 0) {
                // The thread now runs in the wrong namespace; anything it opens later would land there.
                throw new IllegalStateException("setns back from " + name + " failed: " + Errno.name(Libc.errno(errno)));
            }
        }
    }
}

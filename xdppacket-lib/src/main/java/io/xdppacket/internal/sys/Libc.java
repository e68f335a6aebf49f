package io.xdppacket.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc functions we call, as downcall handles created once.
 *
 * <p>Each function that can fail takes, as its first argument, an errno slot ({@link #allocateErrno}):
 * the linker stores the thread's errno there right after the call ({@code captureCallState}), before
 * the JVM can clobber it. A slot must not be shared by threads that call concurrently; the hot path
 * keeps one per direction (RX, TX), slow paths allocate one per operation.
 *
 * <p>The methods return the raw C result. Turning {@code -1} into an exception is the caller's job
 * ({@link SysCall}), because only the caller knows what the call was for and what to advise.
 *
 * <p>Types are those of Linux x86_64 and aarch64 (LP64): {@code size_t}, {@code ssize_t},
 * {@code off_t}, {@code long} and {@code nfds_t} are 64-bit; {@code socklen_t} is 32-bit.
 */
public final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    /** Non-blocking calls on the hot path: no thread-state transition (JDK 22+), a few ns each. */
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VH =
            CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));

    /** A slot for the errno of calls made through this class. */
    public static MemorySegment allocateErrno(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno stored in a slot by the last call that used it. */
    public static int errno(MemorySegment slot) {
        return (int) ERRNO_VH.get(slot, 0L);
    }

    private static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    // ---- sockets ---------------------------------------------------------------------------

    private static final MethodHandle SOCKET = fn("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle CLOSE = fn("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle BIND = fn("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle SETSOCKOPT = fn("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle GETSOCKOPT = fn("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    private static final MethodHandle SENDTO = fn("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle SENDTO_CRITICAL = fn("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO, CRITICAL);
    private static final MethodHandle RECVFROM = fn("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    private static final MethodHandle RECVFROM_CRITICAL = fn("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), ERRNO, CRITICAL);

    public static int socket(MemorySegment errno, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(errno, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int close(MemorySegment errno, int fd) {
        try {
            return (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bind(MemorySegment errno, int fd, MemorySegment addr, int addrLen) {
        try {
            return (int) BIND.invokeExact(errno, fd, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int setsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(errno, fd, level, name, value, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code optLen} is an in/out {@code socklen_t}: the buffer's size in, the answer's size out. */
    public static int getsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, MemorySegment optLen) {
        try {
            return (int) GETSOCKOPT.invokeExact(errno, fd, level, name, value, optLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long sendto(MemorySegment errno, int fd, MemorySegment buf, long len, int flags,
                              MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(errno, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendto} for calls that cannot block ({@code MSG_DONTWAIT}): the AF_XDP TX kick. */
    public static long sendtoNonBlocking(MemorySegment errno, int fd, MemorySegment buf, long len, int flags,
                                         MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO_CRITICAL.invokeExact(errno, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long recvfrom(MemorySegment errno, int fd, MemorySegment buf, long len, int flags,
                                MemorySegment addr, MemorySegment addrLen) {
        try {
            return (long) RECVFROM.invokeExact(errno, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recvfrom} for calls that cannot block ({@code MSG_DONTWAIT}): the AF_XDP RX wakeup. */
    public static long recvfromNonBlocking(MemorySegment errno, int fd, MemorySegment buf, long len, int flags,
                                           MemorySegment addr, MemorySegment addrLen) {
        try {
            return (long) RECVFROM_CRITICAL.invokeExact(errno, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- memory ----------------------------------------------------------------------------

    private static final MethodHandle MMAP = fn("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    private static final MethodHandle MUNMAP = fn("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle SYSCONF = fn("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    /** Returns the mapping's address, or {@link #MAP_FAILED} ({@code (void *) -1}). */
    public static long mmap(MemorySegment errno, long addr, long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment r = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.ofAddress(addr), length, prot, flags, fd, offset);
            return r.address();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int munmap(MemorySegment errno, long addr, long length) {
        try {
            return (int) MUNMAP.invokeExact(errno, MemorySegment.ofAddress(addr), length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long sysconf(int name) {
        try {
            return (long) SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- waiting and waking ----------------------------------------------------------------

    private static final MethodHandle PPOLL = fn("ppoll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), ERRNO);
    private static final MethodHandle EVENTFD = fn("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle WRITE = fn("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle READ = fn("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);

    /** {@code timeout} is a {@code struct timespec}, or NULL to wait without limit. */
    public static int ppoll(MemorySegment errno, MemorySegment fds, long nfds, MemorySegment timeout) {
        try {
            return (int) PPOLL.invokeExact(errno, fds, nfds, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int eventfd(MemorySegment errno, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(errno, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long write(MemorySegment errno, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(errno, fd, buf, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long read(MemorySegment errno, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(errno, fd, buf, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- files, namespaces, devices, processes ------------------------------------------------

    private static final MethodHandle OPEN = fn("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MOUNT = fn("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
    private static final MethodHandle STATFS = fn("statfs",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    private static final MethodHandle UNLINK = fn("unlink",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    private static final MethodHandle SETNS = fn("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle IF_NAMETOINDEX = fn("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    private static final MethodHandle IF_INDEXTONAME = fn("if_indextoname",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), ERRNO);
    private static final MethodHandle IOCTL = fn("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SYSCALL3 = fn("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), ERRNO, Linker.Option.firstVariadicArg(1));
    /** vDSO, never blocks. */
    private static final MethodHandle CLOCK_GETTIME = fn("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.critical(true));

    public static int open(MemorySegment errno, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPEN.invokeExact(errno, path, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code mount(2)}; {@code data} may be {@link MemorySegment#NULL}. */
    public static int mount(MemorySegment errno, MemorySegment source, MemorySegment target, MemorySegment type, long flags,
                            MemorySegment data) {
        try {
            return (int) MOUNT.invokeExact(errno, source, target, type, flags, data);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code statfs(2)} into {@code buf} ({@link #STATFS_SIZE} bytes); the filesystem's magic number is
     * its first field, a {@code long} on LP64 ({@code f_type}).
     */
    public static int statfs(MemorySegment errno, MemorySegment path, MemorySegment buf) {
        try {
            return (int) STATFS.invokeExact(errno, path, buf);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int unlink(MemorySegment errno, MemorySegment path) {
        try {
            return (int) UNLINK.invokeExact(errno, path);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int setns(MemorySegment errno, int fd, int nstype) {
        try {
            return (int) SETNS.invokeExact(errno, fd, nstype);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Returns 0 (and sets errno) when there is no such interface in the calling thread's network namespace. */
    public static int ifNameToIndex(MemorySegment errno, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(errno, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Writes the name of interface {@code ifindex} into {@code name} ({@code IF_NAMESIZE} = 16 bytes)
     * and returns true, or returns false (errno {@code ENXIO}) when the calling thread's network
     * namespace has no such interface.
     */
    public static boolean ifIndexToName(MemorySegment errno, int ifindex, MemorySegment name) {
        try {
            MemorySegment r = (MemorySegment) IF_INDEXTONAME.invokeExact(errno, ifindex, name);
            return r.address() != 0;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ioctl(MemorySegment errno, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(errno, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code syscall(number, a, b, c)} with a pointer in the second argument: the shape of {@code bpf(2)}. */
    public static long syscall(MemorySegment errno, long number, long a, MemorySegment b, long c) {
        try {
            return (long) SYSCALL3.invokeExact(errno, number, a, b, c);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code clock_gettime(clock, ts)} into a {@code struct timespec} (two longs: seconds, nanoseconds).
     * Critical with heap access: {@code ts} may be a heap segment ({@code MemorySegment.ofArray(new long[2])}),
     * which costs no arena acquire per call.
     */
    public static int clockGettime(int clock, MemorySegment timespec) {
        try {
            return (int) CLOCK_GETTIME.invokeExact(clock, timespec);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- constants (Linux, asm-generic / x86_64) --------------------------------------------

    public static final long MAP_FAILED = -1L;
    public static final int PROT_READ = 0x1, PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_POPULATE = 0x8000;
    public static final int SC_PAGESIZE = 30;

    public static final int AF_UNSPEC = 0, AF_INET = 2, AF_NETLINK = 16, AF_PACKET = 17, AF_XDP = 44;
    public static final int SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    /** {@code SO_RCVTIMEO} with a 64-bit {@code struct timeval} (asm-generic: SO_RCVTIMEO_OLD on LP64). */
    public static final int SO_RCVTIMEO = 20;
    /** Busy polling (asm-generic/socket.h): {@code SO_BUSY_POLL} µs; Linux 5.11 added the other two. */
    public static final int SO_BUSY_POLL = 46, SO_PREFER_BUSY_POLL = 69, SO_BUSY_POLL_BUDGET = 70;
    public static final int MSG_TRUNC = 0x20;
    public static final int NETLINK_ROUTE = 0;
    public static final int IF_NAMESIZE = 16;
    public static final int MSG_DONTWAIT = 0x40;

    public static final int POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    /** {@code sizeof(struct statfs)} on LP64 Linux (x86_64 and aarch64: 120); allocate this much for {@link #statfs}. */
    public static final long STATFS_SIZE = 120;
    /** {@code BPF_FS_MAGIC} (include/uapi/linux/magic.h): {@code f_type} of a bpffs. */
    public static final long BPF_FS_MAGIC = 0xcafe4a11L;
    public static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_TAI = 11;
}

package io.xdppacket.internal.sys;

import io.xdppacket.XdpException;
import io.xdppacket.XdpUnavailableException;
import io.xdppacket.XdpUnavailableException.Missing;

import java.lang.foreign.MemorySegment;

/**
 * Turns failed system calls into {@link XdpException}s that name the call, the errno and a hint.
 * Slow paths only: the hot path looks at errno values itself and never throws per frame.
 */
public final class SysCall {
    private SysCall() {}

    /** The hint for an errno when the caller has none of its own. */
    public static String defaultHint(int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES -> "needs root, or CAP_NET_ADMIN + CAP_BPF + CAP_NET_RAW (and CAP_IPC_LOCK or a large RLIMIT_MEMLOCK for the UMEM)";
            case Errno.ENODEV -> "no such interface";
            case Errno.EBUSY -> "a program or socket is already there";
            case Errno.EOPNOTSUPP -> "not supported by this interface or kernel";
            case Errno.ENOSYS -> "this kernel lacks the system call";
            case Errno.EAFNOSUPPORT -> "this kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS)";
            case Errno.ENOMEM, Errno.ENOBUFS -> "out of locked memory: raise RLIMIT_MEMLOCK (ulimit -l) or use fewer frames";
            default -> null;
        };
    }

    /**
     * The exception for a failed call. Privilege and missing-feature errnos become
     * {@link XdpUnavailableException}, everything else a plain {@link XdpException}.
     *
     * @param hint advice specific to this call, or {@code null} for {@link #defaultHint}
     */
    public static XdpException failure(String operation, int errno, String hint) {
        String h = hint != null ? hint : defaultHint(errno);
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES -> new XdpUnavailableException(Missing.PRIVILEGE, operation, errno, h);
            case Errno.ENOSYS, Errno.EAFNOSUPPORT -> new XdpUnavailableException(Missing.KERNEL_FEATURE, operation, errno, h);
            default -> new XdpException(operation, errno, h);
        };
    }

    /** Returns {@code result} if it is not negative, otherwise throws the failure of {@code operation}. */
    public static int check(int result, MemorySegment errnoSlot, String operation) throws XdpException {
        if (result < 0) throw failure(operation, Libc.errno(errnoSlot), null);
        return result;
    }

    /** {@link #check(int, MemorySegment, String)} for calls that return {@code long}. */
    public static long check(long result, MemorySegment errnoSlot, String operation) throws XdpException {
        if (result < 0) throw failure(operation, Libc.errno(errnoSlot), null);
        return result;
    }
}

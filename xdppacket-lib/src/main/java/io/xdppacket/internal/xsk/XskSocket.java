package io.xdppacket.internal.xsk;

import io.xdppacket.XdpException;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.IfXdp;
import io.xdppacket.internal.sys.IfXdp.RingId;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An AF_XDP socket's file descriptor and the four rings mapped from it; the set-up steps of
 * libxdp's {@code xsk_umem__create} + {@code xsk_socket__create}, without libxdp.
 *
 * <p>Order of use: {@link #create} (socket, UMEM registration, ring sizes, ring mappings), then
 * the caller puts frames on the FILL ring, then {@link #bind}. The ring mappings belong to the
 * caller's arena and are unmapped when it closes; the fd belongs to the caller too, which must close
 * it only after that arena is closed (so no thread can still be in a system call on it, and a reused
 * fd number can never be kicked by mistake).
 */
public final class XskSocket {
    /** How long bind keeps retrying EBUSY: the kernel releases a closed socket's queue from a workqueue (7–20 ms seen). */
    private static final long BIND_BUSY_RETRY_NANOS = 500_000_000L;

    private final int fd;
    private final String target;
    private final FillRing fill;
    private final CompletionRing completion;
    private final RxRing rx;
    private final TxRing tx;

    private XskSocket(int fd, String target, FillRing fill, CompletionRing completion, RxRing rx, TxRing tx) {
        this.fd = fd;
        this.target = target;
        this.fill = fill;
        this.completion = completion;
        this.rx = rx;
        this.tx = tx;
    }

    /**
     * Creates the socket, registers {@code umem} with it (unless it will share the UMEM another
     * socket registered, {@code XDP_SHARED_UMEM}) and maps the four rings into {@code arena}:
     * COMPLETION, RX and TX of {@code ringSize} entries, FILL of {@code fillRingSize} (see
     * {@link FillRing#sizeFor}). A socket that shares a UMEM still gets FILL and COMPLETION rings of
     * its own, as the kernel requires for another queue or interface. On failure everything created
     * so far is released.
     *
     * @param target how errors name this socket, e.g. {@code "vA queue 0"}
     * @param registerUmem false for a socket that will bind with {@code XDP_SHARED_UMEM}
     */
    public static XskSocket create(Arena arena, String target, Umem umem, int ringSize, int fillRingSize, boolean registerUmem)
            throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            int fd = Libc.socket(errno, Libc.AF_XDP, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) throw SysCall.failure("socket(AF_XDP) for " + target, Libc.errno(errno), null);
            try {
                if (registerUmem) registerUmem(call, errno, fd, target, umem);
                setRingSize(call, errno, fd, IfXdp.XDP_UMEM_FILL_RING, "XDP_UMEM_FILL_RING", target, fillRingSize);
                setRingSize(call, errno, fd, IfXdp.XDP_UMEM_COMPLETION_RING, "XDP_UMEM_COMPLETION_RING", target, ringSize);
                setRingSize(call, errno, fd, IfXdp.XDP_RX_RING, "XDP_RX_RING", target, ringSize);
                setRingSize(call, errno, fd, IfXdp.XDP_TX_RING, "XDP_TX_RING", target, ringSize);
                MemorySegment off = mmapOffsets(call, errno, fd, target);

                MemorySegment fillMap = mapRing(arena, errno, fd, target, "FILL", IfXdp.XDP_UMEM_PGOFF_FILL_RING,
                        IfXdp.ringOffset(off, RingId.FILL, "desc") + (long) fillRingSize * IfXdp.ADDR_SIZE);
                MemorySegment compMap = mapRing(arena, errno, fd, target, "COMPLETION", IfXdp.XDP_UMEM_PGOFF_COMPLETION_RING,
                        IfXdp.ringOffset(off, RingId.COMPLETION, "desc") + (long) ringSize * IfXdp.ADDR_SIZE);
                MemorySegment rxMap = mapRing(arena, errno, fd, target, "RX", IfXdp.XDP_PGOFF_RX_RING,
                        IfXdp.ringOffset(off, RingId.RX, "desc") + (long) ringSize * IfXdp.DESC_SIZE);
                MemorySegment txMap = mapRing(arena, errno, fd, target, "TX", IfXdp.XDP_PGOFF_TX_RING,
                        IfXdp.ringOffset(off, RingId.TX, "desc") + (long) ringSize * IfXdp.DESC_SIZE);

                return new XskSocket(fd, target,
                        new FillRing(fillMap, IfXdp.ringOffset(off, RingId.FILL, "producer"), IfXdp.ringOffset(off, RingId.FILL, "consumer"),
                                IfXdp.ringOffset(off, RingId.FILL, "flags"), IfXdp.ringOffset(off, RingId.FILL, "desc"), fillRingSize),
                        new CompletionRing(compMap, IfXdp.ringOffset(off, RingId.COMPLETION, "producer"), IfXdp.ringOffset(off, RingId.COMPLETION, "consumer"),
                                IfXdp.ringOffset(off, RingId.COMPLETION, "flags"), IfXdp.ringOffset(off, RingId.COMPLETION, "desc"), ringSize),
                        new RxRing(rxMap, IfXdp.ringOffset(off, RingId.RX, "producer"), IfXdp.ringOffset(off, RingId.RX, "consumer"),
                                IfXdp.ringOffset(off, RingId.RX, "flags"), IfXdp.ringOffset(off, RingId.RX, "desc"), ringSize),
                        new TxRing(txMap, IfXdp.ringOffset(off, RingId.TX, "producer"), IfXdp.ringOffset(off, RingId.TX, "consumer"),
                                IfXdp.ringOffset(off, RingId.TX, "flags"), IfXdp.ringOffset(off, RingId.TX, "desc"), ringSize));
            } catch (XdpException | RuntimeException e) {
                // Mappings made so far stay in the caller's arena, which the caller closes on failure.
                Libc.close(errno, fd);
                throw e;
            }
        }
    }

    private static void registerUmem(Arena call, MemorySegment errno, int fd, String target, Umem umem) throws XdpException {
        MemorySegment reg = call.allocate(IfXdp.XDP_UMEM_REG_LAYOUT); // zeroed: flags, headroom, tx_metadata_len = 0
        IfXdp.UMEM_REG_ADDR.set(reg, umem.address());
        IfXdp.UMEM_REG_LEN.set(reg, umem.size());
        IfXdp.UMEM_REG_CHUNK_SIZE.set(reg, umem.frameSize());
        if (Libc.setsockopt(errno, fd, IfXdp.SOL_XDP, IfXdp.XDP_UMEM_REG, reg, (int) reg.byteSize()) < 0) {
            int e = Libc.errno(errno);
            throw SysCall.failure("setsockopt(XDP_UMEM_REG, " + umem.size() + " bytes) for " + target, e,
                    e == Errno.ENOMEM || e == Errno.ENOBUFS || e == Errno.EPERM
                            ? "cannot lock " + umem.size() + " bytes of UMEM: run as root, or give CAP_IPC_LOCK, or raise RLIMIT_MEMLOCK (ulimit -l), or use fewer frames"
                            : null);
        }
    }

    private static void setRingSize(Arena call, MemorySegment errno, int fd, int option, String name, String target, int size)
            throws XdpException {
        MemorySegment v = call.allocateFrom(JAVA_INT, size);
        if (Libc.setsockopt(errno, fd, IfXdp.SOL_XDP, option, v, Integer.BYTES) < 0) {
            throw SysCall.failure("setsockopt(" + name + ", " + size + ") for " + target, Libc.errno(errno), null);
        }
    }

    private static MemorySegment mmapOffsets(Arena call, MemorySegment errno, int fd, String target) throws XdpException {
        MemorySegment off = call.allocate(IfXdp.XDP_MMAP_OFFSETS_LAYOUT);
        MemorySegment len = call.allocateFrom(JAVA_INT, (int) off.byteSize());
        if (Libc.getsockopt(errno, fd, IfXdp.SOL_XDP, IfXdp.XDP_MMAP_OFFSETS, off, len) < 0) {
            throw SysCall.failure("getsockopt(XDP_MMAP_OFFSETS) for " + target, Libc.errno(errno), null);
        }
        int got = len.get(JAVA_INT, 0);
        if (got != off.byteSize()) {
            // A shorter answer is the pre-5.4 layout without the flags word, which need_wakeup depends on.
            throw new XdpException("getsockopt(XDP_MMAP_OFFSETS) for " + target + " answered " + got
                    + " bytes instead of " + off.byteSize() + ": this kernel is older than 5.4 (no need_wakeup); AF_XDP needs Linux 5.4 or later");
        }
        return off;
    }

    private static MemorySegment mapRing(Arena arena, MemorySegment errno, int fd, String target, String ring,
                                         long pageOffset, long size) throws XdpException {
        long address = Libc.mmap(errno, 0L, size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_SHARED | Libc.MAP_POPULATE, fd, pageOffset);
        if (address == Libc.MAP_FAILED) {
            throw SysCall.failure("mmap(" + ring + " ring of " + target + ")", Libc.errno(errno), null);
        }
        return MemorySegment.ofAddress(address).reinterpret(size, arena, Umem::unmap);
    }

    /**
     * Binds the socket to {@code ifindex}/{@code queue}. Retries EBUSY for a short while, because
     * a socket closed just before still holds the queue until a kernel workqueue releases it.
     *
     * @param flags {@code sxdp_flags}: {@code XDP_USE_NEED_WAKEUP}, {@code XDP_SHARED_UMEM}, ...
     * @param sharedUmemFd the socket whose UMEM to share with {@code XDP_SHARED_UMEM}, else ignored
     */
    public void bind(int ifindex, String ifname, int queue, int flags, int sharedUmemFd) throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            MemorySegment sa = call.allocate(IfXdp.SOCKADDR_XDP);
            IfXdp.SXDP_FAMILY.set(sa, (short) Libc.AF_XDP);
            IfXdp.SXDP_FLAGS.set(sa, (short) flags);
            IfXdp.SXDP_IFINDEX.set(sa, ifindex);
            IfXdp.SXDP_QUEUE_ID.set(sa, queue);
            IfXdp.SXDP_SHARED_UMEM_FD.set(sa, (flags & IfXdp.XDP_SHARED_UMEM) != 0 ? sharedUmemFd : 0);
            long deadline = System.nanoTime() + BIND_BUSY_RETRY_NANOS;
            while (Libc.bind(errno, fd, sa, (int) sa.byteSize()) < 0) {
                int e = Libc.errno(errno);
                if (e == Errno.EBUSY && System.nanoTime() < deadline) {
                    sleepMillis(2);
                    continue;
                }
                throw SysCall.failure("bind(AF_XDP " + target + ")", e, bindHint(e, ifname, queue));
            }
        }
    }

    private static String bindHint(int errno, String ifname, int queue) {
        return switch (errno) {
            case Errno.EBUSY -> "another AF_XDP socket is bound to " + ifname + " queue " + queue + " (and stayed for 500 ms)";
            case Errno.EINVAL -> ifname + " has no queue " + queue + ", or the bind flags are not supported here";
            case Errno.ENODEV -> "interface " + ifname + " disappeared";
            case Errno.EOPNOTSUPP -> "the driver of " + ifname + " does not support this AF_XDP mode";
            default -> null;
        };
    }

    private static void sleepMillis(long ms) throws XdpException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XdpException("interrupted while waiting to bind", e);
        }
    }

    /** Sets {@code XDP_MAX_TX_SKB_BUDGET} (Linux 6.17). Returns false if this kernel does not know the option. */
    public boolean setTxBudget(int frames) throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            MemorySegment v = call.allocateFrom(JAVA_INT, frames);
            if (Libc.setsockopt(errno, fd, IfXdp.SOL_XDP, IfXdp.XDP_MAX_TX_SKB_BUDGET, v, Integer.BYTES) < 0) {
                int e = Libc.errno(errno);
                if (e == Errno.ENOPROTOOPT) return false;
                throw SysCall.failure("setsockopt(XDP_MAX_TX_SKB_BUDGET, " + frames + ") for " + target, e, null);
            }
            return true;
        }
    }

    /**
     * Turns on the kernel's preferred busy polling for this socket: {@code SO_PREFER_BUSY_POLL},
     * {@code SO_BUSY_POLL} ({@code micros}) and {@code SO_BUSY_POLL_BUDGET} ({@code budget} frames per
     * poll). The application's {@code recvfrom}/{@code sendto} calls then run the device's NAPI poll
     * themselves.
     */
    public void preferBusyPoll(int micros, int budget) throws XdpException {
        setSocketInt(Libc.SO_PREFER_BUSY_POLL, "SO_PREFER_BUSY_POLL", 1);
        setSocketInt(Libc.SO_BUSY_POLL, "SO_BUSY_POLL", micros);
        setSocketInt(Libc.SO_BUSY_POLL_BUDGET, "SO_BUSY_POLL_BUDGET", budget);
    }

    private void setSocketInt(int option, String name, int value) throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, option, call.allocateFrom(JAVA_INT, value), Integer.BYTES) < 0) {
                int e = Libc.errno(errno);
                throw SysCall.failure("setsockopt(" + name + ", " + value + ") for " + target, e,
                        e == Errno.ENOPROTOOPT ? "this kernel has no preferred busy polling (Linux 5.11)"
                                : e == Errno.EPERM ? "raising SO_BUSY_POLL above net.core.busy_poll needs CAP_NET_ADMIN" : null);
            }
        }
    }

    /** Whether the kernel runs this (bound) socket in zero-copy mode ({@code XDP_OPTIONS}). */
    public boolean zeroCopy() throws XdpException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            MemorySegment opt = call.allocate(IfXdp.XDP_OPTIONS_LAYOUT);
            MemorySegment len = call.allocateFrom(JAVA_INT, (int) opt.byteSize());
            if (Libc.getsockopt(errno, fd, IfXdp.SOL_XDP, IfXdp.XDP_OPTIONS, opt, len) < 0) {
                throw SysCall.failure("getsockopt(XDP_OPTIONS) for " + target, Libc.errno(errno), null);
            }
            return (opt.get(JAVA_INT, 0) & IfXdp.XDP_OPTIONS_ZEROCOPY) != 0;
        }
    }

    /**
     * Reads the kernel's {@code struct xdp_statistics} into {@code out}. Both segments should belong
     * to the owner's arena: the call then holds that arena open, so the fd cannot be closed under it.
     */
    public void readStatistics(MemorySegment errno, MemorySegment out, MemorySegment optLen) throws XdpException {
        optLen.set(JAVA_INT, 0, (int) IfXdp.XDP_STATISTICS_LAYOUT.byteSize());
        if (Libc.getsockopt(errno, fd, IfXdp.SOL_XDP, IfXdp.XDP_STATISTICS, out, optLen) < 0) {
            throw SysCall.failure("getsockopt(XDP_STATISTICS) for " + target, Libc.errno(errno), null);
        }
    }

    public int fd() {
        return fd;
    }

    public FillRing fill() {
        return fill;
    }

    public CompletionRing completion() {
        return completion;
    }

    public RxRing rx() {
        return rx;
    }

    public TxRing tx() {
        return tx;
    }
}

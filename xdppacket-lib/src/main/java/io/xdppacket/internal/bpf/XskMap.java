package io.xdppacket.internal.bpf;

import io.xdppacket.XdpClosedException;
import io.xdppacket.XdpException;
import io.xdppacket.internal.sys.Errno;

import java.nio.file.Path;

/**
 * A {@code BPF_MAP_TYPE_XSKMAP}: key u32 RX queue index, value u32 AF_XDP socket fd. The redirect
 * program looks up the frame's queue here; a queue without a socket falls back to the program's
 * default action.
 *
 * <p>The kernel stores the socket, not the fd: closing the fd afterwards is fine, and the entry
 * disappears by itself when the socket is released. Only AF_XDP sockets are accepted
 * ({@code EOPNOTSUPP} otherwise). Put a socket only after it is bound: since Linux 5.10 the kernel
 * no longer checks that (measured on 6.18: an unbound AF_XDP socket is stored), and a redirect to an
 * unbound socket fails, which drops the frame instead of passing it to the stack.
 *
 * <p>Not thread-safe: one owner creates, fills and closes it.
 */
public final class XskMap implements AutoCloseable {
    /** The name {@code bpftool map} shows; the same as xdpsock's and libxdp's map. */
    public static final String NAME = "xsks_map";

    private final int maxEntries;
    private final int id;
    private int fd;
    /** Where this map is pinned by us, or null. */
    private String pinnedAt;

    private XskMap(int fd, int id, int maxEntries) {
        this.fd = fd;
        this.id = id;
        this.maxEntries = maxEntries;
    }

    /**
     * Creates a map with room for queues {@code [0, maxEntries)}.
     *
     * @throws IllegalArgumentException if {@code maxEntries} is not positive
     */
    public static XskMap create(int maxEntries) throws XdpException {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("XSKMAP maxEntries " + maxEntries + ": must be at least 1 (one per RX queue)");
        }
        int fd = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_XSKMAP, Integer.BYTES, Integer.BYTES, maxEntries, 0, NAME);
        try {
            return new XskMap(fd, Bpf.mapInfo(fd).id(), maxEntries);
        } catch (XdpException | RuntimeException e) {
            Bpf.closeFd(fd);
            throw e;
        }
    }

    /**
     * Opens the XSKMAP pinned at {@code path} by someone else (a program of the user's own), whose
     * entries sockets join at key = queue id.
     *
     * @throws IllegalArgumentException if what is pinned there is not an XSKMAP with u32 keys and values
     * @throws XdpException if nothing is pinned there, or it cannot be opened
     */
    public static XskMap openPinned(Path path) throws XdpException {
        int fd = Bpf.objGet(path.toString());
        try {
            Bpf.MapInfo info = Bpf.mapInfo(fd);
            if (info.type() != Bpf.BPF_MAP_TYPE_XSKMAP || info.keySize() != Integer.BYTES || info.valueSize() != Integer.BYTES) {
                throw new IllegalArgumentException("externalXskMap = " + path + ": the map pinned there ('" + info.name()
                        + "', id " + info.id() + ") is not a BPF_MAP_TYPE_XSKMAP with u32 keys and values (type "
                        + info.type() + ", key " + info.keySize() + " bytes, value " + info.valueSize() + " bytes)");
            }
            return new XskMap(fd, info.id(), info.maxEntries());
        } catch (XdpException | RuntimeException e) {
            Bpf.closeFd(fd);
            throw e;
        }
    }

    /**
     * Pins this map at {@code path}, mounting bpffs at {@code /sys/fs/bpf} first if the path is there
     * and no bpffs is; {@link #close()} unpins it.
     */
    public void pin(Path path) throws XdpException {
        BpfFs.ensureMountedFor(path);
        Bpf.objPin(checkOpen(), path.toString(), "XSKMAP id " + id);
        pinnedAt = path.toString();
    }

    /**
     * Routes frames of RX queue {@code queue} to the AF_XDP socket {@code xskFd} (replacing any
     * socket there). The socket must already be bound to that queue of the interface the program
     * runs on; see the class comment.
     */
    public void put(int queue, int xskFd) throws XdpException {
        checkQueue(queue);
        int mapFd = checkOpen();
        Bpf.mapUpdate(mapFd, queue, xskFd, Bpf.BPF_ANY, "XSKMAP id " + id + " [queue " + queue + "] = fd " + xskFd,
                e -> switch (e) {
                    // Before Linux 5.10 also an AF_XDP socket without RX and fill rings, i.e. one not set up for binding.
                    case Errno.EOPNOTSUPP -> "fd " + xskFd + " is not an AF_XDP socket ready for redirects: the map "
                            + "takes only AF_XDP sockets, bound to queue " + queue + " of the interface";
                    case Errno.ENOTSOCK -> "fd " + xskFd + " is not a socket; expected an AF_XDP socket bound to queue " + queue;
                    case Errno.EBADF -> "fd " + xskFd + " is not open";
                    default -> null;
                });
    }

    /** Stops routing frames of RX queue {@code queue}; a queue without a socket is left as it is. */
    public void remove(int queue) throws XdpException {
        checkQueue(queue);
        int mapFd = checkOpen();
        Bpf.mapDelete(mapFd, queue, "XSKMAP id " + id + " [queue " + queue + "]", null);
    }

    /** The map's fd, for {@link Insn#ldMapFd}. Valid until {@link #close()}. */
    public int fd() throws XdpClosedException {
        return checkOpen();
    }

    /** The kernel's id of the map ({@code bpftool map show id N}). */
    public int id() {
        return id;
    }

    /** Queues {@code [0, maxEntries)} can be routed. */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Closes our fd. A program loaded with this map keeps the map alive (and its entries working)
     * until the program goes too. Idempotent.
     */
    @Override
    public void close() {
        if (fd < 0) return;
        if (pinnedAt != null) BpfFs.unlink(pinnedAt);
        Bpf.closeFd(fd);
        fd = -1;
    }

    private int checkOpen() throws XdpClosedException {
        if (fd < 0) throw new XdpClosedException("XSKMAP id " + id);
        return fd;
    }

    private void checkQueue(int queue) {
        if (queue < 0 || queue >= maxEntries) {
            throw new IllegalArgumentException("queue " + queue + ": this XSKMAP holds queues 0.." + (maxEntries - 1));
        }
    }

    @Override
    public String toString() {
        return "XskMap[id " + id + ", " + maxEntries + " entries" + (fd < 0 ? ", closed]" : ", fd " + fd + "]");
    }
}

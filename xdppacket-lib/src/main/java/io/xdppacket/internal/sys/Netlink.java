package io.xdppacket.internal.sys;

import io.xdppacket.XdpClosedException;
import io.xdppacket.XdpException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An rtnetlink socket ({@code AF_NETLINK}, {@code NETLINK_ROUTE}) for the two link requests we need:
 * {@code RTM_GETLINK} of one interface (MTU, hardware address, queues, attached XDP program) and {@code RTM_SETLINK}
 * with {@code IFLA_XDP} (the legacy attach and detach).
 *
 * <p>The socket belongs to the network namespace of the thread that opened it, for good: requests
 * made later from any thread resolve interfaces there. Every request asks for an acknowledgement
 * ({@code NLM_F_ACK}) and carries its own sequence number; answers to other numbers are skipped.
 * Errors carry the kernel's extended-ack text ({@code NETLINK_EXT_ACK}), e.g. {@code "veth: Peer MTU
 * is too large to set XDP"}.
 *
 * <p>Layouts and constants are those of the Debian 6.1 uapi {@code <linux/netlink.h>} and
 * {@code <linux/rtnetlink.h>}. Thread-safe: requests are serialized.
 */
public final class Netlink implements AutoCloseable {

    // ---- netlink.h ------------------------------------------------------------------------------
    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_MULTI = 0x02;
    public static final int NLM_F_ACK = 0x04;
    /** In an error message: the request's payload was left out (we asked so with NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an error message: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;

    public static final int SOL_NETLINK = 270;
    /** Error acks carry only the request's header, not its payload (Linux 4.3). */
    public static final int NETLINK_CAP_ACK = 10;
    /** Error acks carry the kernel's text ({@link #NLMSGERR_ATTR_MSG}) (Linux 4.12). */
    public static final int NETLINK_EXT_ACK = 11;

    /** Extended-ack attribute: the error's text, a NUL-terminated string. */
    public static final int NLMSGERR_ATTR_MSG = 1;

    /** Attribute type bit: the payload is itself a list of attributes. */
    public static final int NLA_F_NESTED = 1 << 15;
    /** Attribute type bit: the payload is in network byte order. */
    public static final int NLA_F_NET_BYTEORDER = 1 << 14;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    /** Messages and attributes start on 4-byte boundaries ({@code NLMSG_ALIGNTO}, {@code RTA_ALIGNTO}). */
    public static final int ALIGNTO = 4;

    /** {@code struct nlmsghdr}: 16 bytes in front of every message. */
    public static final StructLayout NLMSGHDR = MemoryLayout.structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid")).withName("nlmsghdr");
    static final long NLMSG_LEN = NLMSGHDR.byteOffset(groupElement("nlmsg_len"));
    static final long NLMSG_TYPE = NLMSGHDR.byteOffset(groupElement("nlmsg_type"));
    static final long NLMSG_FLAGS = NLMSGHDR.byteOffset(groupElement("nlmsg_flags"));
    static final long NLMSG_SEQ = NLMSGHDR.byteOffset(groupElement("nlmsg_seq"));
    static final int NLMSG_HDRLEN = (int) NLMSGHDR.byteSize();

    /** {@code struct nlmsgerr}: the payload of NLMSG_ERROR; error 0 is the acknowledgement. */
    public static final StructLayout NLMSGERR = MemoryLayout.structLayout(
            JAVA_INT.withName("error"),
            NLMSGHDR.withName("msg")).withName("nlmsgerr");
    static final long NLMSGERR_ERROR = NLMSGERR.byteOffset(groupElement("error"));
    static final long NLMSGERR_MSG = NLMSGERR.byteOffset(groupElement("msg"));

    /** {@code struct rtattr} (same as {@code struct nlattr}): length including this header, then type. */
    public static final StructLayout RTATTR = MemoryLayout.structLayout(
            JAVA_SHORT.withName("rta_len"),
            JAVA_SHORT.withName("rta_type")).withName("rtattr");
    static final long RTA_LEN = RTATTR.byteOffset(groupElement("rta_len"));
    static final long RTA_TYPE = RTATTR.byteOffset(groupElement("rta_type"));
    static final int RTA_HDRLEN = (int) RTATTR.byteSize();

    /** {@code struct timeval} for SO_RCVTIMEO. */
    private static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));
    /** The kernel answers in microseconds; this only keeps a broken exchange from hanging forever. */
    private static final long RECEIVE_TIMEOUT_SECONDS = 5;

    /** Answers larger than this are reported, not silently cut (one link message is 1-3 kB). */
    static final int RECEIVE_BUFFER = 64 * 1024;
    private static final int REQUEST_BUFFER = 1024;

    private final Arena arena;
    private final MemorySegment errno;
    private final MemorySegment rx;
    private int fd;
    private int seq;

    private Netlink(Arena arena, int fd) {
        this.arena = arena;
        this.fd = fd;
        this.errno = Libc.allocateErrno(arena);
        this.rx = arena.allocate(RECEIVE_BUFFER, 8);
    }

    /** Opens an rtnetlink socket in the calling thread's network namespace. */
    public static Netlink open() throws XdpException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment errno = Libc.allocateErrno(arena);
            int fd = SysCall.check(Libc.socket(errno, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE),
                    errno, "socket(AF_NETLINK, NETLINK_ROUTE)");
            Netlink nl = new Netlink(arena, fd);
            MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
            // Both are optional: without them errors just lose their text (kernels before 4.12) or
            // carry a copy of our request (before 4.3).
            Libc.setsockopt(errno, fd, SOL_NETLINK, NETLINK_EXT_ACK, one, Integer.BYTES);
            Libc.setsockopt(errno, fd, SOL_NETLINK, NETLINK_CAP_ACK, one, Integer.BYTES);
            MemorySegment tv = arena.allocate(TIMEVAL);
            tv.set(JAVA_LONG, 0, RECEIVE_TIMEOUT_SECONDS);
            SysCall.check(Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, (int) TIMEVAL.byteSize()),
                    errno, "setsockopt(netlink, SO_RCVTIMEO)");
            return nl;
        } catch (XdpException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    // ---- the link requests ---------------------------------------------------------------------

    /**
     * {@code RTM_GETLINK} of interface {@code ifindex}.
     *
     * @throws XdpException with errno {@code ENODEV} if this socket's namespace has no such interface
     */
    public synchronized NetDevice.LinkInfo link(int ifindex) throws XdpException {
        String op = "netlink RTM_GETLINK(ifindex " + ifindex + ")";
        try (Arena a = Arena.ofConfined()) {
            Message m = new Message(a, REQUEST_BUFFER, IfLink.RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
            MemorySegment ifi = m.reserve(IfLink.IFINFOMSG.byteSize());
            ifi.set(JAVA_BYTE, IfLink.IFI_FAMILY, (byte) Libc.AF_UNSPEC);
            ifi.set(JAVA_INT, IfLink.IFI_INDEX, ifindex);
            m.putU32(IfLink.IFLA_EXT_MASK, IfLink.RTEXT_FILTER_SKIP_STATS);
            NetDevice.LinkInfo[] answer = new NetDevice.LinkInfo[1];
            transact(m, op, e -> e == Errno.ENODEV
                    ? "no network interface with ifindex " + ifindex + " in this network namespace (ip link show)"
                    : null, (type, payload) -> {
                if (type == IfLink.RTM_NEWLINK && answer[0] == null) answer[0] = parseLink(payload, op);
            });
            if (answer[0] == null) throw new XdpException(op + ": the kernel acknowledged but sent no RTM_NEWLINK");
            return answer[0];
        }
    }

    private static NetDevice.LinkInfo parseLink(MemorySegment payload, String op) throws XdpException {
        long fixed = IfLink.IFINFOMSG.byteSize();
        if (payload.byteSize() < fixed) throw new XdpException(op + ": RTM_NEWLINK shorter than struct ifinfomsg");
        int index = payload.get(JAVA_INT, IfLink.IFI_INDEX);
        Attributes attrs = Attributes.parse(payload.asSlice(align(fixed)), op);
        Attributes xdp = attrs.nested(IfLink.IFLA_XDP, op);
        int attached = xdp == null ? IfLink.XDP_ATTACHED_NONE : xdp.u8(IfLink.IFLA_XDP_ATTACHED, IfLink.XDP_ATTACHED_NONE);
        return new NetDevice.LinkInfo(
                attrs.string(IfLink.IFLA_IFNAME, ""),
                index,
                attrs.u32(IfLink.IFLA_MTU, 0),
                attrs.u32(IfLink.IFLA_NUM_RX_QUEUES, 1),
                attrs.u32(IfLink.IFLA_NUM_TX_QUEUES, 1),
                NetDevice.XdpAttachMode.of(attached),
                xdp == null ? 0 : xdp.u32(IfLink.IFLA_XDP_PROG_ID, 0),
                xdp == null ? 0 : xdp.u32(IfLink.IFLA_XDP_DRV_PROG_ID, 0),
                xdp == null ? 0 : xdp.u32(IfLink.IFLA_XDP_SKB_PROG_ID, 0),
                attrs.bytes(IfLink.IFLA_ADDRESS));
    }

    /**
     * {@code RTM_SETLINK} with {@code IFLA_XDP {IFLA_XDP_FD progFd, IFLA_XDP_FLAGS flags}}: the
     * legacy attach ({@code progFd} a program) or detach ({@code progFd} -1, flags naming the mode).
     * The attachment is not tied to any fd: it stays until detached, even after this process exits.
     *
     * @param target the interface for the error message, e.g. {@code "vA ifindex 5"}
     * @param hint advice for an errno, or {@code null}; the kernel's own text is appended to it
     */
    public synchronized void setXdp(int ifindex, int progFd, int flags, String target, IntFunction<String> hint)
            throws XdpException {
        String op = "netlink RTM_SETLINK(IFLA_XDP fd " + progFd + " flags " + xdpFlagsName(flags) + ", " + target + ")";
        try (Arena a = Arena.ofConfined()) {
            Message m = new Message(a, REQUEST_BUFFER, IfLink.RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
            MemorySegment ifi = m.reserve(IfLink.IFINFOMSG.byteSize());
            ifi.set(JAVA_BYTE, IfLink.IFI_FAMILY, (byte) Libc.AF_UNSPEC);
            ifi.set(JAVA_INT, IfLink.IFI_INDEX, ifindex);
            int nest = m.beginNested(IfLink.IFLA_XDP);
            m.putS32(IfLink.IFLA_XDP_FD, progFd);
            if (flags != 0) m.putU32(IfLink.IFLA_XDP_FLAGS, flags);
            m.endNested(nest);
            transact(m, op, hint, (type, payload) -> { });
        }
    }

    /** {@code XDP_FLAGS_*} as text: {@code "DRV_MODE|UPDATE_IF_NOEXIST"}. */
    public static String xdpFlagsName(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & IfLink.XDP_FLAGS_SKB_MODE) != 0) s.append("|SKB_MODE");
        if ((flags & IfLink.XDP_FLAGS_DRV_MODE) != 0) s.append("|DRV_MODE");
        if ((flags & IfLink.XDP_FLAGS_HW_MODE) != 0) s.append("|HW_MODE");
        if ((flags & IfLink.XDP_FLAGS_UPDATE_IF_NOEXIST) != 0) s.append("|UPDATE_IF_NOEXIST");
        int rest = flags & ~(IfLink.XDP_FLAGS_SKB_MODE | IfLink.XDP_FLAGS_DRV_MODE | IfLink.XDP_FLAGS_HW_MODE
                | IfLink.XDP_FLAGS_UPDATE_IF_NOEXIST);
        if (rest != 0) s.append("|0x").append(Integer.toHexString(rest));
        return s.isEmpty() ? "0" : s.substring(1);
    }

    /** Closes the socket. Idempotent. */
    @Override
    public synchronized void close() {
        if (fd < 0) return;
        Libc.close(errno, fd);
        fd = -1;
        arena.close();
    }

    // ---- request / acknowledgement ----------------------------------------------------------------

    /** What to do with each answer message that is not the acknowledgement. */
    @FunctionalInterface
    interface Handler {
        void message(int type, MemorySegment payload) throws XdpException;
    }

    /**
     * Sends {@code request} and reads answers until its acknowledgement: a success returns, an error
     * throws with the errno, the hint and the kernel's text.
     */
    private void transact(Message request, String op, IntFunction<String> hint, Handler handler) throws XdpException {
        if (fd < 0) throw new XdpClosedException("netlink socket");
        int mySeq = ++seq;
        MemorySegment out = request.finish(mySeq);
        long sent = Libc.sendto(errno, fd, out, out.byteSize(), 0, MemorySegment.NULL, 0);
        if (sent < 0) throw SysCall.failure(op + " send", Libc.errno(errno), null);
        while (true) {
            // MSG_TRUNC: the result is the message's real length even when it did not fit.
            long n = Libc.recvfrom(errno, fd, rx, rx.byteSize(), Libc.MSG_TRUNC, MemorySegment.NULL, MemorySegment.NULL);
            if (n < 0) {
                int e = Libc.errno(errno);
                if (e == Errno.EINTR) continue;
                throw SysCall.failure(op + " receive", e, e == Errno.EAGAIN
                        ? "no answer from the kernel within " + RECEIVE_TIMEOUT_SECONDS + " s" : null);
            }
            if (n > rx.byteSize()) {
                throw new XdpException(op + ": an answer of " + n + " bytes does not fit the " + rx.byteSize() + "-byte buffer");
            }
            for (long at = 0; at + NLMSG_HDRLEN <= n; ) {
                int len = rx.get(JAVA_INT, at + NLMSG_LEN);
                if (len < NLMSG_HDRLEN || at + len > n) {
                    throw new XdpException(op + ": malformed answer (message length " + len + " at offset " + at + " of " + n + ")");
                }
                int type = Short.toUnsignedInt(rx.get(JAVA_SHORT, at + NLMSG_TYPE));
                int flags = Short.toUnsignedInt(rx.get(JAVA_SHORT, at + NLMSG_FLAGS));
                int s = rx.get(JAVA_INT, at + NLMSG_SEQ);
                MemorySegment payload = rx.asSlice(at + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
                at += align(len);
                if (s != mySeq || type == NLMSG_NOOP) continue;  // a late answer to an earlier request
                if (type == NLMSG_ERROR) {
                    int error = payload.get(JAVA_INT, NLMSGERR_ERROR);
                    if (error == 0) return;
                    throw failure(op, -error, hint, extAckMessage(payload, flags));
                }
                if (type == NLMSG_DONE) return;
                handler.message(type, payload);
            }
        }
    }

    /** The kernel's text in an error message, or {@code null}. */
    static String extAckMessage(MemorySegment errPayload, int flags) {
        if ((flags & NLM_F_ACK_TLVS) == 0) return null;
        long inner = NLMSGERR_MSG;
        if (errPayload.byteSize() < inner + NLMSG_HDRLEN) return null;
        // Without NLM_F_CAPPED the whole request follows its header: skip it.
        long echoed = (flags & NLM_F_CAPPED) != 0 ? NLMSG_HDRLEN : errPayload.get(JAVA_INT, inner + NLMSG_LEN);
        long tlvs = align(inner + echoed);
        if (tlvs >= errPayload.byteSize()) return null;
        try {
            String msg = Attributes.parse(errPayload.asSlice(tlvs), "extended ack").string(NLMSGERR_ATTR_MSG, null);
            return msg == null || msg.isEmpty() ? null : msg;
        } catch (XdpException malformed) {
            return null;
        }
    }

    private static XdpException failure(String op, int errno, IntFunction<String> hint, String kernelText) {
        String h = hint == null ? null : hint.apply(errno);
        if (h == null) h = SysCall.defaultHint(errno);
        if (kernelText != null) h = h == null ? "kernel: " + kernelText : h + " (kernel: " + kernelText + ")";
        return SysCall.failure(op, errno, h);
    }

    static long align(long n) {
        return (n + ALIGNTO - 1) & -ALIGNTO;
    }

    // ---- building and parsing ----------------------------------------------------------------------

    /**
     * A netlink request under construction: the header, a fixed part ({@link #reserve}), then
     * attributes, nested ones included. Lives in the caller's arena.
     */
    public static final class Message {
        private final MemorySegment buf;
        private long len;

        /** A request of {@code type} with {@code flags}, at most {@code capacity} bytes long. */
        public Message(Arena arena, int capacity, int type, int flags) {
            this.buf = arena.allocate(capacity, 8);
            buf.set(JAVA_SHORT, NLMSG_TYPE, (short) type);
            buf.set(JAVA_SHORT, NLMSG_FLAGS, (short) flags);
            len = NLMSG_HDRLEN;
        }

        /** Appends {@code size} zeroed bytes (a fixed header such as {@code ifinfomsg}) and returns them. */
        public MemorySegment reserve(long size) {
            long at = len;
            long end = align(at + size);
            if (end > buf.byteSize()) throw new IllegalStateException("netlink request longer than " + buf.byteSize() + " bytes");
            len = end;
            return buf.asSlice(at, size);
        }

        public Message putU32(int type, int value) {
            attr(type, Integer.BYTES).set(JAVA_INT, 0, value);
            return this;
        }

        public Message putS32(int type, int value) {
            return putU32(type, value);
        }

        public Message putU8(int type, int value) {
            attr(type, 1).set(JAVA_BYTE, 0, (byte) value);
            return this;
        }

        /** A NUL-terminated string attribute. */
        public Message putString(int type, String value) {
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            MemorySegment p = attr(type, b.length + 1);
            MemorySegment.copy(b, 0, p, JAVA_BYTE, 0, b.length);
            return this;
        }

        /** Opens a nested attribute; attributes put until {@link #endNested} go inside. Returns its position. */
        public int beginNested(int type) {
            int start = (int) len;
            attr(type | NLA_F_NESTED, 0);
            return start;
        }

        /** Closes the nested attribute opened at {@code start}: its length now covers its contents. */
        public Message endNested(int start) {
            buf.set(JAVA_SHORT, start + RTA_LEN, (short) (len - start));
            return this;
        }

        private MemorySegment attr(int type, int payload) {
            MemorySegment a = reserve(RTA_HDRLEN + payload);
            a.set(JAVA_SHORT, RTA_LEN, (short) (RTA_HDRLEN + payload));
            a.set(JAVA_SHORT, RTA_TYPE, (short) type);
            return a.asSlice(RTA_HDRLEN);
        }

        /** Sets the length and sequence number and returns the bytes to send. */
        public MemorySegment finish(int seq) {
            buf.set(JAVA_INT, NLMSG_LEN, (int) len);
            buf.set(JAVA_INT, NLMSG_SEQ, seq);
            return buf.asSlice(0, len);
        }
    }

    /** The attributes of one level, by type (flag bits stripped); the first of a repeated type wins. */
    public static final class Attributes {
        private final Map<Integer, MemorySegment> byType;

        private Attributes(Map<Integer, MemorySegment> byType) {
            this.byType = byType;
        }

        /** Parses the attributes that fill {@code region}. */
        public static Attributes parse(MemorySegment region, String what) throws XdpException {
            Map<Integer, MemorySegment> m = new LinkedHashMap<>();
            long at = 0;
            long end = region.byteSize();
            while (at + RTA_HDRLEN <= end) {
                int len = Short.toUnsignedInt(region.get(JAVA_SHORT, at + RTA_LEN));
                int type = Short.toUnsignedInt(region.get(JAVA_SHORT, at + RTA_TYPE)) & NLA_TYPE_MASK;
                if (len < RTA_HDRLEN || at + len > end) {
                    throw new XdpException(what + ": malformed netlink attribute (type " + type + ", length " + len
                            + " at offset " + at + " of " + end + ")");
                }
                m.putIfAbsent(type, region.asSlice(at + RTA_HDRLEN, len - RTA_HDRLEN));
                at += align(len);
            }
            return new Attributes(m);
        }

        public boolean has(int type) {
            return byType.containsKey(type);
        }

        /** The payload of {@code type}, or {@code null}. */
        public MemorySegment payload(int type) {
            return byType.get(type);
        }

        public int u32(int type, int absent) {
            MemorySegment p = byType.get(type);
            return p == null || p.byteSize() < Integer.BYTES ? absent : p.get(JAVA_INT, 0);
        }

        public int u8(int type, int absent) {
            MemorySegment p = byType.get(type);
            return p == null || p.byteSize() < 1 ? absent : Byte.toUnsignedInt(p.get(JAVA_BYTE, 0));
        }

        /** The payload of {@code type} as bytes; empty when absent. */
        public byte[] bytes(int type) {
            MemorySegment p = byType.get(type);
            return p == null ? new byte[0] : p.toArray(JAVA_BYTE);
        }

        /** A string attribute, up to its NUL (or its end). */
        public String string(int type, String absent) {
            MemorySegment p = byType.get(type);
            if (p == null) return absent;
            byte[] b = p.toArray(JAVA_BYTE);
            int n = 0;
            while (n < b.length && b[n] != 0) n++;
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }

        /** The attributes nested in {@code type}, or {@code null} when absent. */
        public Attributes nested(int type, String what) throws XdpException {
            MemorySegment p = byType.get(type);
            return p == null ? null : parse(p, what);
        }

        /** The types present, in order of appearance. */
        public Set<Integer> types() {
            return Collections.unmodifiableSet(byType.keySet());
        }
    }
}

package io.xdppacket.internal.sys;

import io.xdppacket.XdpException;
import io.xdppacket.XdpMode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A network interface, as the calling thread's network namespace sees it: its index, its MTU,
 * hardware address and queues, the XDP program attached to it.
 */
public final class NetDevice {
    private NetDevice() {}

    /** {@code IFNAMSIZ}: interface names are at most 15 bytes plus the NUL. */
    public static final int IFNAMSIZ = 16;

    /** Which XDP modes have a program ({@code IFLA_XDP_ATTACHED}). */
    public enum XdpAttachMode {
        NONE, DRV, SKB, HW,
        /** Programs in more than one mode. */
        MULTI;

        static XdpAttachMode of(int xdpAttached) {
            return switch (xdpAttached) {
                case IfLink.XDP_ATTACHED_NONE -> NONE;
                case IfLink.XDP_ATTACHED_DRV -> DRV;
                case IfLink.XDP_ATTACHED_SKB -> SKB;
                case IfLink.XDP_ATTACHED_HW -> HW;
                case IfLink.XDP_ATTACHED_MULTI -> MULTI;
                default -> throw new IllegalArgumentException("IFLA_XDP_ATTACHED " + xdpAttached);
            };
        }
    }

    /**
     * What rtnetlink reports about an interface.
     *
     * @param numRxQueues RX queues allocated at creation ({@code IFLA_NUM_RX_QUEUES}); those in use
     *                    now can be fewer, see {@link #rxQueueCount}
     * @param xdpProgId   the attached program's id when exactly one mode has one, else 0
     * @param xdpDrvProgId the native-mode program's id, 0 if none
     * @param xdpSkbProgId the generic-mode program's id, 0 if none
     * @param address     the hardware address ({@code IFLA_ADDRESS}): 6 bytes on Ethernet, empty if the
     *                    device has none (tun, wireguard)
     */
    public record LinkInfo(String name, int ifindex, int mtu, int numRxQueues, int numTxQueues,
                           XdpAttachMode xdpAttachMode, int xdpProgId, int xdpDrvProgId, int xdpSkbProgId,
                           byte[] address) {

        public LinkInfo {
            address = address.clone();
        }

        /** The hardware address, a copy. */
        @Override
        public byte[] address() {
            return address.clone();
        }

        /** The id of the program attached in {@code mode}, 0 if none. */
        public int xdpProgId(XdpMode mode) {
            return mode == XdpMode.DRV ? xdpDrvProgId : xdpSkbProgId;
        }

        // A record compares arrays by identity; an address is a value.
        @Override
        public boolean equals(Object o) {
            return o instanceof LinkInfo l && name.equals(l.name) && ifindex == l.ifindex && mtu == l.mtu
                    && numRxQueues == l.numRxQueues && numTxQueues == l.numTxQueues && xdpAttachMode == l.xdpAttachMode
                    && xdpProgId == l.xdpProgId && xdpDrvProgId == l.xdpDrvProgId && xdpSkbProgId == l.xdpSkbProgId
                    && Arrays.equals(address, l.address);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, ifindex, mtu, numRxQueues, numTxQueues, xdpAttachMode, xdpProgId, xdpDrvProgId,
                    xdpSkbProgId, Arrays.hashCode(address));
        }

        @Override
        public String toString() {
            return "LinkInfo[name=" + name + ", ifindex=" + ifindex + ", mtu=" + mtu + ", numRxQueues=" + numRxQueues
                    + ", numTxQueues=" + numTxQueues + ", xdpAttachMode=" + xdpAttachMode + ", xdpProgId=" + xdpProgId
                    + ", xdpDrvProgId=" + xdpDrvProgId + ", xdpSkbProgId=" + xdpSkbProgId
                    + ", address=" + HexFormat.ofDelimiter(":").formatHex(address) + "]";
        }
    }

    // ---- ethtool: <linux/ethtool.h>, <linux/sockios.h>, <net/if.h> ------------------------------

    /** {@code ioctl} request: an ethtool command in {@code ifr_data}. */
    static final long SIOCETHTOOL = 0x8946;
    /** ethtool command: read the channel (queue) counts. */
    static final int ETHTOOL_GCHANNELS = 0x3c;

    /** {@code struct ethtool_channels}: 36 bytes. */
    static final StructLayout ETHTOOL_CHANNELS = MemoryLayout.structLayout(
            JAVA_INT.withName("cmd"),
            JAVA_INT.withName("max_rx"),
            JAVA_INT.withName("max_tx"),
            JAVA_INT.withName("max_other"),
            JAVA_INT.withName("max_combined"),
            JAVA_INT.withName("rx_count"),
            JAVA_INT.withName("tx_count"),
            JAVA_INT.withName("other_count"),
            JAVA_INT.withName("combined_count")).withName("ethtool_channels");
    private static final long CH_CMD = ETHTOOL_CHANNELS.byteOffset(groupElement("cmd"));
    private static final long CH_RX_COUNT = ETHTOOL_CHANNELS.byteOffset(groupElement("rx_count"));
    private static final long CH_TX_COUNT = ETHTOOL_CHANNELS.byteOffset(groupElement("tx_count"));
    private static final long CH_COMBINED_COUNT = ETHTOOL_CHANNELS.byteOffset(groupElement("combined_count"));

    /** {@code struct ifreq} as SIOCETHTOOL uses it: the name, then a pointer in the 24-byte union. */
    static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifr_name"),
            ADDRESS.withName("ifr_data"),
            MemoryLayout.paddingLayout(16)).withName("ifreq");
    private static final long IFR_NAME = IFREQ.byteOffset(groupElement("ifr_name"));
    private static final long IFR_DATA = IFREQ.byteOffset(groupElement("ifr_data"));

    // ---- lookups -------------------------------------------------------------------------------------

    /**
     * Checks an interface name the way the kernel would ({@code dev_valid_name}), so that a bad one
     * fails here with the rule instead of later with a bare ENODEV.
     *
     * @throws IllegalArgumentException naming the rule and the value
     */
    public static void checkName(String name) {
        if (name == null) throw new IllegalArgumentException("interface name is null");
        if (name.isEmpty()) throw new IllegalArgumentException("interface name is empty");
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > IFNAMSIZ - 1) {
            throw new IllegalArgumentException("interface name '" + name + "' is " + bytes
                    + " bytes long; at most " + (IFNAMSIZ - 1) + " (IFNAMSIZ-1)");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                String what = c == 0 ? "NUL" : Character.isWhitespace(c) ? "whitespace"
                        : Character.isISOControl(c) ? String.format("the control character U+%04X", (int) c) : "'" + c + "'";
                throw new IllegalArgumentException("interface name '" + name.replace("\0", "\\0") + "' contains " + what
                        + " at index " + i + "; names may not contain '/', ':', whitespace or control characters");
            }
        }
    }

    /**
     * The index of interface {@code name}.
     *
     * @throws IllegalArgumentException if the name is not a valid interface name ({@link #checkName})
     * @throws XdpException with errno {@code ENODEV} if there is no such interface here
     */
    public static int ifindex(String name) throws XdpException {
        checkName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            int index = Libc.ifNameToIndex(errno, arena.allocateFrom(name));
            if (index == 0) {
                int e = Libc.errno(errno);
                throw SysCall.failure("if_nametoindex(" + name + ")", e, e == Errno.ENODEV
                        ? "no network interface named '" + name + "' in this network namespace (ip link show)" : null);
            }
            return index;
        }
    }

    /**
     * The name of interface {@code ifindex}.
     *
     * @throws XdpException with errno {@code ENXIO} if there is no such interface here
     */
    public static String name(int ifindex) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            MemorySegment buf = arena.allocate(Libc.IF_NAMESIZE);
            if (!Libc.ifIndexToName(errno, ifindex, buf)) {
                int e = Libc.errno(errno);
                throw SysCall.failure("if_indextoname(" + ifindex + ")", e, e == Errno.ENXIO || e == Errno.ENODEV
                        ? "no network interface with ifindex " + ifindex + " in this network namespace (ip link show)" : null);
            }
            return buf.getString(0, StandardCharsets.UTF_8);
        }
    }

    /** The interface's MTU, hardware address, queues and XDP state, from {@code RTM_GETLINK}. */
    public static LinkInfo info(int ifindex) throws XdpException {
        try (Netlink nl = Netlink.open()) {
            return nl.link(ifindex);
        }
    }

    /**
     * The RX queues of interface {@code name} usable now, i.e. the queue ids an AF_XDP socket may
     * bind to: ethtool's channel counts {@code combined + rx} (a NIC usually has combined channels,
     * veth reports rx). A driver without {@code get_channels} answers EOPNOTSUPP; then this is the
     * number allocated at creation ({@code IFLA_NUM_RX_QUEUES}).
     */
    public static int rxQueueCount(String name) throws XdpException {
        return queueCount(name, true);
    }

    /**
     * The TX queues of interface {@code name} usable now, the ones a send-only AF_XDP socket sends
     * through: ethtool's {@code combined + tx}, or without {@code get_channels} the number allocated
     * at creation ({@code IFLA_NUM_TX_QUEUES}). See {@link #rxQueueCount}.
     */
    public static int txQueueCount(String name) throws XdpException {
        return queueCount(name, false);
    }

    private static int queueCount(String name, boolean rx) throws XdpException {
        int ifindex = ifindex(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            // Any socket will do for the ioctl; its namespace (the thread's) resolves the name.
            int sock = SysCall.check(Libc.socket(errno, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0),
                    errno, "socket(AF_INET, SOCK_DGRAM) for ethtool");
            int rc;
            MemorySegment ch = arena.allocate(ETHTOOL_CHANNELS);
            try {
                MemorySegment ifr = arena.allocate(IFREQ);
                byte[] n = name.getBytes(StandardCharsets.UTF_8);
                MemorySegment.copy(n, 0, ifr, JAVA_BYTE, IFR_NAME, n.length);
                ifr.set(ADDRESS, IFR_DATA, ch);
                ch.set(JAVA_INT, CH_CMD, ETHTOOL_GCHANNELS);
                rc = Libc.ioctl(errno, sock, SIOCETHTOOL, ifr);
            } finally {
                Libc.close(Libc.allocateErrno(arena), sock);
            }
            if (rc < 0) {
                int e = Libc.errno(errno);
                if (e != Errno.EOPNOTSUPP) {
                    throw SysCall.failure("ioctl(SIOCETHTOOL ETHTOOL_GCHANNELS, " + name + " ifindex " + ifindex + ")", e,
                            e == Errno.ENODEV ? "interface '" + name + "' went away" : null);
                }
            } else {
                int usable = ch.get(JAVA_INT, CH_COMBINED_COUNT) + ch.get(JAVA_INT, rx ? CH_RX_COUNT : CH_TX_COUNT);
                if (usable > 0) return usable;
            }
            LinkInfo link = info(ifindex);
            return rx ? link.numRxQueues() : link.numTxQueues();
        }
    }
}

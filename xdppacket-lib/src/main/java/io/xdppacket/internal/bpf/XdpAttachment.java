package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;
import io.xdppacket.XdpMode;
import io.xdppacket.XdpUnavailableException;
import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.IfLink;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.Netlink;

/**
 * An XDP program attached to an interface, in native ({@link XdpMode#DRV}) or generic
 * ({@link XdpMode#SKB}) mode, until {@link #close()}.
 *
 * <p>Attaching goes through a bpf_link ({@code BPF_LINK_CREATE}, Linux 5.9) whenever the kernel has
 * XDP links: the attachment then belongs to the link fd, so a process that dies for any reason,
 * SIGKILL included, leaves nothing attached. Only where links are missing does it fall back to the
 * legacy netlink attach ({@code IFLA_XDP} with {@code XDP_FLAGS_UPDATE_IF_NOEXIST}), which outlives
 * the process until someone detaches it.
 *
 * <p>How "links are missing" is told apart from a real error: kernels before 5.7 do not know the
 * {@code BPF_LINK_CREATE} command, and 5.7 and 5.8 do not know the {@code BPF_XDP} attach type; both
 * answer {@code EINVAL}, before looking at the program. A kernel with XDP links answers
 * {@code EINVAL} only for a bad program or flags. So after an {@code EINVAL} we ask once more with
 * no program at all (prog_fd -1): a kernel with XDP links looks the program up first and answers
 * {@code EBADF}, one without answers {@code EINVAL} again. The answer is cached for the process.
 *
 * <p>Interfaces are resolved in the calling thread's network namespace. The netlink socket used to
 * attach is kept, so the detach happens in that namespace whichever thread closes.
 */
public final class XdpAttachment implements AutoCloseable {
    /** Cached answer of {@link #xdpLinksSupported()}: null until asked. */
    private static volatile Boolean linksSupported;

    private final int ifindex;
    private final String ifname;
    private final XdpMode mode;
    private final int progId;
    private final boolean viaLink;
    private int linkFd;          // >= 0 while attached through a link
    private Netlink netlink;     // non-null while attached through netlink
    private boolean closed;

    private XdpAttachment(int ifindex, String ifname, XdpMode mode, int progId, int linkFd, Netlink netlink) {
        this.ifindex = ifindex;
        this.ifname = ifname;
        this.mode = mode;
        this.progId = progId;
        this.viaLink = linkFd >= 0;
        this.linkFd = linkFd;
        this.netlink = netlink;
    }

    /**
     * Attaches the XDP program {@code progFd} to interface {@code ifindex} of the calling thread's
     * network namespace in {@code mode}. Fails, without replacing it, if a program is already there.
     * The program's fd may be closed afterwards; the attachment holds the program.
     *
     * @throws XdpUnavailableException {@link Missing#INTERFACE_SUPPORT} if the interface cannot run
     *         XDP in this mode (no native XDP in the driver, MTU too large, veth queues), {@link Missing#PRIVILEGE}
     * @throws XdpException for the rest, e.g. EBUSY when another program is attached
     */
    public static XdpAttachment attach(int progFd, int ifindex, XdpMode mode) throws XdpException {
        return attach(progFd, ifindex, mode, true);
    }

    /** {@link #attach(int, int, XdpMode)}, with the bpf_link path switched off when {@code useLink} is false (tests). */
    static XdpAttachment attach(int progFd, int ifindex, XdpMode mode, boolean useLink) throws XdpException {
        if (mode == null) throw new IllegalArgumentException("XDP mode is null");
        String ifname = NetDevice.name(ifindex);
        int progId = Bpf.progInfo(progFd).id();
        String target = "prog id " + progId + " on " + ifname + " ifindex " + ifindex + " " + mode;
        int modeFlag = modeFlag(mode);
        if (useLink) {
            try {
                int fd = Bpf.linkCreate(progFd, ifindex, Bpf.BPF_XDP, modeFlag, target, e -> hint(e, mode, ifname));
                return new XdpAttachment(ifindex, ifname, mode, progId, fd, null);
            } catch (XdpException e) {
                if (e.errno() != Errno.EINVAL || xdpLinksSupported()) throw retype(e, mode);
                // This kernel has no XDP links: fall through to netlink.
            }
        }
        Netlink nl = Netlink.open();
        try {
            nl.setXdp(ifindex, progFd, modeFlag | IfLink.XDP_FLAGS_UPDATE_IF_NOEXIST, target, e -> hint(e, mode, ifname));
            return new XdpAttachment(ifindex, ifname, mode, progId, -1, nl);
        } catch (XdpException e) {
            nl.close();
            throw retype(e, mode);
        } catch (RuntimeException e) {
            nl.close();
            throw e;
        }
    }

    /** Whether this kernel has XDP bpf_links (Linux 5.9); see the class comment for how we ask. */
    static boolean xdpLinksSupported() throws XdpException {
        Boolean known = linksSupported;
        if (known != null) return known;
        boolean supported;
        try {
            int fd = Bpf.linkCreate(-1, 0, Bpf.BPF_XDP, 0, "probe: prog fd -1", null);
            Bpf.closeFd(fd);  // cannot happen with prog_fd -1, but never leak an fd
            supported = true;
        } catch (XdpException e) {
            if (e.errno() == Errno.EBADF) supported = true;
            else if (e.errno() == Errno.EINVAL) supported = false;
            else throw e;
        }
        linksSupported = supported;
        return supported;
    }

    private static int modeFlag(XdpMode mode) {
        return mode == XdpMode.DRV ? IfLink.XDP_FLAGS_DRV_MODE : IfLink.XDP_FLAGS_SKB_MODE;
    }

    /** Advice for an attach errno; null leaves it to the generic hint. */
    static String hint(int errno, XdpMode mode, String ifname) {
        String show = " (ip -d link show dev " + ifname + ")";
        return switch (errno) {
            case Errno.EBUSY -> "another XDP program is already attached to " + ifname + show;
            case Errno.EEXIST -> "another XDP program is already attached to " + ifname + " in the other mode, and native "
                    + "and generic XDP cannot be active at the same time" + show;
            case Errno.EOPNOTSUPP -> mode == XdpMode.DRV
                    ? ifname + "'s driver has no native XDP; use XdpMode.SKB"
                    : "generic XDP is not available on " + ifname;
            case Errno.ERANGE -> mode == XdpMode.DRV
                    ? ifname + "'s MTU is too large for native XDP without multi-buffer (veth: the peer's MTU counts); "
                      + "turn multi-buffer on (XdpOptions multiBuffer AUTO or ON), lower the MTU, or use XdpMode.SKB"
                    : null;
            // veth: its RX queues must cover the peer's TX queues (veth_xdp_set).
            case Errno.ENOSPC -> ifname + " has fewer RX queues in use than its veth peer has TX queues; native XDP on "
                    + "veth needs at least as many (ethtool -L " + ifname + " rx N)";
            case Errno.ENODEV -> "interface " + ifname + " is gone";
            case Errno.EINVAL -> "the kernel refused the program or flags: attach an XDP program loaded with "
                    + "expected_attach_type BPF_XDP, one mode at a time";
            default -> null;
        };
    }

    /** The interface refusing a mode is a property of the system, not a mistake: say so by type. */
    private static XdpException retype(XdpException e, XdpMode mode) {
        boolean unsupported = e.errno() == Errno.ENOSPC
                || mode == XdpMode.DRV && (e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.ERANGE);
        if (!unsupported || e instanceof XdpUnavailableException) return e;
        XdpUnavailableException u = new XdpUnavailableException(Missing.INTERFACE_SUPPORT, e.operation(), e.errno(), e.hint());
        u.setStackTrace(e.getStackTrace());
        return u;
    }

    /** Whether the program is attached through a bpf_link (true) or the legacy netlink way (false). */
    public boolean viaLink() {
        return viaLink;
    }

    public int ifindex() {
        return ifindex;
    }

    public String ifname() {
        return ifname;
    }

    public XdpMode mode() {
        return mode;
    }

    /** The attached program's id. */
    public int progId() {
        return progId;
    }

    /** The bpf_link's kernel view (id, program, ifindex); tests use it. */
    synchronized Bpf.LinkInfo linkInfo() throws XdpException {
        if (linkFd < 0) throw new IllegalStateException("not attached through a bpf_link");
        return Bpf.linkInfo(linkFd);
    }

    /**
     * Detaches. Through a link: closes the link fd. Through netlink: detaches only if our program is
     * still the one attached in our mode (someone may have replaced it since), in the namespace
     * where we attached. Idempotent.
     *
     * @throws XdpException if the netlink detach failed; the attachment counts as closed anyway
     */
    @Override
    public synchronized void close() throws XdpException {
        if (closed) return;
        closed = true;
        if (linkFd >= 0) {
            Bpf.closeFd(linkFd);
            linkFd = -1;
            return;
        }
        Netlink nl = netlink;
        netlink = null;
        try (nl) {
            NetDevice.LinkInfo now;
            try {
                now = nl.link(ifindex);
            } catch (XdpException e) {
                if (e.errno() == Errno.ENODEV) return;  // the interface is gone, and its program with it
                throw e;
            }
            if (now.xdpProgId(mode) != progId) return;  // not ours any more: leave it alone
            String target = "prog id " + progId + " on " + ifname + " ifindex " + ifindex + " " + mode;
            nl.setXdp(ifindex, -1, modeFlag(mode), target, e -> e == Errno.ENODEV ? "interface " + ifname + " is gone" : null);
        }
    }

    @Override
    public synchronized String toString() {
        return "XdpAttachment[prog id " + progId + " on " + ifname + " (ifindex " + ifindex + ") " + mode
                + (viaLink ? ", bpf_link" : ", netlink") + (closed ? ", closed]" : "]");
    }
}

package io.xdppacket.cli.traffic;

import io.xdppacket.XdpException;
import io.xdppacket.cli.CliErrors;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;

/**
 * The interface a command works on, looked up in its network namespace before any socket is opened,
 * so that a wrong name or namespace is a usage error (exit code 2) with the library's message rather
 * than a failure halfway through opening.
 *
 * @param netns    the namespace, or {@code null} for ours
 * @param link     what rtnetlink says about the interface (MTU, hardware address, queues allocated)
 * @param rxQueues RX queues in use now (what a receiving socket can bind to), as the library counts them
 * @param txQueues TX queues in use now (what a send-only socket sends through)
 */
public record Target(String netns, NetDevice.LinkInfo link, int rxQueues, int txQueues) {

    /** Looks up {@code ifname} in {@code netns} (ours if null). Must run on a platform thread. */
    public static Target lookup(String ifname, String netns) throws XdpException {
        try {
            NetDevice.checkName(ifname);
        } catch (IllegalArgumentException e) {
            throw CliErrors.usage(e.getMessage());
        }
        NetNs ns = null;
        try {
            try {
                ns = netns == null ? null : NetNs.enter(netns);
            } catch (XdpException e) {
                if (e.errno() == Errno.ENOENT) throw CliErrors.usage("--netns " + netns + ": " + e.getMessage());
                throw e;
            }
            int ifindex;
            try {
                ifindex = NetDevice.ifindex(ifname);
            } catch (XdpException e) {
                if (e.errno() == Errno.ENODEV) throw CliErrors.usage(e.getMessage());
                throw e;
            }
            return new Target(netns, NetDevice.info(ifindex), NetDevice.rxQueueCount(ifname), NetDevice.txQueueCount(ifname));
        } finally {
            if (ns != null) ns.close();
        }
    }

    public String name() {
        return link.name();
    }

    /** The interface's Ethernet address, or null if it has no 6-byte hardware address. */
    public byte[] mac() {
        byte[] a = link.address();
        return a.length == 6 ? a : null;
    }

    /** {@code vA} or {@code vA (netns lab)}, for messages. */
    @Override
    public String toString() {
        return netns == null ? name() : name() + " (netns " + netns + ")";
    }
}

package io.xdppacket.cli.traffic;

import io.xdppacket.InterfaceInfo;
import io.xdppacket.XdpException;
import io.xdppacket.cli.CliErrors;

/**
 * The interface a command works on, looked up in its network namespace before any socket is opened,
 * so that a wrong name or namespace is a usage error (exit code 2) with the library's message rather
 * than a failure halfway through opening.
 *
 * @param netns the namespace, or {@code null} for ours
 * @param link  what the kernel says about the interface (MTU, hardware address, queues in use)
 */
public record Target(String netns, InterfaceInfo link) {

    /** Looks up {@code ifname} in {@code netns} (ours if null). Must run on a platform thread. */
    public static Target lookup(String ifname, String netns) throws XdpException {
        try {
            return new Target(netns, InterfaceInfo.lookup(ifname, netns));
        } catch (IllegalArgumentException e) {
            throw CliErrors.usage(e.getMessage());
        } catch (XdpException e) {
            if ("ENOENT".equals(e.errnoName())) throw CliErrors.usage("--netns " + netns + ": " + e.getMessage());
            if ("ENODEV".equals(e.errnoName())) throw CliErrors.usage(e.getMessage());
            throw e;
        }
    }

    public String name() {
        return link.name();
    }

    /** RX queues in use now (what a receiving socket can bind to). */
    public int rxQueues() {
        return link.rxQueueCount();
    }

    /** TX queues in use now (what a send-only socket sends through). */
    public int txQueues() {
        return link.txQueueCount();
    }

    /** The interface's Ethernet address, or null if it has no 6-byte hardware address. */
    public byte[] mac() {
        byte[] a = link.hardwareAddress();
        return a.length == 6 ? a : null;
    }

    /** {@code vA} or {@code vA (netns lab)}, for messages. */
    @Override
    public String toString() {
        return netns == null ? name() : name() + " (netns " + netns + ")";
    }
}

package io.xdppacket.cli.bench;

import io.xdppacket.XdpException;
import io.xdppacket.XdpMode;
import io.xdppacket.internal.bpf.Bpf;
import io.xdppacket.internal.bpf.Insn;
import io.xdppacket.internal.bpf.XdpAttachment;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;

import java.util.List;

/**
 * The receiver of the send rows: {@code return XDP_DROP;} on the peer, the kernel's cheapest way to
 * take a frame (the C reference's txonly rows use the same, {@code xdpdrop}). With a program attached
 * veth receives in NAPI mode, as it does when an AF_XDP socket receives; the frames it drops are
 * counted by veth itself ({@code ethtool -S}: {@code rx_queue_N_xdp_drops}), which is how the
 * bench checks that what a sender reported as sent arrived.
 */
final class DropSink implements AutoCloseable {
    private static final String NAME = "xdppkt_drop";
    private static final String LICENSE = "Dual MIT/GPL";

    private final XdpAttachment attachment;

    private DropSink(XdpAttachment attachment) {
        this.attachment = attachment;
    }

    /** Loads the program and attaches it to {@code ifname} in namespace {@code ns}. */
    static DropSink attach(String ns, String ifname, XdpMode mode) throws XdpException {
        int fd = Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP,
                List.of(Insn.mov64Imm(Insn.R0, Bpf.XDP_DROP), Insn.exit()), LICENSE, 0, NAME);
        try (NetNs in = NetNs.enter(ns)) {
            return new DropSink(XdpAttachment.attach(fd, NetDevice.ifindex(ifname), mode));
        } finally {
            Bpf.closeFd(fd); // the attachment holds the program
        }
    }

    /** Detaches (a bpf_link: closing its fd is enough). */
    @Override
    public void close() {
        try {
            attachment.close();
        } catch (XdpException e) {
            System.err.println("warning: detaching the drop program failed: " + e.getMessage());
        }
    }
}

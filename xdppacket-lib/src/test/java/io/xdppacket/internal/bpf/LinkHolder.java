package io.xdppacket.internal.bpf;

import io.xdppacket.XdpMode;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;

/**
 * A child process for {@link XdpAttachmentTest}: attaches the redirect program to an interface,
 * prints {@code ATTACHED <prog id>} and holds it until killed (or until its stdin closes).
 *
 * <p>Arguments: network namespace, interface, {@code link} or {@code netlink}.
 */
public final class LinkHolder {
    private LinkHolder() {}

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        String ifname = args[1];
        boolean useLink = args[2].equals("link");
        try (NetNs in = NetNs.enter(ns)) {
            XskMap map = XskMap.create(1);
            RedirectProgram prog = RedirectProgram.load(map, false);
            XdpAttachment a = XdpAttachment.attach(prog.fd(), NetDevice.ifindex(ifname), XdpMode.SKB, useLink);
            System.out.println("ATTACHED " + a.progId() + " " + (a.viaLink() ? "link" : "netlink"));
            System.out.flush();
            // Hold everything open; a SIGKILL is the test's way to end us.
            while (System.in.read() >= 0) {
                Thread.onSpinWait();
            }
        }
    }
}

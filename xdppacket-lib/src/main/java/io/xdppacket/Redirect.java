package io.xdppacket;

import io.xdppacket.internal.bpf.RedirectProgram;
import io.xdppacket.internal.bpf.XdpAttachment;
import io.xdppacket.internal.bpf.XskMap;

/**
 * What makes frames reach AF_XDP sockets: an XSKMAP (queue q → the socket bound to queue q), the
 * redirect program on that map, and the program's attachment to the interface. A single-queue
 * socket owns one; an {@link XdpMultiQueue} owns one for all its sockets. A send-only socket
 * ({@code XdpOptions.receive(false)}) has none, and the interface's traffic keeps going to the stack.
 */
record Redirect(XskMap map, RedirectProgram program, XdpAttachment attachment) {

    /**
     * Loads the program on {@code map}, whose entries the caller has filled (or will fill), and
     * attaches it to {@code ifindex} in {@code mode}; with {@code frags} for multi-buffer frames
     * ({@code BPF_F_XDP_HAS_FRAGS}: veth refuses a program without it in native mode above a
     * one-page MTU). Takes ownership of the map: on failure it is
     * closed with everything else made here.
     */
    static Redirect attach(XskMap map, int ifindex, XdpMode mode, boolean frags) throws XdpException {
        RedirectProgram program = null;
        try {
            program = RedirectProgram.load(map, frags);
            return new Redirect(map, program, XdpAttachment.attach(program.fd(), ifindex, mode));
        } catch (XdpException | RuntimeException | Error e) {
            if (program != null) program.close();
            map.close();
            throw e;
        }
    }

    /** Detaches first (no frame is redirected any more), then unloads the program and frees the map. Never throws. */
    void close() {
        try {
            attachment.close();
        } catch (XdpException e) {
            // Only the legacy netlink path can fail here; close() must not throw, so say it loudly.
            System.getLogger("io.xdppacket").log(System.Logger.Level.WARNING,
                    "detaching the XDP program failed; check 'ip -d link': " + e.getMessage());
        }
        program.close();
        map.close();
    }
}

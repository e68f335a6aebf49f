package io.xdppacket;

/** The socket (or multi-queue set) was closed, before or during the call. */
public final class XdpClosedException extends XdpException {
    private static final long serialVersionUID = 1L;

    public XdpClosedException(String what) {
        super(what + " is closed");
    }
}

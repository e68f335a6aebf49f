package io.xdppacket;

/**
 * The socket (or multi-queue set) was closed, before or during the call. A thread blocked in a read,
 * write or flush when another thread calls {@code close()} wakes up with this exception; so does any
 * later call. Nothing was taken from or written to the rings by the call that throws it.
 */
public final class XdpClosedException extends XdpException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception; its message is {@code what + " is closed"}.
     *
     * @param what what was closed, e.g. {@code "XdpSocket(vA queue 0)"}
     */
    public XdpClosedException(String what) {
        super(what + " is closed");
    }
}

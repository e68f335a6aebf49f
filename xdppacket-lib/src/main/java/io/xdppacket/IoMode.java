package io.xdppacket;

/** How reads and writes wait: {@link XdpOptions.Builder#ioMode}. */
public enum IoMode {
    /**
     * Reads wait until a frame arrives, writes until there is room to send, for as long as it takes;
     * {@code close()} from another thread ends the wait with {@link XdpClosedException}. The default.
     */
    BLOCK,
    /**
     * Reads and writes give up after {@link XdpOptions#pollTimeout()} and say so by their return value:
     * {@code null}, 0, -1 or {@code false}, never an exception.
     */
    NONBLOCK
}

package io.xdppacket;

/** How reads and writes wait (the seed's {@code OptIoMode}). */
public enum IoMode {
    /** Reads wait until a frame arrives, writes until there is room to send (the seed's {@code IO_MODE_BLOCK}). The default. */
    BLOCK,
    /** Reads and writes give up after {@code pollTimeout} and say so by their return value ({@code IO_MODE_NONBLOCK}). */
    NONBLOCK
}

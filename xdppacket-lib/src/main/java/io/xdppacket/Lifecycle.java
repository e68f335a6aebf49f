package io.xdppacket;

/**
 * Open/closed state shared by a socket's public face and its engines. The flag is volatile: every
 * public call reads it once (a plain load on x86), and waits re-read it after each wake-up.
 */
final class Lifecycle {
    private final String name;
    private volatile boolean closed;

    Lifecycle(String name) {
        this.name = name;
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    void ensureOpen() throws XdpClosedException {
        if (closed) throw closedException();
    }

    XdpClosedException closedException() {
        return new XdpClosedException(name);
    }

    String name() {
        return name;
    }
}

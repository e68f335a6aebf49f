package io.xdppacket.cli.os;

import io.xdppacket.XdpException;

/**
 * Runs the calling (platform) thread inside a named network namespace until closed; a null name
 * leaves the thread where it is. The library's sockets take a namespace in their options; this is
 * for the command's own calls ({@link XdpDropProgram}).
 */
final class NetNamespace implements AutoCloseable {
    private final int previousFd;

    private NetNamespace(int previousFd) {
        this.previousFd = previousFd;
    }

    static NetNamespace enter(String name) throws XdpException {
        if (name == null) return new NetNamespace(-1);
        OsCalls.Result target = OsCalls.open("/run/netns/" + name, OsCalls.O_RDONLY | OsCalls.O_CLOEXEC);
        if (target.failed()) throw new XdpException("open(/run/netns/" + name + ") failed with errno " + target.errno());
        try {
            OsCalls.Result previous = OsCalls.open("/proc/thread-self/ns/net", OsCalls.O_RDONLY | OsCalls.O_CLOEXEC);
            if (previous.failed()) throw new XdpException("open(/proc/thread-self/ns/net) failed with errno " + previous.errno());
            OsCalls.Result in = OsCalls.setns((int) target.value(), OsCalls.CLONE_NEWNET);
            if (in.failed()) {
                OsCalls.close((int) previous.value());
                throw new XdpException("setns(" + name + ") failed with errno " + in.errno());
            }
            return new NetNamespace((int) previous.value());
        } finally {
            OsCalls.close((int) target.value());
        }
    }

    @Override
    public void close() {
        if (previousFd < 0) return;
        OsCalls.Result back = OsCalls.setns(previousFd, OsCalls.CLONE_NEWNET);
        OsCalls.close(previousFd);
        // A thread that cannot return would run later work in the wrong namespace.
        if (back.failed()) throw new IllegalStateException("setns back to the original network namespace failed with errno " + back.errno());
    }
}

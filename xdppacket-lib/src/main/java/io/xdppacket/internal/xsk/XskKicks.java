package io.xdppacket.internal.xsk;

/**
 * The two system calls of a socket's data path: the TX kick and the RX wake-up. Everything else a
 * read or write does is memory — rings and UMEM. This is the seam that lets the engines run against
 * a kernel played in memory (unit tests, JMH); in production {@link SocketKicks} is the only
 * implementation loaded, so the call is monomorphic and inlined.
 */
public interface XskKicks {
    /** {@code sendto(fd, NULL, 0, MSG_DONTWAIT)}: asks the kernel to send what is on the TX ring. Returns 0 or the errno. */
    int kickTx();

    /** {@code recvfrom(fd, NULL, 0, MSG_DONTWAIT)}: asks the kernel to receive into the FILL ring's frames. Returns 0 or the errno. */
    int wakeRx();
}

package io.xdppacket;

import io.xdppacket.internal.xsk.XskKicks;

/**
 * What both engines of one socket share: who owns its resources, how to reach the kernel, its UMEM,
 * and where it is bound. Built once by {@link XdpSocket} (or a test's in-memory kernel) and handed to
 * the {@link Receiver} and the {@link Transmitter}.
 *
 * @param resources the owner of the socket's arena, fds and wake-up fd, and its closed state
 * @param fd        the AF_XDP socket (what the engines' poll sets wait on); -1 for a kernel played in memory
 * @param kicks     the data path's two system calls
 * @param umem      the UMEM the socket's frames are in (its own, or shared)
 * @param options   the socket's options (I/O mode, timeouts, receive or send-only, multi-buffer)
 * @param multiBuffer whether frames may span several UMEM frames ({@code XDP_USE_SG}): what the
 *                  options asked for, resolved against the interface's MTU
 * @param arrivalStamps whether the XDP program stamps each frame's arrival in its metadata ({@link TimestampSource#ARRIVAL})
 * @param ifindex   the interface, for {@link PacketInfo}
 * @param queue     the queue, for {@link PacketInfo}
 */
record QueueContext(SocketResources resources, int fd, XskKicks kicks, XdpUmem umem,
                    XdpOptions options, boolean multiBuffer, boolean arrivalStamps, int ifindex, int queue) {

    String name() {
        return resources.name();
    }
}

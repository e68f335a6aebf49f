package io.xdppacket;

import io.xdppacket.internal.xsk.XskKicks;

import java.lang.foreign.MemorySegment;

/**
 * What both engines of one socket share: who owns its resources, how to reach the kernel, its UMEM,
 * and where it is bound. Built once by {@link XdpSocket} (or a test's in-memory kernel) and handed to
 * the {@link Receiver} and the {@link Transmitter}.
 *
 * @param resources the owner of the socket's arena, fds and wake-up fd, and its closed state
 * @param fd        the AF_XDP socket (what the engines' poll sets wait on); -1 for a kernel played in memory
 * @param kicks     the data path's two system calls
 * @param umem      the whole UMEM
 * @param frameSize bytes per UMEM frame
 * @param options   the socket's options (I/O mode, timeouts, receive or send-only)
 * @param ifindex   the interface, for {@link PacketInfo}
 * @param queue     the queue, for {@link PacketInfo}
 */
record QueueContext(SocketResources resources, int fd, XskKicks kicks, MemorySegment umem, int frameSize,
                    XdpOptions options, int ifindex, int queue) {

    String name() {
        return resources.name();
    }
}

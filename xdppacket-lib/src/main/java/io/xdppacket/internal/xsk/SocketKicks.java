package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link XskKicks} on a real AF_XDP socket. The errno slots live in the socket's arena, and a
 * downcall holds the arena of every segment it is passed: while a kick is in the kernel, the owner
 * cannot close the arena, so it cannot close (and the process cannot reuse) the fd under it. One slot
 * per direction, since the reading and the writing thread may kick at the same time.
 */
public final class SocketKicks implements XskKicks {
    private final int fd;
    private final MemorySegment txErrno;
    private final MemorySegment rxErrno;

    public SocketKicks(Arena arena, int fd) {
        this.fd = fd;
        this.txErrno = Libc.allocateErrno(arena);
        this.rxErrno = Libc.allocateErrno(arena);
    }

    @Override
    public int kickTx() {
        long r = Libc.sendtoNonBlocking(txErrno, fd, MemorySegment.NULL, 0, Libc.MSG_DONTWAIT, MemorySegment.NULL, 0);
        return r >= 0 ? 0 : Libc.errno(txErrno);
    }

    @Override
    public int wakeRx() {
        long r = Libc.recvfromNonBlocking(rxErrno, fd, MemorySegment.NULL, 0, Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
        return r >= 0 ? 0 : Libc.errno(rxErrno);
    }
}

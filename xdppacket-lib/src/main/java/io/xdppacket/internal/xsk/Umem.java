package io.xdppacket.internal.xsk;

import io.xdppacket.XdpException;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The UMEM: one page-aligned anonymous mapping split into equal frames, the memory every frame of
 * a socket is received into and sent from. Frame addresses handed to the kernel are byte offsets
 * into it.
 *
 * <p>The mapping belongs to an {@link Arena}: closing the arena unmaps it, and after that every
 * access through {@link #memory()} (or a slice of it) throws instead of touching freed memory.
 * Unmapping is safe even if the kernel still holds the socket: it pinned the pages at
 * {@code XDP_UMEM_REG} and releases them only when the socket is gone.
 */
public final class Umem {
    private final MemorySegment memory;
    private final int frameSize;
    private final int frameCount;

    private Umem(MemorySegment memory, int frameSize, int frameCount) {
        this.memory = memory;
        this.frameSize = frameSize;
        this.frameCount = frameCount;
    }

    /** Maps {@code frameCount × frameSize} bytes, prefaulted, owned by {@code arena}. */
    public static Umem allocate(Arena arena, int frameCount, int frameSize) throws XdpException {
        if (Integer.bitCount(frameSize) != 1) throw new IllegalArgumentException("frame size " + frameSize + " is not a power of two");
        long size = (long) frameCount * frameSize;
        long address;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(call);
            address = Libc.mmap(errno, 0L, size, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_POPULATE, -1, 0L);
            if (address == Libc.MAP_FAILED) {
                throw SysCall.failure("mmap(UMEM, " + size + " bytes)", Libc.errno(errno), null);
            }
        }
        MemorySegment memory = MemorySegment.ofAddress(address).reinterpret(size, arena, Umem::unmap);
        return new Umem(memory, frameSize, frameCount);
    }

    static void unmap(MemorySegment mapping) {
        try (Arena call = Arena.ofConfined()) {
            Libc.munmap(Libc.allocateErrno(call), mapping.address(), mapping.byteSize());
        }
    }

    /** The whole area. Internal: the public API hands out views of single frames only. */
    public MemorySegment memory() {
        return memory;
    }

    /** Native address of the area, for {@code xdp_umem_reg.addr}. */
    public long address() {
        return memory.address();
    }

    public long size() {
        return memory.byteSize();
    }

    public int frameSize() {
        return frameSize;
    }

    public int frameCount() {
        return frameCount;
    }

    /** UMEM address of frame {@code index}'s first byte. */
    public long frameAddress(int index) {
        return (long) index * frameSize;
    }
}

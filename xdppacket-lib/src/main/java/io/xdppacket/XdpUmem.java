package io.xdppacket;

import io.xdppacket.internal.xsk.Umem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A UMEM of its own that several sockets share ({@code XDP_SHARED_UMEM}): sockets on different
 * queues of one interface, or on different interfaces, whose frames can then be forwarded from one
 * to another without copying ({@link XdpPort#forwardPackets}).
 *
 * <pre>{@code
 * try (XdpUmem umem = XdpUmem.create(8192, 2048);
 *      XdpSocket a = XdpSocket.open("ethA", options, umem);
 *      XdpSocket b = XdpSocket.open("ethB", options, umem)) {
 *     PacketBatch batch = new PacketBatch(64);
 *     while (running) {
 *         int n = a.zeroCopyReadPackets(batch);
 *         for (int i = 0; i < n; i++) edit(batch.get(i));   // in place: swap MACs, rewrite a header
 *         b.forwardPackets(batch);                          // out of b, not a byte copied
 *     }
 * }
 * }</pre>
 *
 * <p><b>Frames and who holds them.</b> Each socket opened on the UMEM takes {@code 2 × numFrames}
 * of its frames: the first half its transmit frames, the second half its receive frames. At every
 * moment each frame is in exactly one place: free with its socket (transmit frames on a free list,
 * receive frames waiting to go back to the FILL ring); on the FILL ring (the kernel may receive into
 * it); on the RX ring (received, not yet read); held by the application (shown by a {@link Packet}
 * of a read, or claimed for writing); on a TX ring (written or forwarded, not yet sent); on a
 * COMPLETION ring (sent, not yet reclaimed); or on its way home (a received frame forwarded out of
 * another socket, reclaimed there, not yet back with the socket that received it). A forwarded frame
 * goes home by itself once its send completes; so does every frame of a closed socket's users.
 * Frames are given to sockets as they open; they are free again once every socket on the UMEM is
 * closed.
 *
 * <p><b>Threads.</b> The rules are each socket's own: one thread reads a socket and one thread
 * writes it (possibly two threads). Forwarding a batch read from socket A out of socket B is a
 * write of B by the calling thread; the frames go home to A through a single-producer,
 * single-consumer queue, so A's reader and B's writer may be different threads. A
 * {@link PacketBatch} belongs to one thread at a time.
 *
 * <p>{@link #close()} frees the memory once every socket on it is closed; sockets still open keep
 * it until they close. Two sockets on the same queue of the same interface cannot share a UMEM here
 * (the kernel would make them share one FILL ring).
 */
public final class XdpUmem implements AutoCloseable {
    /** The frame sizes a UMEM may have: a power of two between 2048 and the page size. */
    public static final int MIN_FRAME_SIZE = 2048, MAX_FRAME_SIZE = 4096;

    private final Arena arena;
    private final Umem umem;
    private final boolean privateToOneSocket;
    private final Object lock = new Object();
    // Guarded by lock.
    private int nextFrame;
    private final List<Integer> boundFds = new ArrayList<>();
    private boolean multiBuffer;
    private int sockets;
    private boolean closed;
    private boolean freed;
    /** The receive regions, for sending forwarded frames home; copy-on-write, read by transmit sides. */
    private volatile Region[] regions = new Region[0];

    /** One socket's receive frames: {@code [first, end)} in UMEM addresses, and the side they go home to. */
    record Region(long first, long end, Receiver home) {}

    private XdpUmem(Arena arena, Umem umem, boolean privateToOneSocket) {
        this.arena = arena;
        this.umem = umem;
        this.privateToOneSocket = privateToOneSocket;
    }

    /**
     * Maps a UMEM of {@code frameCount} frames of {@code frameSize} bytes.
     *
     * @param frameCount how many frames, enough for every socket that will use it: each takes
     *                   {@code 2 × numFrames}
     * @param frameSize  2048 or 4096
     * @return the UMEM; close it when done
     * @throws IllegalArgumentException if a value breaks its rule
     * @throws XdpException if the memory cannot be mapped
     */
    public static XdpUmem create(int frameCount, int frameSize) throws XdpException {
        if (frameSize != MIN_FRAME_SIZE && frameSize != MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("frameSize = " + frameSize + ": must be 2048 or 4096");
        }
        if (frameCount < 2 * XdpOptions.MIN_RING_SIZE || (long) frameCount * frameSize > (1L << 33)) {
            throw new IllegalArgumentException("frameCount = " + frameCount + ": must be at least " + 2 * XdpOptions.MIN_RING_SIZE
                    + " and the UMEM at most 8 GiB");
        }
        return create(frameCount, frameSize, false);
    }

    /** A UMEM for one socket alone, freed when that socket closes. */
    static XdpUmem createPrivate(int frameCount, int frameSize) throws XdpException {
        return create(frameCount, frameSize, true);
    }

    private static XdpUmem create(int frameCount, int frameSize, boolean privateToOneSocket) throws XdpException {
        Arena arena = Arena.ofShared();
        try {
            return new XdpUmem(arena, Umem.allocate(arena, frameCount, frameSize), privateToOneSocket);
        } catch (XdpException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The UMEM's size in frames.
     *
     * @return the number of frames
     */
    public int frameCount() {
        return umem.frameCount();
    }

    /**
     * The size of one frame.
     *
     * @return bytes: 2048 or 4096
     */
    public int frameSize() {
        return umem.frameSize();
    }

    /**
     * Frames no socket has taken yet.
     *
     * @return frames left for sockets still to open on this UMEM
     */
    public int framesLeft() {
        synchronized (lock) {
            return umem.frameCount() - nextFrame;
        }
    }

    // ---- for the sockets on it ------------------------------------------------------------------------

    Umem mapping() {
        return umem;
    }

    MemorySegment memory() {
        return umem.memory();
    }

    boolean isPrivate() {
        return privateToOneSocket;
    }

    /** The lock a socket holds from choosing how to bind (register or share) until it is bound. */
    Object bindLock() {
        return lock;
    }

    /**
     * Gives a socket {@code frames} consecutive frames and returns the index of the first. Caller
     * holds {@link #bindLock()}.
     */
    int take(int frames) {
        if (closed) throw new IllegalStateException("the UMEM is closed");
        if (nextFrame + (long) frames > umem.frameCount()) {
            throw new IllegalArgumentException("the UMEM has " + (umem.frameCount() - nextFrame) + " of its " + umem.frameCount()
                    + " frames left; a socket with numFrames " + frames / 2 + " needs " + frames
                    + " (create the XdpUmem with more frames, or open the socket with fewer)");
        }
        int first = nextFrame;
        nextFrame += frames;
        sockets++;
        return first;
    }

    /** A bound socket of this UMEM to share it through, or -1 if none: then the next socket registers it. Caller holds the lock. */
    int shareFd() {
        return boundFds.isEmpty() ? -1 : boundFds.getFirst();
    }

    /** Records that {@code fd} is bound on this UMEM, with multi-buffer frames or not; caller holds the lock. */
    void bound(int fd, boolean multiBuffer) {
        if (boundFds.isEmpty()) this.multiBuffer = multiBuffer;
        boundFds.add(fd);
    }

    /** Whether the sockets bound on this UMEM use multi-buffer frames (the first one decided); caller holds the lock. */
    boolean multiBuffer() {
        return multiBuffer;
    }

    /** Adds a socket's receive frames, so that transmit sides can send forwarded frames home. */
    void addRegion(long first, long end, Receiver home) {
        synchronized (lock) {
            Region[] r = regions;
            Region[] n = java.util.Arrays.copyOf(r, r.length + 1);
            n[r.length] = new Region(first, end, home);
            regions = n;
        }
    }

    /** The receive region frame {@code address} is in, or null if it is in none. */
    Region regionOf(long address) {
        for (Region r : regions) {
            if (address >= r.first && address < r.end) return r;
        }
        return null;
    }

    /** A socket stops being bound on this UMEM: no other socket shares it through {@code fd} any more. Before its fd closes. */
    void unbound(int fd) {
        synchronized (lock) {
            boundFds.remove((Integer) fd);
        }
    }

    /**
     * A socket that took frames is gone (closed, or failed to open). Once the last one is gone every
     * frame is free again, and the memory is freed if the UMEM was closed, or private to the socket.
     */
    void released() {
        synchronized (lock) {
            sockets--;
            if (sockets == 0) {
                nextFrame = 0;
                regions = new Region[0];
            }
        }
        freeIfUnused();
    }

    /** Unmaps the memory once nobody can use it any more: no socket on it, and closed (or private to a socket that is gone). */
    private void freeIfUnused() {
        synchronized (lock) {
            if (freed || sockets > 0 || !(closed || privateToOneSocket)) return;
            freed = true;
        }
        arena.close();
    }

    /**
     * Closes the UMEM: its memory is freed now if no socket uses it, else when the last one closes.
     * Safe to call twice.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        freeIfUnused();
    }

    @Override
    public String toString() {
        return "XdpUmem{" + umem.frameCount() + " frames of " + umem.frameSize() + " bytes}";
    }

    static void requireSameFrameSize(XdpUmem umem, XdpOptions options) {
        Objects.requireNonNull(umem, "umem");
        if (umem.frameSize() != options.frameSize()) {
            throw new IllegalArgumentException("frameSize = " + options.frameSize() + " in the options, but the UMEM's frames are "
                    + umem.frameSize() + " bytes: they must be the same");
        }
    }
}

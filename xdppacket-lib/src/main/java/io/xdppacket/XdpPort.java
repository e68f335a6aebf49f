package io.xdppacket;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a single-queue {@link XdpSocket} and a multi-queue {@link XdpMultiQueue} have in common: the
 * AF_XDP socket, or sockets, of one interface, read a batch at a time and written an array range at
 * a time. Code that should work with one queue or many takes an {@code XdpPort};
 * {@link #open(String, XdpOptions)} picks the implementation from {@link XdpOptions#queueCount()}.
 *
 * <pre>{@code
 * try (XdpPort port = XdpPort.open("eth0", options)) {
 *     PacketBatch batch = new PacketBatch(64);
 *     while (running) {
 *         int n = port.zeroCopyReadPackets(batch);      // from every queue of the port
 *         for (int i = 0; i < n; i++) handle(batch.get(i));
 *     }
 * }
 * }</pre>
 *
 * <p>The library implements it with {@link XdpSocket} and {@link XdpMultiQueue}; an application's
 * tests may implement it too, to run code that takes a port without a network.
 *
 * <p><b>Threads.</b> One thread reads and one thread writes at a time (they may be different
 * threads); reading or writing from two threads at once is refused with an
 * {@link IllegalStateException}. {@link #stats()}, {@link #queueStats()} and {@link #close()} may be
 * called from any thread.
 */
public interface XdpPort extends AutoCloseable {

    /**
     * Opens {@code options.queueCount()} queues of {@code ifname}: an {@link XdpSocket} for one, an
     * {@link XdpMultiQueue} for more.
     *
     * @param ifname  the interface, as {@code ip link} names it
     * @param options the options; {@code queueCount} decides the kind of port
     * @return the open port; close it when done
     * @throws XdpException as {@link XdpSocket#open(String, XdpOptions)} and {@link XdpMultiQueue#open(String, XdpOptions)}
     */
    static XdpPort open(String ifname, XdpOptions options) throws XdpException {
        Objects.requireNonNull(options, "options");
        return options.queueCount() == 1 ? XdpSocket.open(ifname, options) : XdpMultiQueue.open(ifname, options);
    }

    /**
     * Reads up to {@code batch.capacity()} frames in place, each with its capture info: BLOCK mode
     * waits for at least one frame, then takes what is there; NONBLOCK mode waits at most
     * {@code pollTimeout}. The views stay valid until the next read or {@link #release()}.
     *
     * @param batch where the frames go; reused from call to call
     * @return frames read (also {@code batch.size()}); 0 only in NONBLOCK mode when none arrived in time
     * @throws XdpClosedException if the port is closed, before or during the read
     * @throws IllegalStateException if another thread is reading at the same time, or the port is send-only
     * @throws XdpException if the interface went away, or the kernel failed
     */
    int zeroCopyReadPackets(PacketBatch batch) throws XdpException;

    /**
     * Gives the frames of the last zero-copy read back to the kernel now, instead of at the next read.
     * The views of that read are cleared. Call it from the reading thread.
     *
     * @throws XdpClosedException if the port is closed
     * @throws XdpException if the kernel failed while taking the frames back
     */
    void release() throws XdpException;

    /**
     * Sends {@code frames[from .. from+count)}, each array exactly one Ethernet frame, copied into
     * the UMEM; every frame is checked before any is written. A multi-queue port spreads the range
     * over its queues (see {@link XdpMultiQueue#writePackets(byte[][], int, int)}). Allocates nothing.
     *
     * @param frames the frames, each array exactly one Ethernet frame (no FCS); not {@code null}
     * @param from   index of the first frame to send
     * @param count  how many frames to send, from {@code from}
     * @return frames taken, a prefix of the range: all of them, fewer only in NONBLOCK mode when
     *         there was no room for {@code pollTimeout}
     * @throws IllegalArgumentException if a frame is shorter than 14 or longer than {@link #maxFrameLength()} bytes
     * @throws IndexOutOfBoundsException if the range is not inside the array
     * @throws XdpClosedException if the port is closed
     * @throws XdpException if the kernel refused (a multi-queue port: {@link XdpPartialWriteException})
     */
    int writePackets(byte[][] frames, int from, int count) throws XdpException;

    /**
     * {@link #writePackets(byte[][], int, int)} for the whole array.
     *
     * @param frames the frames, each array exactly one frame
     * @return frames taken, a prefix of the array
     * @throws XdpException as {@link #writePackets(byte[][], int, int)}
     */
    default int writePackets(byte[][] frames) throws XdpException {
        Objects.requireNonNull(frames, "frames");
        return writePackets(frames, 0, frames.length);
    }

    /**
     * {@link #writePackets(byte[][], int, int)} for a list (indexed access: use a
     * {@link java.util.RandomAccess} list).
     *
     * @param frames the frames, each array exactly one frame
     * @return frames taken, a prefix of the list
     * @throws XdpException as {@link #writePackets(byte[][], int, int)}
     */
    int writePackets(List<byte[]> frames) throws XdpException;

    /**
     * Sends the packets {@code batch} shows without copying them: each packet's frames — read from a
     * socket that shares this port's UMEM ({@link XdpUmem}), or from this port itself — go out as
     * they are, after whatever the caller changed in place (swapped MAC addresses, a rewritten
     * header). Their views are cleared as they go; once sent, the frames go back to the socket that
     * received them. Every packet is checked before any is sent; allocates nothing. A multi-queue
     * port spreads the batch over its queues.
     *
     * @param batch packets of a zero-copy read
     * @return packets sent, a prefix of the batch: all, fewer only in NONBLOCK mode (the rest still
     *         show their frames, which go back with their read)
     * @throws IllegalArgumentException if a packet shows no received frame, or one of a socket that
     *         does not share this port's UMEM
     * @throws XdpClosedException if the port is closed
     * @throws XdpException if the kernel refused
     */
    int forwardPackets(PacketBatch batch) throws XdpException;

    /**
     * Waits until every frame written so far has completed (came back from the kernel): BLOCK mode
     * as long as that takes, NONBLOCK mode at most {@code pollTimeout}.
     *
     * @return whether every frame completed
     * @throws XdpClosedException if the port is closed
     * @throws XdpException if the interface went away
     */
    default boolean flush() throws XdpException {
        return flush(options().ioMode() == IoMode.BLOCK ? null : options().pollTimeout());
    }

    /**
     * {@link #flush()} with an explicit limit.
     *
     * @param timeout how long to wait at most; {@code null}, or a duration too long for a
     *                {@code long} of nanoseconds, for no limit
     * @return whether every frame completed in time
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws XdpException as {@link #flush()}
     */
    boolean flush(Duration timeout) throws XdpException;

    /**
     * The counters of every queue together, and the kernel's drop counters.
     *
     * @return a snapshot
     * @throws XdpClosedException if the port is closed
     * @throws XdpException if the kernel would not report its counters
     */
    XdpStats stats() throws XdpException;

    /**
     * The counters of each queue (queue {@code q} at index {@code q}) and their total.
     *
     * @return a snapshot
     * @throws XdpException as {@link #stats()}
     */
    XdpMultiQueueStats queueStats() throws XdpException;

    /**
     * The queues this port reads and writes.
     *
     * @return how many queues this port uses: {@code [0, queueCount())}
     */
    int queueCount();

    /**
     * The longest frame a write accepts.
     *
     * @return bytes: {@code frameSize − 256} (1792 by default), or on a multi-buffer port 17 UMEM
     *         frames' worth (the interface's MTU limits what gets through)
     */
    int maxFrameLength();

    /**
     * Whether frames longer than one UMEM frame are received and sent.
     *
     * @return what {@link XdpOptions.Builder#multiBuffer} asked for, resolved against the interface's MTU
     */
    boolean isMultiBuffer();

    /**
     * Where the XDP program feeding this port runs.
     *
     * @return {@link XdpMode#DRV} or {@link XdpMode#SKB} for the library's program ({@link XdpMode#AUTO}
     *         resolved); for a port without one (send-only, or joined to a program of your own) the
     *         mode the options asked for
     */
    XdpMode mode();

    /**
     * Why {@link XdpMode#AUTO} ended in the mode it did.
     *
     * @return the reason when it is not native, or {@code null} when the mode is the one asked for
     */
    String modeReason();

    /**
     * Where the frames' timestamps come from on this port.
     *
     * @return {@link TimestampSource#ARRIVAL} or {@link TimestampSource#READ}
     */
    TimestampSource timestampSource();

    /**
     * Whether the driver moves frames to and from the UMEM without copying (AF_XDP zero-copy mode).
     *
     * @return {@code true} in zero-copy mode; {@code false} in copy mode (veth, generic XDP)
     */
    boolean isZeroCopy();

    /**
     * What the kernel says about this port's interface now — its MTU, hardware (MAC) address and
     * queue counts — looked up in the network namespace the port was opened in.
     *
     * @return a fresh lookup (a few system calls; not for the frame path)
     * @throws XdpException if the interface is gone
     */
    default InterfaceInfo interfaceInfo() throws XdpException {
        return InterfaceInfo.lookup(interfaceName(), options().networkNamespace());
    }

    /**
     * The interface this port was opened on.
     *
     * @return the interface's name, as given to open
     */
    String interfaceName();

    /**
     * The interface this port was opened on.
     *
     * @return the interface's ifindex, in the network namespace the port was opened in
     */
    int interfaceIndex();

    /**
     * The options this port was opened with (for a multi-queue port, with its real queue count).
     *
     * @return the options
     */
    XdpOptions options();

    /**
     * Whether the port was closed. Any thread may ask.
     *
     * @return whether {@link #close()} was called
     */
    boolean isClosed();

    /**
     * Closes the port: lets the kernel complete frames already written (up to 1 s), wakes threads
     * blocked in reads or writes (they throw {@link XdpClosedException}), detaches the XDP program,
     * then frees the rings, the UMEM and the file descriptors. Safe to call twice and from any
     * thread; never throws.
     */
    @Override
    void close();
}

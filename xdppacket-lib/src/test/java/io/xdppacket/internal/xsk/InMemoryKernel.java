package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.IfXdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The kernel's side of one AF_XDP socket, played on plain memory inside the two system calls of the
 * data path ({@link XskKicks}), so that the engines run their production code without a kernel: for
 * unit tests of the engines (no root needed) and for the JMH benchmarks.
 *
 * <p><b>TX, as copy mode.</b> The TX ring always shows {@code NEED_WAKEUP}, as in copy mode, so the
 * transmitter kicks after every submit. A kick ({@code sendto}) takes up to {@code txBudget}
 * descriptors from the TX ring and posts their addresses on the COMPLETION ring at once — copy mode
 * completes a frame when its skb is freed, here immediately — and answers EAGAIN when it stopped for
 * the budget (or for a full COMPLETION ring) with descriptors left, as {@code __xsk_generic_xmit} does.
 * With {@link #captureSent} the bytes of every frame sent are copied out for a test to check.
 *
 * <p><b>RX.</b> Two ways. As a driver that asks to be woken ({@link #deliverOnWake}, the benchmarks'
 * way): the FILL ring shows {@code NEED_WAKEUP}, so a read that finds the RX ring empty gives its
 * free frames to FILL and wakes the kernel, and the wake-up turns every frame on FILL into an RX
 * descriptor {@code {frame + XDP_PACKET_HEADROOM, rxFrameLength, 0}} without writing the frames.
 * Or frame by frame ({@link #receive}, the unit tests' way): a test hands a frame in, it is copied
 * into the next FILL buffer and posted on RX — or counted as dropped, as the kernel would, when
 * FILL is empty or RX full.
 *
 * <p>{@link #goAway()} plays an interface that was deleted: both system calls answer ENXIO.
 *
 * <p><b>Cost</b> (for the benchmarks): per frame one 8-byte load and one 8-byte (COMPLETION) or
 * 16-byte (RX) store; per kick or wake-up two acquire loads and two release stores. Not modelled:
 * the system call itself, cache lines moving between CPUs, frame data written by a NIC or copied
 * by the stack, multi-buffer frames.
 */
public final class InMemoryKernel implements XskKicks {
    /** {@code XDP_PACKET_HEADROOM}: a received frame's first byte is this far into its UMEM frame. */
    public static final int RX_HEADROOM = 256;

    // Package-private for InMemoryKernelBench, which plays the user side with index stores alone.
    final KernelRing fill, rx, tx, completion;
    private final int txBudget;
    private final int rxFrameLength;
    private final boolean deliverOnWake;
    private MemorySegment umem;
    private int bufferRoom = Integer.MAX_VALUE;
    /** A chain being gathered by {@link #kickTx}: bytes of the segments so far. */
    private final java.io.ByteArrayOutputStream chain = new java.io.ByteArrayOutputStream();
    private List<byte[]> sent;
    private volatile boolean gone;
    private volatile boolean txStalled;
    // The kernel's own indices: only it writes them, so it keeps them in fields and only publishes them.
    private int fillConsumed, rxProduced, txConsumed, completionProduced;
    /** Frames {@link #receive} could not deliver: FILL empty / RX full (XDP_STATISTICS' counters). */
    public long rxFillRingEmpty, rxRingFull;

    /**
     * A kernel that delivers on every wake-up ({@link #deliverOnWake}), as the benchmarks use it.
     *
     * @param ringSize size of each of the four rings
     * @param txBudget frames one TX kick sends at most ({@code XDP_MAX_TX_SKB_BUDGET}: 32 by default, up to 256 from 6.17)
     * @param rxFrameLength length of every frame a wake-up delivers
     */
    public InMemoryKernel(Arena arena, int ringSize, int txBudget, int rxFrameLength) {
        this(arena, ringSize, ringSize, txBudget, rxFrameLength, true);
    }

    /**
     * A kernel that receives only what {@link #receive} hands it.
     *
     * @param fillSize size of the FILL ring (the library's is twice the RX frames)
     * @param ringSize size of the RX, TX and COMPLETION rings
     */
    public static InMemoryKernel receivingOnDemand(Arena arena, int fillSize, int ringSize, int txBudget) {
        return new InMemoryKernel(arena, fillSize, ringSize, txBudget, 0, false);
    }

    private InMemoryKernel(Arena arena, int fillSize, int ringSize, int txBudget, int rxFrameLength, boolean deliverOnWake) {
        if (txBudget < 1) throw new IllegalArgumentException("txBudget = " + txBudget);
        this.fill = new KernelRing(arena, fillSize, KernelRing.ADDRESS_BYTES);
        this.rx = new KernelRing(arena, ringSize, KernelRing.DESCRIPTOR_BYTES);
        this.tx = new KernelRing(arena, ringSize, KernelRing.DESCRIPTOR_BYTES);
        this.completion = new KernelRing(arena, ringSize, KernelRing.ADDRESS_BYTES);
        this.txBudget = txBudget;
        this.rxFrameLength = rxFrameLength;
        this.deliverOnWake = deliverOnWake;
        tx.setNeedWakeup(true);
        fill.setNeedWakeup(deliverOnWake);
    }

    public FillRing fillRing() { return fill.fillRing(); }
    public RxRing rxRing() { return rx.rxRing(); }
    public TxRing txRing() { return tx.txRing(); }
    public CompletionRing completionRing() { return completion.completionRing(); }

    /**
     * Gives the kernel the UMEM, so that {@link #receive} can write frames and {@link #captureSent}
     * read them; a frame longer than {@code bufferRoom} arrives as a chain of descriptors, as
     * multi-buffer AF_XDP delivers it.
     */
    public InMemoryKernel umem(MemorySegment umem, int bufferRoom) {
        this.umem = umem;
        this.bufferRoom = bufferRoom;
        return this;
    }

    /** From now on, copies the bytes of every frame a kick sends into {@code into}. Needs {@link #umem}. */
    public InMemoryKernel captureSent(List<byte[]> into) {
        this.sent = into;
        return this;
    }

    /** While stalled, a TX kick sends nothing and answers EAGAIN, as a driver whose queue is full: writers run out of room. */
    public void stallTx(boolean stalled) {
        txStalled = stalled;
    }

    /** The interface is deleted: both system calls answer ENXIO from now on. */
    public void goAway() {
        gone = true;
    }

    /**
     * A frame arrives: it is copied into the next buffer on FILL and posted on RX. Returns false, and
     * counts the drop, when FILL has no buffer or RX no room. Call from one thread at a time.
     */
    public boolean receive(byte[] frame) {
        int buffers = Math.max(1, (frame.length + bufferRoom - 1) / bufferRoom);
        if (fill.producer() - fillConsumed < buffers) {
            rxFillRingEmpty++;
            return false;
        }
        if (rx.size() - (rxProduced - rx.consumer()) < buffers) {
            rxRingFull++;
            return false;
        }
        for (int b = 0; b < buffers; b++) {
            int at = b * bufferRoom;
            int part = Math.min(bufferRoom, frame.length - at);
            long frameAddress = fill.addressAt(fillConsumed++);
            MemorySegment.copy(frame, at, umem, JAVA_BYTE, frameAddress + RX_HEADROOM, part);
            rx.putDescriptor(rxProduced++, frameAddress + RX_HEADROOM, part, b < buffers - 1 ? IfXdp.XDP_PKT_CONTD : 0);
        }
        fill.publishConsumer(fillConsumed);
        rx.publishProducer(rxProduced);
        return true;
    }

    /**
     * Posts raw RX descriptors, as a broken kernel might: each {@code {frame index in FILL order,
     * length, options}} takes the next FILL buffer. For tests of what a reader does with chains cut
     * short or too long.
     */
    public void receiveRaw(int[] lengths, int[] options) {
        for (int i = 0; i < lengths.length; i++) {
            long frameAddress = fill.addressAt(fillConsumed++);
            rx.putDescriptor(rxProduced++, frameAddress + RX_HEADROOM, lengths[i], options[i]);
        }
        fill.publishConsumer(fillConsumed);
        rx.publishProducer(rxProduced);
    }

    /** Frames on the FILL ring that the kernel has not taken yet. */
    public int fillEntries() {
        return fill.producer() - fillConsumed;
    }

    /** Copy mode's {@code sendto}: TX descriptors to COMPLETION addresses, at most {@code txBudget}. */
    @Override
    public int kickTx() {
        if (gone) return Errno.ENXIO;
        if (txStalled) return Errno.EAGAIN;
        int pending = tx.producer() - txConsumed;
        int room = completion.consumer() + completion.size() - completionProduced;
        int n = Math.min(Math.min(pending, room), txBudget);
        for (int i = 0; i < n; i++) {
            long addr = tx.addressAt(txConsumed + i);
            if (sent != null) {
                byte[] f = new byte[tx.lengthAt(txConsumed + i)];
                MemorySegment.copy(umem, JAVA_BYTE, addr, f, 0, f.length);
                chain.writeBytes(f);
                if ((tx.optionsAt(txConsumed + i) & IfXdp.XDP_PKT_CONTD) == 0) {
                    sent.add(chain.toByteArray());
                    chain.reset();
                }
            }
            completion.putAddress(completionProduced + i, addr);
        }
        txConsumed += n;
        completionProduced += n;
        tx.publishConsumer(txConsumed);
        completion.publishProducer(completionProduced);
        return n < pending ? Errno.EAGAIN : 0;
    }

    /** The wake-up a reader gives before it waits: with {@link #deliverOnWake}, every frame on FILL becomes a received frame on RX. */
    @Override
    public int wakeRx() {
        if (gone) return Errno.ENXIO;
        if (!deliverOnWake) return 0;
        int given = fill.producer() - fillConsumed;
        int room = rx.consumer() + rx.size() - rxProduced;
        int n = Math.min(given, room);
        for (int i = 0; i < n; i++) {
            rx.putDescriptor(rxProduced + i, fill.addressAt(fillConsumed + i) + RX_HEADROOM, rxFrameLength, 0);
        }
        fillConsumed += n;
        rxProduced += n;
        fill.publishConsumer(fillConsumed);
        rx.publishProducer(rxProduced);
        return 0;
    }

    /** Every frame base address the kernel holds: on FILL and TX not yet consumed, on RX and COMPLETION not yet taken. */
    public List<Long> framesInKernel(int frameSize) {
        long mask = ~((long) frameSize - 1);
        List<Long> out = new ArrayList<>();
        for (int i = fillConsumed; i != fill.producer(); i++) out.add(fill.addressAt(i) & mask);
        for (int i = rx.consumer(); i != rxProduced; i++) out.add(rx.addressAt(i) & mask);
        for (int i = txConsumed; i != tx.producer(); i++) out.add(tx.addressAt(i) & mask);
        for (int i = completion.consumer(); i != completionProduced; i++) out.add(completion.addressAt(i) & mask);
        return out;
    }
}

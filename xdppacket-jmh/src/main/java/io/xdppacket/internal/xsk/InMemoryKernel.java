package io.xdppacket.internal.xsk;

import io.xdppacket.internal.sys.Errno;

import java.lang.foreign.Arena;

/**
 * The kernel's side of one AF_XDP socket, played on plain memory inside the two system calls of the
 * data path ({@link XskKicks}), so that the engines run their production code and never wait.
 *
 * <p><b>TX, as copy mode.</b> The TX ring always shows {@code NEED_WAKEUP}, as in copy mode, so the
 * transmitter kicks after every submit. A kick ({@code sendto}) takes up to {@code txBudget}
 * descriptors from the TX ring and posts their addresses on the COMPLETION ring at once — copy mode
 * completes a frame when its skb is freed, here immediately — and answers EAGAIN when it stopped for
 * the budget (or for a full COMPLETION ring) with descriptors left, as {@code __xsk_generic_xmit} does.
 * The frame bytes are not read: no skb, no copy, no driver.
 *
 * <p><b>RX, as a driver that asks to be woken.</b> The FILL ring always shows {@code NEED_WAKEUP}, so a
 * read that finds the RX ring empty first gives its free frames to FILL and then wakes the kernel
 * ({@code recvfrom}); the wake-up moves every frame on FILL to the RX ring (as many as it has room
 * for), each as a descriptor {@code {frame + XDP_PACKET_HEADROOM, rxFrameLength, 0}}. Nothing is
 * written into the frames: the caller writes their contents once, and every "received" frame shows
 * those bytes. So a reader that keeps up sees a full ring delivered once per ring's worth of frames.
 *
 * <p><b>Cost.</b> Per frame: one 8-byte load and one 8-byte (COMPLETION) or 16-byte (RX) store. Per
 * kick or wake-up: two acquire loads and two release stores of ring indices. All of it runs in the
 * calling thread, so it is inside what a benchmark measures; it is a small, stated part of it.
 *
 * <p>Not modelled: the system call itself (~1 µs on this machine, and more for a 32-frame copy-mode
 * kick), cache lines moving between the CPU of the application and that of the kernel, frame data
 * written by a NIC or copied by the stack, drops, and multi-buffer frames.
 *
 * <p>Only the calling thread's engine uses each direction, as on a real socket: the reading thread
 * calls {@link #wakeRx}, the writing thread {@link #kickTx}.
 */
public final class InMemoryKernel implements XskKicks {
    /** {@code XDP_PACKET_HEADROOM}: a received frame's first byte is this far into its UMEM frame. */
    public static final int RX_HEADROOM = 256;

    // Package-private for InMemoryKernelBench, which plays the user side with index stores alone.
    final KernelRing fill, rx, tx, completion;
    private final int txBudget;
    private final int rxFrameLength;
    // The kernel's own indices: only it writes them, so it keeps them in fields and only publishes them.
    private int fillConsumed, rxProduced, txConsumed, completionProduced;

    /**
     * @param ringSize size of each of the four rings
     * @param txBudget frames one TX kick sends at most ({@code XDP_MAX_TX_SKB_BUDGET}: 32 by default, up to 256 from 6.17)
     * @param rxFrameLength length of every received frame
     */
    public InMemoryKernel(Arena arena, int ringSize, int txBudget, int rxFrameLength) {
        if (txBudget < 1) throw new IllegalArgumentException("txBudget = " + txBudget);
        this.fill = new KernelRing(arena, ringSize, KernelRing.ADDRESS_BYTES);
        this.rx = new KernelRing(arena, ringSize, KernelRing.DESCRIPTOR_BYTES);
        this.tx = new KernelRing(arena, ringSize, KernelRing.DESCRIPTOR_BYTES);
        this.completion = new KernelRing(arena, ringSize, KernelRing.ADDRESS_BYTES);
        this.txBudget = txBudget;
        this.rxFrameLength = rxFrameLength;
        tx.setNeedWakeup(true);
        fill.setNeedWakeup(true);
    }

    public FillRing fillRing() { return fill.fillRing(); }
    public RxRing rxRing() { return rx.rxRing(); }
    public TxRing txRing() { return tx.txRing(); }
    public CompletionRing completionRing() { return completion.completionRing(); }

    /** Copy mode's {@code sendto}: TX descriptors to COMPLETION addresses, at most {@code txBudget}. */
    @Override
    public int kickTx() {
        int pending = tx.producer() - txConsumed;
        int room = completion.consumer() + completion.size() - completionProduced;
        int n = Math.min(Math.min(pending, room), txBudget);
        for (int i = 0; i < n; i++) completion.putAddress(completionProduced + i, tx.addressAt(txConsumed + i));
        txConsumed += n;
        completionProduced += n;
        tx.publishConsumer(txConsumed);
        completion.publishProducer(completionProduced);
        return n < pending ? Errno.EAGAIN : 0;
    }

    /** The wake-up a reader gives before it waits: every frame on FILL becomes a received frame on RX. */
    @Override
    public int wakeRx() {
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
}

package io.xdppacket;

/**
 * Counters of one socket (or, summed, of several): ours, kept by the threads that read and write
 * (single owner each, plain fields, no atomics), and the kernel's {@code XDP_STATISTICS}.
 *
 * <p>Every frame is accounted for. Received: {@link #rxPackets}; or handed over broken and dropped
 * by us: {@link #rxInvalid}; or dropped by the kernel before we saw it: {@link #kernelRxRingFull} (the RX ring was full: we read too slowly) or
 * {@link #kernelRxDropped} (everything else: no free frame on the FILL ring — also counted on its own
 * in {@link #kernelRxFillRingEmpty} — or a frame too large for a UMEM frame). A reader that falls
 * behind shows as {@code kernelRxRingFull}; {@code kernelRxFillRingEmpty} means the kernel found no
 * buffer although the RX ring had room (the FILL ring is sized so that this does not happen while
 * the reader keeps up: see {@link XdpOptions}). Sent:
 * {@link #txPackets} were taken by writes; of those, {@link #txCompleted} came back from the kernel,
 * {@link #txDropped} of the completed ones were dropped by the driver (a full peer ring, a frame
 * larger than the peer's MTU), and {@link #txInFlight()} have not come back yet.
 *
 * <p>A snapshot taken from another thread than the one that reads or writes may lag by a few
 * frames: the counters are not synchronised, by design.
 *
 * @param rxPackets frames delivered to the application
 * @param rxBytes their bytes
 * @param rxPolls {@code poll} calls made while waiting for frames
 * @param rxWakeups {@code recvfrom} kicks made because the kernel asked (FILL ring need_wakeup)
 * @param rxInvalid frames dropped by us because the kernel handed them over broken: a descriptor
 *        outside our frames, or a multi-buffer chain cut short or longer than a frame can be
 * @param txPackets frames taken by writes and posted to the TX ring
 * @param txBytes their bytes
 * @param txCompleted frames the kernel has finished with (COMPLETION ring)
 * @param txDropped completed frames the driver dropped instead of sending ({@code sendto} EBUSY)
 * @param txForwarded frames of {@code txPackets} that were received frames forwarded without copying
 * @param txKicks {@code sendto} kicks made to start transmission
 * @param txPolls {@code poll} calls made while waiting for room or completions
 * @param kernelRxDropped kernel: frames dropped on receive for any reason but a full RX ring (includes
 *        {@code kernelRxFillRingEmpty})
 * @param kernelRxInvalidDescs kernel: RX frames dropped due to an invalid descriptor
 * @param kernelTxInvalidDescs kernel: TX descriptors rejected as invalid
 * @param kernelRxRingFull kernel: frames dropped because the RX ring was full
 * @param kernelRxFillRingEmpty kernel: frames dropped because the FILL ring was empty (also in {@code kernelRxDropped})
 * @param kernelTxRingEmpty kernel: times the kernel found the TX ring empty when woken
 * @param filterMatched frames the socket's XDP filter matched: they went to the socket (0 without a
 *        filter; a multi-queue set's program counts for the set, in its total)
 * @param filterPassed frames the filter did not match: they went on to the kernel's network stack
 */
public record XdpStats(
        long rxPackets, long rxBytes, long rxPolls, long rxWakeups, long rxInvalid,
        long txPackets, long txBytes, long txCompleted, long txDropped, long txForwarded, long txKicks, long txPolls,
        long kernelRxDropped, long kernelRxInvalidDescs, long kernelTxInvalidDescs,
        long kernelRxRingFull, long kernelRxFillRingEmpty, long kernelTxRingEmpty,
        long filterMatched, long filterPassed) {

    /** All zero. */
    public static final XdpStats ZERO = builder().build();

    /**
     * A builder with every counter at 0: set counters by name, then {@link Builder#build()}. For tests
     * and for code that adds up counters of its own.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Frames taken by writes that the kernel has not completed yet ({@code txPackets − txCompleted}).
     *
     * @return frames in flight; 0 after a successful {@code flush()}
     */
    public long txInFlight() {
        return txPackets - txCompleted;
    }

    /**
     * Frames sent: completed and not dropped by the driver ({@code txCompleted − txDropped}).
     *
     * @return frames the driver sent
     */
    public long txSent() {
        return txCompleted - txDropped;
    }

    /**
     * Every RX drop the kernel counted: {@code kernelRxDropped + kernelRxInvalidDescs +
     * kernelRxRingFull} ({@code kernelRxFillRingEmpty} is already part of {@code kernelRxDropped}).
     *
     * @return frames the kernel dropped before the application could read them
     */
    public long kernelRxDropsTotal() {
        return kernelRxDropped + kernelRxInvalidDescs + kernelRxRingFull;
    }

    /**
     * Field-by-field sum, for totals over queues.
     *
     * @param o the counters to add
     * @return a new {@code XdpStats} holding the sums
     */
    public XdpStats plus(XdpStats o) {
        return builder()
                .rxPackets(rxPackets + o.rxPackets)
                .rxBytes(rxBytes + o.rxBytes)
                .rxPolls(rxPolls + o.rxPolls)
                .rxWakeups(rxWakeups + o.rxWakeups)
                .rxInvalid(rxInvalid + o.rxInvalid)
                .txPackets(txPackets + o.txPackets)
                .txBytes(txBytes + o.txBytes)
                .txCompleted(txCompleted + o.txCompleted)
                .txDropped(txDropped + o.txDropped)
                .txForwarded(txForwarded + o.txForwarded)
                .txKicks(txKicks + o.txKicks)
                .txPolls(txPolls + o.txPolls)
                .kernelRxDropped(kernelRxDropped + o.kernelRxDropped)
                .kernelRxInvalidDescs(kernelRxInvalidDescs + o.kernelRxInvalidDescs)
                .kernelTxInvalidDescs(kernelTxInvalidDescs + o.kernelTxInvalidDescs)
                .kernelRxRingFull(kernelRxRingFull + o.kernelRxRingFull)
                .kernelRxFillRingEmpty(kernelRxFillRingEmpty + o.kernelRxFillRingEmpty)
                .kernelTxRingEmpty(kernelTxRingEmpty + o.kernelTxRingEmpty)
                .filterMatched(filterMatched + o.filterMatched)
                .filterPassed(filterPassed + o.filterPassed)
                .build();
    }

    /**
     * Builds an {@link XdpStats} by counter name; counters not set are 0. Not thread-safe; reusable
     * (each {@link #build()} takes the values set so far).
     */
    public static final class Builder {
        private long rxPackets, rxBytes, rxPolls, rxWakeups, rxInvalid;
        private long txPackets, txBytes, txCompleted, txDropped, txForwarded, txKicks, txPolls;
        private long kernelRxDropped, kernelRxInvalidDescs, kernelTxInvalidDescs;
        private long kernelRxRingFull, kernelRxFillRingEmpty, kernelTxRingEmpty;
        private long filterMatched, filterPassed;

        private Builder() {}

        /**
         * Sets {@code rxInvalid}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder rxInvalid(long v) { rxInvalid = v; return this; }

        /**
         * Sets {@code rxPackets}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder rxPackets(long v) { rxPackets = v; return this; }
        /**
         * Sets {@code rxBytes}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder rxBytes(long v) { rxBytes = v; return this; }
        /**
         * Sets {@code rxPolls}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder rxPolls(long v) { rxPolls = v; return this; }
        /**
         * Sets {@code rxWakeups}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder rxWakeups(long v) { rxWakeups = v; return this; }
        /**
         * Sets {@code txForwarded}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txForwarded(long v) { txForwarded = v; return this; }

        /**
         * Sets {@code txPackets}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txPackets(long v) { txPackets = v; return this; }
        /**
         * Sets {@code txBytes}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txBytes(long v) { txBytes = v; return this; }
        /**
         * Sets {@code txCompleted}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txCompleted(long v) { txCompleted = v; return this; }
        /**
         * Sets {@code txDropped}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txDropped(long v) { txDropped = v; return this; }
        /**
         * Sets {@code txKicks}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txKicks(long v) { txKicks = v; return this; }
        /**
         * Sets {@code txPolls}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder txPolls(long v) { txPolls = v; return this; }
        /**
         * Sets {@code kernelRxDropped}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder kernelRxDropped(long v) { kernelRxDropped = v; return this; }
        /**
         * Sets {@code kernelRxInvalidDescs}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder kernelRxInvalidDescs(long v) { kernelRxInvalidDescs = v; return this; }
        /**
         * Sets {@code kernelTxInvalidDescs}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder kernelTxInvalidDescs(long v) { kernelTxInvalidDescs = v; return this; }
        /**
         * Sets {@code kernelRxRingFull}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder kernelRxRingFull(long v) { kernelRxRingFull = v; return this; }
        /**
         * Sets {@code kernelRxFillRingEmpty}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder kernelRxFillRingEmpty(long v) { kernelRxFillRingEmpty = v; return this; }
        /**
         * Sets {@code kernelTxRingEmpty}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder kernelTxRingEmpty(long v) { kernelTxRingEmpty = v; return this; }

        /**
         * Sets {@code filterMatched}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder filterMatched(long v) { filterMatched = v; return this; }

        /**
         * Sets {@code filterPassed}.
         *
         * @param v the counter's value
         * @return this builder
         */
        public Builder filterPassed(long v) { filterPassed = v; return this; }

        /**
         * The counters set so far.
         *
         * @return a new {@code XdpStats}
         */
        public XdpStats build() {
            return new XdpStats(rxPackets, rxBytes, rxPolls, rxWakeups, rxInvalid,
                    txPackets, txBytes, txCompleted, txDropped, txForwarded, txKicks, txPolls,
                    kernelRxDropped, kernelRxInvalidDescs, kernelTxInvalidDescs,
                    kernelRxRingFull, kernelRxFillRingEmpty, kernelTxRingEmpty, filterMatched, filterPassed);
        }
    }
}

package io.xdppacket.cli.bench;

import io.xdppacket.XdpStats;

/**
 * Counters of one measured side at one moment; a window's figures are the difference of two.
 *
 * @param frames       frames moved: sent (completed, not dropped by the driver) or received
 * @param cpuNanos     CPU time of the side's hot threads (or processes)
 * @param allocBytes   heap bytes its hot threads allocated; -1 where there is no heap (C)
 * @param driverDrops  send: frames the driver dropped instead of sending (sendto EBUSY)
 * @param rxRingFull   receive: frames the kernel dropped because the RX ring was full (we read too slowly)
 * @param fillEmpty    receive: frames the kernel dropped because the FILL ring was empty
 * @param otherDrops   receive: frames the kernel dropped for another reason (invalid descriptors, too large)
 * @param syscalls     system calls on the data path: TX kicks, RX wake-ups, and the ppolls of waits
 */
record Sample(long frames, long cpuNanos, long allocBytes, long driverDrops, long rxRingFull, long fillEmpty, long otherDrops,
              long syscalls) {

    static Sample of(boolean sends, XdpStats s, long cpuNanos, long allocBytes) {
        return new Sample(sends ? s.txSent() : s.rxPackets(), cpuNanos, allocBytes, s.txDropped(),
                s.kernelRxRingFull(), s.kernelRxFillRingEmpty(),
                s.kernelRxDropped() - s.kernelRxFillRingEmpty() + s.kernelRxInvalidDescs(),
                s.txKicks() + s.txPolls() + s.rxPolls() + s.rxWakeups());
    }

    /** This minus {@code earlier}: what happened in between. */
    Sample since(Sample earlier) {
        return new Sample(frames - earlier.frames, cpuNanos - earlier.cpuNanos,
                allocBytes < 0 ? -1 : allocBytes - earlier.allocBytes, driverDrops - earlier.driverDrops,
                rxRingFull - earlier.rxRingFull, fillEmpty - earlier.fillEmpty, otherDrops - earlier.otherDrops,
                syscalls - earlier.syscalls);
    }

    /** Every receive-side drop the kernel counted. */
    long kernelRxDrops() {
        return rxRingFull + fillEmpty + otherDrops;
    }
}

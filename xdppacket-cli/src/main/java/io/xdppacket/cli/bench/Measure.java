package io.xdppacket.cli.bench;

/**
 * What one side did in one round's measured window.
 *
 * @param pps                frames per second: sent (completed, not dropped by the driver) or received
 * @param cpuNanosPerFrame   CPU time of the side's hot threads (or C processes) per frame
 * @param allocBytesPerFrame heap bytes allocated by the hot threads per frame; NaN for C
 * @param driverDrops        send rows: frames the driver dropped (sendto EBUSY), in the window
 * @param rxRingFull         receive rows: frames the kernel dropped for a full RX ring (C: over its whole run)
 * @param fillEmpty          receive rows: frames dropped for an empty FILL ring (C: over its whole run)
 * @param otherDrops         receive rows: other kernel RX drops (C: over its whole run)
 * @param syscallsPerFrame   data-path system calls (kicks, wake-ups, polls) per frame
 */
record Measure(double pps, double cpuNanosPerFrame, double allocBytesPerFrame,
               long driverDrops, long rxRingFull, long fillEmpty, long otherDrops, double syscallsPerFrame) {

    /** Our side's figures from its counters at the window's start and end. */
    static Measure of(Sample start, Sample end, long windowNanos) {
        Sample d = end.since(start);
        double frames = Math.max(1, d.frames());
        return new Measure(d.frames() * 1e9 / windowNanos, d.cpuNanos() / frames, d.allocBytes() / frames,
                d.driverDrops(), d.rxRingFull(), d.fillEmpty(), d.otherDrops(), d.syscalls() / frames);
    }

    /** C's figures: its own packets/s and drop counters, and the CPU time we read around the window. */
    static Measure ofC(CSide.Result r, long cpuNanosInWindow, long windowNanos) {
        double frames = Math.max(1, r.pps() * windowNanos / 1e9);
        return new Measure(r.pps(), cpuNanosInWindow / frames, Double.NaN, 0, r.rxRingFull(), r.fillEmpty(), r.otherDrops(),
                r.syscallsPerFrame());
    }

    double mbps(int frameLength) {
        return pps * frameLength * 8 / 1e6;
    }

    long rxDrops() {
        return rxRingFull + fillEmpty + otherDrops;
    }
}

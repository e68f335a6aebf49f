package io.xdppacket.cli.bench;

import io.xdppacket.XdpMode;
import io.xdppacket.cli.os.Affinity;

/**
 * How the bench runs every row.
 *
 * <p>Timing of one run of a row (a "round"): the measured side starts, runs {@code warmup} unmeasured
 * (the JIT compiles the loop; FFM-NOTES: the first second runs at about half speed), is measured over
 * {@code duration}, and keeps going for {@code tail}, so that a C process measuring the same window
 * by its own clock never sees the other side stop.
 *
 * @param queues    queues of the multi-queue rows
 * @param busyPoll  receivers never sleep while waiting (ours: {@code busyPoll} of an hour; C: rxdrop's
 *                  default loop); false: ours with the library's default {@code busyPoll}, C with {@code -p}
 *                  ({@code poll()} when a round found nothing)
 * @param sendCpu   where senders run; on veth the peer's receive path runs there too, in softirq
 * @param receiveCpu where receivers run
 */
public record BenchConfig(long warmupNanos, long durationNanos, long tailNanos, int rounds,
                          int frameLength, int batch, int queues, XdpMode xdpMode, boolean busyPoll,
                          int sendCpu, int receiveCpu) {

    /** What {@code --quick} runs: every row once, for well under a second each; checks the bench, measures nothing. */
    static BenchConfig quick(int frameLength, int batch, int queues, XdpMode mode, boolean busyPoll) {
        return new BenchConfig(300_000_000L, 500_000_000L, 300_000_000L, 1, frameLength, batch, queues, mode, busyPoll,
                0, Affinity.CPUS > 1 ? 1 : 0);
    }

    /** The CPU for thread {@code index} of a row that spreads its threads (a thread per queue, senders). */
    int spreadCpu(int index) {
        return index % Affinity.CPUS;
    }

    double durationSeconds() {
        return durationNanos / 1e9;
    }

    double warmupSeconds() {
        return warmupNanos / 1e9;
    }
}

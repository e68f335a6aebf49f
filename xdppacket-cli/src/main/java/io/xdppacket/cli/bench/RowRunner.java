package io.xdppacket.cli.bench;

import io.xdppacket.cli.os.XdpDropProgram;
import io.xdppacket.cli.bench.BenchRow.Api;
import io.xdppacket.cli.traffic.StopSignal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the rounds of a row. With C, the stable method of comparing on a noisy VM: ours and C's run at
 * the same time, on the same CPUs, each on its own veth pair with its own peer, and the pairs swap
 * every round; the ratio of their packets/s is then their per-frame efficiency, whatever the
 * machine's speed was doing meanwhile.
 *
 * <p>A send row: our sender on one pair's vA, C's on the other's, each pair's vB dropping in XDP
 * ({@link XdpDropProgram}). A receive row: our receiver on one pair's vB, C's on the other's, and on each
 * pair's vA the same sender of ours as traffic feed, so both receivers get the same offer.
 */
final class RowRunner {
    /** Lets a receiver drain what is still in its rings once the feed has stopped, before it is measured for accounting. */
    private static final long DRAIN_NANOS = 200_000_000L;

    private final BenchConfig cfg;
    private final CReference c;
    private final StopSignal stop;

    /** @param c null: run ours alone */
    RowRunner(BenchConfig cfg, CReference c, StopSignal stop) {
        this.cfg = cfg;
        this.c = c;
        this.stop = stop;
    }

    /** Thrown out of a row when Ctrl-C arrived; everything the row opened is closed by then. */
    static final class Interrupted extends Exception {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted");
        }
    }

    /**
     * Every round of {@code row}. With C (two pairs), round r runs ours on {@code pairs[r % 2]} and C
     * on the other; without, ours always runs on {@code pairs[0]}.
     */
    List<Round> run(BenchRow row, BenchPair[] pairs) throws Exception {
        boolean withC = c != null && row.c != BenchRow.CShape.NONE;
        List<Round> rounds = new ArrayList<>();
        for (int r = 0; r < cfg.rounds(); r++) {
            BenchPair ours = pairs[r % pairs.length];
            BenchPair theirs = withC ? pairs[(r + 1) % pairs.length] : null;
            rounds.add(row.sends() ? sendRound(row, r, ours, theirs) : receiveRound(row, r, ours, theirs));
        }
        return rounds;
    }

    private Round sendRound(BenchRow row, int round, BenchPair p, BenchPair pc) throws Exception {
        int queues = row.queues(cfg.queues());
        try (XdpDropProgram sink = XdpDropProgram.attach(p.nsB(), p.ifB(), cfg.xdpMode());
             XdpDropProgram sinkC = pc == null ? null : XdpDropProgram.attach(pc.nsB(), pc.ifB(), cfg.xdpMode())) {
            OurSide ours = OurSide.openSender(p, cfg, queues);
            CSide theirs = null;
            try {
                long peerBefore = p.peerXdpDrops();
                if (pc != null) theirs = CSide.startSenders(c, pc, cfg, row, ours.txBudget());
                ours.start(p, cfg, row.api, row.threadPerQueue);
                Window w = measure(ours, theirs);
                Sample last = ours.finish();
                ours = null;
                Measure cm = theirs == null ? null : Measure.ofC(theirs.await(Duration.ofSeconds(30)), w.cCpu, cfg.durationNanos());
                long delivered = p.peerXdpDrops() - peerBefore;
                return new Round(round, p.toString(), w.ours, cm, last == null ? -1 : last.frames(), delivered);
            } finally {
                if (ours != null) ours.abort();
                if (theirs != null) theirs.close();
            }
        }
    }

    private Round receiveRound(BenchRow row, int round, BenchPair p, BenchPair pc) throws Exception {
        int queues = row.queues(cfg.queues());
        // The feed: one of our senders, batch writes (spread over the queues for the multi-queue rows).
        Api feedApi = queues == 1 ? Api.BATCH : Api.SET;
        OurSide ours = null, feed = null, feedC = null;
        CSide theirs = null;
        try {
            ours = OurSide.openReceiver(p, cfg, queues);
            feed = OurSide.openSender(p, cfg, queues);
            if (pc != null) {
                theirs = CSide.startReceiver(c, pc, cfg, row);
                feedC = OurSide.openSender(pc, cfg, queues);
            }
            ours.start(p, cfg, row.api, row.threadPerQueue);
            feed.start(p, cfg, feedApi, false);
            if (feedC != null) feedC.start(pc, cfg, feedApi, false);
            Window w = measure(ours, theirs);
            Sample offered = feed.finish();
            feed = null;
            if (feedC != null) {
                feedC.finish();
                feedC = null;
            }
            LockSupport.parkNanos(DRAIN_NANOS);
            Sample got = ours.finish();
            ours = null;
            Measure cm = theirs == null ? null : Measure.ofC(theirs.await(Duration.ofSeconds(30)), w.cCpu, cfg.durationNanos());
            return new Round(round, p.toString(), w.ours, cm, offered == null ? -1 : offered.frames(),
                    got == null ? -2 : got.frames() + got.kernelRxDrops());
        } finally {
            if (feed != null) feed.abort();
            if (feedC != null) feedC.abort();
            if (ours != null) ours.abort();
            if (theirs != null) theirs.close();
        }
    }

    /** Our figures over the window, and C's CPU time in it. */
    private record Window(Measure ours, long cCpu) {}

    /** Sleeps through warm-up, window and tail, sampling at the window's edges. */
    private Window measure(OurSide ours, CSide theirs) throws Exception {
        long t0 = System.nanoTime();
        sleepUntil(t0 + cfg.warmupNanos());
        long c0 = theirs == null ? 0 : theirs.cpuNanos();
        long start = System.nanoTime();
        Sample s0 = ours.sample();
        sleepUntil(t0 + cfg.warmupNanos() + cfg.durationNanos());
        long c1 = theirs == null ? 0 : theirs.cpuNanos();
        long end = System.nanoTime();
        Sample s1 = ours.sample();
        sleepUntil(t0 + cfg.warmupNanos() + cfg.durationNanos() + cfg.tailNanos());
        return new Window(Measure.of(s0, s1, end - start), c1 - c0);
    }

    private void sleepUntil(long deadline) throws Interrupted {
        while (true) {
            if (stop.raised()) throw new Interrupted();
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            LockSupport.parkNanos(Math.min(left, 50_000_000L));
        }
    }
}

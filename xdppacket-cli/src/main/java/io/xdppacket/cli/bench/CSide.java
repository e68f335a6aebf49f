package io.xdppacket.cli.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * C's side of a row on one pair: the cbench processes, laid out as the row's {@link BenchRow.CShape}
 * says and pinned as ours are (senders as our senders, the receiver on the receive CPU). Each process
 * measures its own window ({@code -W} warm-up, {@code -d} duration) by its own clock, started within
 * milliseconds of ours; the harness reads their CPU time at its window's edges.
 */
final class CSide implements AutoCloseable {
    private final boolean sends;
    private final List<CProcess> processes = new ArrayList<>();

    private CSide(boolean sends) {
        this.sends = sends;
    }

    /** Starts the senders of a send row on {@code pair.vA}: one txonly per queue, bound to it. */
    static CSide startSenders(CReference c, BenchPair pair, BenchConfig cfg, BenchRow row, int txBudget) throws IOException {
        CSide side = new CSide(true);
        try {
            int queues = row.queues(cfg.queues());
            for (int q = 0; q < queues; q++) {
                int cpu = row.threadPerQueue ? cfg.spreadCpu(q) : cfg.sendCpu();
                side.processes.add(CProcess.start(c.dir, pair.nsA(), cpu, c.txonly(pair, cfg, q, row.cBatch(cfg.batch()), txBudget)));
            }
            return side;
        } catch (IOException | RuntimeException e) {
            side.close();
            throw e;
        }
    }

    /** Starts the receiver of a receive row on {@code pair.vB} and waits until its sockets are bound and its program attached. */
    static CSide startReceiver(CReference c, BenchPair pair, BenchConfig cfg, BenchRow row) throws IOException, InterruptedException {
        CSide side = new CSide(false);
        try {
            CProcess p = CProcess.start(c.dir, pair.nsB(), cfg.receiveCpu(), c.rxdrop(pair, cfg, row.queues(cfg.queues()), row.cBatch(cfg.batch())));
            side.processes.add(p);
            if (!p.awaitLine("rxdrop if=", Duration.ofSeconds(10))) {
                throw new IllegalStateException("the C receiver did not start: " + p.label() + "\n" + p.tail());
            }
            return side;
        } catch (IOException | InterruptedException | RuntimeException e) {
            side.close();
            throw e;
        }
    }

    /** CPU time of all processes so far. */
    long cpuNanos() {
        long sum = 0;
        for (CProcess p : processes) sum += p.cpuNanos();
        return sum;
    }

    /** What the processes measured, once they have ended (see {@link #await}). */
    /** @param syscallsPerFrame sendto kicks per frame sent in the window (send), recvfrom wake-ups and polls per frame received over the run (receive) */
    record Result(double pps, long rxRingFull, long fillEmpty, long otherDrops, double syscallsPerFrame) {}

    /**
     * Waits for every process to end (they stop by themselves after their window and tail) and
     * returns their figures: packets/s sent (completions minus frames the driver dropped) or received,
     * summed over processes, and the kernel's drop counters over the whole run.
     */
    Result await(Duration timeout) throws InterruptedException {
        double pps = 0, calls = 0, frames = 0;
        long ringFull = 0, fillEmpty = 0, other = 0;
        for (CProcess p : processes) {
            int rc = p.await(timeout);
            if (rc != 0) throw new IllegalStateException("the C side failed (exit " + rc + "): " + p.label() + "\n" + p.tail());
            pps += p.resultValue(sends ? "tx_ok_pps" : "rx_pps");
            if (sends) {
                calls += p.resultValue("kicks");
                frames += p.resultValue("tx_pps") * p.resultValue("secs");
            } else {
                calls += p.resultValue("wakeups") + p.resultValue("polls");
                frames += p.resultValue("rx_total");
            }
            ringFull += p.xdpStat("rx_ring_full");
            fillEmpty += p.xdpStat("fill_empty");
            other += p.xdpStat("rx_dropped") - p.xdpStat("fill_empty") + p.xdpStat("rx_invalid");
        }
        return new Result(pps, ringFull, fillEmpty, other, frames > 0 ? calls / frames : Double.NaN);
    }

    @Override
    public void close() {
        for (CProcess p : processes) p.close();
    }
}

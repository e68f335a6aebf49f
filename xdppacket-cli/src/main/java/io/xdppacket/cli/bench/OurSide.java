package io.xdppacket.cli.bench;

import io.xdppacket.IoMode;
import io.xdppacket.Packet;
import io.xdppacket.PacketBatch;
import io.xdppacket.XdpException;
import io.xdppacket.XdpMultiQueue;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.XdpStats;
import io.xdppacket.cli.bench.BenchRow.Api;

import java.time.Duration;

/**
 * Our side of a row on one pair: the socket (or multi-queue set) and the hot threads that send or
 * receive through it, shaped as the row says. Senders sit on {@code vA} and are send-only
 * ({@code receive(false)}: no program there, as {@code xdppacket send}); receivers sit on {@code vB}.
 * Everything is in BLOCK mode, the library's default: a receiver waits in the library (spinning on
 * its ring, then {@code ppoll}, or only spinning with {@code --wait busy}), and the harness ends it
 * by closing the socket.
 *
 * <p>The loops are what a user's loop would be: frames built once and handed to the socket again
 * and again (a write copies them into the UMEM), and every received frame touched (its UDP source
 * port read, as the C reference's receiver does). No instrumentation inside: the harness reads the
 * sockets' counters and the threads' CPU time and allocation from outside.
 */
final class OurSide {
    /** The UDP source port's offset in our frames: what a receiver reads from each frame. */
    private static final int UDP_SOURCE_PORT = 34;

    private final boolean sends;
    private final XdpSocket socket;
    private final XdpMultiQueue set;
    private final HotThreads threads = new HotThreads();
    /** Keeps what receivers read alive, so the JIT cannot drop the reads. */
    @SuppressWarnings("unused")
    private volatile long blackhole;

    private OurSide(boolean sends, XdpSocket socket, XdpMultiQueue set) {
        this.sends = sends;
        this.socket = socket;
        this.set = set;
    }

    /**
     * Opens the sender of a row (or the traffic feed of a receive row) on {@code pair.vA}.
     *
     * @param queues 1: one socket on queue 0; more: an XdpMultiQueue
     */
    static OurSide openSender(BenchPair pair, BenchConfig cfg, int queues) throws XdpException {
        // TX ring as the C reference's (2048), TX frames enough to fill it twice.
        XdpOptions o = XdpOptions.builder().receive(false).ringSize(2048).numFrames(4096).queueCount(queues)
                .ioMode(IoMode.BLOCK).networkNamespace(pair.nsA()).build();
        return queues == 1 ? new OurSide(true, XdpSocket.open(pair.ifA(), o), null)
                : new OurSide(true, null, XdpMultiQueue.open(pair.ifA(), o));
    }

    /** Opens the receiver of a row on {@code pair.vB}: the redirect program goes on in {@code cfg.xdpMode()}. */
    static OurSide openReceiver(BenchPair pair, BenchConfig cfg, int queues) throws XdpException {
        // FILL ring of 4096 with 8192 RX frames: the C reference's fill ring (its README: with fewer, fill_empty drops).
        XdpOptions o = XdpOptions.builder().ringSize(4096).numFrames(8192).queueCount(queues).xdpMode(cfg.xdpMode())
                .ioMode(IoMode.BLOCK).busyPoll(cfg.busyPoll() ? XdpOptions.MAX_BUSY_POLL : XdpOptions.DEFAULT_BUSY_POLL)
                .networkNamespace(pair.nsB()).build();
        return queues == 1 ? new OurSide(false, XdpSocket.open(pair.ifB(), o), null)
                : new OurSide(false, null, XdpMultiQueue.open(pair.ifB(), o));
    }

    /** The copy-mode TX budget the sockets got (what C is given too). */
    int txBudget() {
        return socket != null ? socket.txBudget() : set.socket(0).txBudget();
    }

    /**
     * Starts the hot threads: {@code api} and {@code threadPerQueue} as a row says, senders on
     * {@code cfg.sendCpu()} (a thread per queue: spread over the CPUs), receivers on {@code cfg.receiveCpu()}.
     */
    void start(BenchPair pair, BenchConfig cfg, Api api, boolean threadPerQueue) {
        if (sends) startSenders(pair, cfg, api, threadPerQueue);
        else startReceivers(cfg, api, threadPerQueue);
    }

    private void startSenders(BenchPair pair, BenchConfig cfg, Api api, boolean threadPerQueue) {
        if (set == null || api == Api.SET) {
            int count = api == Api.SET ? cfg.batch() * set.queueCount() : cfg.batch();
            byte[][] frames = BenchFrames.build(pair, cfg.frameLength(), count);
            if (api == Api.SET) {
                threads.start("bench-tx-set", cfg.sendCpu(), r -> sendSet(set, frames, r));
            } else {
                threads.start("bench-tx", cfg.sendCpu(), r -> send(socket, api, frames, r));
            }
            return;
        }
        if (!threadPerQueue) throw new IllegalArgumentException("per-socket API on a multi-queue set needs a thread per queue");
        for (XdpSocket s : set.sockets()) {
            byte[][] frames = BenchFrames.build(pair, cfg.frameLength(), cfg.batch());
            threads.start("bench-tx-" + s.queueId(), cfg.spreadCpu(s.queueId()), r -> send(s, api, frames, r));
        }
    }

    private void startReceivers(BenchConfig cfg, Api api, boolean threadPerQueue) {
        if (set == null) {
            threads.start("bench-rx", cfg.receiveCpu(), r -> receive(socket, api, cfg.batch(), r));
        } else if (api == Api.SET) {
            threads.start("bench-rx-set", cfg.receiveCpu(), r -> receiveSet(set, r));
        } else {
            if (!threadPerQueue) throw new IllegalArgumentException("per-socket API on a multi-queue set needs a thread per queue");
            for (XdpSocket s : set.sockets()) {
                threads.start("bench-rx-" + s.queueId(), cfg.receiveCpu(), r -> receive(s, api, cfg.batch(), r));
            }
        }
    }

    // ---- the loops ----------------------------------------------------------------------------

    private static void send(XdpSocket s, Api api, byte[][] frames, HotThreads.Running r) throws XdpException {
        if (api == Api.SINGLE) {
            int i = 0;
            while (r.on()) {
                s.writePacket(frames[i]);
                if (++i == frames.length) i = 0;
            }
        } else {
            while (r.on()) s.writePackets(frames);
        }
    }

    private static void sendSet(XdpMultiQueue set, byte[][] frames, HotThreads.Running r) throws XdpException {
        while (r.on()) set.writePacket(frames);
    }

    private void receive(XdpSocket s, Api api, int batchSize, HotThreads.Running r) throws XdpException {
        long sum = 0;
        if (api == Api.SINGLE) {
            while (r.on()) {
                Packet p = s.zeroCopyReadPacket();
                if (p != null) sum += p.getUnsignedShort(UDP_SOURCE_PORT);
            }
        } else {
            PacketBatch batch = new PacketBatch(batchSize);
            while (r.on()) {
                int n = s.zeroCopyReadPackets(batch);
                for (int i = 0; i < n; i++) sum += batch.get(i).getUnsignedShort(UDP_SOURCE_PORT);
            }
        }
        blackhole = sum;
    }

    private void receiveSet(XdpMultiQueue set, HotThreads.Running r) throws XdpException {
        PacketBatch batch = new PacketBatch(set.queueCount());
        long sum = 0;
        while (r.on()) {
            int n = set.zeroCopyReadPacket(batch);
            for (int i = 0; i < n; i++) sum += batch.get(i).getUnsignedShort(UDP_SOURCE_PORT);
        }
        blackhole = sum;
    }

    // ---- measuring and ending -----------------------------------------------------------------

    /** The counters now: sockets' stats (safe from any thread) and the hot threads' CPU and allocation. */
    Sample sample() throws XdpException {
        XdpStats s = socket != null ? socket.stats() : set.stats();
        return Sample.of(sends, s, threads.cpuNanos(), threads.allocatedBytes());
    }

    /**
     * Ends the threads and closes the sockets: asks the loops to stop; once they have, lets a sender's
     * frames complete (up to a second) and takes the final counters; closes (which wakes readers
     * still blocked), then waits for the threads.
     *
     * @return the counters at the end, for frame accounting; null if a thread did not stop in time
     * @throws Exception what ended a loop, if anything but the close did
     */
    Sample finish() throws Exception {
        threads.stop();
        Sample last = null;
        // A receiver is usually blocked in a read (nothing comes once the traffic stops): closing ends it.
        if (!sends || threads.join(Duration.ofSeconds(2))) {
            if (sends) flush();
            last = sample();
        }
        if (socket != null) socket.close();
        if (set != null) set.close();
        if (!threads.join(Duration.ofSeconds(10))) throw new IllegalStateException("a bench thread did not end after close");
        Throwable t = threads.failure();
        if (t instanceof Exception e) throw e;
        if (t instanceof Error e) throw e;
        return last;
    }

    /** Waits for every written frame to complete; the writing threads have ended, so this thread may touch the rings. */
    private void flush() throws XdpException {
        Duration limit = Duration.ofSeconds(1);
        if (socket != null) socket.flush(limit);
        else for (XdpSocket s : set.sockets()) s.flush(limit);
    }

    /** Closes without measuring (a failed round). */
    void abort() {
        threads.stop();
        if (socket != null) socket.close();
        if (set != null) set.close();
    }
}

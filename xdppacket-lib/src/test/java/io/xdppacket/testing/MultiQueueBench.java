package io.xdppacket.testing;

import io.xdppacket.PacketBatch;
import io.xdppacket.XdpClosedException;
import io.xdppacket.XdpException;
import io.xdppacket.XdpMultiQueue;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.XdpStats;
import io.xdppacket.internal.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Aggregate RX and TX packets per second of {@link XdpMultiQueue} for 1, 2 and 4 queues, on a
 * 4-queue veth pair in two fresh namespaces: on one end an XdpMultiQueue sends, on the other one
 * receives, both at the same time. 64-byte frames, native XDP, copy mode (veth), BLOCK mode.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *       io.xdppacket.testing.MultiQueueBench [seconds 3] [warm-up seconds 1] [repetitions 1]
 * </pre>
 *
 * Configurations, each with a fresh pair of XdpMultiQueues:
 * <ul>
 *   <li>{@code sockets/split}: one sending thread per queue (batches of 64 through
 *       {@code sockets().get(q).writePackets}), one receiving thread per queue
 *       ({@code zeroCopyReadPackets}, batches of 64). Every sending thread is pinned to CPU 0, every
 *       receiving thread to CPU 1, as the C reference pins its sender and receiver.</li>
 *   <li>{@code sockets/spread}: the same threads, queue q's sender on CPU q mod 2 and its receiver
 *       on the other CPU. veth runs the peer's receive path (XDP, the copy into the UMEM) in softirq
 *       on the CPU that sent, so this spreads that kernel work over both CPUs.</li>
 *   <li>{@code multi/split}: the XdpMultiQueue API from one thread each: a sender calling
 *       {@code writePacket} with 64 frames per queue (CPU 0), a receiver calling
 *       {@code zeroCopyReadPacket} (CPU 1).</li>
 * </ul>
 * Only the hot threads are pinned ({@code sched_setaffinity} on the thread), never the whole JVM,
 * so the JIT and GC threads stay free to run anywhere. Rates are measured over a window after the
 * warm-up, from the sockets' counters: RX = frames delivered to the application, TX = frames the
 * kernel completed minus those the driver dropped. CPU use per core comes from {@code /proc/stat}.
 */
public final class MultiQueueBench {
    private static final int FRAME_LENGTH = 64;
    private static final int BATCH = 64;
    private static final int[] QUEUE_COUNTS = {1, 2, 4};

    private MultiQueueBench() {}

    private enum Api { SOCKETS, MULTI }

    private enum Pinning { SPLIT, SPREAD }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 1;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        System.out.printf(Locale.ROOT, "# %d CPUs, %s, window %.1f s after %.1f s warm-up, %d repetition(s)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), seconds, warmup, reps);
        System.out.println("# api/pinning queues rx_pps tx_pps rx_pps_per_queue rx_ring_full rx_dropped_other tx_driver_drops cpu0% cpu1%");
        // Configurations interleaved within each repetition: this VM's speed drifts, so compare inside a round.
        Map<String, List<long[]>> results = new LinkedHashMap<>();
        try (VethPair veth = VethPair.create(4, 1500)) {
            for (int rep = 0; rep < reps; rep++) {
                for (int queues : QUEUE_COUNTS) {
                    for (Object[] c : new Object[][] {{Api.SOCKETS, Pinning.SPLIT}, {Api.SOCKETS, Pinning.SPREAD}, {Api.MULTI, Pinning.SPLIT}}) {
                        Api api = (Api) c[0];
                        Pinning pinning = (Pinning) c[1];
                        long[] r = run(veth, api, pinning, queues, seconds, warmup);
                        results.computeIfAbsent(label(api, pinning) + " " + queues, k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        if (reps > 1) {
            System.out.println("# median [min..max] over " + reps + " repetitions");
            System.out.println("# api/pinning queues rx_pps tx_pps");
            results.forEach((k, rs) -> System.out.println(k + " " + summary(rs, 0) + " " + summary(rs, 1)));
        }
    }

    private static String label(Api api, Pinning pinning) {
        return api.name().toLowerCase(Locale.ROOT) + "/" + pinning.name().toLowerCase(Locale.ROOT);
    }

    private static String summary(List<long[]> rs, int field) {
        long[] v = rs.stream().mapToLong(r -> r[field]).sorted().toArray();
        return String.format(Locale.ROOT, "%,d [%,d..%,d]", v[v.length / 2], v[0], v[v.length - 1]);
    }

    /** One configuration; prints its line and returns {rx pps, tx pps}. */
    private static long[] run(VethPair veth, Api api, Pinning pinning, int queues, double seconds, double warmup)
            throws Exception {
        XdpOptions base = XdpOptions.builder().queueCount(queues).numFrames(4096).ringSize(2048).build();
        XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), base.toBuilder().networkNamespace(veth.nsB()).build());
        XdpMultiQueue tx = XdpMultiQueue.open(veth.ifA(), base.toBuilder().networkNamespace(veth.nsA()).build());
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        long[] result;
        try {
            byte[][] frames = new byte[BATCH * (api == Api.MULTI ? queues : 1)][];
            Random random = new Random(1);
            for (int i = 0; i < frames.length; i++) frames[i] = Frames.frame(veth.macB(), veth.macA(), i, FRAME_LENGTH, random);
            if (api == Api.SOCKETS) {
                for (int q = 0; q < queues; q++) {
                    int rxCpu = pinning == Pinning.SPLIT ? 1 : (q + 1) % 2;
                    int txCpu = pinning == Pinning.SPLIT ? 0 : q % 2;
                    XdpSocket r = rx.socket(q);
                    XdpSocket t = tx.socket(q);
                    threads.add(start("rx-" + q, rxCpu, failure, () -> receive(r)));
                    threads.add(start("tx-" + q, txCpu, failure, () -> {
                        while (true) t.writePackets(frames);
                    }));
                }
            } else {
                threads.add(start("rx", 1, failure, () -> {
                    PacketBatch batch = new PacketBatch(queues);
                    while (true) rx.zeroCopyReadPacket(batch);
                }));
                threads.add(start("tx", 0, failure, () -> {
                    while (true) tx.writePacket(frames);
                }));
            }
            Thread.sleep((long) (warmup * 1000));
            List<XdpStats> rx0 = rx.queueStats().perQueue();
            XdpStats tx0 = tx.stats();
            long[][] cpu0 = cpuTimes();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            List<XdpStats> rx1 = rx.queueStats().perQueue();
            XdpStats tx1 = tx.stats();
            long[][] cpu1 = cpuTimes();
            double elapsed = (System.nanoTime() - t0) / 1e9;

            long rxTotal = 0;
            long ringFull = 0;
            long otherDrops = 0;
            StringBuilder perQueue = new StringBuilder();
            for (int q = 0; q < queues; q++) {
                long d = rx1.get(q).rxPackets() - rx0.get(q).rxPackets();
                rxTotal += d;
                // The reader too slow (RX ring full), or anything else the kernel dropped (incl. FILL ring empty).
                ringFull += rx1.get(q).kernelRxRingFull() - rx0.get(q).kernelRxRingFull();
                otherDrops += rx1.get(q).kernelRxDropped() - rx0.get(q).kernelRxDropped();
                perQueue.append(q == 0 ? "" : "/").append(Math.round(d / elapsed));
            }
            long txSent = tx1.txSent() - tx0.txSent();
            long txDropped = tx1.txDropped() - tx0.txDropped();
            result = new long[] {Math.round(rxTotal / elapsed), Math.round(txSent / elapsed)};
            System.out.printf(Locale.ROOT, "%s %d %,d %,d %s %,d %,d %,d %s %s%n", label(api, pinning), queues, result[0],
                    result[1], perQueue, ringFull, otherDrops, txDropped, busy(cpu0[0], cpu1[0]), busy(cpu0[1], cpu1[1]));
        } finally {
            // Closing wakes the blocked threads, which then end with XdpClosedException.
            tx.close();
            rx.close();
            for (Thread t : threads) t.join(10_000);
        }
        if (failure[0] != null) throw new IllegalStateException("a benchmark thread failed", failure[0]);
        return result;
    }

    private static void receive(XdpSocket s) throws XdpException {
        PacketBatch batch = new PacketBatch(BATCH);
        while (true) s.zeroCopyReadPackets(batch);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(String name, int cpu, Throwable[] failure, Body body) {
        return Thread.ofPlatform().name(name).start(() -> {
            pin(cpu);
            try {
                body.run();
            } catch (XdpClosedException end) {
                // closed at the end of the run
            } catch (Throwable t) {
                synchronized (failure) {
                    if (failure[0] == null) failure[0] = t;
                }
            }
        });
    }

    /** Pins the calling thread (only it: tid 0) to {@code cpu}. */
    private static void pin(int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(JAVA_LONG);
            mask.set(JAVA_LONG, 0, 1L << cpu);
            MemorySegment errno = Libc.allocateErrno(arena);
            if (Libc.schedSetAffinity(errno, 0, mask.byteSize(), mask) != 0) {
                throw new IllegalStateException("sched_setaffinity(cpu " + cpu + ") failed: errno " + Libc.errno(errno));
            }
        }
    }

    /** {busy, total} jiffies of cpu0 and cpu1 from /proc/stat. */
    private static long[][] cpuTimes() throws Exception {
        long[][] t = new long[2][2];
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            for (int c = 0; c < 2; c++) {
                if (!line.startsWith("cpu" + c + " ")) continue;
                String[] f = line.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);  // idle + iowait
                t[c][0] = total - idle;
                t[c][1] = total;
            }
        }
        return t;
    }

    private static String busy(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total == 0 ? "-" : Math.round(100.0 * (after[0] - before[0]) / total) + "";
    }
}

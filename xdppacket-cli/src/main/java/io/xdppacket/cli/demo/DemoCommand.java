package io.xdppacket.cli.demo;

import io.xdppacket.IoMode;
import io.xdppacket.PacketBatch;
import io.xdppacket.XdpException;
import io.xdppacket.XdpMode;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.XdpStats;
import io.xdppacket.cli.os.Affinity;
import io.xdppacket.cli.Allocation;
import io.xdppacket.cli.CliErrors;
import io.xdppacket.cli.FrameLength;
import io.xdppacket.cli.Main;
import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;
import io.xdppacket.cli.lab.VethLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main job: creates two network namespaces joined by a veth, opens an {@link XdpSocket} on each
 * end, moves real frames A → B, B → A and both ways at once, and prints counts and packets/s. Every
 * frame is accounted for: received, or counted by the kernel as dropped.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Move frames both ways over AF_XDP on a veth pair of its own.",
                "",
                "Creates two network namespaces joined by a veth, opens an AF_XDP socket on each end, sends A->B,"
                + " B->A and both at once, and prints for each phase the frames sent and received, packets/s,"
                + " Mbit/s and heap bytes allocated per frame, then each socket's counters and the kernel's drops."
                + " Needs root; deletes what it made, also when it fails.",
                ""},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sudo xdppacket demo",
                "      three phases of 3 seconds with 64-byte frames, after a second of warm-up",
                "  sudo xdppacket demo --seconds 10 --size 1514 --mode skb",
                "      full-size frames through generic XDP, 10 seconds a phase",
                "",
                "Exit codes: 0 done; 1 failure; 2 bad usage; 3 not root, or AF_XDP/XDP unavailable."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3", order = 1,
            description = "Measured seconds per phase, more than 0 and at most 3600 (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = FrameLength.DEFAULT_TEXT, order = 2,
            description = FrameLength.DESCRIPTION)
    int size;

    @Option(names = "--mode", paramLabel = "drv|skb", defaultValue = "drv", order = 3,
            description = "Where the XDP programs on both ends run: drv (native, in the veth driver) or skb (generic)"
                    + " (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", order = 4,
            description = "Frames per write call of each sender, 1..1024 (default: ${DEFAULT-VALUE}).")
    int batch;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        FrameLength.check(size);
        if (batch < 1 || batch > 1024) throw CliErrors.usage("--batch " + batch + ": must be between 1 and 1024");
        if (!(seconds > 0 && seconds <= 3600)) throw CliErrors.usage("--seconds " + seconds + ": must be between 0 and 3600");
        XdpMode xdpMode = CliErrors.xdpMode(mode);
        CliErrors.requireRoot("the demo creates network namespaces");

        out.printf("xdppacket demo: AF_XDP in pure Java (FFM) over a veth pair%n");
        out.printf("  Linux %s, Java %s, %d CPUs%n", System.getProperty("os.version"), Runtime.version(), Affinity.CPUS);
        try (VethLab lab = VethLab.create("xpdemo", 1, 1500)) {
            MacAddress macA = MacAddress.of(lab.mac(lab.nsA(), lab.ifA()));
            MacAddress macB = MacAddress.of(lab.mac(lab.nsB(), lab.ifB()));
            out.printf("  netns %s: %s %s  <== veth ==>  %s %s :netns %s%n",
                    lab.nsA(), lab.ifA(), macA, lab.ifB(), macB, lab.nsB());
            XdpOptions base = XdpOptions.builder().xdpMode(xdpMode).ioMode(IoMode.NONBLOCK)
                    .pollTimeout(Duration.ofMillis(1)).numFrames(8192).ringSize(4096).build();
            try (XdpSocket a = XdpSocket.open(lab.ifA(), base.toBuilder().networkNamespace(lab.nsA()).build());
                 XdpSocket b = XdpSocket.open(lab.ifB(), base.toBuilder().networkNamespace(lab.nsB()).build())) {
                out.printf("  sockets: %s and %s, %s mode, %s, %d-byte frames, batches of %d%n%n", a, b, xdpMode,
                        a.isZeroCopy() ? "zero-copy" : "copy mode", size, batch);
                UdpFrameSpec aToB = UdpFrameSpec.defaults().withSrcMac(macA).withDstMac(macB).withFrameLength(size);
                UdpFrameSpec bToA = aToB.withSrcMac(macB).withDstMac(macA)
                        .withSrcIp(Ipv4Address.parse("198.18.0.2")).withDstIp(Ipv4Address.parse("198.18.0.1"));
                // The first second runs at half speed while the JIT compiles the loops: warm up unmeasured.
                double measured = seconds;
                seconds = 1;
                run(false, new Flow("warm-up", a, b, aToB), new Flow("warm-up", b, a, bToA));
                seconds = measured;
                XdpStats warmA = a.stats(), warmB = b.stats();
                out.printf("%-12s %12s %12s %8s %12s %12s %9s %13s%n", "phase", "sent", "received", "lost", "tx pps", "rx pps", "Mbit/s",
                "alloc B/frame");
                Flow[] one = run(true, new Flow("A -> B", a, b, aToB));
                Flow[] two = run(true, new Flow("B -> A", b, a, bToA));
                Flow[] both = run(true, new Flow("A <-> B: A>B", a, b, aToB), new Flow("A <-> B: B>A", b, a, bToA));
                out.println();
                report("A", warmA, a.stats());
                report("B", warmB, b.stats());
                long lost = 0;
                for (Flow[] fs : new Flow[][] {one, two, both}) for (Flow f : fs) lost += f.sent - f.received;
                out.printf("%nframes moved: %,d; not received: %,d (see the kernel's drop counters above)%n",
                        total(one) + total(two) + total(both), lost);
            }
        }
        out.println("cleaned up: namespaces, veth and XDP programs are gone");
        return 0;
    }

    private static long total(Flow[] flows) {
        long n = 0;
        for (Flow f : flows) n += f.received;
        return n;
    }

    /** The counters of one socket over the measured phases (after minus before). */
    private void report(String name, XdpStats before, XdpStats after) {
        out.printf("%s: rx %,d frames, tx %,d frames (%,d completed, %,d dropped by the driver), %,d kicks; "
                        + "kernel rx drops %,d: RX ring full %,d, FILL ring empty %,d, other %,d%n",
                name, after.rxPackets() - before.rxPackets(), after.txPackets() - before.txPackets(),
                after.txCompleted() - before.txCompleted(), after.txDropped() - before.txDropped(),
                after.txKicks() - before.txKicks(), after.kernelRxDropsTotal() - before.kernelRxDropsTotal(),
                after.kernelRxRingFull() - before.kernelRxRingFull(),
                after.kernelRxFillRingEmpty() - before.kernelRxFillRingEmpty(),
                after.kernelRxDropped() - after.kernelRxFillRingEmpty() + after.kernelRxInvalidDescs()
                        - (before.kernelRxDropped() - before.kernelRxFillRingEmpty() + before.kernelRxInvalidDescs()));
    }

    /** One direction: a sender thread writes for {@link #seconds}, a receiver thread reads until the link is quiet. */
    private final class Flow {
        final String name;
        final XdpSocket from, to;
        final UdpFrameSpec spec;
        volatile long sent, received;
        volatile long sendNanos;
        /** Heap bytes the sending and the receiving thread allocated in their loops. */
        volatile long sendAllocated, receiveAllocated;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean senderDone;

        Flow(String name, XdpSocket from, XdpSocket to, UdpFrameSpec spec) {
            this.name = name;
            this.from = from;
            this.to = to;
            this.spec = spec;
        }

        void send(int cpu) {
            Affinity.pin(cpu);
            try {
                UdpFrameBuilder builder = new UdpFrameBuilder(spec);
                byte[][] frames = new byte[batch][spec.frameLength()];
                long seq = 0;
                long n = 0;
                long allocated = Allocation.currentThread();
                long t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                while (System.nanoTime() < end) {
                    for (int i = 0; i < batch; i++) builder.write(frames[i], 0, seq + i);
                    int w = from.writePackets(frames);
                    seq += w;
                    n += w;
                }
                sendNanos = System.nanoTime() - t0;
                sendAllocated = Allocation.currentThread() - allocated;
                from.flush(Duration.ofSeconds(1));
                sent = n;
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                senderDone = true;
            }
        }

        void receive(int cpu) {
            Affinity.pin(cpu);
            try {
                PacketBatch frames = new PacketBatch(64);
                long n = 0;
                long quietSince = 0;
                long allocated = Allocation.currentThread();
                while (true) {
                    int k = to.zeroCopyReadPackets(frames);
                    n += k;
                    if (k > 0) {
                        quietSince = 0;
                    } else if (senderDone) {
                        if (quietSince == 0) quietSince = System.nanoTime();
                        else if (System.nanoTime() - quietSince > 200_000_000L) break;
                    }
                }
                receiveAllocated = Allocation.currentThread() - allocated;
                received = n;
            } catch (Throwable t) {
                failure.set(t);
            }
        }
    }

    /** Runs the flows at the same time: senders on CPU 0, receivers on CPU 1 (the kernel's receive work runs on the sender's CPU on veth). */
    private Flow[] run(boolean print, Flow... flows) throws Exception {
        Thread[] threads = new Thread[flows.length * 2];
        for (int i = 0; i < flows.length; i++) {
            Flow f = flows[i];
            threads[2 * i] = Thread.ofPlatform().name("recv " + f.name).start(() -> f.receive(1));
            threads[2 * i + 1] = Thread.ofPlatform().name("send " + f.name).start(() -> f.send(0));
        }
        for (Thread t : threads) t.join();
        for (Flow f : flows) {
            Throwable t = f.failure.get();
            if (t instanceof XdpException x) throw x;
            if (t != null) throw new IllegalStateException(f.name + " failed: " + t, t);
            if (!print) continue;
            double secs = f.sendNanos / 1e9;
            out.printf(Locale.ROOT, "%-12s %,12d %,12d %,8d %,12.0f %,12.0f %9.1f %6.3f/%-6.3f%n", f.name, f.sent, f.received,
                    f.sent - f.received, f.sent / secs, f.received / secs, f.received / secs * spec(f) * 8 / 1e6,
                    (double) f.sendAllocated / Math.max(1, f.sent), (double) f.receiveAllocated / Math.max(1, f.received));
        }
        return flows;
    }

    private static int spec(Flow f) {
        return f.spec.frameLength();
    }
}

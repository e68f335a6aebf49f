package io.xdppacket.cli.recv;

import io.xdppacket.cli.traffic.PortOptions;
import picocli.CommandLine.Option;

/** {@link PortOptions} as {@code recv} uses them: receiving sockets behind an XDP program, one thread reading. */
final class RecvPortOptions extends PortOptions {
    @Option(names = "--mode", paramLabel = "drv|skb", defaultValue = "drv", order = 101,
            description = "Where the XDP program that hands IFACE's frames to the sockets runs: drv (native, in the"
                    + " driver) or skb (generic, any interface) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--ring-size", paramLabel = "N", defaultValue = "2048", order = 102,
            description = "Entries in the RX ring (and the TX and COMPLETION rings; the FILL ring gets 2 x --frames):"
                    + " a power of two, 16..1048576 (default: ${DEFAULT-VALUE}).")
    int ringSize;

    @Option(names = "--frames", paramLabel = "N", order = 103,
            description = "UMEM frames to receive into, --ring-size..1048576; those beyond --ring-size hold frames"
                    + " being read while the RX ring fills again (default: 2 x --ring-size).")
    Integer frames;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", order = 105,
            description = "Frames per read call, 1..1024; with several queues a read takes them from every queue"
                    + " that has frames, a share each (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--queues", paramLabel = "N|all", defaultValue = "1", order = 106,
            description = "Receive from RX queues [0, N) of IFACE, one socket each; all: every RX queue it has in use."
                    + " One thread reads them all, the one --cpu pins (default: ${DEFAULT-VALUE}).")
    String queues;

    @Option(names = "--cpu", paramLabel = "N", order = 107,
            description = "Pin the thread that reads to this CPU (default: not pinned).")
    Integer cpu;

    @Override protected String mode() { return mode; }
    @Override protected int ringSize() { return ringSize; }
    @Override protected Integer frames() { return frames; }
    @Override public int batch() { return batch; }
    @Override protected String queues() { return queues; }
    @Override public Integer cpu() { return cpu; }
}

package io.xdppacket.cli.send;

import io.xdppacket.cli.traffic.PortOptions;
import picocli.CommandLine.Option;

/** {@link PortOptions} as {@code send} uses them: send-only sockets, one thread writing. */
final class SendPortOptions extends PortOptions {
    @Option(names = "--mode", paramLabel = "drv|skb", defaultValue = "drv", order = 101,
            description = "XDP mode, drv or skb: send attaches no XDP program, so it changes nothing and is only"
                    + " reported in the summary; accepted so that send and recv take the same options (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--ring-size", paramLabel = "N", defaultValue = "2048", order = 102,
            description = "Entries in the TX and COMPLETION rings (and the unused RX ring): a power of two, 16..1048576"
                    + " (default: ${DEFAULT-VALUE}).")
    int ringSize;

    @Option(names = "--frames", paramLabel = "N", order = 103,
            description = "UMEM frames to send from, --ring-size..1048576; those beyond --ring-size hold frames whose"
                    + " completion has not come back yet (default: 2 x --ring-size).")
    Integer frames;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", order = 105,
            description = "Frames per write call, 1..1024; with several queues each write is cut into one chunk per"
                    + " queue, so give at least 32 per queue (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--queues", paramLabel = "N|all", defaultValue = "1", order = 106,
            description = "Send through TX queues [0, N) of IFACE, one socket each; all: every TX queue it has in use."
                    + " One thread writes them all, the one --cpu pins (default: ${DEFAULT-VALUE}).")
    String queues;

    @Option(names = "--cpu", paramLabel = "N", order = 107,
            description = "Pin the thread that writes to this CPU (default: not pinned).")
    Integer cpu;

    @Override protected String mode() { return mode; }
    @Override protected int ringSize() { return ringSize; }
    @Override protected Integer frames() { return frames; }
    @Override public int batch() { return batch; }
    @Override protected String queues() { return queues; }
    @Override public Integer cpu() { return cpu; }
}

package io.xdppacket.cli.bench;

import io.xdppacket.packet.MacAddress;
import io.xdppacket.cli.lab.VethLab;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One veth pair of the bench, {@code vA} (the sending end) and {@code vB} (the receiving end), each in
 * a namespace of its own. Comparing with C needs two of them: ours runs on one while C runs on the
 * other, and they swap every round.
 */
final class BenchPair implements AutoCloseable {
    private static final Pattern XDP_DROPS = Pattern.compile("rx_queue_\\d+_xdp_drops:\\s*(\\d+)");

    final VethLab lab;
    final MacAddress macA, macB;

    private BenchPair(VethLab lab, MacAddress macA, MacAddress macB) {
        this.lab = lab;
        this.macA = macA;
        this.macB = macB;
    }

    static BenchPair create(String prefix, int queues) throws IOException {
        VethLab lab = VethLab.create(prefix, queues, 1500);
        try {
            return new BenchPair(lab, MacAddress.of(lab.mac(lab.nsA(), lab.ifA())), MacAddress.of(lab.mac(lab.nsB(), lab.ifB())));
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    String nsA() { return lab.nsA(); }
    String nsB() { return lab.nsB(); }
    String ifA() { return lab.ifA(); }
    String ifB() { return lab.ifB(); }

    /** Frames the receiving end's XDP program dropped so far, over all queues (veth's own counters). */
    long peerXdpDrops() throws IOException {
        Matcher m = XDP_DROPS.matcher(VethLab.run("ip", "netns", "exec", nsB(), "ethtool", "-S", ifB()));
        long sum = 0;
        while (m.find()) sum += Long.parseLong(m.group(1));
        return sum;
    }

    @Override
    public void close() {
        lab.close();
    }

    @Override
    public String toString() {
        return lab.nsA() + "/" + lab.nsB();
    }
}

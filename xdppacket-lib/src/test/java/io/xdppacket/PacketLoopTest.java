package io.xdppacket;

import io.xdppacket.packet.EtherType;
import io.xdppacket.packet.Ethernet;
import io.xdppacket.packet.IpProtocol;
import io.xdppacket.packet.Ipv4;
import io.xdppacket.packet.Udp;
import io.xdppacket.testing.Allocations;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.UdpFrames;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pcap-style loop on a veth pair: scapy sends, the loop hands every frame over once, in order, across calls. */
class PacketLoopTest {
    private static final int FRAMES = 100;

    private static XdpOptions receiver(VethPair veth) throws XdpException {
        return XdpOptions.builder().ioMode(IoMode.NONBLOCK).pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build();
    }

    @Test
    @Timeout(120)
    @Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
    void loopDispatchAndBreakHandEveryFrameOverOnceInOrder() throws Exception {
        try (VethPair veth = VethPair.create(); XdpSocket rx = XdpSocket.open(veth.ifB(), receiver(veth))) {
            // Scapy sends UDP datagrams whose payload starts with their number; it prints each frame it sent.
            String script = """
                    import sys, struct
                    from scapy.all import Ether, IP, UDP, Raw, conf
                    iface, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
                    s = conf.L2socket(iface=iface)
                    for i in range(n):
                        p = Ether(dst=dst) / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=5000, dport=6000 + i % 7)
                        raw = bytes(p / Raw(struct.pack(">Q", i) + bytes(i % 50)))
                        s.send(raw)
                        print(raw.hex(), flush=True)
                    s.close()
                    """;
            String mac = HexFormat.ofDelimiter(":").formatHex(veth.macB());
            List<byte[]> sent = Tools.run("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c", script, veth.ifA(), mac,
                    Integer.toString(FRAMES)).stdout().lines().map(HexFormat.of()::parseHex).toList();
            assertEquals(FRAMES, sent.size());

            PacketLoop loop = new PacketLoop(rx, new PacketBatch(16));
            List<byte[]> got = new ArrayList<>();
            Ethernet eth = new Ethernet();
            Ipv4 ip = new Ipv4();
            Udp udp = new Udp();
            PacketHandler<RuntimeException> keep = p -> {
                got.add(p.toArray());
                assertTrue(eth.wrap(p) && eth.etherType() == EtherType.IPV4 && ip.wrap(eth) && ip.protocol() == IpProtocol.UDP
                        && udp.wrap(ip), "a UDP frame");
                assertEquals(got.size() - 1, udp.getLong(Udp.HEADER_LENGTH), "frames in the order sent");
                assertTrue(udp.isChecksumValid(ip));
            };

            assertEquals(30, loop.loop(30, keep), "a count ends the loop inside the second batch of 16");
            assertEquals(2, loop.dispatch(keep), "dispatch hands over what that batch had left, without reading");
            assertEquals(28, loop.loop(0, p -> {
                keep.handle(p);
                if (got.size() == 60) loop.breakLoop();
            }), "the handler breaks an unlimited loop");
            assertEquals(40, loop.loopUntil(() -> got.size() == FRAMES, keep));
            loop.breakLoop();
            assertEquals(0, loop.loop(5, keep), "a break requested before a loop ends it at once");
            assertEquals(0, loop.dispatch(keep), "and is then cleared: nothing more arrived");

            assertEquals(FRAMES, got.size());
            for (int i = 0; i < FRAMES; i++) assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
        }
    }

    @Test
    @Timeout(120)
    @Privileged(tools = "ip")
    void theLoopAllocatesNothingPerFrame() throws Exception {
        int perRound = 256;
        try (VethPair veth = VethPair.create();
             XdpSocket rx = XdpSocket.open(veth.ifB(), receiver(veth));
             XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build())) {
            byte[][] frames = new byte[perRound][];
            long mac = 0;
            for (byte b : veth.macB()) mac = mac << 8 | (b & 0xFF);
            for (int i = 0; i < perRound; i++) frames[i] = UdpFrames.frame(0x02_00_00_00_00_01L, mac, 1000 + i, 64, i);
            PacketLoop loop = new PacketLoop(rx);
            Ethernet eth = new Ethernet();
            Ipv4 ip = new Ipv4();
            Udp udp = new Udp();
            long[] sum = {0};
            PacketHandler<RuntimeException> count = p -> {
                if (eth.wrap(p) && ip.wrap(eth) && udp.wrap(ip)) sum[0] += udp.sourcePort();
            };
            long best = Long.MAX_VALUE;
            int rounds = 600;
            for (int round = 0; round < rounds; round++) {
                for (int at = 0; at < perRound; ) at += tx.writePackets(frames, at, perRound - at);
                long before = Allocations.current();
                assertEquals(perRound, loop.loop(perRound, count));
                long allocated = Allocations.current() - before;
                if (round >= rounds - 100) best = Math.min(best, allocated);
            }
            assertEquals((long) rounds * (1000L * perRound + perRound * (perRound - 1L) / 2), sum[0], "every frame handled once");
            assertTrue(best < perRound, "bytes allocated handling " + perRound + " frames: " + best);
        }
    }
}

package io.xdppacket.cli.frame;

import io.xdppacket.packet.Ipv4Address;
import io.xdppacket.packet.MacAddress;
import io.xdppacket.pcap.CaptureWriter;
import io.xdppacket.pcap.PcapWriter;
import io.xdppacket.testing.Tshark;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Generated frames decoded by Wireshark's dissectors and by scapy, which recompute both checksums. */
class UdpFrameExternalDecoderTest {

    @TempDir
    Path dir;

    private record Case(UdpFrameSpec spec, long seq) {}

    /** Every length class (even, odd, minimum, maximum), flows, DF, checksum off, and a computed-zero checksum. */
    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        UdpFrameSpec base = UdpFrameSpec.defaults()
                .withSrcMac(MacAddress.parse("02:00:00:00:00:01")).withDstMac(MacAddress.parse("02:00:00:00:00:02"))
                .withSrcPorts(PortRange.parse("40000-40006")).withDstPorts(PortRange.parse("50000-50002"));
        int[] lengths = {60, 61, 62, 63, 64, 65, 100, 333, 1000, 1513, 1514};
        for (int i = 0; i < lengths.length; i++) {
            UdpFrameSpec spec = base.withFrameLength(lengths[i]).withDontFragment(i % 2 == 0)
                    .withSrcIp(Ipv4Address.parse("198.18.0." + (i + 1))).withDstIp(Ipv4Address.parse("198.19.255." + (254 - i)));
            for (long seq : new long[] {0, 1, 2, 65535, 65536, 0x0123_4567_89AB_CDEFL, -1}) cases.add(new Case(spec, seq));
            cases.add(new Case(spec.withUdpChecksum(false), 12345 + i));
        }
        cases.add(new Case(FrameCheck.ZERO_SUM_SPEC, FrameCheck.zeroSumSequence()));
        return cases;
    }

    private Path capture(List<Case> cases) throws IOException {
        Path file = dir.resolve("frames.pcap");
        try (CaptureWriter w = new PcapWriter(file)) {
            long ts = 1_700_000_000_000_000_000L;
            for (Case c : cases) {
                byte[] f = new byte[c.spec().frameLength()];
                new UdpFrameBuilder(c.spec()).write(f, 0, c.seq());
                w.write(f, 0, f.length, f.length, ts++);
            }
        }
        return file;
    }

    @Test
    @Privileged(tools = "tshark")
    void wiresharkDecodesEveryFieldAndVerifiesBothChecksums() throws IOException {
        List<Case> cases = cases();
        List<String[]> rows = Tshark.fields(capture(cases), "frame.len", "eth.dst", "eth.src", "ip.src", "ip.dst",
                "ip.len", "ip.id", "ip.ttl", "ip.flags.df", "ip.checksum.status", "udp.srcport", "udp.dstport",
                "udp.length", "udp.checksum", "udp.checksum.status");
        assertEquals(cases.size(), rows.size());
        for (int i = 0; i < cases.size(); i++) {
            UdpFrameSpec s = cases.get(i).spec();
            long seq = cases.get(i).seq();
            String[] r = rows.get(i);
            String what = "frame " + (i + 1) + ": " + s + " seq " + seq;
            long flow = Long.remainderUnsigned(seq, s.flowCount());
            assertEquals(Integer.toString(s.frameLength()), r[0], what);
            assertEquals(s.dstMac().toString(), r[1], what);
            assertEquals(s.srcMac().toString(), r[2], what);
            assertEquals(s.srcIp().toString(), r[3], what);
            assertEquals(s.dstIp().toString(), r[4], what);
            assertEquals(Integer.toString(s.frameLength() - 14), r[5], what);
            assertEquals(String.format("0x%04x", seq & 0xFFFF), r[6], what);
            assertEquals("64", r[7], what);
            assertEquals(s.dontFragment(), r[8].equals("1") || r[8].equalsIgnoreCase("true"), "DF " + what);
            assertEquals("1", r[9], "IP checksum good " + what);
            assertEquals(Long.toString(s.srcPorts().first() + flow % s.srcPorts().size()), r[10], what);
            assertEquals(Long.toString(s.dstPorts().first() + flow / s.srcPorts().size()), r[11], what);
            assertEquals(Integer.toString(s.frameLength() - 34), r[12], what);
            if (s.udpChecksum()) {
                assertEquals("1", r[14], "UDP checksum good " + what);
            } else {
                assertEquals("0x0000", r[13], what);
                assertEquals("3", r[14], "UDP checksum not present " + what);
            }
        }
        assertEquals("0xffff", rows.getLast()[13], "the computed-zero checksum is sent as 0xffff");
    }

    @Test
    @Privileged(tools = "/usr/bin/python3:scapy")
    void scapyRecomputesIdenticalChecksums() throws IOException {
        List<Case> cases = cases();
        // Rebuild each frame from its headers with the checksums deleted, so scapy computes them; a frame
        // sent without UDP checksum keeps its 0. The payload goes in as Raw, whatever the ports.
        String script = """
                import sys
                from scapy.all import rdpcap, Ether, IP, UDP, Raw
                n = 0
                for p in rdpcap(sys.argv[1]):
                    raw = bytes(p)
                    q = Ether(raw[:42]) / Raw(raw[42:])
                    del q[IP].chksum
                    if q[UDP].chksum != 0:
                        del q[UDP].chksum
                    if bytes(q) != raw:
                        print("frame", n + 1, "differs: ours", raw.hex(), "scapy", bytes(q).hex())
                    n += 1
                print("checked", n)
                """;
        String out = Tools.run(Tools.PYTHON, "-c", script, capture(cases).toString()).stdout();
        assertEquals("checked " + cases.size() + "\n", out);
    }
}

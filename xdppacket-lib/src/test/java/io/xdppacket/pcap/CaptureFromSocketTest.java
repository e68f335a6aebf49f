package io.xdppacket.pcap;

import io.xdppacket.IoMode;
import io.xdppacket.PacketLoop;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tshark;
import io.xdppacket.testing.UdpFrames;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A capture loop's dumper: received frames written zero-copy with their PacketInfo, read back by us and by tshark. */
class CaptureFromSocketTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"rx.pcap", "rx.pcapng"})
    @Privileged(tools = {"ip", "tshark"})
    void receivedFramesAreWrittenWithTheirTimesAndLengthsAndCutToTheSnaplen(String name) throws Exception {
        int n = 50;
        Path file = dir.resolve(name);
        List<byte[]> sent = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (VethPair veth = VethPair.create();
             XdpSocket rx = XdpSocket.open(veth.ifB(), XdpOptions.builder().ioMode(IoMode.NONBLOCK)
                     .pollTimeout(Duration.ofMillis(5)).networkNamespace(veth.nsB()).build());
             XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build());
             CaptureWriter w = CaptureWriter.open(file, 100, veth.ifB())) {
            long mac = 0;
            for (byte b : veth.macB()) mac = mac << 8 | (b & 0xFF);
            for (int i = 0; i < n; i++) {
                sent.add(UdpFrames.frame(0x02_00_00_00_00_01L, mac, 2000 + i, 60 + i * 29, i));
                assertTrue(tx.writePacket(sent.get(i)));
            }
            assertTrue(tx.flush());
            assertEquals(n, new PacketLoop(rx).loop(n, p -> {
                times.add(p.info().timestampNanos());
                w.write(p);
            }));
        }
        try (PcapReader r = PcapReader.open(file)) {
            for (int i = 0; i < n; i++) {
                byte[] f = sent.get(i);
                assertTrue(r.next());
                assertEquals(f.length, r.originalLength());
                assertEquals(Math.min(100, f.length), r.capturedLength(), "cut to the snaplen");
                assertEquals(times.get(i), r.timestampNanos(), "the read's time, to the nanosecond");
                byte[] copy = new byte[r.capturedLength()];
                r.copyFrame(copy, 0);
                assertArrayEquals(Arrays.copyOf(f, r.capturedLength()), copy);
            }
            assertFalse(r.next());
        }
        TsharkAgreementTest.assertAgree(file);
        List<String[]> rows = Tshark.fields(file, "udp.srcport");
        for (int i = 0; i < n; i++) assertEquals(Integer.toString(2000 + i), rows.get(i)[0]);
    }
}

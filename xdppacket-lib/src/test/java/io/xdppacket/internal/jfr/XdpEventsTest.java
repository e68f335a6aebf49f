package io.xdppacket.internal.jfr;

import io.xdppacket.PacketBatch;
import io.xdppacket.XdpMultiQueue;
import io.xdppacket.XdpOptions;
import io.xdppacket.XdpSocket;
import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.VethPair;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JFR recording of sockets at work, read back with jdk.jfr.consumer: open, statistics, program, close. */
class XdpEventsTest {

    @Test
    @Privileged(tools = "ip")
    void aRecordingShowsWhatTheSocketsDid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("xdp.jfr");
        try (Recording recording = new Recording(); VethPair veth = VethPair.create(2, 1500)) {
            recording.enable("io.xdppacket.SocketOpen");
            recording.enable("io.xdppacket.SocketClose");
            recording.enable("io.xdppacket.XdpProgram");
            recording.enable("io.xdppacket.SocketStatistics").withPeriod(Duration.ofMillis(100));
            recording.start();
            byte[] macA = veth.macA(), macB = veth.macB();
            try (XdpSocket tx = XdpSocket.open(veth.ifA(), XdpOptions.builder().receive(false).networkNamespace(veth.nsA()).build());
                 XdpMultiQueue rx = XdpMultiQueue.open(veth.ifB(), XdpOptions.builder().queueCount(2).filter("ether proto 0x88b5")
                         .networkNamespace(veth.nsB()).build())) {
                Random random = new Random(1);
                PacketBatch batch = new PacketBatch(64);
                int received = 0;
                for (int i = 0; i < 500; i++) {
                    assertTrue(tx.writePacket(Frames.frame(macB, macA, i, 100, random)));
                }
                while (received < 500) received += rx.zeroCopyReadPackets(batch);
                assertEquals(500, rx.stats().filterMatched(), rx.stats().toString());
                Thread.sleep(300);  // a few statistics periods
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> opens = of(events, "io.xdppacket.SocketOpen");
        assertEquals(2, opens.size(), "a socket and a set: " + opens);
        RecordedEvent set = opens.stream().filter(e -> e.getInt("queues") == 2).findFirst().orElseThrow();
        assertEquals("ether proto 0x88b5", set.getString("filter"));
        assertTrue(set.getString("mode").equals("DRV"), set.toString());
        assertFalse(set.getDuration().isNegative());

        List<RecordedEvent> programs = of(events, "io.xdppacket.XdpProgram");
        assertEquals(List.of("attach", "detach"), programs.stream().map(e -> e.getString("action")).toList());
        assertTrue(programs.getFirst().getInt("programId") > 0);

        List<RecordedEvent> stats = of(events, "io.xdppacket.SocketStatistics");
        assertTrue(stats.stream().anyMatch(e -> e.getInt("queues") == 2 && e.getLong("rxPackets") == 500
                && e.getLong("filterMatched") == 500), "the set's counters after the frames arrived: " + stats);
        assertTrue(stats.stream().anyMatch(e -> e.getInt("queues") == 1 && e.getLong("txPackets") == 500), stats.toString());

        List<RecordedEvent> closes = of(events, "io.xdppacket.SocketClose");
        assertEquals(2, closes.size());
        assertTrue(closes.stream().anyMatch(e -> e.getLong("rxPackets") == 500), closes.toString());
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}

package io.xdppacket.internal.bpf;

import io.xdppacket.XdpClosedException;
import io.xdppacket.testing.Bpftool;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counters map on its own; counting by a running program is in {@link RedirectProgramRunTest}. */
class ProgramCountersTest {

    @Test
    void cpuListsAreCountedAsTheKernelCountsPossibleCpus() {
        assertEquals(1, ProgramCounters.countCpuList("0\n"));
        assertEquals(2, ProgramCounters.countCpuList("0-1\n"));
        assertEquals(5, ProgramCounters.countCpuList("0,2-5"));
        assertEquals(8, ProgramCounters.countCpuList("0-3,8-11"));
        var e = assertThrows(IllegalArgumentException.class, () -> ProgramCounters.countCpuList("0-x"));
        assertEquals("CPU list '0-x': '0-x' is not N or N-M", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProgramCounters.countCpuList(""));
    }

    @Test
    void possibleCpusAreThoseOfSysfs() throws Exception {
        String list = Files.readString(Path.of("/sys/devices/system/cpu/possible"));
        assertEquals(ProgramCounters.countCpuList(list), ProgramCounters.possibleCpus());
        assertTrue(ProgramCounters.possibleCpus() >= Runtime.getRuntime().availableProcessors());
    }

    @Test
    @Privileged(tools = "bpftool")
    void aFreshMapIsAPerCpuArrayOfTwoZeroCounters() throws Exception {
        try (ProgramCounters counters = ProgramCounters.create()) {
            Bpf.MapInfo info = Bpf.mapInfo(counters.fd());
            assertEquals(Bpf.BPF_MAP_TYPE_PERCPU_ARRAY, info.type());
            assertEquals(4, info.keySize());
            assertEquals(16, info.valueSize());
            assertEquals(1, info.maxEntries());
            assertEquals(ProgramCounters.NAME, info.name());
            assertEquals(counters.id(), info.id());
            assertEquals(new ProgramCounters.Counts(0, 0), counters.read());
            // bpftool shows one value per possible CPU: the count our reads are sized by.
            String dump = io.xdppacket.testing.Tools.run("bpftool", "-j", "map", "dump", "id",
                    Integer.toString(counters.id())).stdout();
            assertEquals(counters.cpus(), dump.split("\"cpu\"", -1).length - 1, dump);
        }
    }

    @Test
    @Privileged(tools = "bpftool")
    void closeIsIdempotentAndReadsAfterItFail() throws Exception {
        ProgramCounters counters = ProgramCounters.create();
        int id = counters.id();
        counters.close();
        counters.close();
        assertThrows(XdpClosedException.class, counters::read);
        assertThrows(XdpClosedException.class, counters::fd);
        assertTrue(counters.toString().endsWith("closed]"), counters.toString());
        for (int i = 0; i < 100 && Bpftool.mapShow(id).exitCode() == 0; i++) Thread.sleep(20);
        assertTrue(Bpftool.mapShow(id).exitCode() != 0, "map " + id + " still exists after close");
    }
}

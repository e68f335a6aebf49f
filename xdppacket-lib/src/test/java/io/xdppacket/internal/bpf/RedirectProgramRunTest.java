package io.xdppacket.internal.bpf;

import io.xdppacket.testing.Frames;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole redirect program run by the kernel ({@code BPF_PROG_TEST_RUN}) on frames, without an
 * interface: what it writes into the metadata and what it counts. The XSKMAP stays empty, so a
 * matched frame's redirect falls back to {@code XDP_PASS}, like a passed one's: the counters say
 * which way each went.
 */
@Privileged
class RedirectProgramRunTest {
    private static final byte[] DST = {2, 0, 0, 0, 0, 2};
    private static final byte[] SRC = {2, 0, 0, 0, 0, 1};

    private static byte[] ipv4(int seq) {
        return Frames.ipv4Udp(DST, SRC, seq, 60 + seq);
    }

    private static byte[] other(int seq) {
        return Frames.frame(DST, SRC, seq, 60 + seq, new Random(seq));
    }

    @Test
    void countsMatchedAndPassedFrames() throws Exception {
        try (XskMap map = XskMap.create(1);
             RedirectProgram prog = RedirectProgram.load(map, ProgramSpec.PLAIN.withFilter(RedirectProgramTest.IPV4))) {
            ProgramCounters counters = prog.counters().orElseThrow();
            for (int i = 0; i < 7; i++) {
                assertEquals(Bpf.XDP_PASS, Bpf.progTestRun(prog.fd(), ipv4(i), null, 1).retval());
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(Bpf.XDP_PASS, Bpf.progTestRun(prog.fd(), other(i), null, 1).retval());
            }
            assertEquals(new ProgramCounters.Counts(7, 4), counters.read());
            // repeat runs the program that many times on one CPU's copy; the sum sees them all.
            Bpf.progTestRun(prog.fd(), ipv4(1), null, 1000);
            assertEquals(new ProgramCounters.Counts(1007, 4), counters.read());
        }
    }

    @Test
    void stampsEachFrameWithTheClockInFrontOfItsFirstByte() throws Exception {
        for (TimestampClock clock : TimestampClock.values()) {
            try (XskMap map = XskMap.create(1);
                 RedirectProgram prog = RedirectProgram.load(map, ProgramSpec.PLAIN.withTimestamps(clock))) {
                byte[] frame = other(3);
                long before = clock.nowNanos();
                Bpf.TestRun run = Bpf.progTestRun(prog.fd(), frame, null, 1);
                long after = clock.nowNanos();
                assertEquals(Bpf.XDP_PASS, run.retval());
                // data_out starts at data_meta: 8 bytes of stamp, then the frame unchanged.
                byte[] out = run.dataOut();
                assertEquals(RedirectProgram.META_TIMESTAMP_BYTES + frame.length, out.length);
                long stamp = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).getLong(0);
                assertTrue(stamp >= before && stamp <= after, clock + ": stamp " + stamp + " not in [" + before + ", " + after + "]");
                assertArrayEquals(frame, Arrays.copyOfRange(out, RedirectProgram.META_TIMESTAMP_BYTES, out.length));
            }
        }
    }

    @Test
    void aFrameWithoutRoomForMetadataGoesOnUnstampedAndIsStillFiltered() throws Exception {
        ProgramSpec spec = ProgramSpec.PLAIN.withFilter(RedirectProgramTest.IPV4).withTimestamps(TimestampClock.TAI);
        try (XskMap map = XskMap.create(1); RedirectProgram prog = RedirectProgram.load(map, spec)) {
            // 216 bytes of metadata already, of the 256-byte headroom: the rest is what the kernel keeps
            // for its struct xdp_frame, so bpf_xdp_adjust_meta(-8) fails (measured on 6.18: 208 is the
            // most that still takes a stamp), as it does on a driver without metadata support.
            int full = 216;
            byte[] frame = ipv4(2);
            byte[] in = new byte[full + frame.length];
            Arrays.fill(in, 0, full, (byte) 0xa5);
            System.arraycopy(frame, 0, in, full, frame.length);
            ByteBuffer ctx = ByteBuffer.allocate((int) RedirectProgram.XDP_MD.byteSize()).order(ByteOrder.nativeOrder());
            ctx.putInt(RedirectProgram.XDP_MD_DATA, full).putInt(RedirectProgram.XDP_MD_DATA_END, in.length);
            Bpf.TestRun run = Bpf.progTestRun(prog.fd(), in, ctx.array(), 1);
            assertEquals(Bpf.XDP_PASS, run.retval());
            assertArrayEquals(in, run.dataOut(), "metadata and frame untouched");
            // With room (16 bytes of metadata), the same frame is stamped in front of them.
            byte[] roomy = Arrays.copyOfRange(in, full - 16, in.length);
            ctx.putInt(RedirectProgram.XDP_MD_DATA, 16).putInt(RedirectProgram.XDP_MD_DATA_END, roomy.length);
            run = Bpf.progTestRun(prog.fd(), roomy, ctx.array(), 1);
            assertEquals(RedirectProgram.META_TIMESTAMP_BYTES + roomy.length, run.dataOut().length);
            assertArrayEquals(roomy, Arrays.copyOfRange(run.dataOut(), RedirectProgram.META_TIMESTAMP_BYTES, run.dataOut().length));
            long stamp = ByteBuffer.wrap(run.dataOut()).order(ByteOrder.nativeOrder()).getLong(0);
            assertTrue(Math.abs(TimestampClock.TAI.nowNanos() - stamp) < 60_000_000_000L, "stamp " + stamp);
            assertEquals(new ProgramCounters.Counts(2, 0), prog.counters().orElseThrow().read());
        }
    }

    @Test
    void aStampPlusTheOffsetIsTheWallClock() {
        for (TimestampClock clock : TimestampClock.values()) {
            long wall = clock.nowNanos() + clock.wallClockOffsetNanos();
            long java = System.currentTimeMillis() * 1_000_000L;
            // Not a timing assertion: two readings of the same clock taken a few calls apart.
            assertTrue(Math.abs(wall - java) < 1_000_000_000L, clock + ": " + wall + " vs " + java);
        }
        // TAI runs ahead of UTC by the offset the time daemon set (0 when none did): never behind, under a minute.
        long taiOffset = -TimestampClock.TAI.wallClockOffsetNanos();
        assertTrue(taiOffset > -1_000_000L && taiOffset < 60_000_000_000L, "TAI - UTC = " + taiOffset + " ns");
    }
}

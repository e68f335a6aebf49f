package io.xdppacket.internal.bpf;

import io.xdppacket.XdpMode;
import io.xdppacket.internal.sys.IfXdp;
import io.xdppacket.internal.sys.NetDevice;
import io.xdppacket.internal.sys.NetNs;
import io.xdppacket.internal.xsk.FillRing;
import io.xdppacket.internal.xsk.RxRing;
import io.xdppacket.internal.xsk.Umem;
import io.xdppacket.internal.xsk.XskSocket;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A measured fact the receive path relies on: in copy mode on this kernel, the 8 bytes of metadata
 * the redirect program writes in front of a frame reach the AF_XDP socket's UMEM, right before
 * the frame (at the RX descriptor's address minus 8), in native (DRV) and in generic (SKB) mode on
 * veth. The kernel copies {@code data_meta .. data_end} into the UMEM (net/xdp/xsk.c, copy mode).
 *
 * <p>Every UMEM byte is poisoned first, so a stamp the kernel did not copy reads as the poison,
 * never as a plausible time. If this starts failing on some kernel, stamps must come from the
 * receiving thread there (one time per batch), as before per-frame stamps.
 */
@Privileged(tools = {"ip", Tools.PYTHON + ":scapy"})
class MetadataDeliveryProbeTest {
    private static final int FRAMES = 16;
    private static final int FRAME_SIZE = 4096;
    private static final byte POISON = (byte) 0xee;

    @ParameterizedTest
    @EnumSource(value = XdpMode.class, names = {"SKB", "DRV"})
    void copyModeDeliversTheStampInFrontOfEachFrame(XdpMode mode) throws Exception {
        try (VethPair veth = VethPair.create()) {
            // The socket's rings and UMEM live in this arena; its fd is closed only after the arena.
            Arena arena = Arena.ofShared();
            XskSocket sock = null;
            XskMap map = null;
            RedirectProgram prog = null;
            XdpAttachment attachment = null;
            try {
                Umem umem = Umem.allocate(arena, FRAMES, FRAME_SIZE);
                umem.memory().fill(POISON);
                try (NetNs ns = NetNs.enter(veth.nsB())) {
                    sock = XskSocket.create(arena, veth.ifB() + " queue 0", umem, FRAMES, FillRing.sizeFor(FRAMES), true);
                }
                FillRing fill = sock.fill();
                assertTrue(fill.free(FRAMES) >= FRAMES);
                int start = fill.reserve(FRAMES);
                for (int i = 0; i < FRAMES; i++) fill.setAddress(start + i, umem.frameAddress(i));
                fill.submit();
                try (NetNs ns = NetNs.enter(veth.nsB())) {
                    int ifindex = NetDevice.ifindex(veth.ifB());
                    sock.bind(ifindex, veth.ifB(), 0, IfXdp.XDP_COPY, 0);
                    map = XskMap.create(1);
                    map.put(0, sock.fd());
                    prog = RedirectProgram.load(map, ProgramSpec.PLAIN.withTimestamps(TimestampClock.TAI));
                    attachment = XdpAttachment.attach(prog.fd(), ifindex, mode);
                }

                long before = TimestampClock.TAI.nowNanos();
                send(veth, FRAMES);
                long after = TimestampClock.TAI.nowNanos();

                RxRing rx = sock.rx();
                List<Long> stamps = new ArrayList<>();
                List<String> seen = new ArrayList<>();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (stamps.size() < FRAMES && System.nanoTime() < deadline) {
                    int n = rx.available(FRAMES);
                    int first = rx.peek(n);
                    for (int i = 0; i < n; i++) {
                        long addr = rx.address(first + i);
                        long stamp = umem.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, addr - RedirectProgram.META_TIMESTAMP_BYTES);
                        stamps.add(stamp);
                        seen.add("addr " + addr + " len " + rx.length(first + i) + " meta "
                                + HexFormat.of().formatHex(umem.memory().asSlice(addr - 8, 8).toArray(ValueLayout.JAVA_BYTE)));
                    }
                    rx.release(n);
                    if (n == 0) Thread.sleep(5);
                }
                assertEquals(FRAMES, stamps.size(), "frames received in " + mode + " mode: " + seen);
                for (int i = 0; i < FRAMES; i++) {
                    long s = stamps.get(i);
                    assertTrue(s >= before && s <= after, mode + " frame " + i + ": " + seen.get(i)
                            + " is not a TAI time in [" + before + ", " + after + "]");
                    if (i > 0) assertTrue(s >= stamps.get(i - 1), mode + ": stamps go back at frame " + i + ": " + stamps);
                }
                System.out.println("PROBE copy mode " + mode + " on veth: " + FRAMES + " of " + FRAMES
                        + " frames carry the program's stamp at addr - 8; first/last " + stamps.getFirst() + "/" + stamps.getLast());
            } finally {
                if (attachment != null) attachment.close();
                if (prog != null) prog.close();
                if (map != null) map.close();
                arena.close();
                if (sock != null) closeFd(sock.fd());
            }
        }
    }

    /** Frames from the peer, sent by scapy through AF_PACKET: not by us. */
    private static void send(VethPair veth, int count) {
        String mac = HexFormat.ofDelimiter(":").formatHex(veth.macB());
        Tools.run("ip", "netns", "exec", veth.nsA(), Tools.PYTHON, "-c",
                "from scapy.all import Ether, Raw, sendp\n"
                        + "sendp([Ether(dst='" + mac + "', type=0x88b5)/Raw(bytes([i]) * 60) for i in range(" + count + ")], iface='"
                        + veth.ifA() + "', verbose=False)");
    }

    private static void closeFd(int fd) {
        try (Arena a = Arena.ofConfined()) {
            io.xdppacket.internal.sys.Libc.close(io.xdppacket.internal.sys.Libc.allocateErrno(a), fd);
        }
    }
}

package io.xdppacket.internal.bpf;

import io.xdppacket.XdpClosedException;
import io.xdppacket.internal.filter.ClassicInsn;
import io.xdppacket.internal.filter.ClassicProgram;
import io.xdppacket.internal.filter.XdpFilter;
import io.xdppacket.testing.Bpftool;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectProgramTest {

    /** {@code tcpdump -ddd ip} with "accept" as 1: EtherType 0x0800. */
    static final XdpFilter IPV4 = XdpFilter.of(new ClassicProgram(List.of(
            new ClassicInsn(0x28, 0, 0, 12),
            new ClassicInsn(0x15, 0, 1, 0x800),
            new ClassicInsn(0x06, 0, 0, 1),
            new ClassicInsn(0x06, 0, 0, 0))), "filter 'ip'");
    static final XdpFilter NOTHING = XdpFilter.of(new ClassicProgram(List.of(new ClassicInsn(0x06, 0, 0, 0))), "nothing");
    static final XdpFilter EVERYTHING = XdpFilter.of(new ClassicProgram(List.of(new ClassicInsn(0x06, 0, 0, 1))), "everything");

    private static List<String> text(List<Insn> program) {
        return program.stream().map(Insn::toString).toList();
    }

    @Test
    void programIsRedirectMapOfTheRxQueueWithPassAsFallback() {
        List<Insn> p = RedirectProgram.instructions(9);
        assertEquals(List.of(
                "r2 = *(u32 *)(r1 +16)",   // r2 = ctx->rx_queue_index
                "r1 = map[fd:9]",          // r1 = &xsks_map
                "r3 = 2",                  // r3 = XDP_PASS
                "call 51",                 // bpf_redirect_map(r1, r2, r3)
                "exit"), p.stream().map(Insn::toString).toList());
        assertEquals(6, Insn.slotCount(p));
    }

    @Test
    void thePlainSpecIsThePlainProgram() {
        assertEquals(RedirectProgram.instructions(9), RedirectProgram.instructions(9, -1, ProgramSpec.PLAIN));
        assertEquals(RedirectProgram.instructions(9), RedirectProgram.instructions(9, -1, ProgramSpec.PLAIN.withFrags(true)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> RedirectProgram.instructions(9, -1, ProgramSpec.PLAIN.withFilter(IPV4)));
        assertTrue(e.getMessage().contains("counters map"), e.getMessage());
    }

    @Test
    void stampThenFilterThenCountThenRedirect() {
        List<Insn> p = RedirectProgram.instructions(9, 8, ProgramSpec.PLAIN.withFilter(IPV4).withTimestamps(TimestampClock.TAI));
        assertEquals(List.of(
                "r6 = r1",                          // ctx, kept across helper calls
                "r2 = -8",                          // bpf_xdp_adjust_meta(ctx, -8)
                "call 54",
                "if r0 != 0x0 goto pc+7",           // no metadata support: no stamp
                "call 208",                         // r0 = bpf_ktime_get_tai_ns()
                "r2 = *(u32 *)(r6 +8)",             // data_meta
                "r3 = *(u32 *)(r6 +0)",             // data
                "r4 = r2",
                "r4 += 8",
                "if r4 > r3 goto pc+1",             // for the verifier: 8 bytes between them
                "*(u64 *)(r2 +0) = r0",             // the stamp
                "r1 = r6",
                "r2 = *(u32 *)(r1 +0)",             // the filter: data, data_end afresh
                "r3 = *(u32 *)(r1 +4)",
                "r0 = r2",
                "r0 += 14",
                "if r0 > r3 goto pc+19",            // too short for an EtherType: passed
                "r4 = *(u16 *)(r2 +12)",
                "r4 = be16 r4",
                "if w4 != 0x800 goto pc+16",        // not IPv4: passed
                "*(u32 *)(r10 -72) = 0",            // counts[0].matched++
                "r2 = r10",
                "r2 += -72",
                "r1 = map[fd:8]",
                "call 1",
                "if r0 == 0x0 goto pc+3",
                "r1 = *(u64 *)(r0 +0)",
                "r1 += 1",
                "*(u64 *)(r0 +0) = r1",
                "r2 = *(u32 *)(r6 +16)",            // bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS)
                "r1 = map[fd:9]",
                "r3 = 2",
                "call 51",
                "exit",
                "*(u32 *)(r10 -72) = 0",            // passed: counts[0].passed++
                "r2 = r10",
                "r2 += -72",
                "r1 = map[fd:8]",
                "call 1",
                "if r0 == 0x0 goto pc+3",
                "r1 = *(u64 *)(r0 +8)",
                "r1 += 1",
                "*(u64 *)(r0 +8) = r1",
                "r0 = 2",                           // return XDP_PASS
                "exit"), text(p));
    }

    @Test
    void codeNoFrameCanReachIsLeftOut() {
        // Rejecting everything: no redirect, no matched count (the verifier refuses unreachable code).
        List<String> none = text(RedirectProgram.instructions(9, 8, ProgramSpec.PLAIN.withFilter(NOTHING)));
        assertFalse(none.contains("call 51"), String.join("\n", none));
        assertFalse(none.contains("r1 = *(u64 *)(r0 +0)"), String.join("\n", none));
        assertTrue(none.contains("r1 = *(u64 *)(r0 +8)"), String.join("\n", none));
        // Accepting everything: no passed count.
        List<String> all = text(RedirectProgram.instructions(9, 8, ProgramSpec.PLAIN.withFilter(EVERYTHING)));
        assertTrue(all.contains("call 51"), String.join("\n", all));
        assertFalse(all.contains("r1 = *(u64 *)(r0 +8)"), String.join("\n", all));
    }

    @Test
    @Privileged(tools = "bpftool")
    void kernelHoldsExactlyTheIntendedProgram() throws Exception {
        try (XskMap map = XskMap.create(4); RedirectProgram prog = RedirectProgram.load(map, false)) {
            Bpf.ProgInfo info = Bpf.progInfo(prog.fd());
            assertEquals(Bpf.BPF_PROG_TYPE_XDP, info.type());
            assertEquals(prog.id(), info.id());
            assertEquals(RedirectProgram.NAME, info.name());
            assertEquals(List.of(map.id()), info.mapIds());
            assertEquals(map.id(), prog.mapId());

            List<String> x = Bpftool.xlated(prog.id());
            assertEquals(6, x.size(), String.join("\n", x));
            // 1. ctx->rx_queue_index is not a real field: the verifier rewrites the load into two,
            //    r2 = xdp_buff->rxq (a u64 pointer), r2 = rxq->queue_index (u32). On 6.18: +32, +8.
            assertTrue(x.get(0).matches("\\(79\\) r2 = \\*\\(u64 \\*\\)\\(r1 \\+\\d+\\)"), x.get(0));
            assertTrue(x.get(1).matches("\\(61\\) r2 = \\*\\(u32 \\*\\)\\(r2 \\+\\d+\\)"), x.get(1));
            // 2. The fd was swapped for the map itself; bpftool prints it as our map's id.
            assertEquals("(18) r1 = map[id:" + map.id() + "]", x.get(2));
            // 3. The fallback action: XDP_PASS.
            assertEquals("(b7) r3 = 2", x.get(3));
            // 4. With the JIT on, the verifier calls the map type's redirect op directly instead of
            //    the generic helper (do_misc_fixups, "inline map ops"); without it, the helper stays.
            String call = jitEnabled() ? "xsk_map_redirect" : "bpf_xdp_redirect_map";
            assertTrue(x.get(4).matches("\\(85\\) call " + call + "#\\d+"), x.get(4));
            // 5. Its result is the program's.
            assertEquals("(95) exit", x.get(5));
        }
    }

    private static boolean jitEnabled() throws Exception {
        return !Files.readString(Path.of("/proc/sys/net/core/bpf_jit_enable")).trim().equals("0");
    }

    @Test
    @Privileged(tools = "bpftool")
    void fragsVariantLoadsAndCloseIsIdempotent() throws Exception {
        RedirectProgram prog;
        try (XskMap map = XskMap.create(1)) {
            prog = RedirectProgram.load(map, true);
        }
        // The program holds the map: closing the map's fd first is fine.
        assertTrue(prog.frags());
        int id = prog.id();
        assertEquals(0, Bpftool.progShow(id).exitCode(), "program " + id + " is loaded");
        prog.close();
        prog.close();
        assertEquals(-1, prog.fd());
        assertTrue(prog.toString().endsWith("closed]"), prog.toString());
        for (int i = 0; i < 100 && Bpftool.progShow(id).exitCode() == 0; i++) Thread.sleep(20);
        assertFalse(Bpftool.progShow(id).exitCode() == 0, "program " + id + " is still loaded after close");
    }

    @Test
    @Privileged(tools = "bpftool")
    void kernelHoldsTheStampsAndTheFilterAsWritten() throws Exception {
        ProgramSpec spec = ProgramSpec.PLAIN.withFilter(IPV4).withTimestamps(TimestampClock.TAI);
        try (XskMap map = XskMap.create(4); RedirectProgram prog = RedirectProgram.load(map, spec)) {
            ProgramCounters counters = prog.counters().orElseThrow();
            assertEquals(List.of(map.id(), counters.id()), Bpf.progInfo(prog.fd()).mapIds().stream().sorted().toList());
            List<String> ours = text(RedirectProgram.instructions(map.fd(), counters.fd(), spec));
            List<String> x = Bpftool.xlated(prog.id()).stream().map(s -> s.substring(s.indexOf(") ") + 2)).toList();
            // Up to the counting, the kernel keeps every instruction; it rewrites the context loads
            // (xdp_md fields are u32 views of xdp_buff pointers), names the helpers, and inlines the
            // counters' map lookups (longer jumps over them).
            for (int i = 0; i < 20; i++) {
                String o = ours.get(i);
                String k = x.get(i);
                if (o.startsWith("call ")) {
                    assertTrue(k.startsWith("call " + (o.equals("call 54") ? "bpf_xdp_adjust_meta#" : "bpf_ktime_get_tai_ns#")),
                            i + ": " + k);
                } else if (o.matches("r\\d = \\*\\(u32 \\*\\)\\(r[16] \\+\\d+\\)")) {
                    assertTrue(k.matches("r\\d = \\*\\(u64 \\*\\)\\(r[16] \\+\\d+\\)"), i + ": " + k);
                    assertEquals(o.substring(0, 2), k.substring(0, 2), i + ": " + k);
                } else if (o.contains(" goto pc")) {
                    // Jumps past the counting code span the kernel's inlined map lookups: other offsets.
                    assertEquals(o.substring(0, o.indexOf(" goto pc")), k.substring(0, k.indexOf(" goto pc")), "instruction " + i);
                } else {
                    assertEquals(o, k, "instruction " + i);
                }
            }
            // Both counters update the counters map; the redirect uses the XSKMAP.
            assertEquals(2, x.stream().filter(s -> s.equals("r1 = map[id:" + counters.id() + "]")).count(), String.join("\n", x));
            assertTrue(x.contains("r1 = map[id:" + map.id() + "]"), String.join("\n", x));
            assertTrue(x.contains("r1 = *(u64 *)(r0 +8)") && x.contains("*(u64 *)(r0 +0) = r1"), String.join("\n", x));
        }
    }

    @Test
    @Privileged(tools = "bpftool")
    void fragsFilterAndStampsLoadTogetherAndCloseTakesTheCounters() throws Exception {
        ProgramSpec spec = new ProgramSpec(IPV4, TimestampClock.BOOTTIME, true);
        RedirectProgram prog;
        try (XskMap map = XskMap.create(1)) {
            prog = RedirectProgram.load(map, spec);
        }
        assertTrue(prog.frags());
        assertEquals(spec, prog.spec());
        assertTrue(prog.toString().contains("filter 'ip'") && prog.toString().contains("stamps BOOTTIME"), prog.toString());
        ProgramCounters counters = prog.counters().orElseThrow();
        int countersId = counters.id();
        prog.close();
        prog.close();
        assertThrows(XdpClosedException.class, counters::read);
        for (int i = 0; i < 100 && Bpftool.mapShow(countersId).exitCode() == 0; i++) Thread.sleep(20);
        assertTrue(Bpftool.mapShow(countersId).exitCode() != 0, "counters map " + countersId + " outlived its program");
        // Filters that can never match or never reject still make valid programs.
        try (XskMap map = XskMap.create(1);
             RedirectProgram none = RedirectProgram.load(map, ProgramSpec.PLAIN.withFilter(NOTHING));
             RedirectProgram all = RedirectProgram.load(map, ProgramSpec.PLAIN.withFilter(EVERYTHING))) {
            assertTrue(none.counters().isPresent() && all.counters().isPresent());
        }
    }
}

package io.xdppacket.internal.bpf;

import io.xdppacket.testing.Bpftool;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectProgramTest {

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
}

package io.xdppacket.internal.filter;

import io.xdppacket.internal.bpf.Insn;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import io.xdppacket.testing.VethPair;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.xdppacket.internal.filter.ClassicInsn.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the translation emits and what it refuses; the kernel's verdict on it is in {@link XdpFilterKernelTest}. */
class ClassicTranslatorTest {

    private static List<String> text(XdpFilter f) {
        return f.instructions().stream().map(Insn::toString).toList();
    }

    private static ClassicProgram program(ClassicInsn... insns) {
        return new ClassicProgram(List.of(insns));
    }

    @Test
    void boundsAreCheckedOncePerPathAndIndirectLoadsBoundXFirst() throws Exception {
        // tcp[13] == 18: ldh [12], ldb [23], ldh [20], ldxb 4*([14]&0xf), ldb [x + 27] ...
        XdpFilter f = XdpFilter.compile("tcp[13] == 18");
        assertEquals("""
                (000) ldh      [12]
                (001) jeq      #0x800           jt 2	jf 10
                (002) ldb      [23]
                (003) jeq      #0x6             jt 4	jf 10
                (004) ldh      [20]
                (005) jset     #0x1fff          jt 10	jf 6
                (006) ldxb     4*([14]&0xf)
                (007) ldb      [x + 27]
                (008) jeq      #0x12            jt 9	jf 10
                (009) ret      #262144
                (010) ret      #0
                """, f.classic().toImage());
        assertEquals(List.of(
                "r2 = *(u32 *)(r1 +0)",          // data
                "r3 = *(u32 *)(r1 +4)",          // data_end
                "r0 = r2",
                "r0 += 14",
                "if r0 > r3 goto pc+21",         // 14 bytes for ldh [12], else no match
                "r4 = *(u16 *)(r2 +12)",
                "r4 = be16 r4",
                "if w4 != 0x800 goto pc+18",
                "r0 = r2",
                "r0 += 24",
                "if r0 > r3 goto pc+15",         // 24 bytes for ldb [23] ...
                "r4 = *(u8 *)(r2 +23)",
                "if w4 != 0x6 goto pc+13",
                "r4 = *(u16 *)(r2 +20)",         // ... which cover ldh [20] and ldxb [14]: no check
                "r4 = be16 r4",
                "if w4 & 0x1fff goto pc+10",
                "r5 = *(u8 *)(r2 +14)",
                "w5 &= 15",
                "w5 <<= 2",
                "w0 = w5",                       // ldb [x + 27]: X bounded (0xffff - 28), then data + X + 28 checked
                "if r0 > 0xffe3 goto pc+5",
                "r0 += r2",
                "r0 += 28",
                "if r0 > r3 goto pc+2",
                "r4 = *(u8 *)(r0 -1)",
                "if w4 == 0x12 goto pc+2",       // match: past the no-match return, out of the fragment
                "r0 = 2",                        // no match: XDP_PASS
                "exit"), text(f));
    }

    @Test
    void valuesReadBeforeAnyWriteAreZeroedAtTheStartOnly() {
        // ldx M[2] on a path where M[2] may be unwritten; A read by ret A before any load.
        XdpFilter f = XdpFilter.of(program(
                new ClassicInsn(BPF_LD | BPF_W | BPF_LEN, 0, 0, 0),
                new ClassicInsn(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 60),
                new ClassicInsn(BPF_ST, 0, 0, 2),
                new ClassicInsn(BPF_LDX | BPF_MEM, 0, 0, 2),
                new ClassicInsn(BPF_MISC | BPF_TXA, 0, 0, 0),
                new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)), "test");
        List<String> t = text(f);
        assertTrue(t.contains("*(u32 *)(r10 -56) = 0"), String.join("\n", t));   // M[2] = r10 - 64 + 8
        assertFalse(t.contains("w4 = 0") || t.contains("w5 = 0"), String.join("\n", t));
        // Written on every path before it is read: no zeroing.
        XdpFilter g = XdpFilter.of(program(
                new ClassicInsn(BPF_LD | BPF_IMM, 0, 0, 1),
                new ClassicInsn(BPF_ST, 0, 0, 2),
                new ClassicInsn(BPF_LDX | BPF_MEM, 0, 0, 2),
                new ClassicInsn(BPF_MISC | BPF_TXA, 0, 0, 0),
                new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)), "test");
        assertFalse(text(g).stream().anyMatch(s -> s.endsWith(" = 0") && s.startsWith("*(")), String.join("\n", text(g)));
        // X read (jeq x) before anything set it: zeroed.
        XdpFilter h = XdpFilter.of(program(
                new ClassicInsn(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0),
                new ClassicInsn(BPF_RET | BPF_K, 0, 0, 1),
                new ClassicInsn(BPF_RET | BPF_K, 0, 0, 0)), "test");
        assertEquals(List.of("w4 = 0", "w5 = 0"), text(h).subList(0, 2));
    }

    @Test
    void loadsFarIntoThePacketUseAPointerAndLoadsBeyondItsLimitNeverMatch() {
        XdpFilter far = XdpFilter.of(program(
                new ClassicInsn(BPF_LD | BPF_B | BPF_ABS, 0, 0, 40000),
                new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)), "test");
        List<String> t = text(far);
        assertTrue(t.contains("r0 += 40001") && t.contains("r4 = *(u8 *)(r0 -1)"), String.join("\n", t));
        XdpFilter beyond = XdpFilter.of(program(
                new ClassicInsn(BPF_LD | BPF_H | BPF_ABS, 0, 0, 0xfffe),
                new ClassicInsn(BPF_RET | BPF_K, 0, 0, 1)), "test");
        assertEquals(List.of("r0 = 2", "exit"), text(beyond), "no frame is 64 KiB at XDP: never in bounds");
    }

    @Test
    void deadClassicCodeIsNotTranslated() {
        XdpFilter f = XdpFilter.of(program(
                new ClassicInsn(BPF_RET | BPF_K, 0, 0, 1),
                new ClassicInsn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 12),
                new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)), "test");
        assertEquals(List.of(), text(f), "accepts everything: nothing to run, every frame falls through");
    }

    @Test
    void realWorldProgramsXdpCannotRunAreRefusedNamingTheInstruction() throws Exception {
        // libpcap compiles direction tests to a load of the socket buffer's packet type.
        var e = assertThrows(IllegalArgumentException.class, () -> XdpFilter.compile("inbound"));
        assertEquals("filter 'inbound': cannot run at XDP: classic BPF instruction (000) ldh [type] reads Linux "
                + "ancillary data SKF_AD_OFF+4 (type), which socket filters get from the kernel's socket buffer; an XDP "
                + "program sees only the frame's bytes (compile the expression for a capture file, e.g. with "
                + "pcap_open_dead, not for a live interface)", e.getMessage());
        // protochain walks the IPv6 header chain with a loop.
        e = assertThrows(IllegalArgumentException.class, () -> XdpFilter.compile("ip6 protochain 6"));
        assertEquals("filter 'ip6 protochain 6': cannot run at XDP: classic BPF instruction (018) ja 4 jumps backward "
                + "(a loop, as libpcap makes for 'protochain'); an XDP filter must be loop-free", e.getMessage());
    }

    @Test
    @Privileged(tools = {"tcpdump", "ip"})
    void tcpdumpOnALiveInterfaceCompilesVlanToAncillaryLoads() {
        try (VethPair veth = VethPair.create()) {
            // Live, libpcap lets the kernel's VLAN offload answer 'vlan': SKF_AD_VLAN_TAG_PRESENT.
            String ddd = Tools.run("ip", "netns", "exec", veth.nsA(), "tcpdump", "-i", "lo", "-ddd", "vlan 100").stdout();
            var e = assertThrows(IllegalArgumentException.class, () -> XdpFilter.parseDddText(ddd));
            assertTrue(e.getMessage().startsWith("classic BPF program (" + ClassicProgram.parseDddText(ddd).size()
                    + " instructions): cannot run at XDP: classic BPF instruction (000) ldb [vlanp] reads Linux ancillary "
                    + "data SKF_AD_OFF+48 (vlanp)"), e.getMessage());
        }
    }

    @Test
    void handMadeProgramsAreRefusedWithTheReason() {
        assertEquals("cannot run at XDP: classic BPF instruction (000) ld [-1048562] reads relative to Linux's network "
                + "header (SKF_NET_OFF+14), which only socket filters have",
                refusal(new ClassicInsn(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_NET_OFF + 14), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) ldb [x + -2097152] reads relative to Linux's "
                + "link-layer header (SKF_LL_OFF+0), which only socket filters have",
                refusal(new ClassicInsn(BPF_LD | BPF_B | BPF_IND, 0, 0, SKF_LL_OFF), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) ld [vlan_tpid] reads Linux ancillary data "
                + "SKF_AD_OFF+60 (vlan_tpid), which socket filters get from the kernel's socket buffer; an XDP program "
                + "sees only the frame's bytes (compile the expression for a capture file, e.g. with pcap_open_dead, not "
                + "for a live interface)", refusal(new ClassicInsn(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF + 60), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) st M[16] scratch memory M[16] does not exist "
                + "(classic BPF has M[0] to M[15])", refusal(new ClassicInsn(BPF_ST, 0, 0, 16), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) unimp 0xe opcode 0xe is not a classic BPF "
                + "instruction this translation knows", refusal(new ClassicInsn(BPF_RET | BPF_X, 0, 0, 0)));
        assertEquals("cannot run at XDP: classic BPF instruction (000) unimp 0x55 opcode 0x55 is not a classic BPF "
                + "instruction this translation knows", refusal(new ClassicInsn(BPF_JMP | 0x50, 0, 0, 0), ret(), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) div #0 divides by the constant 0 (the kernel and "
                + "libpcap refuse such programs too)", refusal(new ClassicInsn(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) lsh #32 shifts a 32-bit value by 32 bits (the "
                + "kernel and libpcap refuse shifts by a constant of 32 or more)",
                refusal(new ClassicInsn(BPF_ALU | BPF_LSH | BPF_K, 0, 0, 32), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (002) ld #0x1 is the last instruction and not a "
                + "return: the program runs off its end", refusal(new ClassicInsn(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 1),
                ret(), new ClassicInsn(BPF_LD | BPF_IMM, 0, 0, 1)));
        // The same instruction where no path reaches it is harmless.
        XdpFilter.of(program(ret(), new ClassicInsn(BPF_LD | BPF_IMM, 0, 0, 1)), "p");
        assertEquals("cannot run at XDP: classic BPF instruction (000) jeq #0x1 jt 3 jf 1 jumps past the end of the "
                + "program", refusal(new ClassicInsn(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1), ret()));
        assertEquals("cannot run at XDP: classic BPF instruction (000) ja 2 jumps past the end of the program",
                refusal(new ClassicInsn(BPF_JMP | BPF_JA, 0, 0, 1), ret()));
    }

    private static ClassicInsn ret() {
        return new ClassicInsn(BPF_RET | BPF_K, 0, 0, 1);
    }

    private static String refusal(ClassicInsn... insns) {
        String m = assertThrows(IllegalArgumentException.class, () -> XdpFilter.of(program(insns), "p")).getMessage();
        assertTrue(m.startsWith("p: "), m);
        return m.substring(3);
    }
}

package io.xdppacket.internal.filter;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.xdppacket.internal.filter.ClassicInsn.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading {@code tcpdump -ddd} text and printing instructions; no kernel, no libpcap. */
class ClassicProgramTest {
    /** {@code tcpdump -ddd ip}, as tcpdump 4.99.3 printed it. */
    static final String IP = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n";

    @Test
    void dddTextIsReadAndWrittenBack() {
        ClassicProgram p = ClassicProgram.parseDddText(IP);
        assertEquals(List.of(new ClassicInsn(0x28, 0, 0, 12), new ClassicInsn(0x15, 0, 1, 0x800),
                new ClassicInsn(6, 0, 0, 262144), new ClassicInsn(6, 0, 0, 0)), p.instructions());
        assertEquals(IP, p.toDddText());
        // Unsigned k as tcpdump prints it, or signed; blank lines and spaces around are fine.
        ClassicProgram q = ClassicProgram.parseDddText("\n 2\n48 0 0 4294963248\n  6 0 0 -1  \n\n");
        assertEquals(new ClassicInsn(0x30, 0, 0, -4048), q.get(0));
        assertEquals(0xffff_ffffL, q.get(1).unsignedK());
        assertEquals("2\n48 0 0 4294963248\n6 0 0 4294967295\n", q.toDddText());
    }

    @Test
    void badTextIsRefusedNamingTheLine() {
        assertEquals("classic BPF text, line 3 '21 0 1': expected four numbers 'code jt jf k', got 3 fields",
                refusal("4\n40 0 0 12\n21 0 1\n6 0 0 262144\n6 0 0 0\n"));
        assertEquals("classic BPF text, line 2 '40 0 0 0x0c': k '0x0c' is not a decimal number",
                refusal("1\n40 0 0 0x0c\n"));
        assertEquals("classic BPF text, line 2 '40 300 0 12': jt 300 out of 0..255", refusal("1\n40 300 0 12\n"));
        assertEquals("classic BPF text, line 2 '70000 0 0 12': code 70000 out of 0..65535", refusal("1\n70000 0 0 12\n"));
        assertEquals("classic BPF text, line 2 '6 0 0 4294967296': k 4294967296 out of -2147483648..4294967295",
                refusal("1\n6 0 0 4294967296\n"));
        assertEquals("classic BPF text, line 1 '(000) ldh [12]': expected the number of instructions (the first line "
                + "tcpdump -ddd prints), got 3 fields", refusal("(000) ldh [12]\n"));
        assertEquals("classic BPF text, line 1 'x': instruction count 'x' is not a decimal number", refusal("x\n"));
        assertEquals("classic BPF text, line 1 '0': instruction count 0 out of 1..65535", refusal("0\n"));
        assertEquals("line 1 announced 4 instructions, but the text has only 2 (cut short?)", refusal("4\n40 0 0 12\n6 0 0 0\n"));
        assertEquals("classic BPF text, line 3 '6 0 0 0': line 1 announced 1 instructions, but more lines follow",
                refusal("1\n6 0 0 1\n6 0 0 0\n"));
        assertEquals("no classic BPF program: the text is empty (expected tcpdump -ddd output)", refusal(" \n\n"));
    }

    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> ClassicProgram.parseDddText(text)).getMessage();
    }

    @Test
    void instructionsPrintAsTcpdumpDashD() {
        assertEquals("(000) ldh      [12]", new ClassicInsn(BPF_LD | BPF_H | BPF_ABS, 0, 0, 12).image(0));
        assertEquals("(001) jeq      #0x800           jt 2\tjf 5", new ClassicInsn(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0x800).image(1));
        assertEquals("(007) ldxb     4*([14]&0xf)", new ClassicInsn(BPF_LDX | BPF_MSH | BPF_B, 0, 0, 14).image(7));
        assertEquals("(003) add      #-294967296", new ClassicInsn(BPF_ALU | BPF_ADD | BPF_K, 0, 0, -294967296).image(3));
        assertEquals("(003) or       #0x80000000", new ClassicInsn(BPF_ALU | BPF_OR | BPF_K, 0, 0, 0x80000000).image(3));
        assertEquals("(018) ja       4", new ClassicInsn(BPF_JMP | BPF_JA, 0, 0, -15).image(18));
        assertEquals("(000) ldb      [vlanp]", new ClassicInsn(BPF_LD | BPF_B | BPF_ABS, 0, 0, SKF_AD_OFF + 48).image(0));
        assertEquals("(000) ld       [ifidx]", new ClassicInsn(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF + 8).image(0));
        assertEquals("(000) ld       [-1048576]", new ClassicInsn(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_NET_OFF).image(0));
        assertEquals("(004) ret      ", new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0).image(4));
        assertEquals("(002) unimp    0xe", new ClassicInsn(BPF_RET | BPF_X, 0, 0, 0).image(2));
        assertEquals("(002) unimp    0x55", new ClassicInsn(BPF_JMP | 0x50, 0, 0, 0).image(2));
        assertEquals("{ 0x28, 0, 0, 0x0000000c }", new ClassicInsn(0x28, 0, 0, 12).toString());
    }

    @Test
    void fieldsAreRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ClassicInsn(0x10000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassicInsn(6, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassicInsn(6, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassicProgram(List.of()));
    }
}

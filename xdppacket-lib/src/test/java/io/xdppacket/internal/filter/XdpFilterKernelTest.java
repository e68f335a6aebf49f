package io.xdppacket.internal.filter;

import io.xdppacket.internal.bpf.Insn;
import io.xdppacket.testing.Privileged;
import io.xdppacket.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.xdppacket.internal.filter.ClassicInsn.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The translation run by the kernel ({@code BPF_PROG_TEST_RUN}) against libpcap's own classic
 * interpreter ({@code bpf_filter}) on the same bytes: every (program, frame) pair must agree, and
 * the verifier must accept every program.
 */
@Privileged(tools = Tools.PYTHON + ":scapy")
class XdpFilterKernelTest {
    private static final Pattern PROCESSED = Pattern.compile("processed (\\d+) insns");

    @TempDir
    static Path dir;
    static List<byte[]> wellFormed;
    static List<byte[]> frames;

    @BeforeAll
    static void corpus() throws Exception {
        wellFormed = FrameCorpus.wellFormed(dir);
        frames = new ArrayList<>(wellFormed);
        List<byte[]> truncated = new ArrayList<>();
        for (int i = 0; i < wellFormed.size(); i += 6) truncated.add(wellFormed.get(i));
        frames.addAll(FrameCorpus.truncations(truncated, FilterHarness.MIN_FRAME));
        frames.addAll(FrameCorpus.random(400, FilterHarness.MIN_FRAME, 20261124));
    }

    @Test
    void everyExpressionAgreesWithLibpcapOnEveryFrame() throws Exception {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(
                "%n%s, %d frames (%d from scapy, the rest truncations and random bytes)%n"
                        + "| expression | cBPF | eBPF | verifier processed | frames matched |%n|---|---:|---:|---:|---:|%n",
                Libpcap.version(), frames.size(), wellFormed.size()));
        int cbpfTotal = 0;
        int ebpfTotal = 0;
        for (String expression : FilterExpressions.ALL) {
            XdpFilter filter = XdpFilter.compile(expression);
            String stats = FilterHarness.verifierStats(filter);
            Matcher m = PROCESSED.matcher(stats);
            assertTrue(m.find(), stats);
            int matched = 0;
            int wellFormedMatched = 0;
            try (FilterHarness h = FilterHarness.load(filter)) {
                for (int i = 0; i < frames.size(); i++) {
                    byte[] frame = frames.get(i);
                    boolean reference = Libpcap.filter(filter.classic(), frame) != 0;
                    boolean kernel = h.matches(frame);
                    if (kernel != reference) {
                        failures.add("'" + expression + "' on frame " + i + " (" + frame.length + " bytes "
                                + HexFormat.of().formatHex(frame) + "): libpcap " + reference + ", XDP " + kernel);
                    }
                    if (kernel) {
                        matched++;
                        if (i < wellFormed.size()) wellFormedMatched++;
                    }
                }
            }
            // The corpus must exercise both ways, or this expression's check proves nothing.
            if (wellFormedMatched == 0 || wellFormedMatched == wellFormed.size()) {
                failures.add("'" + expression + "' matched " + wellFormedMatched + " of the " + wellFormed.size()
                        + " well-formed frames: the corpus does not test it");
            }
            int cbpf = filter.classic().size();
            int ebpf = Insn.slotCount(filter.instructions());
            cbpfTotal += cbpf;
            ebpfTotal += ebpf;
            String shown = expression.length() <= 70 ? expression
                    : expression.substring(0, 60) + "... (" + expression.length() + " chars)";
            table.append(String.format("| `%s` | %d | %d | %s | %d |%n", shown, cbpf, ebpf, m.group(1), matched));
        }
        table.append(String.format("| total (%d expressions) | %d | %d | | |%n", FilterExpressions.ALL.size(),
                cbpfTotal, ebpfTotal));
        System.out.println(table);
        assertTrue(FilterExpressions.ALL.size() >= 40);
        if (!failures.isEmpty()) {
            fail(failures.size() + " disagreements, first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(30, failures.size()))));
        }
    }

    /**
     * Random classic programs using every instruction the translation takes, at offsets near its
     * limits (the 16-bit instruction offset, the verifier's 0xffff packet offset), against libpcap.
     */
    @Test
    void randomClassicProgramsAgreeWithLibpcap() throws Exception {
        Random r = new Random(42);
        List<byte[]> sample = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += 9) sample.add(frames.get(i));
        byte[] big = new byte[3000];
        r.nextBytes(big);
        sample.add(big);
        List<String> failures = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            ClassicProgram program = RandomClassic.program(r);
            XdpFilter filter = XdpFilter.of(program, "random program " + p);
            try (FilterHarness h = FilterHarness.load(filter)) {
                for (byte[] frame : sample) {
                    boolean reference = Libpcap.filter(program, frame) != 0;
                    boolean kernel = h.matches(frame);
                    if (kernel != reference) {
                        failures.add("program " + p + ":\n" + program.toImage() + program.toDddText() + "on " + frame.length + " bytes "
                                + HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 64))
                                + ": libpcap " + reference + ", XDP " + kernel);
                        break;
                    }
                }
            } catch (Exception e) {
                throw new AssertionError("program " + p + ":\n" + program.toImage(), e);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " programs disagree, first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
        }
    }

    /** What libpcap's interpreter cannot be the reference for: scratch memory read before any write. */
    @Test
    void scratchMemoryAndRegistersStartAtZero() throws Exception {
        // A = M[3] + X (nothing written yet: 0 + 0); match iff A == 0. Classic BPF zeroes them;
        // the verifier would refuse the uninitialised reads if the translation did not.
        ClassicProgram p = new ClassicProgram(List.of(
                new ClassicInsn(BPF_LD | BPF_MEM, 0, 0, 3),
                new ClassicInsn(BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0),
                new ClassicInsn(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
                new ClassicInsn(BPF_RET | BPF_K, 0, 0, 1),
                new ClassicInsn(BPF_RET | BPF_K, 0, 0, 0)));
        try (FilterHarness h = FilterHarness.load(XdpFilter.of(p, "zero start"))) {
            for (byte[] frame : List.of(new byte[14], wellFormed.get(0))) {
                assertTrue(h.matches(frame), frame.length + " bytes");
            }
        }
        // Written on one path only: the other path must still read 0.
        ClassicProgram q = new ClassicProgram(List.of(
                new ClassicInsn(BPF_LD | BPF_W | BPF_LEN, 0, 0, 0),
                new ClassicInsn(BPF_JMP | BPF_JGT | BPF_K, 2, 0, 20),   // len > 20: skip the store
                new ClassicInsn(BPF_LD | BPF_IMM, 0, 0, 7),
                new ClassicInsn(BPF_ST, 0, 0, 5),
                new ClassicInsn(BPF_LD | BPF_MEM, 0, 0, 5),
                new ClassicInsn(BPF_RET | BPF_A, 0, 0, 0)));
        try (FilterHarness h = FilterHarness.load(XdpFilter.of(q, "one path writes"))) {
            assertTrue(h.matches(new byte[20]), "short frame: M[5] = 7");
            assertEquals(false, h.matches(new byte[21]), "long frame: M[5] never written, 0");
        }
    }

    /** The kernel runs what the fragment says, not a program that happens to agree: the xlated dump has no LD_ABS. */
    @Test
    void translatedProgramsUseDirectPacketAccessOnly() throws Exception {
        XdpFilter filter = XdpFilter.compile("tcp port 80 and ip[6] & 0x20 = 0");
        try (FilterHarness h = FilterHarness.load(filter)) {
            for (Insn i : h.program()) {
                int cls = i.instructionClass();
                int mode = i.opcode() & 0xe0;
                // BPF_LD with mode ABS (0x20) or IND (0x40): the legacy packet loads XDP may not use.
                assertTrue(cls != Insn.BPF_LD || (mode != 0x20 && mode != 0x40), i.toString());
            }
        }
    }
}

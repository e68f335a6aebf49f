package io.xdppacket.internal.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * A classic BPF program: what libpcap's {@code pcap_compile()} makes of a pcap-filter expression
 * ({@link Libpcap#compile}), or what {@code tcpdump -ddd EXPRESSION} printed on a host that has
 * libpcap, for one that has not ({@link #parseDddText}). It runs on the frame from its first byte
 * (the Ethernet header, for the programs this library compiles) and returns a number: 0 rejects the
 * frame, anything else accepts it.
 *
 * <p>Immutable. Nothing is checked here beyond the fields' ranges: {@link XdpFilter} says what it
 * cannot translate.
 *
 * @param instructions at least one
 */
public record ClassicProgram(List<ClassicInsn> instructions) {

    /** @throws IllegalArgumentException if there is no instruction */
    public ClassicProgram {
        instructions = List.copyOf(instructions);
        if (instructions.isEmpty()) throw new IllegalArgumentException("a classic BPF program needs at least one instruction");
    }

    /** Number of instructions. */
    public int size() {
        return instructions.size();
    }

    /** Instruction {@code index}. */
    public ClassicInsn get(int index) {
        return instructions.get(index);
    }

    /**
     * Reads the program as {@code tcpdump -ddd EXPRESSION} prints it: the first line is the number
     * of instructions, then one line per instruction with four decimal numbers, {@code code jt jf k}.
     * Blank lines and spaces around the numbers are ignored; {@code k} may be written unsigned
     * (as tcpdump does) or signed.
     *
     * @throws IllegalArgumentException naming the line (1-based) and what is wrong with it
     */
    public static ClassicProgram parseDddText(String text) {
        List<String> lines = text.lines().toList();
        int lineNo = 0;
        int count = -1;
        List<ClassicInsn> insns = new ArrayList<>();
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            if (count < 0) {
                if (f.length != 1) {
                    throw new IllegalArgumentException(where(lineNo, raw) + "expected the number of instructions "
                            + "(the first line tcpdump -ddd prints), got " + f.length + " fields");
                }
                count = (int) number(f[0], 1, 65535, "instruction count", lineNo, raw);
                continue;
            }
            if (insns.size() == count) {
                throw new IllegalArgumentException(where(lineNo, raw) + "line 1 announced " + count
                        + " instructions, but more lines follow");
            }
            if (f.length != 4) {
                throw new IllegalArgumentException(where(lineNo, raw) + "expected four numbers 'code jt jf k', got "
                        + f.length + " fields");
            }
            insns.add(new ClassicInsn(
                    (int) number(f[0], 0, 0xffff, "code", lineNo, raw),
                    (int) number(f[1], 0, 0xff, "jt", lineNo, raw),
                    (int) number(f[2], 0, 0xff, "jf", lineNo, raw),
                    (int) number(f[3], Integer.MIN_VALUE, 0xffff_ffffL, "k", lineNo, raw)));
        }
        if (count < 0) throw new IllegalArgumentException("no classic BPF program: the text is empty (expected tcpdump -ddd output)");
        if (insns.size() < count) {
            throw new IllegalArgumentException("line 1 announced " + count + " instructions, but the text has only "
                    + insns.size() + " (cut short?)");
        }
        return new ClassicProgram(insns);
    }

    private static long number(String s, long min, long max, String field, int lineNo, String raw) {
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where(lineNo, raw) + field + " '" + s + "' is not a decimal number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(where(lineNo, raw) + field + " " + v + " out of " + min + ".." + max);
        }
        return v;
    }

    private static String where(int lineNo, String raw) {
        return "classic BPF text, line " + lineNo + " '" + raw.strip() + "': ";
    }

    /** The program in {@code tcpdump -ddd}'s format: {@link #parseDddText} reads it back unchanged. */
    public String toDddText() {
        StringBuilder b = new StringBuilder().append(size()).append('\n');
        for (ClassicInsn i : instructions) {
            b.append(i.code()).append(' ').append(i.jt()).append(' ').append(i.jf()).append(' ')
                    .append(i.unsignedK()).append('\n');
        }
        return b.toString();
    }

    /** The program as {@code tcpdump -d} prints it, one line per instruction. */
    public String toImage() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size(); i++) b.append(instructions.get(i).image(i)).append('\n');
        return b.toString();
    }
}

package io.xdppacket.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Debian's {@code bpftool} says about loaded BPF objects: the kernel's view, independent of our code. */
public final class Bpftool {
    private Bpftool() {}

    private static final Pattern DISASM = Pattern.compile("\"disasm\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The instructions the kernel holds for program {@code progId} after verification, one string
     * per instruction as {@code bpftool prog dump xlated} prints it: {@code "(61) r2 = *(u32 *)(r2 +8)"}.
     * An {@code ld_imm64} is one entry.
     */
    public static List<String> xlated(int progId) {
        String json = Tools.run("bpftool", "-j", "prog", "dump", "xlated", "id", Integer.toString(progId)).stdout();
        List<String> out = new ArrayList<>();
        Matcher m = DISASM.matcher(json);
        while (m.find()) out.add(unescape(m.group(1)));
        if (out.isEmpty()) throw new IllegalStateException("no instructions in bpftool's answer: " + json);
        return out;
    }

    /** {@code bpftool -j map show id N}, raw JSON; exit status 255 when there is no such map. */
    public static Tools.Result mapShow(int mapId) {
        return Tools.run(List.of("bpftool", "-j", "map", "show", "id", Integer.toString(mapId)));
    }

    /** {@code bpftool -j prog show id N}, raw JSON; exit status 255 when there is no such program. */
    public static Tools.Result progShow(int progId) {
        return Tools.run(List.of("bpftool", "-j", "prog", "show", "id", Integer.toString(progId)));
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

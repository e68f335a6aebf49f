package io.xdppacket.testing;

import io.xdppacket.testing.Tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Wireshark's command-line decoder as an independent reader of our frames and capture files. */
public final class Tshark {
    private Tshark() {}

    private static final Pattern FRAME_RAW = Pattern.compile("\"frame_raw\":\\s*\\[\\s*\"([0-9a-f]*)\"");

    /**
     * One row per frame: the values of {@code fields}, in order ({@code -T fields}). Checksums are
     * verified, so {@code ip.checksum.status} and {@code udp.checksum.status} say 1 (good) or 0 (bad).
     */
    public static List<String[]> fields(Path capture, String... fields) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        String out = Tools.run(cmd).orThrow(cmd).stdout();
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n", -1)) {
            if (!line.isEmpty()) rows.add(line.split("\t", -1));
        }
        return rows;
    }

    /** The captured bytes of every frame, in order ({@code -T json -x}). */
    public static List<byte[]> frames(Path capture) {
        List<String> cmd = List.of("tshark", "-n", "-r", capture.toString(), "-T", "json", "-x");
        String out = Tools.run(cmd).orThrow(cmd).stdout();
        List<byte[]> frames = new ArrayList<>();
        Matcher m = FRAME_RAW.matcher(out);
        while (m.find()) frames.add(HexFormat.of().parseHex(m.group(1)));
        return frames;
    }

    /** A timestamp in nanoseconds since the epoch as tshark prints {@code frame.time_epoch}: s.nnnnnnnnn. */
    public static String epoch(long nanos) {
        return String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
}

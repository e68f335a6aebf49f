package io.xdppacket.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Comparisons of sets of frames, for tests that check who got which frame: the socket, or the kernel's stack. */
public final class FrameSets {
    private FrameSets() {}

    /**
     * The frames of {@code sent} that {@code selected} leaves out; {@code selected} must be a
     * subsequence of {@code sent} (as {@code tcpdump -r} writes the frames it selects).
     */
    public static List<byte[]> rest(List<byte[]> sent, List<byte[]> selected) {
        List<byte[]> rest = new ArrayList<>();
        int j = 0;
        for (byte[] f : sent) {
            if (j < selected.size() && Arrays.equals(f, selected.get(j))) j++;
            else rest.add(f);
        }
        if (j != selected.size()) throw new IllegalStateException("the selection is not a subsequence of the frames sent");
        return rest;
    }

    /**
     * What is wrong with {@code got}, as frames {@code who} received, if it is not exactly the frames
     * of {@code expected}, byte-identical, in any order; null if it is.
     */
    public static String mismatch(String who, List<byte[]> expected, List<byte[]> got) {
        List<String> missing = new ArrayList<>(hex(expected));
        for (String h : hex(got)) missing.remove(h);
        List<String> extra = new ArrayList<>(hex(got));
        for (String w : hex(expected)) extra.remove(w);
        if (missing.isEmpty() && extra.isEmpty()) return null;
        return who + " got " + got.size() + " frames, expected " + expected.size() + "; missing " + missing.size() + " "
                + shortList(missing) + ", unexpected " + extra.size() + " " + shortList(extra);
    }

    /**
     * Whether the frames of {@code got} come in the order they have in {@code expected} (each frame
     * once there): frames of one queue arrive in the order they were sent.
     */
    public static boolean inOrder(List<byte[]> expected, List<byte[]> got) {
        int k = 0;
        for (byte[] e : expected) {
            if (k < got.size() && Arrays.equals(e, got.get(k))) k++;
        }
        return k == got.size();
    }

    private static List<String> hex(List<byte[]> frames) {
        return frames.stream().map(HexFormat.of()::formatHex).toList();
    }

    private static String shortList(List<String> frames) {
        return frames.stream().limit(3).map(h -> h.length() <= 64 ? h : h.substring(0, 64) + "...").toList().toString();
    }
}

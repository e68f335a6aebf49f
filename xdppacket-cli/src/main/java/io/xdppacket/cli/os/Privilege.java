package io.xdppacket.cli.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the command runs as root: the effective uid, from {@code /proc/self/status}. */
public final class Privilege {
    private Privilege() {}

    /** True if the effective uid is 0; false also where {@code /proc} cannot tell. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                // "Uid:\treal\teffective\tsaved\tfilesystem"
                if (line.startsWith("Uid:")) return line.substring(4).trim().split("\\s+")[1].equals("0");
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}

package io.xdppacket.cli.os;

/** Whether the process's standard streams are terminals, as {@code isatty(3)} says. */
public final class Tty {
    private Tty() {}

    /** File descriptors of the standard output and error streams. */
    public static final int STDOUT = 1, STDERR = 2;

    /** True if {@code fd} is open on a terminal; false for a pipe, a file, {@code /dev/null} or a closed fd. */
    public static boolean isTerminal(int fd) {
        return OsCalls.isatty(fd);
    }
}

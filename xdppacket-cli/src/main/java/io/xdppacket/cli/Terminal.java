package io.xdppacket.cli;

import io.xdppacket.cli.os.Tty;

/**
 * Which of the command's output streams a person is watching: a terminal behaves differently from a
 * pipe or a file. On a terminal the progress line is redrawn in place, and after Ctrl-C the summary
 * starts on a fresh line (the terminal has echoed {@code ^C} where the cursor was); into a pipe or a
 * file every progress line is a line of its own, for scripts and logs.
 *
 * @param out whether standard output is a terminal
 * @param err whether standard error is a terminal
 */
public record Terminal(boolean out, boolean err) {
    /** Neither stream is a terminal: the command writes lines for scripts (and for tests that capture it). */
    public static final Terminal NONE = new Terminal(false, false);

    /**
     * The real streams' state, from {@code isatty} on file descriptors 1 and 2. Where that cannot be
     * asked (no native access), as into pipes: the output stays correct, only less lively.
     */
    public static Terminal detect() {
        try {
            return new Terminal(Tty.isTerminal(Tty.STDOUT), Tty.isTerminal(Tty.STDERR));
        } catch (RuntimeException | LinkageError e) {
            return NONE;
        }
    }

    /** Whether either stream is a terminal, so that a person sees the command's output as it comes. */
    public boolean any() {
        return out || err;
    }
}

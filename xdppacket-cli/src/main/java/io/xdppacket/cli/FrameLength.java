package io.xdppacket.cli;

import io.xdppacket.cli.frame.UdpFrameBuilder;

/**
 * The length of the frames the command generates when {@code --size} is not given: one default for
 * {@code demo}, {@code send} and {@code bench}, and one wording of the option.
 */
public final class FrameLength {
    private FrameLength() {}

    /** Bytes of an Ethernet frame without FCS: the usual "64-byte frame" of packet-rate tests. */
    public static final int DEFAULT = 64;

    /** {@link #DEFAULT} for picocli's {@code defaultValue}. */
    public static final String DEFAULT_TEXT = "" + DEFAULT;

    /** The {@code --size} option's description. */
    public static final String DESCRIPTION = "Frame length without FCS, " + UdpFrameBuilder.MIN_FRAME_LENGTH + ".."
            + UdpFrameBuilder.MAX_FRAME_LENGTH + " bytes (default: " + DEFAULT + ").";

    /** Checks a {@code --size} value. */
    public static int check(int size) {
        if (size < UdpFrameBuilder.MIN_FRAME_LENGTH || size > UdpFrameBuilder.MAX_FRAME_LENGTH) {
            throw CliErrors.usage("--size " + size + ": must be between " + UdpFrameBuilder.MIN_FRAME_LENGTH + " and "
                    + UdpFrameBuilder.MAX_FRAME_LENGTH + " (bytes of an Ethernet frame without FCS)");
        }
        return size;
    }
}

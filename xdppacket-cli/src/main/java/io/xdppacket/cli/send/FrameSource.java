package io.xdppacket.cli.send;

import java.io.IOException;

/**
 * The frames {@code send} writes: generated, or replayed from a capture. The sender asks for a batch
 * with {@link #fill}, writes {@link #slots()} {@code [0, n)} (maybe over several calls, when the ring
 * is full) and reports what was taken with {@link #written}; it fills again only when the whole
 * batch is gone. Implementations allocate nothing per frame once warmed up.
 */
interface FrameSource {
    /** The frames of the last fill, each array exactly one frame. */
    byte[][] slots();

    /** Prepares up to {@code max} frames in {@code slots()[0..)}; returns how many, 0 when there are no more. */
    int fill(int max) throws IOException;

    /** {@code slots()[from .. from+count)} were taken by the socket; their arrays may be reused. */
    void written(int from, int count);
}

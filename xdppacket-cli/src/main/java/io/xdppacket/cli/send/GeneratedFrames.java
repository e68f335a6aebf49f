package io.xdppacket.cli.send;

import io.xdppacket.cli.frame.UdpFrameBuilder;
import io.xdppacket.cli.frame.UdpFrameSpec;

/**
 * Ethernet/IPv4/UDP frames of one {@link UdpFrameSpec}, numbered 0, 1, 2... (see {@link UdpFrameBuilder}
 * for where the number and the flow go). Each slot holds a whole frame from the start, so a fill only
 * patches the 16 bytes that change.
 */
final class GeneratedFrames implements FrameSource {
    private final UdpFrameBuilder builder;
    private final byte[][] slots;
    private long seq;

    GeneratedFrames(UdpFrameSpec spec, int batch) {
        builder = new UdpFrameBuilder(spec);
        slots = new byte[batch][spec.frameLength()];
        for (byte[] slot : slots) builder.write(slot, 0, 0);
    }

    @Override
    public byte[][] slots() {
        return slots;
    }

    @Override
    public int fill(int max) {
        int n = Math.min(max, slots.length);
        for (int i = 0; i < n; i++) builder.patch(slots[i], 0, seq++);
        return n;
    }

    @Override
    public void written(int from, int count) {
        // The slots are reused as they are.
    }
}

package io.xdppacket.cli.bench;

/**
 * One round of one row: our figures, C's (null when the row has no C counterpart or C was not
 * asked for), and the frame accounting of our side over the whole round.
 *
 * @param offered   frames our measured sender (send rows) or the feed into our receiver (receive rows) sent
 * @param delivered send rows: frames the peer's XDP program saw; receive rows: frames our receiver got plus
 *                  those the kernel counted as dropped on the way. Equal to {@code offered} when every frame
 *                  is accounted for.
 */
record Round(int round, String oursOn, Measure ours, Measure c, long offered, long delivered) {
    Double ratio() {
        return c == null || c.pps() <= 0 ? null : ours.pps() / c.pps();
    }

    boolean accounted() {
        return offered == delivered;
    }
}

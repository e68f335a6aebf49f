package io.xdppacket.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * Every second (by default), one per open socket or socket set: its counters so far and the
 * kernel's drop counters, so that a recording shows what a running application's sockets do.
 */
@Name("io.xdppacket.SocketStatistics")
@Label("AF_XDP Socket Statistics")
@Category({"xdppacket"})
@Description("Counters of an open AF_XDP socket, or of a multi-queue set (its total), since it opened")
@Period("1 s")
@StackTrace(false)
public final class SocketStatsEvent extends Event {
    @Label("Socket") public String socket;
    @Label("Interface") public String interfaceName;
    @Label("Queues") public int queues;
    @Label("Received Frames") public long rxPackets;
    @Label("Received Bytes") @DataAmount public long rxBytes;
    @Label("Sent Frames") @Description("Frames taken by writes") public long txPackets;
    @Label("Sent Bytes") @DataAmount public long txBytes;
    @Label("Completed Frames") public long txCompleted;
    @Label("Frames Dropped by the Driver") public long txDropped;
    @Label("Forwarded Frames") public long txForwarded;
    @Label("Kernel RX Drops") @Description("RX ring full, no FILL buffer, invalid descriptors") public long kernelRxDrops;
    @Label("Kernel RX Ring Full") public long kernelRxRingFull;
    @Label("Kernel FILL Ring Empty") public long kernelRxFillRingEmpty;
    @Label("Broken Frames Dropped") public long rxInvalid;
    @Label("Filter Matched") public long filterMatched;
    @Label("Filter Passed to the Stack") public long filterPassed;
}

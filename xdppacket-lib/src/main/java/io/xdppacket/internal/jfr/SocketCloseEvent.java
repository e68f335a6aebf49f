package io.xdppacket.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A socket or socket set closed, with its final counters; the duration is the time close took. */
@Name("io.xdppacket.SocketClose")
@Label("AF_XDP Socket Close")
@Category({"xdppacket"})
@Description("An AF_XDP socket, or multi-queue set, closed; the duration is the time close took")
public final class SocketCloseEvent extends Event {
    @Label("Socket") public String socket;
    @Label("Received Frames") public long rxPackets;
    @Label("Sent Frames") public long txPackets;
    @Label("Kernel RX Drops") public long kernelRxDrops;
}

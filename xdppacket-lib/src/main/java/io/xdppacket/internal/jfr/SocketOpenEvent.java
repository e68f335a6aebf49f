package io.xdppacket.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A socket or socket set opened: how, and how long opening took (the event's duration). */
@Name("io.xdppacket.SocketOpen")
@Label("AF_XDP Socket Open")
@Category({"xdppacket"})
@Description("An AF_XDP socket, or multi-queue set, opened; the duration is the time open took")
public final class SocketOpenEvent extends Event {
    @Label("Socket") public String socket;
    @Label("Interface") public String interfaceName;
    @Label("Queues") public int queues;
    @Label("XDP Mode") @Description("Where the XDP program runs: DRV or SKB (AUTO resolved)") public String mode;
    @Label("Mode Reason") public String modeReason;
    @Label("Zero-Copy") public boolean zeroCopy;
    @Label("Multi-Buffer") public boolean multiBuffer;
    @Label("Filter") public String filter;
    @Label("Options") public String options;
}

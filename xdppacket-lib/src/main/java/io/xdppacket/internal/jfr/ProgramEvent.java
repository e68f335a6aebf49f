package io.xdppacket.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The library's XDP program attached to, or detached from, an interface. */
@Name("io.xdppacket.XdpProgram")
@Label("XDP Program Attach/Detach")
@Category({"xdppacket"})
@Description("The library's XDP program attached to an interface, or detached from it")
public final class ProgramEvent extends Event {
    @Label("Action") @Description("attach or detach") public String action;
    @Label("Interface") public String interfaceName;
    @Label("Program Id") public int programId;
    @Label("XDP Mode") public String mode;
    @Label("Filter") public String filter;
    @Label("Through bpf_link") public boolean link;
}

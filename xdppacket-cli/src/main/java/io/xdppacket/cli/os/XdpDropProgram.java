package io.xdppacket.cli.os;

import io.xdppacket.XdpException;
import io.xdppacket.XdpMode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code return XDP_DROP;} attached to an interface in a network namespace through a bpf_link: the
 * kernel's cheapest way to take a frame, which the bench puts on the peer of a sender. Closing the
 * link fd detaches it (and a killed process's link goes with it).
 *
 * <p>Offsets are those of {@code union bpf_attr} in the kernel's uapi {@code linux/bpf.h} (6.1).
 */
public final class XdpDropProgram implements AutoCloseable {
    private static final int BPF_PROG_LOAD = 5, BPF_LINK_CREATE = 28;
    private static final int BPF_PROG_TYPE_XDP = 6, BPF_XDP = 37;
    private static final int XDP_FLAGS_SKB_MODE = 1 << 1, XDP_FLAGS_DRV_MODE = 1 << 2;
    // BPF_PROG_LOAD: prog_type, insn_cnt, insns, license, ..., prog_name[16] at 48, expected_attach_type at 68.
    private static final long PL_PROG_TYPE = 0, PL_INSN_CNT = 4, PL_INSNS = 8, PL_LICENSE = 16, PL_NAME = 48, PL_ATTACH_TYPE = 68;
    // BPF_LINK_CREATE: prog_fd, target_ifindex, attach_type, flags.
    private static final long LC_PROG_FD = 0, LC_TARGET_IFINDEX = 4, LC_ATTACH_TYPE = 8, LC_FLAGS = 12;
    /** {@code r0 = XDP_DROP (1); exit}: two 8-byte instructions (opcode, regs, off, imm), little-endian. */
    private static final long[] DROP = {0x0000_0001_0000_00b7L, 0x0000_0000_0000_0095L};
    private static final String NAME = "xdppkt_drop";

    private final int linkFd;

    private XdpDropProgram(int linkFd) {
        this.linkFd = linkFd;
    }

    /** Loads the program and attaches it to {@code ifname} in namespace {@code netns} in {@code mode}. */
    public static XdpDropProgram attach(String netns, String ifname, XdpMode mode) throws XdpException {
        int progFd = load();
        try (Arena arena = Arena.ofConfined(); NetNamespace in = NetNamespace.enter(netns)) {
            OsCalls.Result index = OsCalls.ifNameToIndex(ifname);
            if (index.failed()) throw failure("if_nametoindex(" + ifname + ")", index.errno());
            MemorySegment attr = OsCalls.bpfAttr(arena);
            attr.set(JAVA_INT, LC_PROG_FD, progFd);
            attr.set(JAVA_INT, LC_TARGET_IFINDEX, (int) index.value());
            attr.set(JAVA_INT, LC_ATTACH_TYPE, BPF_XDP);
            attr.set(JAVA_INT, LC_FLAGS, mode == XdpMode.SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
            OsCalls.Result link = OsCalls.bpf(BPF_LINK_CREATE, attr);
            if (link.failed()) throw failure("bpf(BPF_LINK_CREATE, " + ifname + ")", link.errno());
            return new XdpDropProgram((int) link.value());
        } finally {
            OsCalls.close(progFd);  // the link holds the program
        }
    }

    private static int load() throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocateFrom(JAVA_LONG, DROP);
            MemorySegment attr = OsCalls.bpfAttr(arena);
            attr.set(JAVA_INT, PL_PROG_TYPE, BPF_PROG_TYPE_XDP);
            attr.set(JAVA_INT, PL_INSN_CNT, DROP.length);
            attr.set(JAVA_LONG, PL_INSNS, insns.address());
            attr.set(JAVA_LONG, PL_LICENSE, arena.allocateFrom("Dual MIT/GPL").address());
            byte[] name = NAME.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, attr, JAVA_BYTE, PL_NAME, name.length);
            attr.set(JAVA_INT, PL_ATTACH_TYPE, BPF_XDP);
            OsCalls.Result fd = OsCalls.bpf(BPF_PROG_LOAD, attr);
            if (fd.failed()) throw failure("bpf(BPF_PROG_LOAD, XDP_DROP)", fd.errno());
            return (int) fd.value();
        }
    }

    private static XdpException failure(String call, int errno) {
        return new XdpException(call + " failed with errno " + errno);
    }

    /** Detaches: closing a bpf_link's last fd is enough. */
    @Override
    public void close() {
        OsCalls.close(linkFd);
    }
}

package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The BPF filesystem, where maps and programs are pinned by path. Systemd mounts it at
 * {@code /sys/fs/bpf} on most hosts; where it is missing (a container, a fresh mount namespace) it
 * is mounted there on demand. Note that {@code ip netns exec} gives its command a private
 * {@code /sys} without it.
 */
final class BpfFs {
    private BpfFs() {}

    /** The usual mount point. */
    static final Path DEFAULT = Path.of("/sys/fs/bpf");

    /**
     * Makes sure the directory of {@code pinPath} is on a bpffs: if it is {@code /sys/fs/bpf} (or below
     * it) and no bpffs is mounted there, mounts one.
     *
     * @throws XdpException if the directory is on another filesystem, or the mount fails
     */
    static void ensureMountedFor(Path pinPath) throws XdpException {
        Path dir = pinPath.toAbsolutePath().getParent();
        if (dir == null) throw new IllegalArgumentException(pinPath + ": a pin path needs a directory in a bpffs");
        if (isBpfFs(dir)) return;
        if (!dir.startsWith(DEFAULT)) {
            throw new XdpException(dir + " is not on a BPF filesystem: pin under " + DEFAULT + ", or mount one there first"
                    + " (mount -t bpf bpf " + dir + ")");
        }
        if (!isBpfFs(DEFAULT)) mount();
        if (!isBpfFs(dir)) throw new XdpException(dir + " does not exist in the BPF filesystem at " + DEFAULT + ": create it first");
    }

    private static boolean isBpfFs(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Libc.STATFS_SIZE, 8);
            if (Libc.statfs(Libc.allocateErrno(arena), arena.allocateFrom(dir.toString()), buf) < 0) return false;
            return buf.get(JAVA_LONG, 0) == Libc.BPF_FS_MAGIC;
        }
    }

    private static void mount() throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            MemorySegment bpf = arena.allocateFrom("bpf");
            if (Libc.mount(errno, bpf, arena.allocateFrom(DEFAULT.toString()), bpf, 0, MemorySegment.NULL) < 0) {
                throw SysCall.failure("mount(bpf, " + DEFAULT + ")", Libc.errno(errno), "could not mount the BPF filesystem");
            }
        }
    }

    /** Removes a pin; nothing to do if it is gone already. */
    static void unlink(String path) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.unlink(Libc.allocateErrno(arena), arena.allocateFrom(path));
        }
    }
}

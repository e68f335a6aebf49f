package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;
import io.xdppacket.XdpUnavailableException;
import io.xdppacket.XdpUnavailableException.Missing;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.internal.sys.SysCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntFunction;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code bpf(2)} commands we use: create, read and update maps, load a program, link it to an
 * interface, ask for object ids, run a program on given bytes ({@code BPF_PROG_TEST_RUN}). Each is {@code syscall(SYS_bpf, cmd, &attr, size)} on a zeroed
 * {@code union bpf_attr}, with {@code size} the end of the last field we fill (libbpf's
 * {@code offsetofend}): an older kernel then accepts the call as long as it knows those fields, and
 * zero-fills the rest itself.
 *
 * <p>Failures become {@link XdpException}s that name the command and its target. Callers that know
 * more about an errno than this class does pass a hint function (errno to advice, {@code null} when
 * it has none). {@code EPERM} becomes {@link XdpUnavailableException} ({@link Missing#PRIVILEGE}),
 * {@code ENOSYS} one with {@link Missing#KERNEL_FEATURE}.
 *
 * <p>Layouts and constants are those of the Debian 6.1 uapi {@code <linux/bpf.h>}.
 */
public final class Bpf {
    private Bpf() {}

    /**
     * {@code __NR_bpf}: 321 on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl), 280 on aarch64
     * (include/uapi/asm-generic/unistd.h). -1 elsewhere: calls fail with {@link Missing#OPERATING_SYSTEM}.
     */
    static final long SYS_BPF = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 321;
        case "aarch64" -> 280;
        default -> -1;
    };

    // ---- enum bpf_cmd -----------------------------------------------------------------------
    public static final int BPF_MAP_CREATE = 0;
    public static final int BPF_MAP_LOOKUP_ELEM = 1;
    public static final int BPF_MAP_UPDATE_ELEM = 2;
    public static final int BPF_MAP_DELETE_ELEM = 3;
    public static final int BPF_PROG_LOAD = 5;
    /** Runs a loaded program once (or {@code repeat} times) on given input, in the kernel (Linux 4.12; XDP ctx_in 5.15). */
    public static final int BPF_PROG_TEST_RUN = 10;
    public static final int BPF_OBJ_PIN = 6;
    public static final int BPF_OBJ_GET = 7;
    public static final int BPF_OBJ_GET_INFO_BY_FD = 15;
    public static final int BPF_LINK_CREATE = 28;

    // ---- enum bpf_map_type ----------------------------------------------------------------------
    public static final int BPF_MAP_TYPE_HASH = 1;
    public static final int BPF_MAP_TYPE_ARRAY = 2;
    /** An array with one copy of each value per possible CPU: updates from XDP need no atomics (Linux 4.6). */
    public static final int BPF_MAP_TYPE_PERCPU_ARRAY = 6;
    public static final int BPF_MAP_TYPE_XSKMAP = 17;

    // ---- enum bpf_prog_type / bpf_attach_type ---------------------------------------------------
    public static final int BPF_PROG_TYPE_XDP = 6;
    /** XDP attach type, for {@code expected_attach_type} and {@code BPF_LINK_CREATE} (Linux 5.9). */
    public static final int BPF_XDP = 37;

    // ---- enum bpf_link_type ---------------------------------------------------------------------
    public static final int BPF_LINK_TYPE_XDP = 6;

    // ---- BPF_MAP_UPDATE_ELEM flags ---------------------------------------------------------------
    /** Create or replace. */
    public static final long BPF_ANY = 0;
    /** Create only. */
    public static final long BPF_NOEXIST = 1;
    /** Replace only. */
    public static final long BPF_EXIST = 2;

    // ---- BPF_PROG_LOAD prog_flags ----------------------------------------------------------------
    /** The XDP program understands multi-buffer frames: may attach where frames exceed a page (Linux 5.18). */
    public static final int BPF_F_XDP_HAS_FRAGS = 1 << 5;

    // ---- enum bpf_func_id (helpers) ---------------------------------------------------------------
    public static final int BPF_FUNC_map_lookup_elem = 1;
    /** {@code u64 bpf_ktime_get_ns(void)}: CLOCK_MONOTONIC, which does not count suspend. */
    public static final int BPF_FUNC_ktime_get_ns = 5;
    public static final int BPF_FUNC_redirect_map = 51;
    /** {@code long bpf_xdp_adjust_meta(struct xdp_md *ctx, int delta)}: grows (delta &lt; 0) the metadata area in front of the frame (Linux 4.15). */
    public static final int BPF_FUNC_xdp_adjust_meta = 54;
    /** {@code u64 bpf_ktime_get_boot_ns(void)}: CLOCK_BOOTTIME (Linux 5.8). */
    public static final int BPF_FUNC_ktime_get_boot_ns = 125;
    /** {@code u64 bpf_ktime_get_tai_ns(void)}: CLOCK_TAI (Linux 6.1). */
    public static final int BPF_FUNC_ktime_get_tai_ns = 208;

    // ---- enum xdp_action --------------------------------------------------------------------------
    public static final int XDP_ABORTED = 0;
    public static final int XDP_DROP = 1;
    public static final int XDP_PASS = 2;
    public static final int XDP_TX = 3;
    public static final int XDP_REDIRECT = 4;

    /** {@code BPF_OBJ_NAME_LEN}: map and program names, NUL included. */
    public static final int BPF_OBJ_NAME_LEN = 16;

    /** {@code sizeof(union bpf_attr)} in the 6.1 header: what we allocate, zeroed, for every command. */
    static final long BPF_ATTR_SIZE = 144;

    // ---- union bpf_attr, one struct per command ---------------------------------------------------

    /** BPF_MAP_CREATE's part of {@code union bpf_attr}. */
    static final StructLayout MAP_CREATE_ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("map_type"),
            JAVA_INT.withName("key_size"),
            JAVA_INT.withName("value_size"),
            JAVA_INT.withName("max_entries"),
            JAVA_INT.withName("map_flags"),
            JAVA_INT.withName("inner_map_fd"),
            JAVA_INT.withName("numa_node"),
            MemoryLayout.sequenceLayout(BPF_OBJ_NAME_LEN, JAVA_BYTE).withName("map_name"),
            JAVA_INT.withName("map_ifindex"),
            JAVA_INT.withName("btf_fd"),
            JAVA_INT.withName("btf_key_type_id"),
            JAVA_INT.withName("btf_value_type_id"),
            JAVA_INT.withName("btf_vmlinux_value_type_id"),
            JAVA_LONG.withName("map_extra")).withName("bpf_attr_map_create");
    private static final long MC_MAP_TYPE = offset(MAP_CREATE_ATTR, "map_type");
    private static final long MC_KEY_SIZE = offset(MAP_CREATE_ATTR, "key_size");
    private static final long MC_VALUE_SIZE = offset(MAP_CREATE_ATTR, "value_size");
    private static final long MC_MAX_ENTRIES = offset(MAP_CREATE_ATTR, "max_entries");
    private static final long MC_MAP_FLAGS = offset(MAP_CREATE_ATTR, "map_flags");
    private static final long MC_MAP_NAME = offset(MAP_CREATE_ATTR, "map_name");
    /** Up to and including map_name (Linux 4.15): enough for every map we create. */
    private static final long MC_SIZE = MC_MAP_NAME + BPF_OBJ_NAME_LEN;

    /** BPF_MAP_*_ELEM's part of {@code union bpf_attr}: key and value are user pointers. */
    static final StructLayout MAP_ELEM_ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("map_fd"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("key"),
            JAVA_LONG.withName("value"),
            JAVA_LONG.withName("flags")).withName("bpf_attr_map_elem");
    private static final long ME_MAP_FD = offset(MAP_ELEM_ATTR, "map_fd");
    private static final long ME_KEY = offset(MAP_ELEM_ATTR, "key");
    private static final long ME_VALUE = offset(MAP_ELEM_ATTR, "value");
    private static final long ME_FLAGS = offset(MAP_ELEM_ATTR, "flags");
    private static final long ME_SIZE = MAP_ELEM_ATTR.byteSize();

    /** BPF_OBJ_PIN / BPF_OBJ_GET's part of {@code union bpf_attr}. */
    static final StructLayout OBJ_ATTR = MemoryLayout.structLayout(
            JAVA_LONG.withName("pathname"),
            JAVA_INT.withName("bpf_fd"),
            JAVA_INT.withName("file_flags")).withName("bpf_attr_obj");
    private static final long OBJ_PATHNAME = offset(OBJ_ATTR, "pathname");
    private static final long OBJ_BPF_FD = offset(OBJ_ATTR, "bpf_fd");
    private static final long OBJ_SIZE = OBJ_ATTR.byteSize();

    /** BPF_PROG_LOAD's part of {@code union bpf_attr}. */
    static final StructLayout PROG_LOAD_ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("prog_type"),
            JAVA_INT.withName("insn_cnt"),
            JAVA_LONG.withName("insns"),
            JAVA_LONG.withName("license"),
            JAVA_INT.withName("log_level"),
            JAVA_INT.withName("log_size"),
            JAVA_LONG.withName("log_buf"),
            JAVA_INT.withName("kern_version"),
            JAVA_INT.withName("prog_flags"),
            MemoryLayout.sequenceLayout(BPF_OBJ_NAME_LEN, JAVA_BYTE).withName("prog_name"),
            JAVA_INT.withName("prog_ifindex"),
            JAVA_INT.withName("expected_attach_type"),
            JAVA_INT.withName("prog_btf_fd"),
            JAVA_INT.withName("func_info_rec_size"),
            JAVA_LONG.withName("func_info"),
            JAVA_INT.withName("func_info_cnt"),
            JAVA_INT.withName("line_info_rec_size"),
            JAVA_LONG.withName("line_info"),
            JAVA_INT.withName("line_info_cnt"),
            JAVA_INT.withName("attach_btf_id"),
            JAVA_INT.withName("attach_prog_fd"),
            JAVA_INT.withName("core_relo_cnt"),
            JAVA_LONG.withName("fd_array"),
            JAVA_LONG.withName("core_relos"),
            JAVA_INT.withName("core_relo_rec_size"),
            MemoryLayout.paddingLayout(4)).withName("bpf_attr_prog_load");
    private static final long PL_PROG_TYPE = offset(PROG_LOAD_ATTR, "prog_type");
    private static final long PL_INSN_CNT = offset(PROG_LOAD_ATTR, "insn_cnt");
    private static final long PL_INSNS = offset(PROG_LOAD_ATTR, "insns");
    private static final long PL_LICENSE = offset(PROG_LOAD_ATTR, "license");
    private static final long PL_LOG_LEVEL = offset(PROG_LOAD_ATTR, "log_level");
    private static final long PL_LOG_SIZE = offset(PROG_LOAD_ATTR, "log_size");
    private static final long PL_LOG_BUF = offset(PROG_LOAD_ATTR, "log_buf");
    private static final long PL_PROG_FLAGS = offset(PROG_LOAD_ATTR, "prog_flags");
    private static final long PL_PROG_NAME = offset(PROG_LOAD_ATTR, "prog_name");
    private static final long PL_EXPECTED_ATTACH_TYPE = offset(PROG_LOAD_ATTR, "expected_attach_type");
    /** Up to and including expected_attach_type (Linux 4.17). */
    private static final long PL_SIZE = PL_EXPECTED_ATTACH_TYPE + Integer.BYTES;

    /** BPF_LINK_CREATE's part of {@code union bpf_attr}; the per-attach-type union after flags is unused for XDP. */
    static final StructLayout LINK_CREATE_ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("prog_fd"),
            JAVA_INT.withName("target_ifindex"),
            JAVA_INT.withName("attach_type"),
            JAVA_INT.withName("flags"),
            MemoryLayout.paddingLayout(32).withName("per_type")).withName("bpf_attr_link_create");
    private static final long LC_PROG_FD = offset(LINK_CREATE_ATTR, "prog_fd");
    private static final long LC_TARGET_IFINDEX = offset(LINK_CREATE_ATTR, "target_ifindex");
    private static final long LC_ATTACH_TYPE = offset(LINK_CREATE_ATTR, "attach_type");
    private static final long LC_FLAGS = offset(LINK_CREATE_ATTR, "flags");
    private static final long LC_SIZE = LC_FLAGS + Integer.BYTES;

    /** BPF_OBJ_GET_INFO_BY_FD's part of {@code union bpf_attr}. */
    static final StructLayout INFO_ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("bpf_fd"),
            JAVA_INT.withName("info_len"),
            JAVA_LONG.withName("info")).withName("bpf_attr_info");
    private static final long IN_BPF_FD = offset(INFO_ATTR, "bpf_fd");
    private static final long IN_INFO_LEN = offset(INFO_ATTR, "info_len");
    private static final long IN_INFO = offset(INFO_ATTR, "info");
    private static final long IN_SIZE = INFO_ATTR.byteSize();

    /** BPF_PROG_TEST_RUN's part of {@code union bpf_attr} ({@code test}). */
    static final StructLayout TEST_RUN_ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("prog_fd"),
            JAVA_INT.withName("retval"),
            JAVA_INT.withName("data_size_in"),
            JAVA_INT.withName("data_size_out"),
            JAVA_LONG.withName("data_in"),
            JAVA_LONG.withName("data_out"),
            JAVA_INT.withName("repeat"),
            JAVA_INT.withName("duration"),
            JAVA_INT.withName("ctx_size_in"),
            JAVA_INT.withName("ctx_size_out"),
            JAVA_LONG.withName("ctx_in"),
            JAVA_LONG.withName("ctx_out"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("cpu"),
            JAVA_INT.withName("batch_size"),
            MemoryLayout.paddingLayout(4)).withName("bpf_attr_test");
    private static final long TR_PROG_FD = offset(TEST_RUN_ATTR, "prog_fd");
    private static final long TR_RETVAL = offset(TEST_RUN_ATTR, "retval");
    private static final long TR_DATA_SIZE_IN = offset(TEST_RUN_ATTR, "data_size_in");
    private static final long TR_DATA_SIZE_OUT = offset(TEST_RUN_ATTR, "data_size_out");
    private static final long TR_DATA_IN = offset(TEST_RUN_ATTR, "data_in");
    private static final long TR_DATA_OUT = offset(TEST_RUN_ATTR, "data_out");
    private static final long TR_REPEAT = offset(TEST_RUN_ATTR, "repeat");
    private static final long TR_DURATION = offset(TEST_RUN_ATTR, "duration");
    private static final long TR_CTX_SIZE_IN = offset(TEST_RUN_ATTR, "ctx_size_in");
    private static final long TR_CTX_SIZE_OUT = offset(TEST_RUN_ATTR, "ctx_size_out");
    private static final long TR_CTX_IN = offset(TEST_RUN_ATTR, "ctx_in");
    private static final long TR_CTX_OUT = offset(TEST_RUN_ATTR, "ctx_out");
    /** Up to and including ctx_out (Linux 5.2): no flags, cpu or batch_size. */
    private static final long TR_SIZE = TR_CTX_OUT + Long.BYTES;

    // ---- info structs: the leading fields we read. The kernel fills min(info_len, its size). -------

    /** The start of {@code struct bpf_prog_info} (232 bytes in 6.1), through {@code name}. */
    static final StructLayout PROG_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("tag"),
            JAVA_INT.withName("jited_prog_len"),
            JAVA_INT.withName("xlated_prog_len"),
            JAVA_LONG.withName("jited_prog_insns"),
            JAVA_LONG.withName("xlated_prog_insns"),
            JAVA_LONG.withName("load_time"),
            JAVA_INT.withName("created_by_uid"),
            JAVA_INT.withName("nr_map_ids"),
            JAVA_LONG.withName("map_ids"),
            MemoryLayout.sequenceLayout(BPF_OBJ_NAME_LEN, JAVA_BYTE).withName("name")).withName("bpf_prog_info");
    private static final long PI_TYPE = offset(PROG_INFO, "type");
    private static final long PI_ID = offset(PROG_INFO, "id");
    private static final long PI_XLATED_PROG_LEN = offset(PROG_INFO, "xlated_prog_len");
    private static final long PI_NR_MAP_IDS = offset(PROG_INFO, "nr_map_ids");
    private static final long PI_MAP_IDS = offset(PROG_INFO, "map_ids");
    private static final long PI_NAME = offset(PROG_INFO, "name");

    /** The start of {@code struct bpf_map_info} (88 bytes in 6.1), through {@code name}. */
    static final StructLayout MAP_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            JAVA_INT.withName("key_size"),
            JAVA_INT.withName("value_size"),
            JAVA_INT.withName("max_entries"),
            JAVA_INT.withName("map_flags"),
            MemoryLayout.sequenceLayout(BPF_OBJ_NAME_LEN, JAVA_BYTE).withName("name")).withName("bpf_map_info");
    private static final long MI_TYPE = offset(MAP_INFO, "type");
    private static final long MI_ID = offset(MAP_INFO, "id");
    private static final long MI_KEY_SIZE = offset(MAP_INFO, "key_size");
    private static final long MI_VALUE_SIZE = offset(MAP_INFO, "value_size");
    private static final long MI_MAX_ENTRIES = offset(MAP_INFO, "max_entries");
    private static final long MI_MAP_FLAGS = offset(MAP_INFO, "map_flags");
    private static final long MI_NAME = offset(MAP_INFO, "name");

    /** The start of {@code struct bpf_link_info} (48 bytes in 6.1), through the XDP member of its union. */
    static final StructLayout LINK_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            JAVA_INT.withName("prog_id"),
            MemoryLayout.paddingLayout(4),
            JAVA_INT.withName("xdp_ifindex"),
            MemoryLayout.paddingLayout(4)).withName("bpf_link_info");
    private static final long LI_TYPE = offset(LINK_INFO, "type");
    private static final long LI_ID = offset(LINK_INFO, "id");
    private static final long LI_PROG_ID = offset(LINK_INFO, "prog_id");
    private static final long LI_XDP_IFINDEX = offset(LINK_INFO, "xdp_ifindex");

    /** What the kernel says about a loaded program. */
    public record ProgInfo(int type, int id, String name, int xlatedBytes, List<Integer> mapIds) {}

    /** What the kernel says about a map. */
    public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name) {}

    /**
     * What one {@code BPF_PROG_TEST_RUN} gave back.
     *
     * @param retval        the program's return value (for XDP: the action)
     * @param durationNanos the kernel's average run time per repetition, in ns
     * @param dataOut       the packet after the program, from {@code data_meta} for XDP (metadata included)
     * @param ctxOut        the context after the program ({@code struct xdp_md} for XDP), or empty if none was passed in
     */
    public record TestRun(int retval, int durationNanos, byte[] dataOut, byte[] ctxOut) {}

    /** What the kernel says about a bpf_link; {@code xdpIfindex} is meaningful for XDP links only. */
    public record LinkInfo(int type, int id, int progId, int xdpIfindex) {}

    /** The first verifier run: no log, it costs time. On failure we load again with this much log, growing up to the cap. */
    static final int LOG_SIZE_INITIAL = 64 * 1024;
    static final int LOG_SIZE_MAX = 16 * 1024 * 1024;
    /** {@code log_level} 1: the verifier's per-instruction trace of the failing path. */
    private static final int LOG_LEVEL_VERIFIER = 1;
    /** The longest verifier log we put in an exception message; the end is where the error is. */
    static final int LOG_MESSAGE_MAX = 16 * 1024;

    // ---- commands ------------------------------------------------------------------------------

    /**
     * {@code BPF_MAP_CREATE}: a new map, returned as an fd the caller owns.
     *
     * @param name up to 15 characters of {@code [A-Za-z0-9_.]}, as {@code bpftool map} shows it
     */
    public static int mapCreate(int mapType, int keySize, int valueSize, int maxEntries, int mapFlags, String name)
            throws XdpException {
        checkObjectName(name);
        String op = "bpf(BPF_MAP_CREATE, " + mapTypeName(mapType) + " '" + name + "', " + maxEntries + " entries)";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_INT, MC_MAP_TYPE, mapType);
            attr.set(JAVA_INT, MC_KEY_SIZE, keySize);
            attr.set(JAVA_INT, MC_VALUE_SIZE, valueSize);
            attr.set(JAVA_INT, MC_MAX_ENTRIES, maxEntries);
            attr.set(JAVA_INT, MC_MAP_FLAGS, mapFlags);
            putName(attr, MC_MAP_NAME, name);
            return (int) call(arena, BPF_MAP_CREATE, attr, MC_SIZE, op, e -> e == Errno.EINVAL
                    ? "this kernel rejects the map's type, sizes or flags" + mapTypeSince(mapType)
                    : null);
        }
    }

    /**
     * {@code BPF_MAP_UPDATE_ELEM} with a u32 key and a u32 value.
     *
     * @param target the map and entry, for the error message, e.g. {@code "XSKMAP id 7 [3] = fd 12"}
     * @param hint advice for an errno, or {@code null} for this class's own
     */
    public static void mapUpdate(int mapFd, int key, int value, long flags, String target, IntFunction<String> hint)
            throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_INT, ME_MAP_FD, mapFd);
            attr.set(JAVA_LONG, ME_KEY, arena.allocateFrom(JAVA_INT, key).address());
            attr.set(JAVA_LONG, ME_VALUE, arena.allocateFrom(JAVA_INT, value).address());
            attr.set(JAVA_LONG, ME_FLAGS, flags);
            call(arena, BPF_MAP_UPDATE_ELEM, attr, ME_SIZE, "bpf(BPF_MAP_UPDATE_ELEM, " + target + ")", hint);
        }
    }

    /** {@code BPF_OBJ_PIN}: makes the map or program {@code fd} visible at {@code path} in a bpffs. */
    public static void objPin(int fd, String path, String target) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_LONG, OBJ_PATHNAME, arena.allocateFrom(path).address());
            attr.set(JAVA_INT, OBJ_BPF_FD, fd);
            call(arena, BPF_OBJ_PIN, attr, OBJ_SIZE, "bpf(BPF_OBJ_PIN, " + target + " at " + path + ")", e -> switch (e) {
                case Errno.EEXIST -> path + " exists already: another object is pinned there";
                case Errno.ENOENT -> "the directory of " + path + " does not exist";
                case Errno.EPERM -> "the directory of " + path + " is not in a bpffs, or no privilege";
                default -> null;
            });
        }
    }

    /** {@code BPF_OBJ_GET}: an fd, the caller's, of the map or program pinned at {@code path}. */
    public static int objGet(String path) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_LONG, OBJ_PATHNAME, arena.allocateFrom(path).address());
            return (int) call(arena, BPF_OBJ_GET, attr, OBJ_SIZE, "bpf(BPF_OBJ_GET, " + path + ")", e -> switch (e) {
                case Errno.ENOENT -> "nothing is pinned at " + path;
                case Errno.EINVAL, Errno.EPERM -> path + " is not in a bpffs, or not a pinned BPF object";
                default -> null;
            });
        }
    }

    /** {@code BPF_MAP_DELETE_ELEM} with a u32 key. */
    public static void mapDelete(int mapFd, int key, String target, IntFunction<String> hint) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_INT, ME_MAP_FD, mapFd);
            attr.set(JAVA_LONG, ME_KEY, arena.allocateFrom(JAVA_INT, key).address());
            call(arena, BPF_MAP_DELETE_ELEM, attr, ME_SIZE, "bpf(BPF_MAP_DELETE_ELEM, " + target + ")", hint);
        }
    }

    /**
     * {@code BPF_MAP_LOOKUP_ELEM} with a u32 key and a u32 value; empty when the key has no entry
     * ({@code ENOENT}). XSKMAPs cannot be read from user space (the kernel answers {@code EOPNOTSUPP}).
     */
    public static OptionalInt mapLookup(int mapFd, int key, String target) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            MemorySegment value = arena.allocate(JAVA_INT);
            attr.set(JAVA_INT, ME_MAP_FD, mapFd);
            attr.set(JAVA_LONG, ME_KEY, arena.allocateFrom(JAVA_INT, key).address());
            attr.set(JAVA_LONG, ME_VALUE, value.address());
            MemorySegment errno = Libc.allocateErrno(arena);
            long r = raw(errno, BPF_MAP_LOOKUP_ELEM, attr, ME_SIZE);
            if (r < 0) {
                int e = Libc.errno(errno);
                if (e == Errno.ENOENT) return OptionalInt.empty();
                throw failure("bpf(BPF_MAP_LOOKUP_ELEM, " + target + ")", e, null);
            }
            return OptionalInt.of(value.get(JAVA_INT, 0));
        }
    }

    /**
     * {@code BPF_PROG_LOAD}: verifies and loads a program, returned as an fd the caller owns.
     *
     * <p>The first attempt runs without a verifier log. If it fails, the load is repeated with
     * {@code log_level 1} and the log (its last {@value #LOG_MESSAGE_MAX} bytes) goes into the
     * exception's hint: {@code EACCES} or {@code EINVAL} with a log is the verifier's rejection, not
     * a missing privilege.
     *
     * @param name up to 15 characters of {@code [A-Za-z0-9_.]}
     */
    public static int progLoad(int progType, int expectedAttachType, List<Insn> insns, String license,
                               int progFlags, String name) throws XdpException {
        checkObjectName(name);
        String op = progLoadOperation(progType, insns, progFlags, name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = progLoadAttr(arena, progType, expectedAttachType, insns, license, progFlags, name);
            MemorySegment errno = Libc.allocateErrno(arena);
            long fd = raw(errno, BPF_PROG_LOAD, attr, PL_SIZE);
            if (fd >= 0) return (int) fd;
            int first = Libc.errno(errno);
            if (first == Errno.EPERM || first == Errno.ENOSYS) throw failure(op, first, null);

            String log = "";
            for (int size = LOG_SIZE_INITIAL; size <= LOG_SIZE_MAX; size *= 4) {
                try (Arena logArena = Arena.ofConfined()) {
                    MemorySegment buf = logArena.allocate(size);
                    attr.set(JAVA_INT, PL_LOG_LEVEL, LOG_LEVEL_VERIFIER);
                    attr.set(JAVA_INT, PL_LOG_SIZE, size);
                    attr.set(JAVA_LONG, PL_LOG_BUF, buf.address());
                    fd = raw(errno, BPF_PROG_LOAD, attr, PL_SIZE);
                    // Loads that fail only without a log do not exist in practice, but a success is a success.
                    if (fd >= 0) return (int) fd;
                    log = buf.getString(0, StandardCharsets.UTF_8).strip();
                    // ENOSPC: the log did not fit and is cut; try a larger buffer.
                    if (Libc.errno(errno) != Errno.ENOSPC) break;
                }
            }
            if (log.isEmpty()) {
                throw failure(op, first, first == Errno.EINVAL && (progFlags & BPF_F_XDP_HAS_FRAGS) != 0
                        ? "the kernel rejects the program or its flags and gave no verifier log "
                          + "(BPF_F_XDP_HAS_FRAGS needs Linux 5.18)"
                        : null);
            }
            if (log.length() > LOG_MESSAGE_MAX) {
                log = "[... first " + (log.length() - LOG_MESSAGE_MAX) + " characters cut ...]\n"
                        + log.substring(log.length() - LOG_MESSAGE_MAX);
            }
            // A verifier rejection (EACCES, EINVAL): a property of the program, not of the system.
            throw new XdpException(op, first, "the verifier rejected the program; verifier log:\n" + log);
        }
    }

    private static String progLoadOperation(int progType, List<Insn> insns, int progFlags, String name) {
        return "bpf(BPF_PROG_LOAD, " + progTypeName(progType) + " program '" + name + "', " + Insn.slotCount(insns) + " insns"
                + ((progFlags & BPF_F_XDP_HAS_FRAGS) != 0 ? ", BPF_F_XDP_HAS_FRAGS" : "") + ")";
    }

    private static MemorySegment progLoadAttr(Arena arena, int progType, int expectedAttachType, List<Insn> insns,
                                              String license, int progFlags, String name) {
        MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
        attr.set(JAVA_INT, PL_PROG_TYPE, progType);
        attr.set(JAVA_INT, PL_INSN_CNT, Insn.slotCount(insns));
        attr.set(JAVA_LONG, PL_INSNS, Insn.encode(insns, arena).address());
        attr.set(JAVA_LONG, PL_LICENSE, arena.allocateFrom(license).address());
        attr.set(JAVA_INT, PL_PROG_FLAGS, progFlags);
        putName(attr, PL_PROG_NAME, name);
        attr.set(JAVA_INT, PL_EXPECTED_ATTACH_TYPE, expectedAttachType);
        return attr;
    }

    /** {@code log_level} 4 ({@code BPF_LOG_STATS}): only the verifier's summary, also on success. */
    private static final int LOG_LEVEL_STATS = 4;

    /**
     * Has the verifier check a program and returns its summary ({@code "processed 41 insns (limit
     * 1000000) max_states_per_insn 0 total_states 3 ..."}): the work it took, for diagnostics and
     * reports. The program is unloaded again at once.
     *
     * @throws XdpException as {@link #progLoad} when the program is rejected
     */
    public static String verifierStats(int progType, int expectedAttachType, List<Insn> insns, String license,
                                       int progFlags, String name) throws XdpException {
        checkObjectName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = progLoadAttr(arena, progType, expectedAttachType, insns, license, progFlags, name);
            MemorySegment buf = arena.allocate(LOG_SIZE_INITIAL);
            attr.set(JAVA_INT, PL_LOG_LEVEL, LOG_LEVEL_STATS);
            attr.set(JAVA_INT, PL_LOG_SIZE, LOG_SIZE_INITIAL);
            attr.set(JAVA_LONG, PL_LOG_BUF, buf.address());
            MemorySegment errno = Libc.allocateErrno(arena);
            long fd = raw(errno, BPF_PROG_LOAD, attr, PL_SIZE);
            if (fd < 0) {
                // The rejection with its full log, as progLoad reports it.
                closeFd(progLoad(progType, expectedAttachType, insns, license, progFlags, name));
                throw new IllegalStateException("the verifier rejected a program only when asked for statistics");
            }
            closeFd((int) fd);
            return buf.getString(0, StandardCharsets.UTF_8).strip();
        }
    }

    /**
     * {@code BPF_PROG_TEST_RUN}: runs a loaded program in the kernel on {@code dataIn}, {@code repeat}
     * times, without any interface. For XDP, {@code dataIn} must be at least 14 bytes (an Ethernet
     * header) and fit a page with the headroom; {@code ctxIn}, a {@code struct xdp_md}, may declare
     * its first {@code data} bytes as metadata (at most 32, a multiple of 4), which also lets the
     * frame itself be shorter than 14 bytes.
     *
     * @param ctxIn the context to start from, or {@code null} for the kernel's default
     */
    public static TestRun progTestRun(int progFd, byte[] dataIn, byte[] ctxIn, int repeat) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            MemorySegment in = arena.allocate(Math.max(1, dataIn.length));
            MemorySegment.copy(dataIn, 0, in, JAVA_BYTE, 0, dataIn.length);
            // The program may grow the frame at its head (metadata, encapsulation): room for a page more.
            int outCapacity = dataIn.length + 4096;
            MemorySegment out = arena.allocate(outCapacity);
            attr.set(JAVA_INT, TR_PROG_FD, progFd);
            attr.set(JAVA_INT, TR_DATA_SIZE_IN, dataIn.length);
            attr.set(JAVA_INT, TR_DATA_SIZE_OUT, outCapacity);
            attr.set(JAVA_LONG, TR_DATA_IN, in.address());
            attr.set(JAVA_LONG, TR_DATA_OUT, out.address());
            attr.set(JAVA_INT, TR_REPEAT, repeat);
            MemorySegment ctxOut = MemorySegment.NULL;
            if (ctxIn != null) {
                MemorySegment ctx = arena.allocate(ctxIn.length);
                MemorySegment.copy(ctxIn, 0, ctx, JAVA_BYTE, 0, ctxIn.length);
                ctxOut = arena.allocate(ctxIn.length);
                attr.set(JAVA_INT, TR_CTX_SIZE_IN, ctxIn.length);
                attr.set(JAVA_INT, TR_CTX_SIZE_OUT, ctxIn.length);
                attr.set(JAVA_LONG, TR_CTX_IN, ctx.address());
                attr.set(JAVA_LONG, TR_CTX_OUT, ctxOut.address());
            }
            call(arena, BPF_PROG_TEST_RUN, attr, TR_SIZE, "bpf(BPF_PROG_TEST_RUN, program fd " + progFd + ", "
                    + dataIn.length + " bytes)", e -> e == Errno.EINVAL
                    ? "the kernel refuses this input: an XDP test frame needs 14 to about 3,500 bytes, a context's "
                      + "metadata at most 32 bytes (a multiple of 4) and data_end equal to the input's length"
                    : null);
            int outLen = attr.get(JAVA_INT, TR_DATA_SIZE_OUT);
            return new TestRun(attr.get(JAVA_INT, TR_RETVAL), attr.get(JAVA_INT, TR_DURATION),
                    out.asSlice(0, Math.min(outLen, outCapacity)).toArray(JAVA_BYTE),
                    ctxIn == null ? new byte[0] : ctxOut.toArray(JAVA_BYTE));
        }
    }

    /**
     * {@code BPF_MAP_LOOKUP_ELEM} with key and value buffers of the map's sizes (for a per-CPU map,
     * the value buffer holds one value, 8-byte aligned, per possible CPU). Returns false if the key
     * has no entry.
     */
    public static boolean mapLookup(int mapFd, MemorySegment key, MemorySegment value, String target) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_INT, ME_MAP_FD, mapFd);
            attr.set(JAVA_LONG, ME_KEY, key.address());
            attr.set(JAVA_LONG, ME_VALUE, value.address());
            MemorySegment errno = Libc.allocateErrno(arena);
            long r = raw(errno, BPF_MAP_LOOKUP_ELEM, attr, ME_SIZE);
            if (r < 0) {
                int e = Libc.errno(errno);
                if (e == Errno.ENOENT) return false;
                throw failure("bpf(BPF_MAP_LOOKUP_ELEM, " + target + ")", e, null);
            }
            return true;
        }
    }

    /**
     * {@code BPF_LINK_CREATE}: attaches a program through a bpf_link, returned as an fd the caller
     * owns. The attachment lives as long as the link fd (and its duplicates) stays open.
     *
     * @param target the interface, for the error message, e.g. {@code "vA ifindex 5"}
     * @param hint advice for an errno, or {@code null} for this class's own
     */
    public static int linkCreate(int progFd, int targetIfindex, int attachType, int flags, String target,
                                 IntFunction<String> hint) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
            attr.set(JAVA_INT, LC_PROG_FD, progFd);
            attr.set(JAVA_INT, LC_TARGET_IFINDEX, targetIfindex);
            attr.set(JAVA_INT, LC_ATTACH_TYPE, attachType);
            attr.set(JAVA_INT, LC_FLAGS, flags);
            return (int) call(arena, BPF_LINK_CREATE, attr, LC_SIZE, "bpf(BPF_LINK_CREATE, " + target + ")", hint);
        }
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD} of a program, with the ids of the maps it uses. */
    public static ProgInfo progInfo(int progFd) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            int maxMaps = 64;
            MemorySegment info = arena.allocate(PROG_INFO);
            MemorySegment mapIds = arena.allocate(JAVA_INT, maxMaps);
            info.set(JAVA_INT, PI_NR_MAP_IDS, maxMaps);
            info.set(JAVA_LONG, PI_MAP_IDS, mapIds.address());
            objInfo(arena, progFd, info, "program fd " + progFd);
            int n = Math.min(info.get(JAVA_INT, PI_NR_MAP_IDS), maxMaps);
            List<Integer> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) ids.add(mapIds.getAtIndex(JAVA_INT, i));
            return new ProgInfo(info.get(JAVA_INT, PI_TYPE), info.get(JAVA_INT, PI_ID), getName(info, PI_NAME),
                    info.get(JAVA_INT, PI_XLATED_PROG_LEN), List.copyOf(ids));
        }
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD} of a map. */
    public static MapInfo mapInfo(int mapFd) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO);
            objInfo(arena, mapFd, info, "map fd " + mapFd);
            return new MapInfo(info.get(JAVA_INT, MI_TYPE), info.get(JAVA_INT, MI_ID), info.get(JAVA_INT, MI_KEY_SIZE),
                    info.get(JAVA_INT, MI_VALUE_SIZE), info.get(JAVA_INT, MI_MAX_ENTRIES),
                    info.get(JAVA_INT, MI_MAP_FLAGS), getName(info, MI_NAME));
        }
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD} of a bpf_link. */
    public static LinkInfo linkInfo(int linkFd) throws XdpException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LINK_INFO);
            objInfo(arena, linkFd, info, "link fd " + linkFd);
            return new LinkInfo(info.get(JAVA_INT, LI_TYPE), info.get(JAVA_INT, LI_ID), info.get(JAVA_INT, LI_PROG_ID),
                    info.get(JAVA_INT, LI_XDP_IFINDEX));
        }
    }

    private static void objInfo(Arena arena, int fd, MemorySegment info, String target) throws XdpException {
        MemorySegment attr = arena.allocate(BPF_ATTR_SIZE, 8);
        attr.set(JAVA_INT, IN_BPF_FD, fd);
        attr.set(JAVA_INT, IN_INFO_LEN, (int) info.byteSize());
        attr.set(JAVA_LONG, IN_INFO, info.address());
        call(arena, BPF_OBJ_GET_INFO_BY_FD, attr, IN_SIZE, "bpf(BPF_OBJ_GET_INFO_BY_FD, " + target + ")",
                // A closed fd is EBADFD here (bpf_obj_get_info_by_fd), EBADF elsewhere.
                e -> e == Errno.EBADF || e == Errno.EBADFD ? "fd " + fd + " is not open"
                        : e == Errno.EINVAL ? "fd " + fd + " is not a BPF object" : null);
    }

    /** Closes a map, program or link fd; the object goes away once nothing else holds it. */
    public static void closeFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            // Nothing useful to do about a failing close of an fd we own; EBADF would be our bug.
            Libc.close(Libc.allocateErrno(arena), fd);
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static long call(Arena arena, int cmd, MemorySegment attr, long size, String op, IntFunction<String> hint)
            throws XdpException {
        MemorySegment errno = Libc.allocateErrno(arena);
        long r = raw(errno, cmd, attr, size);
        if (r < 0) {
            int e = Libc.errno(errno);
            throw failure(op, e, hint == null ? null : hint.apply(e));
        }
        return r;
    }

    private static long raw(MemorySegment errno, int cmd, MemorySegment attr, long size) throws XdpException {
        if (SYS_BPF < 0) {
            throw new XdpUnavailableException(Missing.OPERATING_SYSTEM,
                    "bpf(2) has no known system call number on os.arch=" + System.getProperty("os.arch")
                    + "; xdppacket supports Linux on x86_64 and aarch64");
        }
        long r = Libc.syscall(errno, SYS_BPF, cmd, attr, size);
        // A load interrupted by a signal fails with EAGAIN; libbpf retries it up to 5 times, so do we.
        for (int retry = 0; r < 0 && cmd == BPF_PROG_LOAD && Libc.errno(errno) == Errno.EAGAIN && retry < 5; retry++) {
            r = Libc.syscall(errno, SYS_BPF, cmd, attr, size);
        }
        return r;
    }

    /** The exception for a failed bpf(2) command: the caller's hint first, then what every command shares. */
    static XdpException failure(String op, int errno, String hint) {
        String h = hint != null ? hint : switch (errno) {
            case Errno.EPERM -> "needs root, or CAP_BPF and CAP_NET_ADMIN (kernel.unprivileged_bpf_disabled keeps "
                    + "others out); before Linux 5.11 BPF memory also counts against RLIMIT_MEMLOCK (ulimit -l)";
            case Errno.ENOMEM -> "out of memory for BPF objects; before Linux 5.11 raise RLIMIT_MEMLOCK (ulimit -l)";
            case Errno.ENOSYS -> "this kernel has no bpf(2) (CONFIG_BPF_SYSCALL)";
            case Errno.EBADF -> "a file descriptor in the call is not open";
            default -> null;
        };
        return SysCall.failure(op, errno, h);
    }

    private static void checkObjectName(String name) {
        if (name == null || name.isEmpty() || name.length() >= BPF_OBJ_NAME_LEN) {
            throw new IllegalArgumentException("BPF object name '" + name + "': must be 1 to "
                    + (BPF_OBJ_NAME_LEN - 1) + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // The kernel's bpf_obj_name_cpy() takes only these (EINVAL otherwise).
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.')) {
                throw new IllegalArgumentException("BPF object name '" + name + "': only [A-Za-z0-9_.] allowed");
            }
        }
    }

    private static void putName(MemorySegment attr, long offset, String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, attr, JAVA_BYTE, offset, b.length);
    }

    private static String getName(MemorySegment info, long offset) {
        return info.asSlice(offset, BPF_OBJ_NAME_LEN).getString(0, StandardCharsets.US_ASCII);
    }

    static String mapTypeName(int type) {
        return switch (type) {
            case BPF_MAP_TYPE_HASH -> "HASH";
            case BPF_MAP_TYPE_ARRAY -> "ARRAY";
            case BPF_MAP_TYPE_PERCPU_ARRAY -> "PERCPU_ARRAY";
            case BPF_MAP_TYPE_XSKMAP -> "XSKMAP";
            default -> "map type " + type;
        };
    }

    private static String mapTypeSince(int type) {
        return switch (type) {
            case BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY -> " (" + mapTypeName(type) + " needs Linux 3.19)";
            case BPF_MAP_TYPE_PERCPU_ARRAY -> " (PERCPU_ARRAY needs Linux 4.6)";
            case BPF_MAP_TYPE_XSKMAP -> " (XSKMAP needs Linux 4.18, CONFIG_XDP_SOCKETS)";
            default -> "";
        };
    }

    static String progTypeName(int type) {
        return type == BPF_PROG_TYPE_XDP ? "XDP" : "prog type " + type;
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}

package io.xdppacket.internal.bpf;

import io.xdppacket.XdpException;
import io.xdppacket.XdpUnavailableException;
import io.xdppacket.internal.sys.Errno;
import io.xdppacket.internal.sys.Libc;
import io.xdppacket.testing.Bpftool;
import io.xdppacket.testing.Privileged;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.OptionalInt;

import static io.xdppacket.internal.bpf.Insn.R0;
import static io.xdppacket.internal.bpf.Insn.R1;
import static io.xdppacket.internal.bpf.Insn.exit;
import static io.xdppacket.internal.bpf.Insn.ldxW;
import static io.xdppacket.internal.bpf.Insn.mov64Imm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpfTest {

    @Test
    void attrLayoutsMatchTheUapiHeader() {
        // offsetof() values printed by a C program compiled against Debian's 6.1 <linux/bpf.h>
        // (clang off.c: printf("%zu", offsetof(union bpf_attr, map_extra)) and so on).
        assertEquals(28, offset(Bpf.MAP_CREATE_ATTR, "map_name"));
        assertEquals(64, offset(Bpf.MAP_CREATE_ATTR, "map_extra"));
        assertEquals(72, Bpf.MAP_CREATE_ATTR.byteSize());
        assertEquals(8, offset(Bpf.MAP_ELEM_ATTR, "key"));
        assertEquals(24, offset(Bpf.MAP_ELEM_ATTR, "flags"));
        assertEquals(44, offset(Bpf.PROG_LOAD_ATTR, "prog_flags"));
        assertEquals(48, offset(Bpf.PROG_LOAD_ATTR, "prog_name"));
        assertEquals(68, offset(Bpf.PROG_LOAD_ATTR, "expected_attach_type"));
        assertEquals(136, offset(Bpf.PROG_LOAD_ATTR, "core_relo_rec_size"));
        assertEquals(Bpf.BPF_ATTR_SIZE, Bpf.PROG_LOAD_ATTR.byteSize());
        assertEquals(12, offset(Bpf.LINK_CREATE_ATTR, "flags"));
        assertEquals(48, Bpf.LINK_CREATE_ATTR.byteSize());
        assertEquals(8, offset(Bpf.INFO_ATTR, "info"));
        assertEquals(52, offset(Bpf.PROG_INFO, "nr_map_ids"));
        assertEquals(56, offset(Bpf.PROG_INFO, "map_ids"));
        assertEquals(64, offset(Bpf.PROG_INFO, "name"));
        assertEquals(24, offset(Bpf.MAP_INFO, "name"));
        assertEquals(8, offset(Bpf.LINK_INFO, "prog_id"));
        assertEquals(16, offset(Bpf.LINK_INFO, "xdp_ifindex"));
        assertEquals(16, offset(RedirectProgram.XDP_MD, "rx_queue_index"));
        assertEquals(8, RedirectProgram.XDP_MD_DATA_META);
        assertEquals(4, RedirectProgram.XDP_MD_DATA_END);
        assertEquals(0, RedirectProgram.XDP_MD_DATA);
        assertEquals(24, RedirectProgram.XDP_MD.byteSize());
        // The same C program: offsetof(union bpf_attr, test.*).
        assertEquals(4, offset(Bpf.TEST_RUN_ATTR, "retval"));
        assertEquals(12, offset(Bpf.TEST_RUN_ATTR, "data_size_out"));
        assertEquals(16, offset(Bpf.TEST_RUN_ATTR, "data_in"));
        assertEquals(24, offset(Bpf.TEST_RUN_ATTR, "data_out"));
        assertEquals(32, offset(Bpf.TEST_RUN_ATTR, "repeat"));
        assertEquals(36, offset(Bpf.TEST_RUN_ATTR, "duration"));
        assertEquals(40, offset(Bpf.TEST_RUN_ATTR, "ctx_size_in"));
        assertEquals(48, offset(Bpf.TEST_RUN_ATTR, "ctx_in"));
        assertEquals(56, offset(Bpf.TEST_RUN_ATTR, "ctx_out"));
        assertEquals(64, offset(Bpf.TEST_RUN_ATTR, "flags"));
        assertEquals(72, offset(Bpf.TEST_RUN_ATTR, "batch_size"));
    }

    private static long offset(StructLayout l, String field) {
        return l.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    @Test
    void privilegeAndMissingSyscallBecomeUnavailable() {
        XdpException e = Bpf.failure("bpf(BPF_MAP_CREATE, XSKMAP 'xsks_map', 4 entries)", Errno.EPERM, null);
        assertEquals(XdpUnavailableException.Missing.PRIVILEGE, ((XdpUnavailableException) e).missing());
        assertTrue(e.hint().startsWith("needs root, or CAP_BPF and CAP_NET_ADMIN"), e.hint());
        e = Bpf.failure("bpf(BPF_PROG_LOAD, ...)", Errno.ENOSYS, null);
        assertEquals(XdpUnavailableException.Missing.KERNEL_FEATURE, ((XdpUnavailableException) e).missing());
        assertEquals("this kernel has no bpf(2) (CONFIG_BPF_SYSCALL)", e.hint());
        e = Bpf.failure("op", Errno.EINVAL, "caller's advice");
        assertFalse(e instanceof XdpUnavailableException);
        assertEquals("op failed: EINVAL (Invalid argument): caller's advice", e.getMessage());
    }

    @Test
    void objectNamesAreCheckedBeforeTheKernelSeesThem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Bpf.mapCreate(Bpf.BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, "has-dash"));
        assertTrue(e.getMessage().contains("[A-Za-z0-9_.]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Bpf.mapCreate(Bpf.BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, "sixteen_chars_xx"));
        assertTrue(e.getMessage().contains("1 to 15 characters"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP,
                List.of(mov64Imm(R0, 2), exit()), "GPL", 0, ""));
    }

    @Test
    @Privileged(tools = "bpftool")
    void hashMapRoundTrip() throws Exception {
        int fd = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_HASH, 4, 4, 8, 0, "xdppkt_test");
        try {
            Bpf.MapInfo info = Bpf.mapInfo(fd);
            assertEquals(Bpf.BPF_MAP_TYPE_HASH, info.type());
            assertEquals(4, info.keySize());
            assertEquals(4, info.valueSize());
            assertEquals(8, info.maxEntries());
            assertEquals("xdppkt_test", info.name());
            assertTrue(Bpftool.mapShow(info.id()).stdout().contains("\"name\":\"xdppkt_test\""), "bpftool sees the map by our id");

            assertEquals(OptionalInt.empty(), Bpf.mapLookup(fd, 3, "hash key 3"));
            Bpf.mapUpdate(fd, 3, 0xcafe, Bpf.BPF_ANY, "hash [3]", null);
            assertEquals(OptionalInt.of(0xcafe), Bpf.mapLookup(fd, 3, "hash key 3"));
            Bpf.mapUpdate(fd, 3, 7, Bpf.BPF_EXIST, "hash [3]", null);
            assertEquals(OptionalInt.of(7), Bpf.mapLookup(fd, 3, "hash key 3"));
            XdpException exists = assertThrows(XdpException.class,
                    () -> Bpf.mapUpdate(fd, 3, 8, Bpf.BPF_NOEXIST, "hash [3]", e -> "key 3 is taken"));
            assertEquals("EEXIST", exists.errnoName());
            assertEquals("bpf(BPF_MAP_UPDATE_ELEM, hash [3]) failed: EEXIST (File exists): key 3 is taken", exists.getMessage());

            Bpf.mapDelete(fd, 3, "hash [3]", null);
            assertEquals(OptionalInt.empty(), Bpf.mapLookup(fd, 3, "hash key 3"));
            XdpException gone = assertThrows(XdpException.class, () -> Bpf.mapDelete(fd, 3, "hash [3]", null));
            assertEquals("ENOENT", gone.errnoName());
            assertTrue(gone.getMessage().startsWith("bpf(BPF_MAP_DELETE_ELEM, hash [3]) failed"), gone.getMessage());
        } finally {
            Bpf.closeFd(fd);
        }
    }

    @Test
    @Privileged
    void verifierRejectionCarriesTheLogAndIsNotAPrivilegeProblem() {
        // Returns without setting r0: the verifier's "R0 !read_ok".
        XdpException e = assertThrows(XdpException.class, () -> Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP,
                List.of(exit()), "GPL", 0, "xdppkt_bad"));
        assertFalse(e instanceof XdpUnavailableException, "a rejected program is not a missing privilege: " + e);
        assertEquals("EACCES", e.errnoName());
        assertTrue(e.getMessage().startsWith("bpf(BPF_PROG_LOAD, XDP program 'xdppkt_bad', 1 insns) failed: EACCES"),
                e.getMessage());
        assertTrue(e.hint().startsWith("the verifier rejected the program; verifier log:\n"), e.hint());
        assertTrue(e.hint().contains("R0 !read_ok"), e.hint());

        // Reading past the end of the 24-byte xdp_md context.
        e = assertThrows(XdpException.class, () -> Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP,
                List.of(ldxW(R0, R1, 64), exit()), "GPL", Bpf.BPF_F_XDP_HAS_FRAGS, "xdppkt_bad"));
        assertTrue(e.getMessage().contains("2 insns, BPF_F_XDP_HAS_FRAGS)"), e.getMessage());
        assertTrue(e.hint().contains("invalid bpf_context access off=64"), e.hint());
    }

    @Test
    @Privileged
    void infoOfSomethingThatIsNotABpfObjectNamesTheFd() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.allocateErrno(arena);
            int efd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC);
            try {
                XdpException e = assertThrows(XdpException.class, () -> Bpf.progInfo(efd));
                assertEquals("EINVAL", e.errnoName());
                assertEquals("fd " + efd + " is not a BPF object", e.hint());
                assertTrue(e.getMessage().startsWith("bpf(BPF_OBJ_GET_INFO_BY_FD, program fd " + efd + ")"), e.getMessage());
            } finally {
                Libc.close(errno, efd);
            }
        }
        // This command answers a closed fd with EBADFD (77), not EBADF.
        XdpException e = assertThrows(XdpException.class, () -> Bpf.mapInfo(100_000));
        assertEquals("EBADFD", e.errnoName());
        assertEquals("fd 100000 is not open", e.hint());
    }

    @Test
    @Privileged
    void unknownProgramTypeIsNamedInTheError() {
        // prog type 0 (BPF_PROG_TYPE_UNSPEC) does not exist: EINVAL, and no verifier log to show.
        XdpException e = assertThrows(XdpException.class, () -> Bpf.progLoad(0, 0,
                List.of(mov64Imm(R0, 0), exit()), "GPL", 0, "xdppkt_bad"));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().startsWith("bpf(BPF_PROG_LOAD, prog type 0 program 'xdppkt_bad'"), e.getMessage());
    }

    @Test
    @Privileged
    void testRunRunsTheProgramOnTheGivenBytes() throws Exception {
        // return ctx->data_end - ctx->data == 60 ? XDP_TX : XDP_DROP
        List<Insn> p = List.of(
                Insn.ldxW(Insn.R2, R1, RedirectProgram.XDP_MD_DATA),
                Insn.ldxW(Insn.R3, R1, RedirectProgram.XDP_MD_DATA_END),
                Insn.sub64Reg(Insn.R3, Insn.R2),
                mov64Imm(R0, Bpf.XDP_TX),
                Insn.jeqImm(Insn.R3, 60, 1),
                mov64Imm(R0, Bpf.XDP_DROP),
                exit());
        int fd = Bpf.progLoad(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP, p, "GPL", 0, "xdppkt_trun");
        try {
            byte[] frame = new byte[60];
            frame[59] = 7;
            Bpf.TestRun run = Bpf.progTestRun(fd, frame, null, 1);
            assertEquals(Bpf.XDP_TX, run.retval());
            assertArrayEquals(frame, run.dataOut());
            assertEquals(0, run.ctxOut().length);
            assertEquals(Bpf.XDP_DROP, Bpf.progTestRun(fd, new byte[61], null, 3).retval());
            // The kernel runs XDP only on frames that hold an Ethernet header.
            XdpException e = assertThrows(XdpException.class, () -> Bpf.progTestRun(fd, new byte[13], null, 1));
            assertEquals("EINVAL", e.errnoName());
            assertTrue(e.hint().startsWith("the kernel refuses this input: an XDP test frame needs 14"), e.hint());
        } finally {
            Bpf.closeFd(fd);
        }
        String stats = Bpf.verifierStats(Bpf.BPF_PROG_TYPE_XDP, Bpf.BPF_XDP, p, "GPL", 0, "xdppkt_trun");
        assertTrue(stats.matches("(?s).*processed \\d+ insns \\(limit \\d+\\).*"), stats);
        XdpException rejected = assertThrows(XdpException.class, () -> Bpf.verifierStats(Bpf.BPF_PROG_TYPE_XDP,
                Bpf.BPF_XDP, List.of(exit()), "GPL", 0, "xdppkt_bad"));
        assertTrue(rejected.hint().contains("R0 !read_ok"), rejected.hint());
    }
}

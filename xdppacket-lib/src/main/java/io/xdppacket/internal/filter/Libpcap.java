package io.xdppacket.internal.filter;

import io.xdppacket.XdpUnavailableException;
import io.xdppacket.XdpUnavailableException.Missing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The system's libpcap, through FFM: the reference compiler of pcap-filter expressions
 * ({@code man 7 pcap-filter}) and its classic BPF interpreter.
 *
 * <p>The library is loaded on first use, never before: an application that uses no filter does
 * not need libpcap installed. Tried in order: {@code libpcap.so.0.8} (Debian's and Ubuntu's name of
 * the runtime package's library), {@code libpcap.so.1} (most other distributions),
 * {@code libpcap.so} (a development link). Without any of them, {@link #compile} throws an
 * {@link XdpUnavailableException} that says which package to install.
 *
 * <p>Thread-safe: calls are serialized (libpcap before 1.8 had a non-reentrant parser, and
 * compiling is rare).
 */
public final class Libpcap {
    private Libpcap() {}

    /** The library names tried, in order. */
    static final List<String> LIBRARY_NAMES = List.of("libpcap.so.0.8", "libpcap.so.1", "libpcap.so");

    /** {@code DLT_EN10MB}: Ethernet, the frame as XDP sees it (pcap/dlt.h). */
    public static final int DLT_EN10MB = 1;
    /** The snapshot length we compile for: tcpdump's default; filters return it for "accept". */
    public static final int SNAPLEN = 262144;
    /** {@code PCAP_NETMASK_UNKNOWN} (pcap/pcap.h): "ip broadcast" then fails to compile instead of guessing. */
    static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;

    /** {@code struct bpf_insn} of pcap/bpf.h: u16 code, u8 jt, u8 jf, u32 k. */
    static final StructLayout BPF_INSN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("code"),
            JAVA_BYTE.withName("jt"),
            JAVA_BYTE.withName("jf"),
            JAVA_INT.withName("k")).withName("bpf_insn");
    private static final long I_CODE = BPF_INSN.byteOffset(groupElement("code"));
    private static final long I_JT = BPF_INSN.byteOffset(groupElement("jt"));
    private static final long I_JF = BPF_INSN.byteOffset(groupElement("jf"));
    private static final long I_K = BPF_INSN.byteOffset(groupElement("k"));

    /** {@code struct bpf_program} of pcap/bpf.h: u_int bf_len, struct bpf_insn *bf_insns. */
    static final StructLayout BPF_PROGRAM = MemoryLayout.structLayout(
            JAVA_INT.withName("bf_len"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("bf_insns")).withName("bpf_program");
    private static final long P_LEN = BPF_PROGRAM.byteOffset(groupElement("bf_len"));
    private static final long P_INSNS = BPF_PROGRAM.byteOffset(groupElement("bf_insns"));

    /** The downcalls, once the library is found. */
    record Handles(String library, MethodHandle openDead, MethodHandle compile, MethodHandle geterr,
                           MethodHandle freecode, MethodHandle close, MethodHandle bpfFilter, MethodHandle libVersion) {}

    /** The loaded library, or the reason it could not be: decided once, on first use. */
    private static Handles handles;
    private static String unavailable;

    private static synchronized Handles handles() throws XdpUnavailableException {
        if (handles == null && unavailable == null) {
            try {
                handles = load(LIBRARY_NAMES);
            } catch (IllegalStateException e) {
                unavailable = e.getMessage();
            }
        }
        if (handles == null) throw new XdpUnavailableException(Missing.OPERATING_SYSTEM, unavailable);
        return handles;
    }

    /**
     * Loads the first of {@code names} that the dynamic linker finds.
     *
     * @throws IllegalStateException if none is found (the message says what to install) or the one
     *                               found lacks a function
     */
    static Handles load(List<String> names) {
        for (String name : names) {
            SymbolLookup lookup;
            try {
                // The global arena: once loaded, the library stays for the JVM's life.
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                continue;
            }
            Linker linker = Linker.nativeLinker();
            return new Handles(name,
                    linker.downcallHandle(find(lookup, name, "pcap_open_dead"),
                            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT)),
                    linker.downcallHandle(find(lookup, name, "pcap_compile"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)),
                    linker.downcallHandle(find(lookup, name, "pcap_geterr"), FunctionDescriptor.of(ADDRESS, ADDRESS)),
                    linker.downcallHandle(find(lookup, name, "pcap_freecode"), FunctionDescriptor.ofVoid(ADDRESS)),
                    linker.downcallHandle(find(lookup, name, "pcap_close"), FunctionDescriptor.ofVoid(ADDRESS)),
                    linker.downcallHandle(find(lookup, name, "bpf_filter"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)),
                    linker.downcallHandle(find(lookup, name, "pcap_lib_version"), FunctionDescriptor.of(ADDRESS)));
        }
        throw new IllegalStateException("pcap-filter expressions are compiled by libpcap, and this system has none (tried "
                + String.join(", ", names) + "): install it (Debian, Ubuntu: apt-get install libpcap0.8; "
                + "Fedora, RHEL: dnf install libpcap), or pass the classic BPF program as 'tcpdump -ddd EXPRESSION' "
                + "prints it on a host that has tcpdump");
    }

    private static MemorySegment find(SymbolLookup lookup, String library, String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalStateException(
                library + " has no symbol " + symbol + ": not a libpcap this library can use (needs libpcap 1.0 or later)"));
    }

    /** Whether libpcap can be loaded here (loads it if that was not tried yet). */
    public static boolean isAvailable() {
        try {
            handles();
            return true;
        } catch (XdpUnavailableException e) {
            return false;
        }
    }

    /** libpcap's own version string, e.g. {@code "libpcap version 1.10.3 (with TPACKET_V3)"}. */
    public static synchronized String version() throws XdpUnavailableException {
        try {
            MemorySegment s = (MemorySegment) handles().libVersion().invokeExact();
            return s.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (XdpUnavailableException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Compiles a pcap-filter expression for Ethernet frames, as tcpdump does for an Ethernet
     * interface ({@code pcap_open_dead(DLT_EN10MB, 262144)}, {@code pcap_compile} with the
     * optimizer on and an unknown netmask). The frame is what is on the wire: a VLAN tag is part of
     * it, so {@code vlan 100 and udp} works as on a capture file.
     *
     * @throws IllegalArgumentException if libpcap rejects the expression: its message and the expression
     * @throws XdpUnavailableException if libpcap is not installed: the message names the package
     */
    public static synchronized ClassicProgram compile(String expression) throws XdpUnavailableException {
        if (expression == null) throw new IllegalArgumentException("filter expression is null");
        Handles h = handles();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pcap = (MemorySegment) h.openDead().invokeExact(DLT_EN10MB, SNAPLEN);
            if (pcap.equals(MemorySegment.NULL)) throw new OutOfMemoryError("pcap_open_dead returned NULL");
            try {
                MemorySegment program = arena.allocate(BPF_PROGRAM);
                int r = (int) h.compile().invokeExact(pcap, program, arena.allocateFrom(expression), 1,
                        PCAP_NETMASK_UNKNOWN);
                if (r != 0) {
                    MemorySegment err = (MemorySegment) h.geterr().invokeExact(pcap);
                    throw new IllegalArgumentException("filter expression '" + expression + "': "
                            + err.reinterpret(Integer.MAX_VALUE).getString(0));
                }
                try {
                    int n = program.get(JAVA_INT, P_LEN);
                    MemorySegment insns = program.get(ADDRESS, P_INSNS).reinterpret(n * BPF_INSN.byteSize());
                    List<ClassicInsn> out = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        long at = i * BPF_INSN.byteSize();
                        out.add(new ClassicInsn(Short.toUnsignedInt(insns.get(JAVA_SHORT, at + I_CODE)),
                                Byte.toUnsignedInt(insns.get(JAVA_BYTE, at + I_JT)),
                                Byte.toUnsignedInt(insns.get(JAVA_BYTE, at + I_JF)),
                                insns.get(JAVA_INT, at + I_K)));
                    }
                    return new ClassicProgram(out);
                } finally {
                    h.freecode().invokeExact(program);
                }
            } finally {
                h.close().invokeExact(pcap);
            }
        } catch (IllegalArgumentException | OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling " + h.library() + " failed", t);
        }
    }

    /**
     * Runs {@code program} on {@code frame} with libpcap's classic BPF interpreter ({@code bpf_filter}),
     * wire length = captured length = the array's length: the reference the translation to XDP is
     * checked against. Returns the program's result as an unsigned 32-bit value; 0 = no match.
     *
     * @throws XdpUnavailableException if libpcap is not installed
     */
    public static long filter(ClassicProgram program, byte[] frame) throws XdpUnavailableException {
        Handles h = handles();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(BPF_INSN, program.size());
            for (int i = 0; i < program.size(); i++) {
                ClassicInsn c = program.get(i);
                long at = i * BPF_INSN.byteSize();
                insns.set(JAVA_SHORT, at + I_CODE, (short) c.code());
                insns.set(JAVA_BYTE, at + I_JT, (byte) c.jt());
                insns.set(JAVA_BYTE, at + I_JF, (byte) c.jf());
                insns.set(JAVA_INT, at + I_K, c.k());
            }
            // One spare byte, so that an empty frame still has an address to pass.
            MemorySegment data = arena.allocate(frame.length + 1L);
            MemorySegment.copy(frame, 0, data, JAVA_BYTE, 0, frame.length);
            return Integer.toUnsignedLong((int) h.bpfFilter().invokeExact(insns, data, frame.length, frame.length));
        } catch (Throwable t) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException("calling " + h.library() + " bpf_filter failed", t);
        }
    }
}

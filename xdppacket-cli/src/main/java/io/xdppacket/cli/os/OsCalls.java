package io.xdppacket.cli.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the command needs for itself and that are no part of the library's API: pinning
 * a hot thread to a CPU, entering a network namespace, {@code bpf(2)} for the bench's drop sink, and
 * asking whether a standard stream is a terminal.
 * Each call returns the errno (0 on success); the command turns it into a message.
 */
final class OsCalls {
    private OsCalls() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout ERRNO_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_LAYOUT.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    /** {@code __NR_bpf}: 321 on x86_64, 280 on aarch64 (the kernel's syscall tables). */
    static final long SYS_BPF = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 321;
        case "aarch64" -> 280;
        default -> -1;
    };
    static final int CLONE_NEWNET = 0x40000000;
    static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    static final int ENOSYS = 38;

    private static final MethodHandle SCHED_SETAFFINITY = fn("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = fn("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = fn("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // isatty sets errno (ENOTTY) on the usual "no" answer, which nobody needs: no capture.
    private static final MethodHandle ISATTY = LINKER.downcallHandle(LINKER.defaultLookup().find("isatty").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SYSCALL3 = fn("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    /** The result of a call: its return value, and errno when it failed. */
    record Result(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    private static Result result(long value, MemorySegment state) {
        return new Result(value, value < 0 ? (int) ERRNO.get(state, 0L) : 0);
    }

    static Result schedSetAffinity(MemorySegment cpuSet) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(ERRNO_LAYOUT);
            return result((int) SCHED_SETAFFINITY.invokeExact(st, 0, cpuSet.byteSize(), cpuSet), st);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static Result open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(ERRNO_LAYOUT);
            return result((int) OPEN.invokeExact(st, a.allocateFrom(path), flags), st);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(ERRNO_LAYOUT), fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static Result setns(int fd, int nstype) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(ERRNO_LAYOUT);
            return result((int) SETNS.invokeExact(st, fd, nstype), st);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The ifindex of {@code name} in the thread's namespace, or a failure (0 becomes -1). */
    static Result ifNameToIndex(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(ERRNO_LAYOUT);
            int index = (int) IF_NAMETOINDEX.invokeExact(st, a.allocateFrom(name));
            return result(index == 0 ? -1 : index, st);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Whether {@code fd} is a terminal ({@code isatty(3)}). */
    static boolean isatty(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code bpf(cmd, attr, attr.byteSize())}. */
    static Result bpf(int cmd, MemorySegment attr) {
        if (SYS_BPF < 0) return new Result(-1, ENOSYS);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(ERRNO_LAYOUT);
            return result((long) SYSCALL3.invokeExact(st, SYS_BPF, (long) cmd, attr, attr.byteSize()), st);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A zeroed {@code union bpf_attr}-sized buffer (the kernel checks that bytes past what it knows are zero). */
    static MemorySegment bpfAttr(Arena arena) {
        return arena.allocate(ValueLayout.JAVA_LONG, 16);
    }
}

package io.xdppacket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * What the misuse guard costs each read and write call: {@link UseGuard#enter()} (a CAS and a read
 * of the closed flag) and {@link UseGuard#exit()} (a release store), uncontended, on one thread, as
 * every call of the one reading (or writing) thread pays it. {@code baseline} is the same loop body
 * without the guard. One op is one call; the engine benchmarks include it per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class UseGuardBench {
    private SocketResources resources;
    private UseGuard guard;
    private long work;

    @Setup
    public void setUp() throws XdpException {
        resources = SocketResources.create("UseGuardBench");
        guard = resources.newGuard("bench");
    }

    @TearDown
    public void tearDown() {
        resources.markClosed();
        resources.release();
    }

    @Benchmark
    public long enterExit() throws XdpClosedException {
        guard.enter();
        try {
            return ++work;
        } finally {
            guard.exit();
        }
    }

    @Benchmark
    public long baseline() {
        return ++work;
    }
}

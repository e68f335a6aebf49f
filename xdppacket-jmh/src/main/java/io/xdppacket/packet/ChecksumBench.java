package io.xdppacket.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.pcap4j.util.ByteArrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The Internet checksum alone, of an IPv4 header (20 bytes) and of a full-size UDP datagram (1480):
 * {@link InetChecksum} over an array and over native memory; a {@link ByteBuf} summed with its 32-bit
 * getter (as in {@link BuildBench}); pcap4j's {@code ByteArrays.calcChecksum}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ChecksumBench {
    @Param({"20", "1480"})
    public int length;

    private byte[] data;
    private Arena arena;
    private MemorySegment segment;
    private ByteBuf direct;

    @Setup
    public void setUp() {
        data = new byte[length];
        new Random(1).nextBytes(data);
        arena = Arena.ofConfined();
        segment = arena.allocate(length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, segment, 0, length);
        direct = Unpooled.directBuffer(length).writeBytes(data);
    }

    @TearDown
    public void tearDown() {
        direct.release();
        arena.close();
    }

    @Benchmark
    public int toolkitArray() {
        return InetChecksum.of(data, 0, length);
    }

    @Benchmark
    public int toolkitSegment() {
        return InetChecksum.of(segment, 0, length);
    }

    @Benchmark
    public int nettyDirect() {
        return ~BuildBench.fold(BuildBench.sum(direct, 0, length, 0)) & 0xFFFF;
    }

    @Benchmark
    public short pcap4j() {
        return ByteArrays.calcChecksum(data);
    }
}
